#!/usr/bin/env bash
# Load test of the unit task list through gunicorn (issue 7): 50 concurrent users, wrk on loopback.
#
#   scripts/loadtest.sh                      # 100,000 tasks in portal_bench, 50 connections for 30 s
#   TASKS=10000 DURATION=20s scripts/loadtest.sh
#
# What it does, in order:
#   1. production-like settings from the environment: DEBUG=0, a throw-away SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
#      DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench);
#      SECURE_SSL_REDIRECT=0 and SESSION_COOKIE_SECURE=0, because wrk talks plain HTTP to gunicorn here, where in
#      production a TLS proxy sits in front (DESIGN.md, "Running modes");
#   2. migrate, `generate_load --tasks $TASKS` (does nothing when the data is there), collectstatic into a
#      temporary STATIC_ROOT (DEBUG=0 serves hashed files through whitenoise);
#   3. signs in $CONNECTIONS different unit leaders on the server side (no password exists for generated
#      accounts) and writes their session cookies into a wrk Lua script that rotates them, so 50 users means 50
#      sessions, not one session hammered 50 times;
#   4. starts gunicorn (deploy/gunicorn.conf.py) with two workers on 127.0.0.1:$PORT, checks that every session
#      gets the list (HTTP 200), warms up, then runs wrk for $DURATION with --latency and a $WRK_TIMEOUT timeout;
#      the Lua script counts any answer other than 200;
#   5. stops gunicorn (by its own pid) whatever happens.
# Traffic goes to 127.0.0.1 only; the run is bounded by $DURATION.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
TASKS=${TASKS:-100000}
PORT=${PORT:-8041}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
WORKERS=${WORKERS:-2}
# wrk counts a request slower than this as a timeout and leaves it out of the latency figures: long enough that
# an overloaded server shows its real latency rather than a column of zeros.
WRK_TIMEOUT=${WRK_TIMEOUT:-15s}
LIST_QUERY=${LIST_QUERY:-standing=overdue&standing=due_soon&standing=on_track}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

export DEBUG=0
# generate_load is a development tool: installed with DEBUG off only when asked for.
export PORTAL_DEVTOOLS=1
export SECRET_KEY=${SECRET_KEY:-loadtest-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')}
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
WORK=$(mktemp -d /tmp/loadtest.XXXXXX)
export STATIC_ROOT=$WORK/static
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== database: ${DATABASE_URL}, tasks: ${TASKS}"
$PY manage.py migrate --noinput -v0
$PY manage.py generate_load --tasks "$TASKS" | tail -1
$PY manage.py collectstatic --noinput -v0

echo "== sessions for ${CONNECTIONS} unit leaders"
$PY manage.py shell -v0 -c "
import json
from django.conf import settings
from django.test import Client
from units.models import Membership
from devtools import loadgen
leaders = (Membership.objects.filter(unit__code__startswith=loadgen.UNIT_CODE_PREFIX, role='leader')
           .select_related('user').order_by('unit__code', 'user_id'))
seen, cookies = set(), []
for membership in leaders:
    if membership.unit_id in seen:
        continue
    seen.add(membership.unit_id)
    client = Client()
    client.force_login(membership.user)
    cookies.append(settings.SESSION_COOKIE_NAME + '=' + client.cookies[settings.SESSION_COOKIE_NAME].value)
    if len(cookies) == ${CONNECTIONS}:
        break
json.dump(cookies, open('$WORK/cookies.json', 'w'))
print(len(cookies), 'sessions')
"

$PY - "$WORK" <<'EOF'
import json, sys
work = sys.argv[1]
cookies = json.load(open(f"{work}/cookies.json"))
lua = ["cookies = {" + ", ".join(json.dumps(c) for c in cookies) + "}"]
lua.append("""
local threads = {}
local next_id = 0
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end
counter = 0
bad = 0
function request()
    counter = counter + 1
    return wrk.format("GET", nil, {["Cookie"] = cookies[((counter + id * 7) % #cookies) + 1]})
end
function response(status, headers, body)
    if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("bad") end
    io.write(string.format("answers other than 200: %d\\n", total))
    io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, %.1f requests/s\\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        summary.requests / (summary.duration / 1e6)))
end
""")
open(f"{work}/rotate.lua", "w").write("\n".join(lua))
EOF

echo "== gunicorn: ${WORKERS} workers on 127.0.0.1:${PORT}"
# The deployment's own settings (deploy/gunicorn.conf.py: sync workers, timeouts), with two workers on the test
# port; the access log is off so that writing it does not compete with the workers for the two cores.
CONF=()
[ -f deploy/gunicorn.conf.py ] && CONF=(-c deploy/gunicorn.conf.py)
.venv/bin/gunicorn "${CONF[@]}" config.wsgi:application --workers "$WORKERS" --bind "127.0.0.1:${PORT}" \
    --access-logfile /dev/null --log-level warning --pid "$WORK/gunicorn.pid" &
GUNICORN_PID=$!
URL="http://127.0.0.1:${PORT}/tasks/?${LIST_QUERY}"
for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:${PORT}/healthz" && break
    sleep 0.2
done
bad=0
for cookie in $($PY -c "import json; print(' '.join(json.load(open('$WORK/cookies.json'))))"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: ${cookie}" "$URL")
    [ "$code" = 200 ] || bad=$((bad + 1))
done
echo "sessions answered with something other than 200 before the run: ${bad}"
[ "$bad" = 0 ] || { echo "refusing to measure redirects or errors" >&2; exit 1; }

echo "== warm-up ${WARMUP}"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" -s "$WORK/rotate.lua" "$URL" >/dev/null
echo "== wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} --latency ${URL}"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -s "$WORK/rotate.lua" "$URL"
