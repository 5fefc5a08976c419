"""The long documents measured as what they now are, background jobs (issue 15): the full export of the task list,
an export of ~10,000 rows beside it (the writer's memory must not grow with the rows), and the quarterly report of
the busiest quarter, all as the office.

Two ways, one for each bench:
- in a child process (`bench`): the job written by jobs.services.run, what the Celery task calls, timed, with the
  growth of the process's peak resident memory over the job (VmHWM reset first); the job and its file are removed
  afterwards;
- through gunicorn and a real Celery worker (`bench_http`, `bench --http`): the request that starts the job (it must
  answer a redirect to the job's page), then the job's page asked as JSON every 0.2 s, as the page's own polling
  does, until the file is ready; the progress values it reported, the time from the request to the file, the
  download checked, and the peak resident memory of the worker's pool process over the job.
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import QueryDict

from core.dates import local_today
from jobs.models import Job
from oversight import background, report
from oversight.dashboard.periods import quarter
from tasks.models import Task

from .bench_mail import child_database_url

from .processes import child_pids, high_water_kb, reset_high_water, resident_kb, stop_group

FULL_EXPORT_URL = "/tasks/export.xlsx"
REPORT_URL = "/reports/implementation.docx"
SMALLER_EXPORT_ROWS = 10_000
JOB_TIMEOUT = 900  # seconds: the job's own time limit is PORTAL_JOB_TIME_LIMIT
POLL = 0.2
QUEUED_TIMEOUT = 120  # seconds a job may wait for the (idle) worker before the run says it never started


@dataclass
class JobResult:
    key: str
    label: str
    url: str
    rows: int
    state: str = "ok"
    request_ms: float | None = None  # the request that started the job (HTTP only)
    seconds: float | None = None  # to the file ready: the job's run (in-process); from the request (HTTP)
    memory_mb: float | None = None  # peak resident growth of the process that wrote the file, over the job
    peak_mb: float | None = None  # that process's peak resident size during the job
    progress_seen: list[float] = field(default_factory=list)  # distinct progress values the page reported (HTTP)
    bytes: int | None = None


def deadline_window(rows: int) -> tuple[str, int]:
    """A deadline window in the middle of the data holding at most `rows` tasks (its query string and how many it
    holds); every task when there are no more than that."""
    with_deadline = Task.objects.filter(deadline__isnull=False).order_by("deadline")
    total = with_deadline.count()
    if total <= rows:
        return "", Task.objects.count()
    deadlines = with_deadline.values_list("deadline", flat=True)
    start = deadlines[(total - rows) // 2]
    end = deadlines[(total - rows) // 2 + rows - 1]
    held = Task.objects.filter(deadline__gte=start, deadline__lte=end).count()
    while held > rows and end > start:  # tasks sharing the last day may push it over: end a day earlier
        end -= datetime.timedelta(days=1)
        held = Task.objects.filter(deadline__gte=start, deadline__lte=end).count()
    query = urlencode({"deadline_from": start.strftime("%d/%m/%Y"), "deadline_to": end.strftime("%d/%m/%Y")})
    return query, held


def busiest_quarter(office, today: datetime.date | None = None) -> tuple[str, int]:
    """The quarter (of the last five years and the next) whose report holds most tasks, and how many."""
    today = today or local_today()
    best = ("", -1)
    for year in range(today.year - 5, today.year + 2):
        for number in range(1, 5):
            period = quarter(year, number)
            form = background.report_form(office, QueryDict(f"period={period.key}"), today)
            rows = report.size(office, form.selection(), today)
            if rows > best[1]:
                best = (period.key, rows)
    return best


def job_specs(office) -> list[JobResult]:
    window, window_rows = deadline_window(SMALLER_EXPORT_ROWS)
    period, report_rows = busiest_quarter(office)
    return [
        JobResult("export_10k", f"Xuất Excel ({window_rows} dòng)", f"{FULL_EXPORT_URL}?{window}", window_rows),
        JobResult("export", f"Xuất Excel toàn bộ ({Task.objects.count()} dòng)", FULL_EXPORT_URL,
                  Task.objects.count()),
        JobResult("report", f"Báo cáo {period} ({report_rows} nhiệm vụ)", f"{REPORT_URL}?period={period}",
                  report_rows),
    ]


def kind_of(url: str) -> str:
    return background.REPORT_DOCX if urlsplit(url).path == REPORT_URL else background.TASKS_XLSX


# --- in a child process -------------------------------------------------------------------------------------


def job_in_this_process(kind: str, query: str, owner_id: int) -> dict:
    """Write one job as the worker would (jobs.services.run), timed; remove it and its file afterwards."""
    from jobs import services

    job = Job.objects.create(owner_id=owner_id, kind=kind, title="bench", params={"query": query})
    try:
        reset_high_water()
        before = resident_kb()
        started = time.perf_counter()
        state = services.run(job.pk)
        seconds = time.perf_counter() - started
        peak = high_water_kb()
        job.refresh_from_db()
        return {"state": state, "seconds": seconds, "memory_mb": (peak - before) / 1024, "peak_mb": peak / 1024,
                "bytes": job.size, "error": job.error}
    finally:
        job.refresh_from_db()
        if job.file:
            job.file.storage.delete(job.file.name)
        job.delete()


def measure_in_child(result: JobResult, owner) -> JobResult:
    query = urlsplit(result.url).query
    code = ("import django, json, sys; django.setup(); from devtools.bench_jobs import job_in_this_process; "
            "print('JOB ' + json.dumps(job_in_this_process(sys.argv[1], sys.argv[2], int(sys.argv[3]))))")
    # The database this process uses (a test's own, too), and its media folder for the file.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
               DATABASE_URL=child_database_url(), MEDIA_ROOT=str(settings.MEDIA_ROOT))
    done = subprocess.run([sys.executable, "-c", code, kind_of(result.url), query, str(owner.pk)],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=JOB_TIMEOUT)
    line = next((line for line in done.stdout.splitlines() if line.startswith("JOB ")), None)
    if line is None:
        result.state = "error: " + (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return result
    figures = json.loads(line[4:])
    if figures["state"] != "done":
        result.state = f"error: job {figures['state']}: {figures['error']}"
    result.seconds, result.memory_mb, result.peak_mb = figures["seconds"], figures["memory_mb"], figures["peak_mb"]
    result.bytes = figures["bytes"]
    return result


# --- through gunicorn and a Celery worker ---------------------------------------------------------------------


class JobWorker:
    """`celery -A config worker` (prefork, one pool process) with the server's environment: the same database,
    broker folder, media folder and queue as the gunicorn that publishes the jobs."""

    def __init__(self, work: Path, env: dict[str, str]):
        self.env = dict(env)
        self.queue = env["CELERY_TASK_DEFAULT_QUEUE"]
        self.log_path = work / "celery-worker.log"
        self.command = [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool=prefork",
                        "--concurrency=1", "-Q", self.queue, "-n", f"{self.queue}@%h", "--without-gossip",
                        "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> JobWorker:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command, cwd=settings.BASE_DIR, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while " ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{self.log_tail()}")
            time.sleep(0.2)
        return self

    def pool_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def stop(self) -> None:
        stop_group(self.process, grace=20)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def measure_http(result: JobResult, port: int, jar: dict[str, str], worker: JobWorker, get) -> JobResult:
    """`get(port, path, cookies, timeout, accept)` -> (status, headers, body, ms): devtools.bench_http.client.get."""
    pools = worker.pool_pids()
    before = {pid: resident_kb(pid) for pid in pools}
    for pid in pools:
        reset_high_water(pid)
    started = time.perf_counter()
    status, headers, _body, ms = get(port, result.url, jar, 60)
    result.request_ms = ms
    location = dict((name.lower(), value) for name, value in headers).get("location", "")
    if status not in (301, 302, 303) or "/files/" not in location:
        result.state = f"error: HTTP {status} (a redirect to the job's page was expected)"
        return result
    path = urlsplit(location).path
    while True:
        status, _headers, body, _ms = get(port, path, jar, 30, accept="application/json")
        if status != 200:
            result.state = f"error: the job's page answered HTTP {status}"
            return result
        state = json.loads(body)
        if not result.progress_seen or state["progress"] != result.progress_seen[-1]:
            result.progress_seen.append(state["progress"])
        if state["state"] not in ("queued", "running"):
            break
        waited = time.perf_counter() - started
        if waited > JOB_TIMEOUT or (state["state"] == "queued" and waited > QUEUED_TIMEOUT):
            result.state = f"error: still {state['state']} after {waited:.0f} s (worker log: {worker.log_path})"
            return result
        time.sleep(POLL)
    result.seconds = time.perf_counter() - started
    if state["state"] != "done":
        result.state = f"error: job {state['state']}: {state.get('error')}"
        return result
    peaks = {pid: high_water_kb(pid) for pid in pools if Path(f"/proc/{pid}").exists()}
    if peaks:
        pid = max(peaks, key=lambda p: peaks[p] - before.get(p, 0))
        result.memory_mb, result.peak_mb = (peaks[pid] - before.get(pid, 0)) / 1024, peaks[pid] / 1024
    status, _headers, body, _ms = get(port, urlsplit(state["download_url"]).path, jar, 120)
    if status != 200 or not body.startswith(b"PK"):
        result.state = f"error: the download answered HTTP {status} with {len(body)} bytes"
    result.bytes = len(body)
    return result


def fmt_progress(values: list[float]) -> str:
    shown = [f"{value:.2f}" for value in values]
    return " ".join(shown if len(shown) <= 8 else [*shown[:4], "…", *shown[-3:]])
