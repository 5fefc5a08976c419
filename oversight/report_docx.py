"""The implementation report (báo cáo kết quả thực hiện) as a Word document, for the office to edit and sign.

Layout after the party's administrative style (Hướng dẫn 36-HD/VPTW): the issuing body at the top left with a "*"
under it and the number line, the party's name underlined at the top right with the place-date line in italics,
the title "BÁO CÁO" and its subject, then the body, "Nơi nhận" and the signature block. Times New Roman 13/14 on
A4 with margins of 2 cm (top, bottom), 3 cm (left) and 1.5 cm (right).

The figures come from the same selection as the dashboard (oversight.dashboard: the person's visible tasks, the
period, document and unit group; cancelled tasks left out), counted per document and per lead unit from one
query that also brings each task's lead unit (Task.objects.with_lead_unit) and latest progress report (trimmed:
the report is for reading, not an archive), and one more for the lead units' places in the directory's order.
"""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from accounts.identity import scope_for
from tasks.models import ProgressReport
from tasks.standing import Standing
from units.models import Unit

from .dashboard.board import base_tasks, rate
from .dashboard.forms import Selection
from .dashboard.links import COUNTED, DUE

FONT = "Times New Roman"
EXCERPT_CHARS = 400
IN_PROGRESS = (Standing.ON_TRACK, Standing.DUE_SOON)


# --- the data -----------------------------------------------------------------------------------------------


@dataclass
class UnitBlock:
    unit_id: int | None
    name: str
    order: int
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    tasks: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_progress(self) -> int:
        return sum(self.counts[s] for s in IN_PROGRESS)


@dataclass
class DocumentBlock:
    document: object | None  # a Resolution, or None for tasks entered by hand
    units: dict = field(default_factory=dict)

    @property
    def counts(self) -> dict:
        total = dict.fromkeys(COUNTED, 0)
        for block in self.units.values():
            for s in COUNTED:
                total[s] += block.counts[s]
        return total

    def sorted_units(self) -> list[UnitBlock]:
        return sorted(self.units.values(), key=lambda b: (b.order, b.name))


@dataclass
class ReportData:
    selection: Selection
    today: datetime.date
    issuer: str  # second line of the issuing body ("VĂN PHÒNG" or the unit's name in capitals)
    issuer_name: str  # the same as the body text names it ("Văn phòng Tỉnh ủy")
    number_suffix: str  # "-BC/VPTU"
    signer_title: str
    documents: list[DocumentBlock] = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def counts(self) -> dict:
        total = dict.fromkeys(COUNTED, 0)
        for doc in self.documents:
            for s, n in doc.counts.items():
                total[s] += n
        return total


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The report text on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def collect(user, selection: Selection, today: datetime.date | None = None) -> ReportData:
    today = today or timezone.localdate()
    latest = ProgressReport.objects.filter(task=OuterRef("pk"), kind=ProgressReport.Kind.REPORT).order_by(
        "-created_at", "-id")
    rows = (
        base_tasks(user, selection.list_data(), today)
        .with_lead_unit()
        .select_related("directive__resolution")
        .annotate(
            report_text=Subquery(latest.values("text")[:1]),
            report_at=Subquery(latest.values("created_at")[:1]),
        )
        .defer("description", "search_text", "directive__text", "directive__resolution__body")
        .order_by("deadline", "id")
    )
    documents: dict[int | None, DocumentBlock] = {}
    overdue = []
    for task in rows:
        resolution = task.directive.resolution if task.directive_id else None
        doc = documents.setdefault(resolution.pk if resolution else None, DocumentBlock(resolution))
        unit_block = doc.units.setdefault(task.lead_unit_id, UnitBlock(
            task.lead_unit_id, task.lead_unit_name or _("(chưa có đơn vị chủ trì)"), 0))
        unit_block.counts[task.standing] += 1
        unit_block.tasks.append(task)
        if task.standing == Standing.OVERDUE:
            overdue.append(task)
    # The units in the directory's order: one query for the few hundred lead units, not a column per task.
    orders = dict(Unit.objects.filter(pk__in={pk for doc in documents.values() for pk in doc.units if pk})
                  .values_list("pk", "order"))
    for doc in documents.values():
        for block in doc.units.values():
            block.order = orders.get(block.unit_id, 0)
    ordered = sorted(
        documents.values(),
        key=lambda d: (d.document is None, -(d.document.issued_on.toordinal() if d.document else 0),
                       -(d.document.pk if d.document else 0)),
    )
    issuer, issuer_name, suffix, signer = _issuer(user)
    return ReportData(selection=selection, today=today, issuer=issuer, issuer_name=issuer_name,
                      number_suffix=suffix, signer_title=signer, documents=ordered, overdue=overdue)


def _issuer(user) -> tuple[str, str, str, str]:
    """Who issues the report: the Party Office for the office and the standing committee, otherwise the unit the
    person leads (the office edits the header anyway before signing)."""
    scope = scope_for(user)
    if scope.all_units:
        return _("VĂN PHÒNG"), _("Văn phòng Tỉnh ủy"), "-BC/VPTU", _("CHÁNH VĂN PHÒNG")
    unit = Unit.objects.filter(pk__in=scope.led_unit_ids).order_by("order", "name").first()
    name = unit.name if unit else _("Đơn vị")
    return name.upper(), name, "-BC", _("THỦ TRƯỞNG ĐƠN VỊ")


# --- the document -------------------------------------------------------------------------------------------


def _set_font(run, size: float, *, bold=None, italic=None, underline=None):
    run.font.name = FONT
    run.font.size = Pt(size)
    # Word picks the font per script; name it for all of them so no run falls back to another face.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def _para(container, text="", size=14, *, align=None, bold=False, italic=False, underline=False,
          space_after=0, first_line=None, keep_with_next=False):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.15
    if align is not None:
        paragraph.alignment = align
    if first_line is not None:
        fmt.first_line_indent = first_line
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _set_font(paragraph.add_run(text), size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _cell_para(cell, text="", size=13, **kwargs):
    """The first paragraph of a table cell (a new cell holds one empty paragraph: it is replaced)."""
    first = cell.paragraphs[0]
    if not first.runs:
        first._p.getparent().remove(first._p)
    return _para(cell, text, size, **kwargs)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths_cm):
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table grid, so set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _page_number_header(section):
    """Page numbers at the top centre from the second page on, as administrative documents have them."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _set_font(paragraph.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _date_line(day: datetime.date) -> str:
    return _("Hậu Giang, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": day.year}


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _counts_sentence(counts: dict) -> str:
    total = sum(counts.values())
    due = sum(counts[s] for s in DUE)
    share = rate(counts[Standing.DONE_ON_TIME], due)
    sentence = _(
        "Tổng số %(total)s nhiệm vụ; hoàn thành đúng hạn %(on_time)s; hoàn thành quá hạn %(late)s; quá hạn chưa "
        "hoàn thành %(overdue)s; đang thực hiện trong hạn %(in_progress)s; thường xuyên %(ongoing)s."
    ) % {
        "total": total, "on_time": counts[Standing.DONE_ON_TIME], "late": counts[Standing.DONE_LATE],
        "overdue": counts[Standing.OVERDUE], "in_progress": sum(counts[s] for s in IN_PROGRESS),
        "ongoing": counts[Standing.ONGOING],
    }
    if share is not None:
        sentence += " " + _("Tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đã đến hạn: %(share)s%%.") % {
            "share": f"{share:g}".replace(".", ",")}
    return sentence


def _document_heading(doc_block: DocumentBlock) -> str:
    resolution = doc_block.document
    if resolution is None:
        return _("Các nhiệm vụ khác (không gắn với văn bản)")
    return _("%(document)s ngày %(date)s: %(title)s") % {
        "document": str(resolution), "date": _fmt(resolution.issued_on), "title": resolution.title}


UNIT_TABLE_WIDTHS = [1.2, 4.7, 1.7, 1.7, 1.7, 1.7, 1.8, 2.0]


def _unit_table(document, doc_block: DocumentBlock):
    headers = [_("STT"), _("Đơn vị chủ trì"), _("Được giao"), _("Đúng hạn"), _("Hoàn thành quá hạn"),
               _("Quá hạn"), _("Đang thực hiện"), _("Thường xuyên")]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        _cell_para(cell, text, 11, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    # Repeat the header row on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    tr_pr.append(header_flag)
    units = doc_block.sorted_units()
    for number, block in enumerate(units, start=1):
        values = [number, block.name, block.total, block.counts[Standing.DONE_ON_TIME],
                  block.counts[Standing.DONE_LATE], block.counts[Standing.OVERDUE], block.in_progress,
                  block.counts[Standing.ONGOING]]
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_para(cell, str(value), 12, align=align)
    totals = doc_block.counts
    cells = table.add_row().cells
    values = ["", _("Cộng"), sum(totals.values()), totals[Standing.DONE_ON_TIME], totals[Standing.DONE_LATE],
              totals[Standing.OVERDUE], sum(totals[s] for s in IN_PROGRESS), totals[Standing.ONGOING]]
    for index, (cell, value) in enumerate(zip(cells, values)):
        align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER
        _cell_para(cell, str(value), 12, bold=True, align=align)
    _widths(table, UNIT_TABLE_WIDTHS)
    return table


def _task_line(task) -> str:
    standing = Standing(task.standing).label
    parts = [f"{task.title} ({standing}"]
    if task.deadline:
        parts[0] += _(", hạn %(date)s") % {"date": _fmt(task.deadline)}
    parts[0] += ")"
    if task.report_text:
        reported = timezone.localtime(task.report_at).date() if task.report_at else None
        parts.append(_("báo cáo ngày %(date)s: %(text)s") % {"date": _fmt(reported), "text": excerpt(task.report_text)})
    else:
        parts.append(_("chưa có báo cáo tiến độ."))
    return "- " + ": ".join(parts)


def _header(document, data: ReportData):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_para(left, _("TỈNH ỦY HẬU GIANG"), 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, data.issuer, 14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _para(left, "*", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, _("Số:        %(suffix)s") % {"suffix": data.number_suffix}, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_para(right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, underline=True)
    _para(right, "", 14)
    _para(right, _date_line(data.today), 14, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    _widths(table, [6.5, 10.0])


def _signature(document, data: ReportData):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_para(left, _("Nơi nhận:"), 14, bold=True, underline=True)
    recipients = [
        _("- Thường trực Tỉnh ủy (báo cáo),"),
        _("- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy,"),
        _("- Các đơn vị được giao nhiệm vụ,"),
        _("- Lưu Văn phòng Tỉnh ủy."),
    ]
    for line in recipients:
        _para(left, line, 12)
    _cell_para(right, data.signer_title, 14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for _blank in range(4):
        _para(right, "", 14)
    _para(right, _("(Ký, ghi rõ họ tên)"), 14, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    _widths(table, [8.0, 8.5])


def render(data: ReportData) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.header_distance = Cm(1.0)
    _page_number_header(section)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    core = document.core_properties
    core.title = _("Báo cáo kết quả thực hiện các nội dung chỉ đạo %(period)s") % {"period": data.selection.period.label}
    core.author = _("Văn phòng Tỉnh ủy Hậu Giang")
    core.language = "vi-VN"

    _header(document, data)
    _para(document, "", 14)
    _para(document, _("BÁO CÁO"), 16, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, keep_with_next=True)
    _para(document, _("kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy %(period)s") % {
        "period": data.selection.period.label}, 14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, keep_with_next=True)
    if data.selection.document or data.selection.group:
        scope = [str(x) for x in (data.selection.document, data.selection.group) if x]
        _para(document, "(" + "; ".join(scope) + ")", 14, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    _para(document, "-----", 14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)

    body_indent = Cm(1.0)
    period = data.selection.period
    _para(document, _(
        "Thực hiện chế độ thông tin, báo cáo, %(issuer)s báo cáo kết quả thực hiện các nội dung chỉ đạo của Ban "
        "Thường vụ Tỉnh ủy có hạn xử lý từ ngày %(start)s đến ngày %(end)s (và các nhiệm vụ thường xuyên giao "
        "trong kỳ), số liệu tính đến ngày %(today)s, như sau:"
    ) % {"issuer": data.issuer_name, "start": _fmt(period.start),
         "end": _fmt(period.end), "today": _fmt(data.today)},
        14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=body_indent, space_after=6)

    _para(document, _("I. TÌNH HÌNH CHUNG"), 14, bold=True, space_after=3, keep_with_next=True)
    _para(document, _counts_sentence(data.counts), 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=body_indent,
          space_after=6)

    _para(document, _("II. KẾT QUẢ THỰC HIỆN THEO TỪNG VĂN BẢN"), 14, bold=True, space_after=3,
          keep_with_next=True)
    if not data.documents:
        _para(document, _("Không có nhiệm vụ nào trong kỳ."), 14, first_line=body_indent)
    for number, doc_block in enumerate(data.documents, start=1):
        _para(document, f"{number}. {_document_heading(doc_block)}", 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
              space_after=3, keep_with_next=True)
        _para(document, _counts_sentence(doc_block.counts), 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
              first_line=body_indent, space_after=3)
        _unit_table(document, doc_block)
        _para(document, _("Kết quả thực hiện của các đơn vị (trích báo cáo của đơn vị):"), 14, italic=True,
              first_line=body_indent, space_after=3, keep_with_next=True)
        for block in doc_block.sorted_units():
            _para(document, f"{block.name}:", 14, bold=True, first_line=body_indent, keep_with_next=True)
            for task in block.tasks:
                _para(document, _task_line(task), 13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=body_indent)
        _para(document, "", 14, space_after=3)

    _para(document, _("III. CÁC NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"), 14, bold=True, space_after=3,
          keep_with_next=True)
    if data.overdue:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        headers = [_("STT"), _("Nhiệm vụ"), _("Đơn vị chủ trì"), _("Hạn xử lý"), _("Số ngày quá hạn")]
        for cell, text in zip(table.rows[0].cells, headers):
            _cell_para(cell, text, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for number, task in enumerate(data.overdue, start=1):
            cells = table.add_row().cells
            values = [str(number), task.title, task.lead_unit_name or "", _fmt(task.deadline),
                      str((data.today - task.deadline).days)]
            for index, (cell, value) in enumerate(zip(cells, values)):
                align = WD_ALIGN_PARAGRAPH.LEFT if index in (1, 2) else WD_ALIGN_PARAGRAPH.CENTER
                _cell_para(cell, value, 12, align=align)
        _widths(table, [1.2, 6.4, 4.4, 2.7, 1.8])
    else:
        _para(document, _("Không có nhiệm vụ quá hạn."), 14, first_line=body_indent)
    _para(document, "", 14, space_after=3)

    _para(document, _("IV. ĐÁNH GIÁ, ĐỀ XUẤT"), 14, bold=True, space_after=3, keep_with_next=True)
    _para(document, _("(Văn phòng Tỉnh ủy bổ sung nhận xét, đánh giá và đề xuất trước khi trình ký.)"), 14,
          italic=True, first_line=body_indent, space_after=12)

    _signature(document, data)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(data: ReportData) -> str:
    key = data.selection.period.key
    if key == "custom":
        key = f"{data.selection.period.start:%Y%m%d}-{data.selection.period.end:%Y%m%d}"
    return f"bao-cao-thuc-hien-chi-dao-{key}.docx"
