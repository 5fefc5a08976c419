"""The administrative layout's building blocks (Nghị định 30/2020, Hướng dẫn 36-HD/VPTW) in python-docx: Times New
Roman named for every script, paragraphs with the body's spacing, tables with fixed widths (Word reads the cells',
LibreOffice the grid's), a header row repeated on every page, page numbers at the top centre.

A long table (the appendix: a row per task) is not built with python-docx's table API, which walks the table's grid
for every cell (~7 ms a row): one row of each kind is made with the functions here (`RowTemplate`), then copied
with only its texts changed, and the rows are written into the file as they come (`save_with_rows`), so the
document never holds them all."""
from __future__ import annotations

import copy
import datetime
import io
import zipfile
from collections.abc import Iterable

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from django.utils.translation import gettext as _
from lxml import etree

FONT = "Times New Roman"
LEFT, CENTER, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
BODY_INDENT = Cm(1.0)


def set_font(run, size: float, *, bold=False, italic=False, underline=False, named=True):
    """Size and emphasis of a run; `named` also names the face on the run for every script (Word picks the font
    per script), which table cells leave to the document's Normal style: at a few thousand cells, naming it on
    each run was most of the time the appendix took."""
    if named:
        run.font.name = FONT
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    return run


def para(container, text="", size=14, *, align=None, bold=False, italic=False, underline=False, space_after=0,
         first_line=None, keep_with_next=False, line_spacing=1.15, named=True):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = line_spacing
    if align is not None:
        paragraph.alignment = align
    if first_line is not None:
        fmt.first_line_indent = first_line
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        set_font(paragraph.add_run(text), size, bold=bold, italic=italic, underline=underline, named=named)
    return paragraph


def body(document, text, size=14, **kwargs):
    """A paragraph of the body: justified, its first line indented."""
    kwargs = {"align": JUSTIFY, "first_line": BODY_INDENT, "space_after": 6, **kwargs}
    return para(document, text, size, **kwargs)


def heading(document, text, size=14, **kwargs):
    return para(document, text, size, bold=True, space_after=3, keep_with_next=True, align=JUSTIFY, **kwargs)


def cell_para(cell, text="", size=13, **kwargs):
    """The first paragraph of a table cell (a new cell holds one empty paragraph: it is replaced)."""
    first = cell.paragraphs[0]
    if not first.runs:
        first._p.getparent().remove(first._p)
    return para(cell, text, size, line_spacing=1.0, named=False, **kwargs)


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def widths(table, widths_cm):
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table grid, so set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        column = 0
        for tc in row._tr.tc_lst:  # a merged cell spans several columns: it is as wide as they are together
            span = tc.grid_span
            tc.width = Cm(sum(widths_cm[column:column + span]))
            column += span


def repeat_header(row):
    """The row is repeated at the top of every page the table runs over, and never split across two."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)


def keep_row_whole(row):
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def grid_table(document, headers: list[str], widths_cm: list[float], size=12):
    """A bordered table with a bold, centred header row repeated on every page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        cell_para(cell, text, size, bold=True, align=CENTER)
    repeat_header(table.rows[0])
    table._portal_widths = widths_cm
    return table


def add_row(table, values, size=12, *, bold=False, left=(1,)):
    """A row of values: the columns in `left` aligned left (names), the others (numbers) centred."""
    row = table.add_row()
    keep_row_whole(row)
    for index, (cell, value) in enumerate(zip(row.cells, values)):
        text = "" if value is None else str(value)
        cell_para(cell, text, size, bold=bold, align=LEFT if index in left else CENTER)
    return row


def finish_table(table):
    widths(table, table._portal_widths)


class RowTemplate:
    """A table row made once with this module's functions (add_row, a merged row, with their widths set), taken
    out of its table, then copied for each row with only its texts changed: the same look, cell for cell."""

    def __init__(self, row):
        self.tr = row._tr
        self.tr.getparent().remove(self.tr)

    def __call__(self, values) -> etree._Element:
        """A copy holding `values`, one per run of the template (a cell's text, or a merged row's one text); an
        empty value leaves the paragraph without a run, as cell_para does."""
        tr = copy.deepcopy(self.tr)
        for run, value in zip(list(tr.iter(_RUN)), values, strict=True):
            text = "" if value is None else str(value)
            if not text:
                run.getparent().remove(run)
            elif _SPECIAL.isdisjoint(text) and text == text.strip():
                run.find(_TEXT).text = text
            else:
                run.text = text  # python-docx's run: tabs, line breaks and edge spaces as Word wants them
        return tr


_RUN, _TEXT = qn("w:r"), qn("w:t")
_SPECIAL = frozenset("\t\n\r")


def save_with_rows(document, table, rows: Iterable[etree._Element], out) -> None:
    """Save `document` into `out` (a binary file) with `rows` added at the end of `table` as they come: each row
    goes to the compressed file and is dropped, so the table's length does not weigh on memory."""
    package = io.BytesIO()
    document.save(package)
    main = document.part.partname.lstrip("/")
    path = [*reversed(list(table._tbl.iterancestors())), table._tbl]
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != main:
                target.writestr(info, source.read(info.filename))
                continue
            streamed = zipfile.ZipInfo(main, info.date_time)
            streamed.compress_type = zipfile.ZIP_DEFLATED
            with target.open(streamed, "w") as stream, etree.xmlfile(stream, encoding="UTF-8") as xf:
                xf.write_declaration(standalone=True)
                _write_along(xf, path, rows)


def _write_along(xf, path: list, rows: Iterable[etree._Element]) -> None:
    """Write path[0] with its children, descending along `path` to the table, whose rows are followed by `rows`."""
    element, rest = path[0], path[1:]
    root = element.getparent() is None  # declares the namespaces, once
    with xf.element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap if root else None):
        for child in element:
            if rest and child is rest[0]:
                _write_along(xf, rest, rows)
            else:
                xf.write(_alone(child))
        if not rest:
            for row in rows:
                xf.write(row)


def _alone(element) -> etree._Element:
    """A copy of `element` declaring only the namespaces it uses (written on its own, an element of the document
    would repeat every namespace the document declares)."""
    element = copy.deepcopy(element)
    etree.cleanup_namespaces(element)
    return element


def page_numbers(section):
    """Page numbers at the top centre from the second page on, as administrative documents have them."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = set_font(paragraph.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def a4(section, *, landscape=False):
    """A4 with the administrative margins: 2 cm top and bottom, 3 cm on the binding side, 1.5 cm on the other
    (landscape: the binding side is the top)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(3.0), Cm(1.5)
        section.left_margin, section.right_margin = Cm(2.0), Cm(2.0)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.header_distance = Cm(1.0)


def date_line(day: datetime.date) -> str:
    return _("Hậu Giang, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": day.year}


def fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",") + "%"
