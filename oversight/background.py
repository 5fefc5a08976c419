"""The export and the report as background jobs (jobs.registry): what runs in the worker when the request found the
document too big to write while the person waits (oversight.views decides, with PORTAL_EXPORT_DIRECT_ROWS and
PORTAL_REPORT_DIRECT_ROWS).

Each runner reads the page's parameters as the page itself would (the list's filters, the dashboard's selection)
and what the person may see when the job runs, not when it was asked for.
"""
from __future__ import annotations

from django.http import QueryDict

from core.dates import local_today
from jobs.registry import Progress, Written
from tasks.access import visible_tasks
from tasks.filters import TaskFilter

from . import exports, report
from .dashboard.forms import DashboardFilterForm
from .dashboard.periods import current_quarter

TASKS_XLSX = "tasks_xlsx"
REPORT_DOCX = "report_docx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def exported_tasks(user, query: QueryDict):
    """What /tasks/ shows with these parameters (a bad field is ignored, the others still filter, as in the list)."""
    return TaskFilter(query, visible_tasks(user), user=user).qs


def report_form(user, query: QueryDict, today) -> DashboardFilterForm:
    """The report's selection from the page's parameters: the quarter we are in unless a period is given."""
    return DashboardFilterForm(query, user=user, today=today, default_period=current_quarter(today))


def write_tasks_xlsx(owner, params: dict, out, progress: Progress) -> Written:
    tasks = exported_tasks(owner, QueryDict(params.get("query", "")))
    exports.write_workbook(out, tasks=tasks, directives=exports.export_directives(owner, tasks), progress=progress)
    return Written(exports.export_filename(), XLSX)


def write_report_docx(owner, params: dict, out, progress: Progress) -> Written:
    today = local_today()
    data = report.collect(owner, report_form(owner, QueryDict(params.get("query", "")), today).selection(), today)
    out.write(report.render(data, progress=progress))
    return Written(report.filename(data), DOCX)


RUNNERS = {TASKS_XLSX: write_tasks_xlsx, REPORT_DOCX: write_report_docx}
