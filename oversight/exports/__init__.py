"""The task list as an Excel workbook (/tasks/export.xlsx), with the list's filters, in two sheets:

- "Theo nội dung chỉ đạo": one row per directive concerned by the tasks exported (its document, its place in it,
  its short title, how many units, how many done, on time and overdue, the standing that needs attention first, the
  nearest deadline), read from tasks.selectors.directives (the one place those figures are counted);
- "Theo đơn vị": the rows the list shows, one per unit's task.

The caller hands in the queryset (visible_tasks(user) through the list's filter), so the export can never show
more than the list; the directives are those of the exported tasks, counted over what this person may see.

Memory: the sheets are written with openpyxl's write-only mode (rows go to a temporary file as they are read, a
few kilobytes per row whatever the number of tasks; oversight.exports.layout sets each row's height as it goes),
and the tasks are read in chunks: the lead unit in the tasks' own query (Task.objects.with_lead_unit), each
chunk's coordinating units in one more. The directive rows (a few hundred at most) are read at once, since their
column widths come from their content.
"""
from __future__ import annotations

import datetime
import tempfile

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from resolutions.models import Directive
from tasks.choices import STATUS_HEADING
from tasks.models import Assignment, Task
from tasks.selectors.directives import directive_rows
from tasks.standing import STANDING_HEADING, Standing

from .layout import Column, SheetWriter, Styles, new_workbook, width_for

CHUNK = 500


def export_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What one row needs, without a query per row (the queryset must carry the `standing` annotation)."""
    coordinating = (Assignment.objects.filter(role=Assignment.Role.COORDINATING).select_related("unit")
                    .order_by("unit__order", "unit__name"))
    return (
        tasks.with_lead_unit()
        .select_related("directive__resolution")
        .prefetch_related(Prefetch("assignments", queryset=coordinating, to_attr="coordinating"))
        .defer("description", "search_text", "directive__text", "directive__resolution__body")
    )


def export_directives(user, tasks: QuerySet[Task]) -> QuerySet[Directive]:
    """The directive rows of the exported tasks, in the order of the documents and of the directives in each."""
    return directive_rows(user, sort="document").filter(pk__in=tasks.values("directive_id"))


# --- the sheet by directive ------------------------------------------------------------------------------------


def _directive_columns(documents: list[str], places: list[str]) -> list[Column]:
    # Headings translated at call time, so they follow the active language (Vietnamese by default).
    return [
        Column(_("STT"), 5, centered=True),
        Column(_("Văn bản"), width_for(documents, least=14, most=36), wrap=True),
        Column(_("Mục"), width_for(places, least=6, most=10), wrap=True),
        Column(_("Nội dung chỉ đạo"), 34, wrap=True),
        Column(_("Số đơn vị"), 8, centered=True),
        Column(_("Đã hoàn thành"), 10, centered=True),
        Column(_("Trong đó đúng hạn"), 10, centered=True),
        Column(_("Quá hạn"), 8, centered=True),
        Column(_("Tình hình của đơn vị chậm nhất"), 18, wrap=True),
        Column(_("Hạn gần nhất"), 11, date=True, centered=True),
    ]


def write_directive_sheet(workbook, styles: Styles, directives: QuerySet[Directive]) -> int:
    rows = list(directives)
    names = [row.resolution.display_name for row in rows]
    columns = _directive_columns(names, [row.place for row in rows])
    sheet = SheetWriter(workbook, _("Theo nội dung chỉ đạo"), columns, styles, frozen="E2")
    standing_labels = {value: str(label) for value, label in Standing.choices}
    for number, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
        sheet.append([
            number, name, row.place, row.title, row.unit_count, row.done_count, row.done_on_time_count,
            row.overdue_count, standing_labels.get(row.worst_standing, ""), row.nearest_deadline,
        ])
    sheet.close()
    return len(rows)


# --- the sheet by unit ------------------------------------------------------------------------------------------

# The columns printed on paper: the ones a meeting reads. The others stay on screen, for sorting and filtering.
PRINTED_TASK_COLUMNS = 11


def _task_columns(documents: list[str], leads: list[str]) -> list[Column]:
    return [
        Column(_("STT"), 5, centered=True),
        Column(_("Nhiệm vụ"), 28, wrap=True),
        Column(_("Văn bản"), width_for(documents, least=14, most=26), wrap=True),
        Column(_("Nội dung chỉ đạo"), 9, wrap=True),
        Column(_("Đơn vị chủ trì"), width_for(leads, least=14, most=20), wrap=True),
        Column(_("Đơn vị phối hợp"), 20, wrap=True),
        Column(_("Hạn xử lý"), 11, date=True, centered=True),
        Column(str(STANDING_HEADING), 14, wrap=True),
        Column(str(STATUS_HEADING), 13, wrap=True),
        Column(_("Tiến độ (%)"), 8, centered=True),
        Column(_("Ngày hoàn thành"), 11, date=True, centered=True),
        # Not printed:
        Column(_("Hạn ban đầu"), 11, date=True, centered=True),
        Column(_("Thời hạn (như văn bản ghi)"), 20, wrap=True),
        Column(_("Ngày giao"), 11, date=True, centered=True),
        Column(_("Kỳ báo cáo"), 12, wrap=True),
        Column(_("Đường dẫn"), 40),
    ]


def _lead_names(tasks: QuerySet[Task]) -> list[str]:
    return list(Assignment.objects.filter(role=Assignment.Role.LEAD, task__in=tasks.values("pk"))
                .values_list("unit__name", flat=True).distinct())


def _task_values(number: int, task: Task, labels: dict) -> list:
    directive = task.directive
    completed = timezone.localtime(task.completed_at).date() if task.completed_at else None
    assigned = timezone.localtime(task.created_at).date() if task.created_at else None
    return [
        number,
        task.title,
        directive.resolution.display_name if directive else "",
        directive.place if directive else "",
        task.lead_unit_name or "",
        "; ".join(assignment.unit.name for assignment in task.coordinating),
        task.deadline,
        labels["standing"].get(task.standing, task.standing),
        labels["status"].get(task.status, task.status),
        task.progress,
        completed,
        task.original_deadline,
        task.deadline_text,
        assigned,
        labels["cycle"].get(task.report_cycle, ""),
        settings.SITE_URL + task.get_absolute_url(),
    ]


def write_task_sheet(workbook, styles: Styles, tasks: QuerySet[Task], documents: list[str]) -> int:
    columns = _task_columns(documents, _lead_names(tasks))
    sheet = SheetWriter(workbook, _("Theo đơn vị"), columns, styles, frozen="C2", printed=PRINTED_TASK_COLUMNS)
    labels = {
        "standing": {value: str(label) for value, label in Standing.choices},
        "status": {value: str(label) for value, label in Task.Status.choices},
        "cycle": {value: str(label) for value, label in Task.ReportCycle.choices},
    }
    count = 0
    for count, task in enumerate(export_queryset(tasks).iterator(chunk_size=CHUNK), start=1):
        sheet.append(_task_values(count, task, labels))
    sheet.close()
    return count


# --- the workbook -------------------------------------------------------------------------------------------------


def write_workbook(fileobj, *, tasks: QuerySet[Task], directives: QuerySet[Directive]) -> int:
    """Write the workbook into fileobj: the directives' sheet, then the tasks' one; return the number of tasks."""
    workbook = new_workbook()
    styles = Styles()
    directives = list(directives)
    write_directive_sheet(workbook, styles, directives)
    documents = {row.resolution.display_name for row in directives}
    count = write_task_sheet(workbook, styles, tasks, sorted(documents))
    workbook.save(fileobj)
    return count


def workbook_file(user, tasks: QuerySet[Task]):
    """The workbook of `tasks` (already limited to what `user` sees) in a temporary file (in memory while small, on
    disk past a few megabytes), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    write_workbook(spool, tasks=tasks, directives=export_directives(user, tasks))
    spool.seek(0)
    return spool


def export_filename(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"nhiem-vu-{today:%Y-%m-%d}.xlsx"
