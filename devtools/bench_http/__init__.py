"""The main pages through a real server: `python manage.py bench_http --tasks N`.

devtools.bench times the pages in-process with Django's test client, which adds its own cost (and once pointed
optimisation at the wrong places). This times the same pages the way a browser meets them:

1. makes sure the generated set holds N tasks (devtools.loadgen, as `bench` does), then waits for a quiet machine
   (1-minute load average and share of busy cores under their limits, at most --max-wait seconds; a run on a busy
   machine is measured anyway and says so);
2. picks the users and pages with devtools.bench.build_context/page_specs and signs each user in here with
   django.test.Client.force_login, on the same database: their session cookies are what the server is sent;
3. in a temporary folder (removed whatever happens): collectstatic into a STATIC_ROOT of its own, then gunicorn
   (deploy/gunicorn.conf.py, 2 workers, a free loopback port) with production-like settings (server.py: DEBUG off,
   this process's SECRET_KEY and database), waiting for /healthz; the page `dashboard_built` gets a second server
   whose cache is a dummy one (the board built on every request, as in the in-process bench);
4. per page: warm-up requests, then N sequential GETs (latency, not throughput) over http.client, each of which
   must answer 200 with a real body; meanwhile the CPU used by other processes (machine.py), flagged above a limit;
5. prints p50 / p95 / mean per page in the in-process bench's table style and, last, the line
   `bench_http: tasks=N home_p50_ms=... list_p50_ms=... ... ics_mean_ms=... admin_p50_ms=... failed=F busy=...`;
6. stops each gunicorn by its own pid (its process group if anything lingers), in `finally`.

The ICS feed's time alternates between two levels (Python's cyclic GC runs a full collection every other request
there): its figure on the last line is the mean, not the p50. It measures the code it belongs to; comparing two code
trees (the same pages before and after a change) needs a runner that knows neither tree's modules.
"""
from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from devtools import bench, loadgen
from devtools.bench_mail import BenchError

from .client import HttpResult, measure
from .machine import CpuWatch, Quiet, loadavg, wait_for_quiet
from .server import Server, collectstatic, server_env

REQUESTS = 60
WARMUP = 5
EXPORT_REQUESTS = 10
TIMEOUT = 120  # seconds per request: the 5,000-row export takes a few
MAX_LOAD, MAX_BUSY, MAX_WAIT, POLL, MAX_OTHER_CPU = 1.5, 0.3, 600, 30, 0.15
# The figure of each page on the last line: the p50, but the ICS feed's mean (see the module's docstring).
LAST_LINE_STAT = {"ics": "mean"}
ICS_NOTE = "two levels, alternating (Python's cyclic GC): read the mean"

__all__ = ["BenchError", "run"]


def sign_in(users) -> dict[int, dict[str, str]]:
    """A cookie jar per user, holding the session force_login made in this process's database."""
    jars = {}
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # each sign-in's security and axes lines are noise in the benchmark's output
    try:
        for user in users:
            if user.pk not in jars:
                client = Client()
                client.force_login(user)
                jars[user.pk] = {name: morsel.value for name, morsel in client.cookies.items()}
    finally:
        logging.disable(previous)
    return jars


def pick_pages(ctx, only: set[str] | None) -> list[tuple[HttpResult, object]]:
    specs = bench.page_specs(ctx)
    known = [spec[0] for spec in specs]
    if only and only - set(known):
        raise BenchError(f"unknown page(s) {', '.join(sorted(only - set(known)))}; the pages: {', '.join(known)}")
    pages = []
    for key, label, who, user, url in specs:
        if only and key not in only:
            continue
        result = HttpResult(key=key, label=label, who=who, url=url() if callable(url) else url)
        if not bench.available(key, result.url):
            result.state = "n/a"
        pages.append((result, user))
    return pages


def run(tasks: int, *, units: int | None = None, requests: int = REQUESTS, warmup: int = WARMUP,
        export_requests: int = EXPORT_REQUESTS, workers: int = 2, only: set[str] | None = None,
        max_load: float = MAX_LOAD, max_busy: float = MAX_BUSY, max_wait: float = MAX_WAIT, poll: float = POLL,
        max_other_cpu: float = MAX_OTHER_CPU, out=print) -> tuple[str, list[HttpResult]]:
    if requests < 1 or warmup < 0 or export_requests < 1 or workers < 1:
        raise BenchError("--requests, --export-requests and --workers must be at least 1, --warmup at least 0")
    summary = loadgen.generate(tasks, units=units, log=out)
    out(summary.line())
    pages = pick_pages(bench.build_context(), only)  # before the wait: a mistyped --only fails at once
    quiet = wait_for_quiet(max_load, max_busy, max_wait, poll, out)
    out(quiet.line())
    jars = sign_in(user for result, user in pages if result.state == "ok")
    servers: dict[str, Server] = {}
    work = None
    restore = _stop_on_sigterm()
    try:
        work = Path(tempfile.mkdtemp(prefix="bench_http."))
        out(f"temporary folder: {work}")
        env = server_env(work)
        collectstatic(env)
        dbname = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
        for result, user in pages:
            if result.state != "ok":
                continue
            kind = "no-cache" if result.key == "dashboard_built" else "server"
            server = servers.get(kind)
            if server is None:
                # In the dict before it starts: one that fails to boot is still stopped below.
                server = servers[kind] = Server(work, env, workers=workers, no_cache=kind == "no-cache")
                server.start()
                out(f"gunicorn ({kind}) pid {server.process.pid} answers /healthz on port {server.port}: "
                    f"{' '.join(server.command[2:])}")
            heavy = result.key == "export"
            watch = CpuWatch(server.process.pid, dbname)
            watch.start()
            measure(result, server.port, jars[user.pk], requests=export_requests if heavy else requests,
                    warmup=min(warmup, 1) if heavy else warmup, timeout=TIMEOUT)
            result.other_cpu = watch.stop()
            if result.key == "ics":
                result.note = ICS_NOTE
            out(f"  measured {result.key:<15} {result.state[:60]:<8} p50={bench.fmt(result.p50)} ms "
                f"mean={bench.fmt(result.mean)} ms other_cpu={bench.fmt(result.other_cpu, 2)}")
        server_log = [line for server in servers.values() for line in server.log_lines()]
    finally:
        for server in servers.values():
            server.stop()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        restore()
    results = [result for result, _user in pages]
    return report(tasks, summary, quiet, results, server_log, max_other_cpu, out), results


def _stop_on_sigterm():
    """A SIGTERM to the command still runs the `finally` that stops gunicorn and removes the folder."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_term(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    return lambda: signal.signal(signal.SIGTERM, previous)


def report(tasks, summary, quiet: Quiet, results: list[HttpResult], server_log: list[str], max_other_cpu: float,
           out) -> str:
    header = ("trang", "người xem", "trạng thái", "p50 ms", "p95 ms", "trung bình ms", "lần đo", "byte", "CPU khác")
    rows = [(r.label, r.who, r.state, bench.fmt(r.p50), bench.fmt(r.p95), bench.fmt(r.mean), str(len(r.times_ms)),
             "n/a" if r.bytes is None else str(r.bytes), bench.fmt(r.other_cpu, 2)) for r in results]
    out("")
    out(f"tasks={tasks} units={summary.units} database={connection.vendor} users={get_user_model().objects.count()} "
        f"through gunicorn over HTTP, one request at a time")
    bench.print_table(header, rows, out)
    for result in results:
        if result.note:
            out(f"note: {result.key}: {result.note}")
    out(f"{quiet.line()}; after the pages: {loadavg()[0]:.2f}")
    busy = [r.key for r in results if r.other_cpu is not None and r.other_cpu > max_other_cpu]
    if busy:
        out(f"WARNING: other processes used more than {max_other_cpu} core during {', '.join(busy)}: "
            "measure again before comparing")
    if server_log:
        out(f"gunicorn wrote {len(server_log)} log lines; the last ones:")
        for line in server_log[-10:]:
            out("  " + line[:300])
    failed = [r.key for r in results if r.state not in ("ok", "n/a")]
    figures = " ".join(
        f"{r.key}_{LAST_LINE_STAT.get(r.key, 'p50')}_ms="
        f"{bench.fmt(getattr(r, LAST_LINE_STAT.get(r.key, 'p50')) if r.state == 'ok' else None)}"
        for r in results
    )
    line = (f"bench_http: tasks={tasks} {figures} failed={len(failed)} quiet={'yes' if quiet.quiet else 'no'} "
            f"busy={','.join(busy) or '-'}")
    out(line)
    return line
