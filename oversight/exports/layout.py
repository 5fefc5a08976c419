"""How the export's sheets look on screen and on paper: the columns, the header, the page, and each row's height.

A spreadsheet library writes what it is told and LibreOffice and Excel do not fit the height of a row written by a
library to its wrapped text: a row left at its default height draws its second line over the next row. So each
row's height is set here from the number of lines its longest wrapped cell takes, measured with the widths of the
font the cells are written in (Times New Roman, which Excel has and LibreOffice replaces with the metric-compatible
Liberation Serif; the administrative font of the office's own documents). The measure errs on the side of one line
too many.

The workbook is made in two parts (`Book`). xlsxwriter writes everything around the rows: the cell formats, the
column widths, the frozen pane, the page set-up, the header row, and one row of each kind of cell (its format for
plain values, for dates, for texts marked as text), from which each cell's format is read back. The rows are then
built with lxml (an element per row) and written straight into the compressed sheet as they come, so that neither
time nor memory grows with the number of rows beyond the writing itself: each value is written as what it is, a
text always as a text (never a formula), a date as a date. Measuring a row is the per-row cost that remains: the
widths of words and the line counts of the texts that repeat (units, documents, standings) are kept in small
bounded caches.
"""
from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import io
import math
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_range_abs

FONT_NAME = "Times New Roman"
FONT_SIZE = 11
DATE_FORMAT = "dd/mm/yyyy"

# A line of 11 pt text and a little air above and below it; Excel's own default row for this font is 15 pt. The
# file stores a row's height in whole pixels (3/4 pt each): these are 20 pixels, 3, and 545 (Excel's limit is 409 pt).
LINE_HEIGHT = 15.0
ROW_PADDING = 2.25
MAX_ROW_HEIGHT = 408.75

# A column width is counted in the widths of the digit "0" of the workbook's default font (7 pixels, 5.25 pt at
# 96 dpi); a cell keeps about 2 pixels of margin on each side. Only this share of the rest is counted as usable, so
# that a renderer whose glyphs are a little wider (another font, hinting) still fits the lines counted.
POINTS_PER_WIDTH_UNIT = 5.25
CELL_MARGIN = 3.0
USABLE_SHARE = 0.95
# The file stores a width in whole pixels of that digit (7 pixels), so the width measured against is the one stored.
DIGIT_PIXELS = 7

# Advance widths of Times New Roman in thousandths of an em (Adobe's Times-Roman metrics); a Vietnamese letter is
# measured by its base letter (its marks sit above or below it), ơ and ư a little wider for their horn.
_WIDTHS = {
    " ": 250, "!": 333, '"': 408, "#": 500, "$": 500, "%": 833, "&": 778, "'": 180, "(": 333, ")": 333, "*": 500,
    "+": 564, ",": 250, "-": 333, ".": 250, "/": 278, ":": 278, ";": 278, "<": 564, "=": 564, ">": 564, "?": 444,
    "@": 921, "[": 333, "\\": 278, "]": 333, "^": 469, "_": 500, "`": 333, "{": 480, "|": 200, "}": 480, "~": 541,
    "A": 722, "B": 667, "C": 667, "D": 722, "E": 611, "F": 556, "G": 722, "H": 722, "I": 333, "J": 389, "K": 722,
    "L": 611, "M": 889, "N": 722, "O": 722, "P": 556, "Q": 722, "R": 667, "S": 556, "T": 611, "U": 722, "V": 722,
    "W": 944, "X": 722, "Y": 722, "Z": 611,
    "a": 444, "b": 500, "c": 444, "d": 500, "e": 444, "f": 333, "g": 500, "h": 500, "i": 278, "j": 278, "k": 500,
    "l": 278, "m": 778, "n": 500, "o": 500, "p": 500, "q": 500, "r": 333, "s": 389, "t": 278, "u": 500, "v": 500,
    "w": 722, "x": 500, "y": 500, "z": 444, "đ": 500, "Đ": 722, "ơ": 560, "Ơ": 780, "ư": 560, "Ư": 780,
    "–": 500, "—": 1000, "…": 1000, "“": 444, "”": 444, "‘": 333, "’": 333,
}
_DIGIT = 500
_UNKNOWN = 722  # anything else: as wide as a capital
LATIN_EXTENDED_A_END = 0x17F
_FALLBACK_LOWER, _FALLBACK_UPPER = 650, 760
BOLD_FACTOR = 1.08  # Times New Roman Bold is a little wider

# Values a spreadsheet would read as the start of a formula (OWASP's "CSV injection" list): written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@functools.cache
def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is not None:
        return width
    if char.isdigit():
        return _DIGIT
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[:1]
    if "\u031b" in decomposed:  # the horn of ơ, ư
        base = {"o": "ơ", "u": "ư", "O": "Ơ", "U": "Ư"}.get(base, base)
    width = _WIDTHS.get(base, _UNKNOWN)
    if ord(char) > LATIN_EXTENDED_A_END:
        # A font without Vietnamese letters (LibreOffice's stand-in Liberation Serif 1.x on older systems) borrows
        # them from a wider one (DejaVu Serif): counted as the wider font draws them.
        width = max(width, _FALLBACK_UPPER if base.isupper() else _FALLBACK_LOWER)
    return width


def text_width(text: str, *, bold: bool = False, size: float = FONT_SIZE) -> float:
    """The width of `text` on one line, in points."""
    width = sum(_char_width(char) for char in text) * size / 1000
    return width * BOLD_FACTOR if bold else width


@functools.lru_cache(maxsize=1 << 16)
def _word_width(word: str, bold: bool) -> float:
    # The words of the office's texts come back row after row: measured once each (a bounded cache, so memory
    # stays flat however many rows a sheet has).
    return text_width(word, bold=bold)


def usable_width(column_width: float) -> float:
    """The width a line of text may take in a column `column_width` characters wide, in points."""
    return max(1.0, (column_width * POINTS_PER_WIDTH_UNIT - 2 * CELL_MARGIN) * USABLE_SHARE)


@functools.lru_cache(maxsize=1 << 12)
def line_count(text: str, column_width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped at word boundaries in a column `column_width` characters wide (a
    word longer than the line is broken, as the spreadsheet does). The texts that repeat from row to row (a unit,
    a document, a standing) are counted once."""
    available = usable_width(column_width)
    space = _word_width(" ", bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            width = _word_width(word, bold)
            if used and used + space + width <= available:
                used += space + width
                continue
            if used:
                lines += 1
            # A word wider than the column runs on over as many lines as it needs.
            extra = max(0, math.ceil(width / available) - 1)
            lines += extra
            used = width - extra * available
    return lines


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(1, lines) * LINE_HEIGHT + ROW_PADDING)


def width_for(texts, *, least: float, most: float, bold: bool = False) -> float:
    """A column width (in characters) that holds the longest of `texts` on one line, between `least` and `most`
    (longer values wrap)."""
    widest = max((text_width(str(text), bold=bold) for text in texts if text), default=0.0)
    needed = widest / USABLE_SHARE / POINTS_PER_WIDTH_UNIT + 2 * CELL_MARGIN / POINTS_PER_WIDTH_UNIT + 0.5
    return round(min(most, max(least, needed)), 1)


def clean_text(value: str) -> str:
    """The text as a cell may hold it: control characters an .xlsx cannot store removed (most texts have none:
    they are printable, checked without the expression)."""
    return value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)


def stored_width(width: float) -> float:
    """`width` (in characters) as the file stores it: a whole number of pixels of the digit "0"."""
    return round(width * DIGIT_PIXELS) * 256 // DIGIT_PIXELS / 256


@dataclass(frozen=True)
class Column:
    """One column: its heading, its width in characters, whether its text wraps, and whether it is a date."""

    heading: str
    width: float
    wrap: bool = False
    date: bool = False
    centered: bool = False


# The parts of the package the rows are written into, by their XML names.
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROW, _CELL, _VALUE, _INLINE, _TEXT = (f"{{{MAIN}}}{tag}" for tag in ("row", "c", "v", "is", "t"))
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_NSMAP = {None: MAIN}
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # day 0 of the 1900 date system, for every date after March 1900
FILTER_NAMES = ("_xlnm._FilterDatabase", "_xlnm.Print_Area")


def new_workbook(fileobj) -> Workbook:
    """The xlsxwriter workbook of what surrounds the rows, whose default font (the "Normal" style) is the cells'.

    The default font is what a column's width is counted in: Excel and LibreOffice both measure a width in the
    digit "0" of that font. Left at Calibri, which LibreOffice replaces on Linux with a wider font, the same file
    opened there has columns a third wider than in Excel, so the fit to the page and the wrapped lines differ
    between the two. Texts are never read as formulas, numbers or links: they are written as they are.
    """
    return Workbook(fileobj, {
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_family": 1},
    })


class Styles:
    """The cell formats of a workbook, made once each: the header's, and a data cell's by its column's alignment,
    whether it holds a date, and whether its text is marked as text (a leading "=", "+", ...)."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self._cell = {
            "font_name": FONT_NAME, "font_size": FONT_SIZE, "font_family": 1, "font_scheme": "none",
            "border": 1, "border_color": "#808080", "valign": "top",
        }
        self.header = workbook.add_format({
            **self._cell, "bold": True, "pattern": 1, "bg_color": "#DCE6F1", "text_wrap": True,
            "align": "center", "valign": "vcenter",
        })
        self._formats = {}

    def cell(self, column: Column, *, date: bool = False, quoted: bool = False):
        key = (column.wrap, column.centered, date, quoted)
        found = self._formats.get(key)
        if found is None:
            properties = dict(self._cell)
            if column.wrap:
                properties["text_wrap"] = True
            elif column.centered:
                properties["align"] = "center"
            if date:
                properties["num_format"] = DATE_FORMAT
            if quoted:
                properties["quote_prefix"] = True
            found = self._formats[key] = self.workbook.add_format(properties)
        return found


# The rows xlsxwriter writes under the header, one per kind of cell, read back for their formats and dropped.
KINDS = ("plain", "date", "quoted")


class Book:
    """A workbook written into `fileobj`: `book.sheet(...)` for each sheet (all of them before the first row),
    then each sheet's rows in turn (`sheet.append`, `sheet.close`), then `book.close()`."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self._package = io.BytesIO()
        self.workbook = new_workbook(self._package)
        self.styles = Styles(self.workbook)
        self.sheets: list[SheetWriter] = []
        self._parts: zipfile.ZipFile | None = None
        self._out: zipfile.ZipFile | None = None

    def sheet(self, title: str, columns: list[Column], *, frozen: str, printed: int | None = None) -> SheetWriter:
        if self._parts is not None:
            raise RuntimeError("every sheet is declared before the first row is written")
        sheet = SheetWriter(self, title, columns, frozen=frozen, printed=printed)
        self.sheets.append(sheet)
        return sheet

    def _open(self) -> None:
        """xlsxwriter's package (the sheets with their header and their rows of formats), and the file to write."""
        if self._parts is None:
            self.workbook.close()
            self._parts = zipfile.ZipFile(io.BytesIO(self._package.getvalue()))
            self._out = zipfile.ZipFile(self.fileobj, "w", zipfile.ZIP_DEFLATED)

    def _sheet_part(self, index: int) -> str:
        """The name of the `index`th sheet's part, read from the workbook's relationships."""
        workbook = etree.fromstring(self._parts.read("xl/workbook.xml"))
        relation = workbook.find(f"{{{MAIN}}}sheets")[index].get(f"{{{RELATIONSHIPS}}}id")
        relations = etree.fromstring(self._parts.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in relations.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship")
                      if r.get("Id") == relation)
        return posixpath.normpath(posixpath.join("xl", target))

    def _write_part(self, name: str):
        info = zipfile.ZipInfo(name, self._parts.getinfo(name).date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        return self._out.open(info, "w")

    def close(self) -> None:
        """The sheets not written yet (their header only), then every other part of the package; the workbook's
        filter and printed area end at each sheet's last row."""
        for sheet in self.sheets:
            sheet.close()
        self._open()
        written = {sheet.part for sheet in self.sheets}
        for info in self._parts.infolist():
            if info.filename in written:
                continue
            if info.filename == "xl/workbook.xml":
                with self._write_part(info.filename) as stream:
                    stream.write(etree.tostring(self._workbook_xml(), xml_declaration=True, encoding="UTF-8",
                                                standalone=True))
            else:
                self._out.writestr(info, self._parts.read(info.filename))
        self._out.close()

    def _workbook_xml(self):
        workbook = etree.fromstring(self._parts.read("xl/workbook.xml"))
        for name in workbook.iter(f"{{{MAIN}}}definedName"):
            if name.get("name") in FILTER_NAMES and name.get("localSheetId") is not None:
                sheet = self.sheets[int(name.get("localSheetId"))]
                last_column = len(sheet.columns) if name.get("name") == FILTER_NAMES[0] else sheet.printed
                name.text = f"{quote_sheetname(sheet.title)}!{xl_range_abs(0, 0, sheet.last_row, last_column - 1)}"
        return workbook


class SheetWriter:
    """One sheet: declared with `book.sheet(title, columns, frozen="C2", printed=10)`, then `append(values)` row
    by row and `close()` at the end.

    `printed` columns (from the left) make the printed page; the rest stay on screen for sorting and filtering.
    The page is A4 landscape, fit to one page wide, as tall as it needs, the header row repeated on every page.
    """

    def __init__(self, book: Book, title: str, columns: list[Column], *, frozen: str, printed: int | None = None):
        self.book, self.title, self.columns = book, title, columns
        self.index = len(book.sheets)
        self.printed = printed or len(columns)
        self.row_number = 1  # rows written, the header included
        self.part = None
        self._rows = None
        ws = book.workbook.add_worksheet(title)
        ws.freeze_panes(frozen)
        self.widths = []  # as stored: what a row's lines are counted against
        for index, column in enumerate(columns):
            ws.set_column_pixels(index, index, round(column.width * DIGIT_PIXELS))
            self.widths.append(stored_width(column.width))
        ws.repeat_rows(0)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("", {"margin": 0.3})
        # "Trang 2/5" at the foot of each page, in the language of the sheet.
        ws.set_footer("&C&P/&N", {"margin": 0.3})
        styles = book.styles
        lines = 1
        for index, (column, width) in enumerate(zip(columns, self.widths, strict=True)):
            ws.write_string(0, index, column.heading, styles.header)
            lines = max(lines, line_count(column.heading, width, bold=True))
            for row, kind in enumerate(KINDS, start=1):
                ws.write_blank(row, index, None, styles.cell(column, date=kind == "date", quoted=kind == "quoted"))
        ws.set_row(0, row_height(lines))
        last = len(columns) - 1
        ws.autofilter(0, 0, 1, last)
        ws.print_area(0, 0, 1, self.printed - 1)
        self._letters = [xl_col_to_name(index) for index in range(len(columns))]

    @property
    def last_row(self) -> int:
        """The last row the filter and the printed area cover (0-based), a blank one under a header alone."""
        return max(self.row_number, 2) - 1

    def _open(self):
        """Start writing the sheet: what xlsxwriter wrote before the rows, the header, then rows as they come."""
        book = self.book
        book._open()
        self.part = book._sheet_part(self.index)
        root = etree.fromstring(book._parts.read(self.part))
        sheet_data = root.find(f"{{{MAIN}}}sheetData")
        header, *kinds = sheet_data
        self._templates([dict(zip(KINDS, cells, strict=True)) for cells in
                         zip(*([cell.get("s") for cell in row] for row in kinds), strict=True)])
        children = list(root)
        position = children.index(sheet_data)
        self._after = children[position + 1:]
        self._stack = contextlib.ExitStack()
        self._xf = xf = self._stack.enter_context(etree.xmlfile(self._stack.enter_context(
            book._write_part(self.part)), encoding="UTF-8"))
        xf.write_declaration(standalone=True)
        self._stack.enter_context(xf.element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap))
        for child in children[:position]:
            if child.tag != f"{{{MAIN}}}dimension":  # the used range is known only at the end; it is optional
                xf.write(child)
        self._rows = xf.element(sheet_data.tag)
        self._rows.__enter__()
        xf.write(header)

    def _templates(self, formats: list[dict]):
        """A cell of each kind for each column (its format read from xlsxwriter's rows of formats), and the first
        row's shape; a row is a copy of the one before (copying an lxml element copies it whole), its cells changed
        where their kind changed: copying the elements costs a fifth of building them."""
        holder = etree.Element(_ROW, nsmap=_NSMAP)
        self._cells = []
        for kinds in formats:
            cells = {"blank": etree.SubElement(holder, _CELL, s=kinds["plain"])}
            for kind, style in (("text", kinds["plain"]), ("quoted", kinds["quoted"])):
                cells[kind] = etree.SubElement(holder, _CELL, s=style, t="inlineStr")
                etree.SubElement(etree.SubElement(cells[kind], _INLINE), _TEXT)
            for kind, style in (("number", kinds["plain"]), ("date", kinds["date"])):
                cells[kind] = etree.SubElement(holder, _CELL, s=style)
                etree.SubElement(cells[kind], _VALUE)
            self._cells.append(cells)
        self._last = etree.Element(_ROW, customHeight="1", nsmap=_NSMAP)
        for cells in self._cells:
            self._last.append(copy.copy(cells["blank"]))
        self._kinds = ["blank"] * len(self._cells)
        self._plan = [(column.wrap, width, cells, letter) for column, width, cells, letter
                      in zip(self.columns, self.widths, self._cells, self._letters, strict=True)]

    def append(self, values: list):
        """One row: dates as dates, text as text (never a formula), the sheet's font and borders, and the height
        of its longest wrapped text."""
        if self._rows is None:
            self._open()
        self.row_number += 1
        number = str(self.row_number)
        row = copy.copy(self._last)
        row.set("r", number)
        kinds = self._kinds
        lines = 1
        for index, (value, cell, (wrap, width, templates, letter)) in enumerate(
                zip(values, list(row), self._plan, strict=True)):
            if value is None or value == "":
                kind = "blank"
            elif isinstance(value, str):
                value = clean_text(value)
                # Marked as text too, so that editing the cell in Excel keeps it text.
                kind = "quoted" if value.startswith(FORMULA_STARTS) else "text"
                if wrap:
                    lines = max(lines, line_count(value, width))
            elif isinstance(value, datetime.date):
                kind, value = "date", _serial(value)
            else:
                kind, value = "number", str(value)
            if kinds[index] != kind:
                changed = copy.copy(templates[kind])
                row.replace(cell, changed)
                cell, kinds[index] = changed, kind
            cell.set("r", letter + number)
            if kind == "text" or kind == "quoted":
                text = cell[0][0]
                text.text = value
                if value[0].isspace() or value[-1].isspace():
                    text.set(_SPACE, "preserve")
                elif _SPACE in text.attrib:
                    del text.attrib[_SPACE]
            elif kind != "blank":
                cell[0].text = value
        row.set("ht", f"{row_height(lines):g}")
        self._xf.write(row)
        self._last = row

    def close(self):
        """The end of the sheet: the filter buttons over the header and the rows."""
        if self.part is not None and self._rows is None:
            return
        if self._rows is None:
            self._open()
        self._rows.__exit__(None, None, None)
        self._rows = None
        for child in self._after:
            if child.tag == f"{{{MAIN}}}autoFilter":
                child.set("ref", xl_range_abs(0, 0, self.last_row, len(self.columns) - 1).replace("$", ""))
            self._xf.write(child)
        self._stack.close()


def _serial(day: datetime.date) -> str:
    """A date as the spreadsheet stores it: days since its epoch (a fraction of a day for a time)."""
    if not isinstance(day, datetime.datetime):
        return str(day.toordinal() - _EPOCH_ORDINAL)
    serial = (day.replace(tzinfo=None) - EXCEL_EPOCH) / datetime.timedelta(days=1)
    return f"{serial:.16g}"


_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()
