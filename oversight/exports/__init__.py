"""The task list as an Excel workbook (/tasks/export.xlsx), with the list's filters, in two sheets:

- "Theo nội dung chỉ đạo": one row per directive concerned by the tasks exported (its document, its place in it,
  its short title, how many units, how many done, on time and overdue, the standing that needs attention first, the
  nearest deadline), read from tasks.selectors.directives (the one place those figures are counted);
- "Theo đơn vị": the rows the list shows, one per unit's task.

The caller hands in the queryset (visible_tasks(user) through the list's filter), so the export can never show
more than the list; the directives are those of the exported tasks, counted over what this person may see.

Time and memory, whatever the number of tasks: the sheets are written a row at a time straight into the file
(oversight.exports.layout), and the rows are read as they are written: the tasks as plain values (no model
instance per row) with their lead unit in the same query (Task.objects.with_lead_unit), each chunk's coordinating
units in one more; the directives a chunk at a time. Documents and places, which repeat from row to row, are named
once each. A caller showing progress hands in `progress(done, total)`: called once the directives' sheet is
written, then every CHUNK tasks.
"""
from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resolutions.models import Directive, Resolution
from tasks.choices import STATUS_HEADING
from tasks.models import Assignment, Task
from tasks.selectors.directives import directive_rows
from tasks.standing import STANDING_HEADING, Standing

from .layout import Book, Column, SheetWriter, width_for

CHUNK = 1000

Progress = Callable[[int, int], None]

# A task row, as read: what its cells need, in the database (no model instance per row).
TASK_FIELDS = ("pk", "title", "directive__resolution_id", "directive__section_path", "directive__label",
               "lead_unit_name", "deadline", "standing", "status", "progress", "completed_at", "original_deadline",
               "deadline_text", "created_at", "report_cycle")


def export_queryset(tasks: QuerySet[Task]):
    """What one row needs (TASK_FIELDS), as tuples of plain values: the lead unit in the same query; the
    coordinating units are read a chunk at a time beside it (the queryset must carry the `standing` annotation)."""
    return tasks.with_lead_unit().values_list(*TASK_FIELDS)


def export_directives(user, tasks: QuerySet[Task]) -> QuerySet[Directive]:
    """The directive rows of the exported tasks, in the order of the documents and of the directives in each."""
    return directive_rows(user, sort="document").filter(pk__in=tasks.values("directive_id"))


class Names:
    """The documents and places of the exported tasks' directives, each named once by its own rule
    (Resolution.display_name, Directive.place): a few thousand at most, however many rows name them."""

    def __init__(self, tasks: QuerySet[Task]):
        directives = Directive.objects.filter(pk__in=tasks.values("directive_id"))
        self.documents = {
            document.pk: document.display_name
            for document in Resolution.objects.filter(pk__in=directives.values("resolution_id"))
            .only("kind", "number", "title")
        }
        self._places: dict[tuple[str, str], str] = {}
        self.places = [self.place(section_path, label) for section_path, label in
                       directives.order_by().values_list("section_path", "label").distinct()]

    def place(self, section_path: str, label: str) -> str:
        key = (section_path, label)
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = Directive(section_path=section_path, label=label).place
        return found


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


def write_directive_rows(sheet: SheetWriter, directives: QuerySet[Directive], names: Names) -> int:
    standing_labels = {value: str(label) for value, label in Standing.choices}
    # Model instances (the short title is a rule of the model), a chunk at a time, without their documents: those
    # are named from `names`.
    rows = directives.select_related(None).defer("scope_as_written", "deadline_text").iterator(chunk_size=CHUNK)
    number = 0
    for number, row in enumerate(rows, start=1):
        sheet.append([
            number, names.documents[row.resolution_id], names.place(row.section_path, row.label), row.title,
            row.unit_count, row.done_count, row.done_on_time_count, row.overdue_count,
            standing_labels.get(row.worst_standing, ""), row.nearest_deadline,
        ])
    sheet.close()
    return number


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
    """The lead units' names, each once (without order_by, Assignment's ordering would join the tasks into the
    DISTINCT and return a name per task)."""
    return list(Assignment.objects.filter(role=Assignment.Role.LEAD, task__in=tasks.values("pk"))
                .order_by("unit__name").values_list("unit__name", flat=True).distinct())


def _chunks(rows, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _coordinating(task_ids: list[int]) -> dict[int, str]:
    """{task pk: its coordinating units, in the directory's order, joined by "; "}, for a chunk of tasks."""
    units: dict[int, list[str]] = {}
    for task_id, name in (Assignment.objects.filter(role=Assignment.Role.COORDINATING, task_id__in=task_ids)
                          .order_by("task_id", "unit__order", "unit__name").values_list("task_id", "unit__name")):
        units.setdefault(task_id, []).append(name)
    return {task_id: "; ".join(names) for task_id, names in units.items()}


class _TaskUrl:
    """A task page's full address: the URLconf read once, then only the number changes (reverse() for each of
    100,000 rows would be a good part of the export's time)."""

    MARK = 2_147_483_647

    def __init__(self):
        self.before, self.after = (settings.SITE_URL + reverse("tasks:detail", args=[self.MARK])).split(
            str(self.MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"


def _day(zone):
    """The local date of a moment (None for none), the time zone looked up once rather than on every row."""
    return lambda moment: moment.astimezone(zone).date() if moment else None


def write_task_rows(sheet: SheetWriter, tasks: QuerySet[Task], names: Names, *, progress: Progress | None = None,
                    total: int = 0) -> int:
    standing_labels = {value: str(label) for value, label in Standing.choices}
    status_labels = {value: str(label) for value, label in Task.Status.choices}
    cycle_labels = {value: str(label) for value, label in Task.ReportCycle.choices}
    documents, place, url, local_day = names.documents, names.place, _TaskUrl(), _day(timezone.get_current_timezone())
    count = 0
    for chunk in _chunks(export_queryset(tasks).iterator(chunk_size=CHUNK), CHUNK):
        coordinating = _coordinating([row[0] for row in chunk])
        for (pk, title, document_id, section_path, label, lead, deadline, standing, status, done_percent,
             completed_at, original_deadline, deadline_text, created_at, cycle) in chunk:
            count += 1
            sheet.append([
                count,
                title,
                documents[document_id] if document_id else "",
                place(section_path, label) if document_id else "",
                lead or "",
                coordinating.get(pk, ""),
                deadline,
                standing_labels.get(standing, standing),
                status_labels.get(status, status),
                done_percent,
                local_day(completed_at),
                original_deadline,
                deadline_text,
                local_day(created_at),
                cycle_labels.get(cycle, ""),
                url(pk),
            ])
        if progress:
            progress(count, max(total, count))
    sheet.close()
    return count


# --- the workbook -------------------------------------------------------------------------------------------------


def write_workbook(fileobj, *, tasks: QuerySet[Task], directives: QuerySet[Directive],
                   progress: Progress | None = None, total: int | None = None) -> int:
    """Write the workbook into fileobj: the directives' sheet, then the tasks' one; return the number of tasks.

    `progress(done, total)`, when given, is called once the directives' sheet is written (done 0) and then every
    CHUNK tasks, `total` being the number of tasks: counted here unless the caller, who counted already, says."""
    if progress and total is None:
        total = tasks.count()
    names = Names(tasks)
    documents = sorted(set(names.documents.values()))
    book = Book(fileobj)
    by_directive = book.sheet(_("Theo nội dung chỉ đạo"), _directive_columns(documents, names.places), frozen="E2")
    by_unit = book.sheet(_("Theo đơn vị"), _task_columns(documents, _lead_names(tasks)), frozen="C2",
                         printed=PRINTED_TASK_COLUMNS)
    write_directive_rows(by_directive, directives, names)
    if progress:
        progress(0, total)
    count = write_task_rows(by_unit, tasks, names, progress=progress, total=total or 0)
    book.close()
    return count


def workbook_file(user, tasks: QuerySet[Task], progress: Progress | None = None, total: int | None = None):
    """The workbook of `tasks` (already limited to what `user` sees) in a temporary file (in memory while small, on
    disk past a few megabytes), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    write_workbook(spool, tasks=tasks, directives=export_directives(user, tasks), progress=progress, total=total)
    spool.seek(0)
    return spool


def export_filename(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"nhiem-vu-{today:%Y-%m-%d}.xlsx"
