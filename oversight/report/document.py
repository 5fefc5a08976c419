"""The implementation report as an editable Word document: a few pages a standing committee reads, then the
per-task detail as an appendix.

Layout after the party's administrative style (Hướng dẫn 36-HD/VPTW, Nghị định 30/2020): the issuing body at the
top left with a "*" under it and the number line, the party's name underlined at the top right with the
place-date line in italics, the title "BÁO CÁO" and its subject, numbered sections, "Nơi nhận" and the signature
block; Times New Roman 13–14, justified, on A4 with margins of 2 cm (top, bottom), 3 cm (left) and 1.5 cm (right).

The body: I. the figures, beside the previous period's; II. by unit group and by document; III. the overdue
directives by name; IV. the units most behind; V. what changed since the previous period; VI. the office's
assessment (left for the office to write). The appendix, in a landscape section, has one row per task under its
document and directive, with a header row repeated on every page; its rows are copies of one row of each kind
(layout.RowTemplate) written into the file as they come (layout.save_with_rows), and a caller showing progress
hands in `progress(done, total)`, called every PROGRESS_EVERY rows of it.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Pt

from tasks.standing import STANDING_HEADING, Standing

from .data import NAMED_UNITS, OVERDUE_DIRECTIVES, Counts, DirectiveBlock, Line, ReportData
from .layout import (CENTER, FONT, LEFT, RowTemplate, a4, add_row, body, cell_para, date_line, finish_table, fmt,
                     grid_table, heading, no_borders, page_numbers, para, percent, save_with_rows, widths)

TOP_DOCUMENTS = 15  # section II.2 lists this many documents, the rest summed in one row
TITLE_CHARS = 100  # a task's title in the appendix: a title entered by hand may be a whole paragraph
PROGRESS_EVERY = 200  # appendix rows between two calls of `progress`

Progress = Callable[[int, int], None]


def excerpt(text: str, limit: int = TITLE_CHARS) -> str:
    """The text on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def render(data: ReportData, progress: Progress | None = None) -> bytes:
    """The report as a .docx file's bytes. `progress(done, total)`, when given, is called as the appendix is
    written, `total` being its number of task rows."""
    document = Document()
    section = document.sections[0]
    a4(section)
    page_numbers(section)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    period = data.selection.period
    core = document.core_properties
    core.title = _("Báo cáo kết quả thực hiện các nội dung chỉ đạo %(period)s") % {"period": period.label}
    core.author = _("Văn phòng Tỉnh ủy Hậu Giang")
    # the language the report is written in (the requester's), for Word's spelling and hyphenation
    core.language = "en-GB" if (get_language() or "").startswith("en") else "vi-VN"

    _header(document, data)
    para(document, "", 14)
    para(document, _("BÁO CÁO"), 16, align=CENTER, bold=True, keep_with_next=True)
    para(document, _("kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy %(period)s") % {
        "period": period.label}, 14, align=CENTER, bold=True, keep_with_next=True)
    if data.selection.document or data.selection.group:
        scope = [x.display_name if hasattr(x, "display_name") else str(x)
                 for x in (data.selection.document, data.selection.group) if x]
        para(document, "(" + "; ".join(scope) + ")", 14, align=CENTER, italic=True)
    para(document, "-----", 14, align=CENTER, space_after=6)
    body(document, _(
        "Thực hiện chế độ thông tin, báo cáo, %(issuer)s báo cáo kết quả thực hiện các nội dung chỉ đạo của Ban "
        "Thường vụ Tỉnh ủy có hạn xử lý từ ngày %(start)s đến ngày %(end)s (và các nhiệm vụ thường xuyên giao "
        "trong kỳ), số liệu tính đến ngày %(today)s, như sau:"
    ) % {"issuer": data.issuer_name, "start": fmt(period.start), "end": fmt(period.end), "today": fmt(data.today)})

    _overall(document, data)
    _by_group_and_document(document, data)
    _overdue_directives(document, data)
    _units_behind(document, data)
    _changes(document, data)
    heading(document, _("VI. ĐÁNH GIÁ, ĐỀ XUẤT"))
    body(document, _("(Văn phòng Tỉnh ủy bổ sung nhận xét, đánh giá và đề xuất trước khi trình ký.)"), italic=True,
         space_after=12)
    _signature(document, data)
    out = io.BytesIO()
    appendix = _appendix(document, data)
    if appendix is None:
        document.save(out)
    else:
        table, templates = appendix
        save_with_rows(document, table, _appendix_rows(data, templates, progress), out)
    return out.getvalue()


def filename(data: ReportData) -> str:
    key = data.selection.period.key
    if key == "custom":
        key = f"{data.selection.period.start:%Y%m%d}-{data.selection.period.end:%Y%m%d}"
    return f"bao-cao-thuc-hien-chi-dao-{key}.docx"


# --- I. the figures -----------------------------------------------------------------------------------------


def counts_sentence(counts: Counts) -> str:
    sentence = _(
        "Tổng số %(total)s nhiệm vụ; hoàn thành đúng hạn %(on_time)s; hoàn thành quá hạn %(late)s; quá hạn chưa "
        "hoàn thành %(overdue)s; đang thực hiện trong hạn %(in_progress)s; thường xuyên %(ongoing)s."
    ) % {
        "total": counts.total, "on_time": counts[Standing.DONE_ON_TIME], "late": counts[Standing.DONE_LATE],
        "overdue": counts[Standing.OVERDUE], "in_progress": counts.in_progress,
        "ongoing": counts[Standing.ONGOING],
    }
    if counts.on_time_rate is not None:
        sentence += " " + _("Tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đã đến hạn: %(share)s.") % {
            "share": percent(counts.on_time_rate)}
    return sentence


def _overall(document, data: ReportData):
    heading(document, _("I. TÌNH HÌNH CHUNG"))
    counts, changes = data.counts, data.changes
    documents = sum(1 for d in data.documents if d.key is not None)
    body(document, _(
        "Trong kỳ có %(directives)s nội dung chỉ đạo của %(documents)s văn bản đến hạn hoặc đang theo dõi, giao "
        "%(units)s đơn vị chủ trì thực hiện."
    ) % {"directives": len(data.directives), "documents": documents, "units": len(data.units)}, space_after=3)
    body(document, counts_sentence(counts))
    previous = changes.previous_counts
    label = _("Bảng 1. Kết quả thực hiện so với kỳ trước (số nhiệm vụ)")
    para(document, label, 13, italic=True, align=CENTER, space_after=3, keep_with_next=True)
    table = grid_table(document, [_("Chỉ tiêu"), _capitalized(data.selection.period.label),
                                  _capitalized(changes.previous.label), _("Tăng (+), giảm (-)")],
                       [7.3, 3.2, 3.2, 2.8])
    rows = [
        (_("Nhiệm vụ trong kỳ"), counts.total, previous.total),
        (_("Hoàn thành đúng hạn"), counts[Standing.DONE_ON_TIME], previous[Standing.DONE_ON_TIME]),
        (_("Hoàn thành quá hạn"), counts[Standing.DONE_LATE], previous[Standing.DONE_LATE]),
        (_("Quá hạn, chưa hoàn thành"), counts[Standing.OVERDUE], previous[Standing.OVERDUE]),
        (_("Đang thực hiện trong hạn"), counts.in_progress, previous.in_progress),
        (_("Thường xuyên"), counts[Standing.ONGOING], previous[Standing.ONGOING]),
    ]
    for name, now, before in rows:
        add_row(table, [name, now, before, _signed(now - before)], left=(0,))
    now_rate, before_rate = counts.on_time_rate, previous.on_time_rate
    difference = "–" if now_rate is None or before_rate is None else _signed(round(now_rate - before_rate, 1), "%")
    add_row(table, [_("Tỷ lệ hoàn thành đúng hạn"), percent(now_rate), percent(before_rate), difference],
            left=(0,), bold=True)
    finish_table(table)
    para(document, _("Số liệu của cả hai kỳ tính đến ngày %(today)s.") % {"today": fmt(data.today)}, 12,
         italic=True, space_after=6)


def _capitalized(label) -> str:
    label = str(label)
    return label[:1].upper() + label[1:]


def _signed(value, unit="") -> str:
    text = f"{value:g}".replace(".", ",") + unit
    return f"+{text}" if value > 0 else text


# --- II. by unit group and by document ----------------------------------------------------------------------

LINE_WIDTHS = [1.2, 3.9, 1.6, 1.6, 1.7, 1.6, 1.7, 1.6, 1.6]


def _line_table(document, name_header: str, lines: list[Line], total: Counts | None, *, detail=None):
    headers = [_("STT"), name_header, _("Nhiệm vụ"), _("Đúng hạn"), _("Hoàn thành quá hạn"), _("Quá hạn"),
               _("Đang thực hiện"), _("Thường xuyên"), _("Tỷ lệ đúng hạn")]
    table = grid_table(document, headers, LINE_WIDTHS, size=11)
    for number, line in enumerate(lines, start=1):
        row = add_row(table, [number, line.name, *_line_values(line.counts)], size=12)
        if detail:
            para(row.cells[1], detail(line), 11, italic=True, line_spacing=1.0)
    if total is not None:
        add_row(table, ["", _("Cộng"), *_line_values(total)], size=12, bold=True)
    finish_table(table)
    para(document, "", 6)


def _line_values(counts: Counts) -> list:
    return [counts.total, counts[Standing.DONE_ON_TIME], counts[Standing.DONE_LATE], counts[Standing.OVERDUE],
            counts.in_progress, counts[Standing.ONGOING], percent(counts.on_time_rate)]


def _by_group_and_document(document, data: ReportData):
    heading(document, _("II. KẾT QUẢ THỰC HIỆN THEO NHÓM ĐƠN VỊ VÀ THEO VĂN BẢN"))
    if not data.directives:
        body(document, _("Không có nhiệm vụ nào trong kỳ."))
        return
    heading(document, _("1. Theo nhóm đơn vị"), italic=False)
    body(document, _("Nhiệm vụ được tính theo nhóm của đơn vị chủ trì; một đơn vị thuộc nhiều nhóm được tính ở "
                     "mỗi nhóm."), 13, italic=True, space_after=3)
    _line_table(document, _("Nhóm đơn vị"), data.groups, None)

    heading(document, _("2. Theo văn bản"))
    shown = data.documents[:TOP_DOCUMENTS]
    rest = data.documents[TOP_DOCUMENTS:]
    lines = list(shown)
    if rest:
        summed = Line(None, ngettext("Các văn bản khác (%(n)s văn bản)", "Các văn bản khác (%(n)s văn bản)",
                                     len(rest)) % {"n": len(rest)})
        for line in rest:
            for s, n in line.counts.items():
                summed.counts.add(s, n)
            summed.directives |= line.directives
        lines.append(summed)
    issued = {block.document.pk: block.document.issued_on for block in data.directives if block.document}

    def detail(line: Line) -> str:
        when = _("ngày %(date)s; ") % {"date": fmt(issued[line.key])} if line.key in issued else ""
        return when + ngettext("%(n)s nội dung chỉ đạo", "%(n)s nội dung chỉ đạo", len(line.directives)) % {
            "n": len(line.directives)}

    _line_table(document, _("Văn bản"), lines, data.counts, detail=detail)


# --- III. the overdue directives ----------------------------------------------------------------------------


def _place(block: DirectiveBlock, *, name_document: bool) -> str:
    """Where the directive is written: its place in the document, and the document's name when the report covers
    more than one."""
    if block.document is None:
        return _("Nhiệm vụ không gắn với văn bản")
    place = _("mục %(place)s") % {"place": block.place} if block.place else ""
    if not name_document:
        return place
    return ", ".join(part for part in (block.document.display_name, place) if part)


def _overdue_directives(document, data: ReportData):
    heading(document, _("III. CÁC NỘI DUNG CHỈ ĐẠO QUÁ HẠN CHƯA HOÀN THÀNH"))
    blocks = data.overdue_directives
    if not blocks:
        body(document, _("Không có nội dung chỉ đạo nào quá hạn chưa hoàn thành."))
        return
    overdue_tasks = sum(len(b.overdue) for b in blocks)
    body(document, _("Có %(directives)s nội dung chỉ đạo với %(tasks)s nhiệm vụ quá hạn chưa hoàn thành (chi tiết "
                     "từng nhiệm vụ tại Phụ lục):") % {"directives": len(blocks), "tasks": overdue_tasks},
         space_after=3)
    table = grid_table(document, [_("STT"), _("Nội dung chỉ đạo"), _("Đơn vị chủ trì chưa hoàn thành"),
                                  _("Hạn xử lý"), _("Số ngày quá hạn")], [1.2, 6.1, 5.0, 2.5, 1.7])
    for number, block in enumerate(blocks[:OVERDUE_DIRECTIVES], start=1):
        late = block.overdue
        first = min(t.deadline for t in late)
        names = [t.unit_name for t in late[:NAMED_UNITS]]
        units = "; ".join(names)
        if len(late) > NAMED_UNITS:
            units += " " + _("và %(n)s đơn vị khác") % {"n": len(late) - NAMED_UNITS}
        row = add_row(table, [number, block.title, units, fmt(first), (data.today - first).days], left=(1, 2))
        place = _place(block, name_document=len(data.documents) > 1)
        if place:
            para(row.cells[1], place, 11, italic=True, line_spacing=1.0)
    finish_table(table)
    if len(blocks) > OVERDUE_DIRECTIVES:
        body(document, _("Và %(n)s nội dung chỉ đạo quá hạn khác (xem Phụ lục).") % {
            "n": len(blocks) - OVERDUE_DIRECTIVES}, 13, italic=True)
    para(document, "", 6)


# --- IV. the units most behind ------------------------------------------------------------------------------


def _units_behind(document, data: ReportData):
    heading(document, _("IV. CÁC ĐƠN VỊ CÒN CHẬM"))
    units = data.units_behind
    if not units:
        body(document, _("Không có đơn vị nào chậm thực hiện nhiệm vụ trong kỳ."))
        return
    body(document, _("Các đơn vị có nhiều nhiệm vụ quá hạn nhất (xếp theo số nhiệm vụ quá hạn chưa hoàn thành, rồi "
                     "tỷ lệ hoàn thành đúng hạn):"), space_after=3)
    table = grid_table(document, [_("STT"), _("Đơn vị chủ trì"), _("Nhiệm vụ đã đến hạn"),
                                  _("Quá hạn, chưa hoàn thành"), _("Hoàn thành quá hạn"), _("Tỷ lệ đúng hạn")],
                       [1.2, 7.1, 2.0, 2.2, 2.0, 2.0], size=11)
    for number, unit in enumerate(units, start=1):
        add_row(table, [number, unit.name, unit.counts.due, unit.counts[Standing.OVERDUE],
                        unit.counts[Standing.DONE_LATE], percent(unit.counts.on_time_rate)])
    finish_table(table)
    para(document, "", 6)


# --- V. what changed ----------------------------------------------------------------------------------------


def _changes(document, data: ReportData):
    heading(document, _("V. NHỮNG CHUYỂN BIẾN SO VỚI KỲ TRƯỚC"))
    changes, counts = data.changes, data.counts
    period = data.selection.period.label
    body(document, _(
        "Hoàn thành trong kỳ: %(n)s nhiệm vụ (đúng hạn %(on_time)s, quá hạn %(late)s), trong đó %(before)s nhiệm "
        "vụ có hạn từ các kỳ trước; %(directives)s nội dung chỉ đạo của kỳ đã hoàn thành toàn bộ."
    ) % {"n": changes.completed, "on_time": changes.completed_on_time, "late": changes.completed_late,
         "before": changes.completed_from_before, "directives": data.directives_done})
    body(document, _(
        "Quá hạn mới: %(n)s nhiệm vụ có hạn trong %(period)s không hoàn thành đúng hạn (%(open)s nhiệm vụ đến nay "
        "chưa hoàn thành, %(late)s nhiệm vụ hoàn thành sau hạn); ngoài ra còn %(carried)s nhiệm vụ quá hạn từ các kỳ "
        "trước chưa hoàn thành."
    ) % {"n": data.newly_overdue, "period": period, "open": counts[Standing.OVERDUE],
         "late": counts[Standing.DONE_LATE], "carried": changes.carried_overdue})
    previous = changes.previous_counts
    body(document, _(
        "So với %(previous)s: tỷ lệ hoàn thành đúng hạn %(now)s (kỳ trước %(before)s); quá hạn chưa hoàn thành "
        "%(overdue)s nhiệm vụ (kỳ trước %(overdue_before)s)."
    ) % {"previous": changes.previous.label, "now": percent(counts.on_time_rate),
         "before": percent(previous.on_time_rate), "overdue": counts[Standing.OVERDUE],
         "overdue_before": previous[Standing.OVERDUE]})


# --- header, signature, appendix ----------------------------------------------------------------------------


def _header(document, data: ReportData):
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    cell_para(left, _("TỈNH ỦY HẬU GIANG"), 14, align=CENTER)
    para(left, data.issuer, 14, align=CENTER, bold=True)
    para(left, "*", 14, align=CENTER)
    para(left, _("Số:        %(suffix)s") % {"suffix": data.number_suffix}, 14, align=CENTER)
    cell_para(right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, align=CENTER, bold=True, underline=True)
    para(right, "", 14)
    para(right, date_line(data.today), 14, align=CENTER, italic=True)
    widths(table, [6.5, 10.0])


def _signature(document, data: ReportData):
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    cell_para(left, _("Nơi nhận:"), 14, bold=True, underline=True)
    recipients = [
        _("- Thường trực Tỉnh ủy (báo cáo),"),
        _("- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy,"),
        _("- Các đơn vị được giao nhiệm vụ,"),
        _("- Lưu Văn phòng Tỉnh ủy."),
    ]
    for line in recipients:
        para(left, line, 12)
    cell_para(right, data.signer_title, 14, align=CENTER, bold=True)
    for _blank in range(4):
        para(right, "", 14)
    para(right, _("(Ký, ghi rõ họ tên)"), 14, align=CENTER, italic=True)
    widths(table, [8.0, 8.5])


APPENDIX_WIDTHS = [1.2, 6.3, 8.8, 2.5, 4.2, 2.7]


def _appendix(document, data: ReportData):
    """The appendix's title and its table's header, on landscape pages; its rows are written by _appendix_rows.
    Returns the table and the row templates (None when the period has no task)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    a4(section, landscape=True)
    section.different_first_page_header_footer = False
    para(document, _("PHỤ LỤC"), 14, align=CENTER, bold=True, keep_with_next=True)
    para(document, _("CHI TIẾT CÁC NHIỆM VỤ TRONG KỲ"), 14, align=CENTER, bold=True, keep_with_next=True)
    para(document, _("(Kèm theo Báo cáo số       %(suffix)s ngày      /     /%(year)s của %(issuer)s)") % {
        "suffix": data.number_suffix, "year": data.today.year, "issuer": data.issuer_name}, 14, align=CENTER,
        italic=True, space_after=6)
    if not data.directives:
        para(document, _("Không có nhiệm vụ nào trong kỳ."), 14, align=CENTER)
        return None
    table = grid_table(document, [_("STT"), _("Đơn vị chủ trì"), _("Nhiệm vụ"), _("Hạn xử lý"),
                                  str(STANDING_HEADING), _("Báo cáo gần nhất")], APPENDIX_WIDTHS, size=12)
    # One row of each kind, made as any table's rows are, then copied for every row (the placeholder texts make
    # the runs that the copies' texts go into).
    task = add_row(table, ["-"] * len(APPENDIX_WIDTHS), size=12, left=(1, 2))
    document_row = _spanning_row(table, "-", bold=True)
    directive_row = _spanning_row(table, "-", italic=True)
    finish_table(table)
    templates = AppendixRows(RowTemplate(task), RowTemplate(document_row), RowTemplate(directive_row))
    return table, templates


class AppendixRows(NamedTuple):
    """The appendix's three kinds of row: a task's, and the merged rows naming a document and a directive."""

    task: RowTemplate
    document: RowTemplate
    directive: RowTemplate


def _appendix_rows(data: ReportData, rows: AppendixRows, progress: Progress | None) -> Iterator:
    """One row per task, under a row naming its document and one naming its directive."""
    total = sum(len(block.tasks) for block in data.directives)
    # Words said on every row, translated once.
    standings = {standing: str(standing.label) for standing in Standing}
    ongoing = _("Thường xuyên")
    document_name, directive_title = _("%(document)s ngày %(date)s"), _("Mục %(place)s: %(title)s")
    names = {line.key: line.name for line in data.documents}  # each document's name, as section II gives it
    number = 0
    document_key = object()
    for block in data.directives:
        key = block.document.pk if block.document else None
        if key != document_key:
            document_key = key
            name = names[key]
            if block.document:
                name = document_name % {"document": name, "date": fmt(block.document.issued_on)}
            yield rows.document([name])
        if block.document is not None:
            title = directive_title % {"place": block.place, "title": block.title} if block.place else block.title
            yield rows.directive([title])
        for task in block.tasks:
            number += 1
            yield rows.task([number, task.unit_name, excerpt(task.title), fmt(task.deadline) or ongoing,
                             standings[task.standing], fmt(task.reported_on) or "–"])
            if progress and number % PROGRESS_EVERY == 0:
                progress(number, total)
    if progress:
        progress(number, total)


def _spanning_row(table, text: str, *, bold=False, italic=False):
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    cell_para(merged, text, 12, bold=bold, italic=italic, align=LEFT)
    return row
