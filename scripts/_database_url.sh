# Sourced by backup.sh and restore.sh: turn a DATABASE_URL into libpq's PG* variables, so that the password never
# appears on a command line (where `ps` would show it to every user of the machine).
# Usage: pg_env_from_url "postgres://user:password@host:5432/name?sslmode=require"
pg_env_from_url() {
    local url="$1"
    case "$url" in
        postgres://*|postgresql://*) ;;
        *) echo "not a PostgreSQL URL (postgres://...): ${url%%:*}://..." >&2; return 2 ;;
    esac
    eval "$(python3 - "$url" <<'PY'
import shlex, sys
from urllib.parse import parse_qs, unquote, urlparse
u = urlparse(sys.argv[1])
pairs = {
    "PGHOST": u.hostname or "", "PGPORT": str(u.port or ""), "PGUSER": unquote(u.username or ""),
    "PGPASSWORD": unquote(u.password or ""), "PGDATABASE": unquote(u.path.lstrip("/")),
}
query = parse_qs(u.query)
if "sslmode" in query:
    pairs["PGSSLMODE"] = query["sslmode"][0]
for key, value in pairs.items():
    if value:
        print(f"export {key}={shlex.quote(value)}")
    else:
        print(f"unset {key}")
PY
)"
}
