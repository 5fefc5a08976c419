"""The task list as an Excel workbook (/tasks/export.xlsx): the rows the list shows, one per task.

The caller hands in the queryset (visible_tasks(user) through the list's filter), so the export can never show
more than the list. The workbook is written with openpyxl's write-only mode: rows go to a temporary file as they
are read, a few kilobytes of memory per row whatever the number of tasks, and the database is read in chunks: the
lead unit in the tasks' own query (Task.objects.with_lead_unit), each chunk's coordinating units in one more.
"""
from __future__ import annotations

import datetime
import tempfile

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tasks.models import Assignment, Task
from tasks.standing import Standing

DATE_FORMAT = "dd/mm/yyyy"
CHUNK = 500


def _columns():
    # (header, width in characters). Translated at call time, so the headers follow the active language
    # (Vietnamese by default).
    return [
        (_("STT"), 6),
        (_("Nhiệm vụ"), 60),
        (_("Văn bản"), 28),
        (_("Nội dung chỉ đạo"), 12),
        (_("Đơn vị chủ trì"), 30),
        (_("Đơn vị phối hợp"), 36),
        (_("Hạn xử lý"), 12),
        (_("Hạn ban đầu"), 12),
        (_("Thời hạn (như văn bản ghi)"), 24),
        (_("Tình trạng"), 24),
        (_("Trạng thái"), 20),
        (_("Tiến độ (%)"), 10),
        (_("Ngày hoàn thành"), 14),
        (_("Ngày giao"), 12),
        (_("Kỳ báo cáo"), 12),
        (_("Đường dẫn"), 40),
    ]


def export_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What one row needs, without a query per row (the queryset must carry the `standing` annotation)."""
    coordinating = (Assignment.objects.filter(role=Assignment.Role.COORDINATING).select_related("unit")
                    .order_by("unit__order", "unit__name"))
    return (
        tasks.with_lead_unit()
        .select_related("directive__resolution")
        .prefetch_related(Prefetch("assignments", queryset=coordinating, to_attr="coordinating"))
        .defer("description", "search_text")
    )


def _date_cell(ws, value: datetime.date | None):
    cell = WriteOnlyCell(ws, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def _row(ws, number: int, task: Task, standing_labels: dict, status_labels: dict, cycle_labels: dict):
    directive = task.directive
    document = str(directive.resolution) if directive else ""
    place = " ".join(part for part in (directive.section_path, directive.label) if part) if directive else ""
    completed = timezone.localtime(task.completed_at).date() if task.completed_at else None
    assigned = timezone.localtime(task.created_at).date() if task.created_at else None
    wrap = Alignment(wrap_text=True, vertical="top")
    title = WriteOnlyCell(ws, value=task.title)
    title.alignment = wrap
    return [
        number,
        title,
        document,
        place,
        task.lead_unit_name or "",
        "; ".join(assignment.unit.name for assignment in task.coordinating),
        _date_cell(ws, task.deadline),
        _date_cell(ws, task.original_deadline),
        task.deadline_text,
        standing_labels.get(task.standing, task.standing),
        status_labels.get(task.status, task.status),
        task.progress,
        _date_cell(ws, completed),
        _date_cell(ws, assigned),
        cycle_labels.get(task.report_cycle, ""),
        settings.SITE_URL + task.get_absolute_url(),
    ]


def write_workbook(tasks: QuerySet[Task], fileobj) -> int:
    """Write the tasks as an .xlsx into fileobj; return the number of task rows."""
    columns = _columns()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Nhiệm vụ"))
    # Everything that sits before the rows in the sheet's XML must be set before the first row is written.
    ws.freeze_panes = "C2"
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    border = Border(bottom=Side(style="thin"))
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header = []
    for title, _width in columns:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill, cell.border, cell.alignment = bold, fill, border, header_alignment
        header.append(cell)
    ws.append(header)

    standing_labels = {value: str(label) for value, label in Standing.choices}
    status_labels = {value: str(label) for value, label in Task.Status.choices}
    cycle_labels = {value: str(label) for value, label in Task.ReportCycle.choices}
    count = 0
    for count, task in enumerate(export_queryset(tasks).iterator(chunk_size=CHUNK), start=1):
        ws.append(_row(ws, count, task, standing_labels, status_labels, cycle_labels))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    wb.save(fileobj)
    return count


def workbook_file(tasks: QuerySet[Task]):
    """The workbook in a temporary file (in memory while small, on disk past a few megabytes), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    write_workbook(tasks, spool)
    spool.seek(0)
    return spool


def export_filename(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"nhiem-vu-{today:%Y-%m-%d}.xlsx"
