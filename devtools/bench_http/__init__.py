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
5. the long documents as background jobs (devtools.bench_jobs; not with --no-jobs, nor with an --only that leaves
   out "jobs"): a third gunicorn whose thresholds send every export and report to a job, a real Celery worker with
   the same environment (database, broker folder, media folder, a queue of the run's own), and per document the
   request that starts the job, its page polled as JSON until the file is ready, the download, and the worker's
   memory;
6. prints p50 / p95 / mean per page in the in-process bench's table style, the jobs' table and, last, the line
   `bench_http: tasks=N home_p50_ms=... list_p50_ms=... ... ics_mean_ms=... admin_p50_ms=... export_rows=...
   export_request_ms=... export_s=... report_s=... failed=F busy=...`;
7. stops each gunicorn and the worker by their own pids (their process groups if anything lingers), in `finally`.

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
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from devtools import bench, bench_jobs, loadgen
from devtools.bench_mail import BenchError

from .client import HttpResult, get, measure
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
        max_other_cpu: float = MAX_OTHER_CPU, jobs: bool = True, out=print) -> tuple[str, list[HttpResult]]:
    if requests < 1 or warmup < 0 or export_requests < 1 or workers < 1:
        raise BenchError("--requests, --export-requests and --workers must be at least 1, --warmup at least 0")
    summary = loadgen.generate(tasks, units=units, log=out)
    out(summary.line())
    ctx = bench.build_context()
    pages = pick_pages(ctx, only - {"jobs"} if only else None)  # before the wait: a mistyped --only fails at once
    if only and "jobs" in only and not only - {"jobs"}:
        pages = []
    jobs = jobs and (not only or "jobs" in only)
    job_results = bench_jobs.job_specs(ctx.office) if jobs else []
    quiet = wait_for_quiet(max_load, max_busy, max_wait, poll, out)
    out(quiet.line())
    jars = sign_in([*(user for result, user in pages if result.state == "ok"), *([ctx.office] if jobs else [])])
    servers: dict[str, Server] = {}
    worker = None
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
        if job_results:
            # Every export and report a job (thresholds 0), published to a queue of this run's own, which one
            # Celery worker with the same environment takes.
            jobs_env = {**env, "CELERY_TASK_DEFAULT_QUEUE": f"bench-jobs-{uuid.uuid4().hex[:8]}",
                        "PORTAL_EXPORT_DIRECT_ROWS": "0", "PORTAL_REPORT_DIRECT_ROWS": "0"}
            server = servers["jobs"] = Server(work, jobs_env, workers=workers, name="jobs")
            server.start()
            out(f"gunicorn (jobs) pid {server.process.pid} answers /healthz on port {server.port}")
            worker = bench_jobs.JobWorker(work, jobs_env).start()
            out(f"celery worker pid {worker.process.pid} on queue {worker.queue}")
            for result in job_results:
                bench_jobs.measure_http(result, server.port, jars[ctx.office.pk], worker, get)
                out(f"  measured {result.key:<15} {result.state[:60]:<8} request={bench.fmt(result.request_ms)} ms "
                    f"ready={bench.fmt(result.seconds, 2)} s worker_mb={bench.fmt(result.memory_mb)}")
        server_log = [line for server in servers.values() for line in server.log_lines()]
    finally:
        if worker is not None:
            worker.stop()
        for server in servers.values():
            server.stop()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        restore()
    results = [result for result, _user in pages]
    line = report(tasks, summary, quiet, results, server_log, max_other_cpu, out, job_results)
    return line, [*results, *job_results]


def _stop_on_sigterm():
    """A SIGTERM to the command still runs the `finally` that stops gunicorn and removes the folder."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_term(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    return lambda: signal.signal(signal.SIGTERM, previous)


def report(tasks, summary, quiet: Quiet, results: list[HttpResult], server_log: list[str], max_other_cpu: float,
           out, job_results: list[bench_jobs.JobResult] = ()) -> str:
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
    if job_results:
        out("")
        out("background jobs through gunicorn and a Celery worker (the request, its page polled as JSON until ready):")
        bench.print_table(
            ("tệp", "trạng thái", "dòng", "yêu cầu ms", "sẵn sàng sau s", "bộ nhớ worker +MB", "đỉnh MB", "byte",
             "tiến độ thấy được"),
            [(r.label, r.state, str(r.rows), bench.fmt(r.request_ms), bench.fmt(r.seconds, 2), bench.fmt(r.memory_mb),
              bench.fmt(r.peak_mb), "n/a" if r.bytes is None else str(r.bytes), bench_jobs.fmt_progress(r.progress_seen))
             for r in job_results], out)
    out(f"{quiet.line()}; after the pages: {loadavg()[0]:.2f}")
    busy = [r.key for r in results if r.other_cpu is not None and r.other_cpu > max_other_cpu]
    if busy:
        out(f"WARNING: other processes used more than {max_other_cpu} core during {', '.join(busy)}: "
            "measure again before comparing")
    if server_log:
        out(f"gunicorn wrote {len(server_log)} log lines; the last ones:")
        for line in server_log[-10:]:
            out("  " + line[:300])
    failed = [r.key for r in [*results, *job_results] if r.state not in ("ok", "n/a")]
    figures = " ".join(
        f"{r.key}_{LAST_LINE_STAT.get(r.key, 'p50')}_ms="
        f"{bench.fmt(getattr(r, LAST_LINE_STAT.get(r.key, 'p50')) if r.state == 'ok' else None)}"
        for r in results
    )
    line = (f"bench_http: tasks={tasks} {figures}{job_figures(job_results)} failed={len(failed)} "
            f"quiet={'yes' if quiet.quiet else 'no'} busy={','.join(busy) or '-'}")
    out(line)
    return line


def job_figures(job_results) -> str:
    """The jobs' part of the last line: rows, the starting request, the time to the file and the worker's memory
    growth of each document (" export_rows=100000 export_request_ms=35.2 export_s=12.40 export_mb=14 ...")."""
    parts = []
    for r in job_results:
        ok = r.state == "ok"
        parts += [f"{r.key}_rows={r.rows}", f"{r.key}_request_ms={bench.fmt(r.request_ms if ok else None)}",
                  f"{r.key}_s={bench.fmt(r.seconds if ok else None, 2)}",
                  f"{r.key}_mb={bench.fmt(r.memory_mb if ok else None, 0)}"]
    return "".join(" " + part for part in parts)
