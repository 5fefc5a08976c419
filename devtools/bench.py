"""The benchmark behind `manage.py bench --tasks N` (issue 7).

On the configured database: make sure the generated set holds N tasks (devtools/loadgen.py), then for each page
measure the server time of the full request (django.test.Client in-process, force_login, the whole middleware
stack; warmed up first) over at least 30 requests, and its SQL query count (CaptureQueriesContext, on one extra
request outside the timings). Beside them, two references measured in the same run:

- the floor: `floor_view` below, a bare view that runs only the unit task list's main query (the same queryset,
  the same filter, the first page) and returns JSON, called through RequestFactory: what the list would cost with
  no middleware, no count, no template;
- the Django admin changelist (/admin/tasks/task/) as the office.

It also times the daily reminder sweep at N, in a child process (so its peak memory is its own): wall time and the
growth of the process's peak resident memory (getrusage maxrss) over the sweep, then the same sweep again under
tracemalloc for the peak of its Python allocations; sweep_mb is the larger of the two. The sweep runs in a transaction
that is rolled back, so every run measures the same work and leaves nothing behind.

It writes the long documents as the background jobs they are (devtools.bench_jobs): the full export, an export of
~10,000 rows beside it (memory must not grow with the rows) and the busiest quarter's report, each in a child
process as the Celery worker would, timed, with the process's memory growth.

With `--http` it then runs devtools.bench_http too (gunicorn with the production settings, each page over HTTP with
a session cookie, the jobs through a real Celery worker) and prints the two sets of figures side by side.

Pages whose URL does not resolve yet are reported "n/a". The last line printed is the contract:
`bench: tasks=N list_p95_ms=X list_queries=Q floor_ratio=R admin_ratio=A dashboard_p95_ms=D dashboard_queries=E
sweep_s=S sweep_mb=M home_p95_ms=H office_home_p95_ms=O export_rows=N export_s=S export_mb=M export_10k_mb=M
report_rows=N report_s=S report_mb=M`, and with --http also `http_home_p95_ms=… http_office_home_p95_ms=…
http_list_p95_ms=… http_export_request_ms=… http_export_s=… http_report_request_ms=… http_report_s=…`.
"""
from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib import admin
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from core.dates import local_today
from notifications.reminders import working_day_on_or_before
from notifications.sweep import sweep
from oversight.calendar_feed import feed_token, regenerate_token
from resolutions.models import Resolution
from tasks.access import visible_tasks
from tasks.filters import filter_tasks
from tasks.models import Assignment, ProgressReport, Task
from tasks.standing import Standing
from tasks.views.lists import TaskListView
from units.models import Membership, Unit

from . import bench_jobs, loadgen
from .processes import high_water_kb, reset_high_water

REQUESTS = 30
WARMUP = 3
EXPORT_ROWS = 5000
DEFAULT_PAGE_SIZE = 25
# The unit task list's filter: the open work of the unit (and its sub-units) that has a deadline.
LIST_FILTER = {"standing": [Standing.OVERDUE, Standing.DUE_SOON, Standing.ON_TRACK]}



# --- the floor --------------------------------------------------------------------------------------------------


def page_size() -> int:
    return int(TaskListView.paginate_by or DEFAULT_PAGE_SIZE)


def unit_list_queryset(user, filters: dict):
    """The unit task list's main query: the visible tasks, filtered and sorted as the list does it."""
    return filter_tasks(visible_tasks(user), filters, user=user)


def floor_view(request):
    """A bare view: the unit task list's first page, straight from the queryset to JSON."""
    rows = unit_list_queryset(request.user, LIST_FILTER)[: page_size()].values(
        "pk", "title", "deadline", "status", "progress", "standing"
    )
    return JsonResponse({"tasks": list(rows)}, json_dumps_params={"default": str})


# --- pages ------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    label: str
    url: str = ""
    who: str = ""
    state: str = "ok"  # ok | n/a | error: ...
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    note: str = ""

    @property
    def p50(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self) -> float | None:
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


@dataclass
class Context:
    office: object
    leader: object
    leader_unit: Unit
    task_pk: int | None
    document_pk: int | None
    export_query: str
    export_rows: int


def build_context() -> Context:
    office = loadgen.load_office_user()
    # A unit leader of a unit with sub-units: the home and the list cover the unit and what is below it.
    units = Unit.objects.filter(code__startswith=loadgen.UNIT_CODE_PREFIX)
    leader_unit = (units.filter(children__isnull=False, parent__isnull=False).distinct().order_by("code").first()
                   or units.order_by("code").first())
    leader = (Membership.objects.filter(unit=leader_unit, role=Membership.Role.LEADER)
              .select_related("user").order_by("user_id").first().user)
    # A task the leader's unit leads, with its reports and coordinating units: the busiest of its first 200.
    # Open, so that the page shows its actions at every size (the same page, the same queries).
    led = (Assignment.objects.filter(unit=leader_unit, role=Assignment.Role.LEAD,
                                     task__status__in=Task.OPEN_STATUSES).order_by("task_id")
           .values_list("task_id", flat=True)[:200])
    busiest = (ProgressReport.objects.filter(task_id__in=list(led)).values("task_id")
               .annotate(n=Count("id")).order_by("-n", "task_id")
               .first())
    task_pk = busiest["task_id"] if busiest else (led[0] if led else None)
    document = (Resolution.objects.filter(number__endswith=loadgen.DOCUMENT_NUMBER_SUFFIX)
                .order_by("-issued_on", "-id").first())
    # The export: a deadline window holding at most EXPORT_ROWS tasks (all of them when there are fewer), so that
    # it is a direct download (PORTAL_EXPORT_DIRECT_ROWS).
    query, rows = bench_jobs.deadline_window(EXPORT_ROWS)
    return Context(office=office, leader=leader, leader_unit=leader_unit, task_pk=task_pk,
                   document_pk=document.pk if document else None, export_query=query, export_rows=rows)


def _ics_url(user) -> str:
    token = regenerate_token(user=user)
    return reverse("oversight:calendar_feed", kwargs={"token": feed_token(token)})


def page_specs(ctx: Context):
    """(key, label, who, user, url or a callable giving it). Keys of the bench line: list, dashboard."""
    list_query = urlencode(LIST_FILTER, doseq=True)
    return [
        ("home", "Trang chủ của đơn vị (/)", "lãnh đạo đơn vị", ctx.leader, "/"),
        ("office_home", "Trang chủ của Văn phòng (/)", "văn phòng", ctx.office, "/"),
        ("list", "Danh sách nhiệm vụ của đơn vị, có lọc", "lãnh đạo đơn vị", ctx.leader, f"/tasks/?{list_query}"),
        ("office_list", "Danh sách nhiệm vụ của Văn phòng", "văn phòng", ctx.office, "/tasks/"),
        ("detail", "Chi tiết nhiệm vụ", "lãnh đạo đơn vị", ctx.leader, f"/tasks/{ctx.task_pk}/"),
        ("document", "Chi tiết văn bản", "văn phòng", ctx.office, f"/resolutions/{ctx.document_pk}/"),
        ("dashboard", "Bảng theo dõi (dashboard)", "văn phòng", ctx.office, "/dashboard/"),
        # The same page with the board built on every request (no cache): what the first visitor of a minute waits.
        ("dashboard_built", "Bảng theo dõi, dựng lại mỗi lần (không bộ đệm)", "văn phòng", ctx.office, "/dashboard/"),
        ("export", f"Xuất Excel ({ctx.export_rows} dòng)", "văn phòng", ctx.office,
         "/tasks/export.xlsx" + (f"?{ctx.export_query}" if ctx.export_query else "")),
        ("ics", "Lịch ICS của đơn vị", "lãnh đạo đơn vị", ctx.leader, lambda: _ics_url(ctx.leader)),
        ("admin", "Trang quản trị: danh sách nhiệm vụ (tham chiếu)", "văn phòng", ctx.office, "/admin/tasks/task/"),
    ]


def _path_exists(url: str) -> bool:
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


def _admin_registered() -> bool:
    return admin.site.is_registered(Task)


def available(key: str, url: str) -> bool:
    """Whether the page exists in this tree (else it is reported "n/a"); devtools.bench_http asks the same."""
    return _path_exists(url) and (key != "admin" or _admin_registered())


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def measure_page(key, label, who, user, url, requests=REQUESTS, warmup=WARMUP) -> Result:
    result = Result(key=key, label=label, who=who)
    url = url() if callable(url) else url
    result.url = url
    if not available(key, url):
        result.state = "n/a"
        return result
    client = Client()
    client.force_login(user)
    try:
        for _ in range(warmup):
            response = _get(client, url)
            if response.status_code != 200:
                result.state = f"error: HTTP {response.status_code}"
                return result
        # The request resets the query log when it starts: start from an empty log, so the capture's slice is
        # the whole request (with DEBUG on, queries before it would otherwise shift the slice).
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, url)
        if response.status_code != 200:
            result.state = f"error: HTTP {response.status_code}"
            return result
        result.queries = len(captured)
        for _ in range(requests):
            started = time.perf_counter()
            response = _get(client, url)
            result.times_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                result.state = f"error: HTTP {response.status_code}"
                return result
    except Exception as error:  # noqa: BLE001 - one broken page must not stop the others being measured
        result.state = f"error: {type(error).__name__}: {str(error)[:120]}"
    return result


def measure_floor(user, requests=REQUESTS, warmup=WARMUP) -> Result:
    result = Result(key="floor", label="Mức sàn: chỉ truy vấn chính của danh sách, trả JSON (tham chiếu)",
                    who="lãnh đạo đơn vị")
    factory = RequestFactory()
    url = "/bench/floor/?" + urlencode(LIST_FILTER, doseq=True)
    result.url = "(RequestFactory) " + url

    def once():
        # The person's scope is cached on the user object per request: start each call from a fresh one.
        for attr in ("_portal_scope", "_portal_group_names"):
            user.__dict__.pop(attr, None)
        request = factory.get(url)
        request.user = user
        return floor_view(request)

    for _ in range(warmup):
        once()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        once()
    result.queries = len(captured)
    for _ in range(requests):
        started = time.perf_counter()
        once()
        result.times_ms.append((time.perf_counter() - started) * 1000)
    return result


# --- the sweep --------------------------------------------------------------------------------------------------


def sweep_in_this_process() -> dict:
    """Run the daily sweep once, rolled back; return wall time and peak-memory growth. Used by the child."""
    # The morning run of the latest working day (digests are planned on working days only).
    day = working_day_on_or_before(local_today())
    def once():
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic():
                result = sweep(day)
                transaction.set_rollback(True)
        return result

    # First run: wall time and the growth of the process's peak resident memory, untraced. Linux keeps
    # getrusage's maxrss across exec (it would start at the parent bench's size), so the high-water mark is read
    # from /proc and reset to the current size first (devtools.processes).
    reset_high_water()
    baseline = high_water_kb()
    started = time.perf_counter()
    outcome = once()
    seconds = time.perf_counter() - started
    peak = high_water_kb()
    # Second run, the same work (the first was rolled back): the peak of Python's own allocations, which the
    # resident-memory figure hides when the sweep stays under the memory Django's start-up already touched.
    tracemalloc.start()
    once()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": seconds, "mb": max((peak - baseline) / 1024, traced_peak / 2**20),
            "rss_growth_mb": (peak - baseline) / 1024, "traced_peak_mb": traced_peak / 2**20,
            "peak_mb": peak / 1024, "outcome": str(outcome)[:200], "function": f"{sweep.__module__}.{sweep.__name__}"}


def measure_sweep() -> dict:
    """The sweep in a child process, so that its peak memory is not hidden by the pages measured before it."""
    code = ("import django, json; django.setup(); from devtools.bench import sweep_in_this_process; "
            "print('SWEEP ' + json.dumps(sweep_in_this_process()))")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
    done = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=600)
    for line in done.stdout.splitlines():
        if line.startswith("SWEEP "):
            return {"state": "ok", **json.loads(line[len("SWEEP "):])}
    return {"state": "error", "note": (done.stderr.strip().splitlines() or ["no output"])[-1][:200]}


# --- the run ----------------------------------------------------------------------------------------------------


def fmt(value, digits=1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def run(tasks: int, *, units: int | None = None, requests: int = REQUESTS, warmup: int = WARMUP,
        sweep: bool = True, only: set[str] | None = None, jobs: bool = True, http=None, out=print) -> str:
    """`http`, when given, is called with (only, jobs) after the in-process figures and returns the results of
    devtools.bench_http.run (the management command hands it in: bench_http itself builds on this module)."""
    summary = loadgen.generate(tasks, units=units, log=out)
    out(summary.line())
    ctx = build_context()
    jobs = jobs and (not only or "jobs" in only)
    asked = only
    if only:
        only = only - {"jobs"} or {"-"}  # jobs alone: no page
    overrides = dict(
        DEBUG=False,  # no query logging in the timings (CaptureQueriesContext turns it on for its own request)
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        PORTAL_ADMIN_REQUIRE_2FA=False,  # the admin reference is measured past the 2FA gate, as after a code
    )
    results = []
    # A failing page is reported in the table (with the exception); the request logger's traceback is noise here.
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.CRITICAL)
    try:
        results = _measure_all(ctx, overrides, requests, warmup, only, out)
    finally:
        request_logger.setLevel(level)
    sweep_result = measure_sweep() if sweep else {"state": "n/a", "note": "skipped"}
    job_results = []
    if jobs:
        for result in bench_jobs.job_specs(ctx.office):
            job_results.append(bench_jobs.measure_in_child(result, ctx.office))
            out(f"  measured {result.key:<12} {result.state:<8} {fmt(result.seconds, 2)} s "
                f"memory +{fmt(result.memory_mb)} MB ({result.rows} rows)")
    http_results = []
    if http:
        out("")
        out("through gunicorn (bench_http):")
        http_results = http(asked, jobs)
    return report(tasks, summary, ctx, results, sweep_result, out, job_results, http_results)


def _measure_all(ctx, overrides, requests, warmup, only, out) -> list[Result]:
    results = []
    with override_settings(**overrides):
        for key, label, who, user, url in page_specs(ctx):
            if only and key not in only:
                continue
            n = requests
            # A dummy cache for the built board only; the other pages keep the configured cache.
            no_cache = {"CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}}
            with override_settings(**(no_cache if key == "dashboard_built" else {})):
                result = measure_page(key, label, who, user, url, requests=n,
                                      warmup=1 if key == "export" else warmup)
            results.append(result)
            out(f"  measured {key:<12} {result.state:<8} p95={fmt(result.p95)} ms queries={result.queries}")
        results.append(measure_floor(ctx.leader, requests=requests, warmup=warmup))
    return results


def print_table(header, rows, out) -> None:
    """Columns padded to their widest cell under a dashed rule (devtools.bench_http prints the same table)."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        out("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


def report(tasks, summary, ctx, results, sweep_result, out, job_results=(), http_results=()) -> str:
    by_key = {r.key: r for r in results}
    rows = [(r.label, r.who, r.state, fmt(r.p50), fmt(r.p95), "n/a" if r.queries is None else str(r.queries),
             str(len(r.times_ms))) for r in results]
    header = ("trang", "người xem", "trạng thái", "p50 ms", "p95 ms", "truy vấn", "lần đo")
    out("")
    out(f"tasks={tasks} units={summary.units} database={connection.vendor} "
        f"reports={ProgressReport.objects.count()} users={get_user_model().objects.count()}")
    print_table(header, rows, out)
    if sweep_result.get("state") == "ok":
        out(f"sweep: {sweep_result['function']} {sweep_result['seconds']:.2f} s; memory: Python allocations peak "
            f"{sweep_result['traced_peak_mb']:.0f} MB, resident peak +{sweep_result['rss_growth_mb']:.0f} MB "
            f"(process peak {sweep_result['peak_mb']:.0f} MB); {sweep_result['outcome']}")
    else:
        out(f"sweep: {sweep_result.get('state')} ({sweep_result.get('note', '')})")
    if job_results:
        out("")
        out("background jobs, written in a child process as the Celery worker writes them:")
        print_table(("tệp", "trạng thái", "dòng", "giây", "bộ nhớ +MB", "đỉnh MB", "byte"),
                    [(r.label, r.state, str(r.rows), fmt(r.seconds, 2), fmt(r.memory_mb), fmt(r.peak_mb),
                      "n/a" if r.bytes is None else str(r.bytes)) for r in job_results], out)
    http_pages = {r.key: r for r in http_results if not isinstance(r, bench_jobs.JobResult)}
    if http_pages:
        out("")
        out("in-process beside through gunicorn (p50 / p95 ms):")
        print_table(("trang", "trong tiến trình", "qua gunicorn"),
                    [(r.label, f"{fmt(r.p50)} / {fmt(r.p95)}",
                      f"{fmt(http_pages[r.key].p50)} / {fmt(http_pages[r.key].p95)}" if r.key in http_pages else "n/a")
                     for r in results if r.key != "floor"], out)

    def p95(key):
        result = by_key.get(key)
        return result.p95 if result and result.state == "ok" else None

    def ratio(a, b):
        return None if a is None or not b else a / b

    def queries(key):
        result = by_key.get(key)
        return "n/a" if not result or result.state != "ok" else str(result.queries)

    line = (
        f"bench: tasks={tasks} list_p95_ms={fmt(p95('list'))} list_queries={queries('list')} "
        f"floor_ratio={fmt(ratio(p95('list'), p95('floor')), 2)} admin_ratio={fmt(ratio(p95('list'), p95('admin')), 2)} "
        f"dashboard_p95_ms={fmt(p95('dashboard'))} dashboard_queries={queries('dashboard')} "
        f"sweep_s={fmt(sweep_result.get('seconds'), 2)} sweep_mb={fmt(sweep_result.get('mb'), 0)} "
        f"home_p95_ms={fmt(p95('home'))} office_home_p95_ms={fmt(p95('office_home'))}"
        + _job_figures(job_results) + _http_figures(http_results)
    )
    out(line)
    return line


def _job_figures(job_results) -> str:
    jobs = {r.key: r for r in job_results}

    def figure(key, name, digits):
        result = jobs.get(key)
        return fmt(getattr(result, name) if result and result.state == "ok" else None, digits)

    export = jobs.get("export")
    report_job = jobs.get("report")
    return (f" export_rows={export.rows if export else 'n/a'} export_s={figure('export', 'seconds', 2)} "
            f"export_mb={figure('export', 'memory_mb', 0)} export_10k_mb={figure('export_10k', 'memory_mb', 0)} "
            f"report_rows={report_job.rows if report_job else 'n/a'} report_s={figure('report', 'seconds', 2)} "
            f"report_mb={figure('report', 'memory_mb', 0)}")


def _http_figures(http_results) -> str:
    if not http_results:
        return ""
    by_key = {r.key: r for r in http_results}

    def figure(key, name, digits=1):
        result = by_key.get(key)
        return fmt(getattr(result, name) if result and result.state == "ok" else None, digits)

    return (f" http_home_p95_ms={figure('home', 'p95')} http_office_home_p95_ms={figure('office_home', 'p95')} "
            f"http_list_p95_ms={figure('list', 'p95')} http_export_request_ms={figure('export', 'request_ms')} "
            f"http_export_s={figure('export', 'seconds', 2)} http_report_request_ms={figure('report', 'request_ms')} "
            f"http_report_s={figure('report', 'seconds', 2)}")
