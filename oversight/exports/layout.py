"""How the export's sheets look on screen and on paper: the columns, the header, the page, and each row's height.

openpyxl writes what it is told and LibreOffice and Excel do not fit the height of a row written by a library to its
wrapped text: a row left at its default height draws its second line over the next row. So each row's height is set
here from the number of lines its longest wrapped cell takes, measured with the widths of the font the cells are
written in (Times New Roman, which Excel has and LibreOffice replaces with the metric-compatible Liberation Serif;
the administrative font of the office's own documents). The measure errs on the side of one line too many.

The sheets are written in openpyxl's write-only mode (constant memory: a row goes to a temporary file as soon as it
is appended), so everything that sits before the rows in the sheet's XML (column widths, the frozen pane, the page
set-up) is decided before the first row, and each row's height just before that row.
"""
from __future__ import annotations

import datetime
import functools
import math
import unicodedata
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

FONT_NAME = "Times New Roman"
FONT_SIZE = 11
DATE_FORMAT = "dd/mm/yyyy"

# A line of 11 pt text and a little air above and below it; Excel's own default row for this font is 15 pt.
LINE_HEIGHT = 15.0
ROW_PADDING = 2.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit

# A column width is counted in the widths of the digit "0" of the workbook's default font (7 pixels, 5.25 pt at
# 96 dpi); a cell keeps about 2 pixels of margin on each side. Only this share of the rest is counted as usable, so
# that a renderer whose glyphs are a little wider (another font, hinting) still fits the lines counted.
POINTS_PER_WIDTH_UNIT = 5.25
CELL_MARGIN = 3.0
USABLE_SHARE = 0.95

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


def usable_width(column_width: float) -> float:
    """The width a line of text may take in a column `column_width` characters wide, in points."""
    return max(1.0, (column_width * POINTS_PER_WIDTH_UNIT - 2 * CELL_MARGIN) * USABLE_SHARE)


def line_count(text: str, column_width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped at word boundaries in a column `column_width` characters wide (a
    word longer than the line is broken, as the spreadsheet does)."""
    available = usable_width(column_width)
    space = text_width(" ", bold=bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            width = text_width(word, bold=bold)
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
    """The text as a cell may hold it: control characters an .xlsx cannot store removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


@dataclass(frozen=True)
class Column:
    """One column: its heading, its width in characters, whether its text wraps, and whether it is a date."""

    heading: str
    width: float
    wrap: bool = False
    date: bool = False
    centered: bool = False


def new_workbook() -> Workbook:
    """A write-only workbook whose default font (the "Normal" style) is the cells' font.

    The default font is what a column's width is counted in: Excel and LibreOffice both measure a width in the
    digit "0" of that font. Left at openpyxl's Calibri, which LibreOffice replaces on Linux with a wider font,
    the same file opened there has columns a third wider than in Excel, so the fit to the page and the wrapped lines
    differ between the two. openpyxl offers no setting for it: its list of fonts starts with the default one.
    """
    workbook = Workbook(write_only=True)
    workbook._fonts = IndexedList([Font(name=FONT_NAME, size=FONT_SIZE, family=1)])
    return workbook


class Styles:
    """The cell styles of a workbook, made once (openpyxl keeps one copy of each in the file anyway)."""

    def __init__(self):
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=FONT_NAME, size=FONT_SIZE, family=1)
        self.header_font = Font(name=FONT_NAME, size=FONT_SIZE, family=1, bold=True)
        self.header_fill = PatternFill("solid", fgColor="DCE6F1")
        self.header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.wrapped = Alignment(wrap_text=True, vertical="top")
        self.plain = Alignment(vertical="top")
        self.centered = Alignment(vertical="top", horizontal="center")


class SheetWriter:
    """One write-only sheet: `SheetWriter(workbook, title, columns, styles, frozen="C2", printed=10)`, then
    `append(values)` row by row and `close(rows)` at the end.

    `printed` columns (from the left) make the printed page; the rest stay on screen for sorting and filtering.
    The page is A4 landscape, fit to one page wide, as tall as it needs, the header row repeated on every page.
    """

    def __init__(self, workbook, title: str, columns: list[Column], styles: Styles, *, frozen: str,
                 printed: int | None = None):
        self.ws = workbook.create_sheet(title)
        self.columns = columns
        self.styles = styles
        self.row_number = 0
        ws = self.ws
        ws.freeze_panes = frozen
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        self.printed = printed or len(columns)
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3
        # "Trang 2/5" at the foot of each page, in the language of the sheet.
        ws.oddFooter.center.text = "&P/&N"
        self._header()

    def _header(self):
        styles, ws = self.styles, self.ws
        cells, lines = [], 1
        for column in self.columns:
            cell = WriteOnlyCell(ws, value=column.heading)
            cell.font, cell.fill, cell.border = styles.header_font, styles.header_fill, styles.border
            cell.alignment = styles.header_alignment
            cells.append(cell)
            lines = max(lines, line_count(column.heading, column.width, bold=True))
        self._append(cells, lines)

    def _append(self, cells, lines: int):
        self.row_number += 1
        # Set before the row is written: the write-only sheet writes each row's attributes with the row.
        self.ws.row_dimensions[self.row_number].height = row_height(lines)
        self.ws.append(cells)

    def cell(self, value, column: Column):
        """One data cell: dates as dates, text as text (never a formula), the sheet's font and borders."""
        styles = self.styles
        if isinstance(value, str):
            value = clean_text(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            # openpyxl would store "=…" as a formula; text it is, and marked so that editing it keeps it text.
            cell.data_type = "s"
            cell.quotePrefix = True
        if column.date and isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        cell.font, cell.border = styles.font, styles.border
        if column.wrap:
            cell.alignment = styles.wrapped
        elif column.centered:
            cell.alignment = styles.centered
        else:
            cell.alignment = styles.plain
        return cell

    def append(self, values: list):
        lines = 1
        cells = []
        for value, column in zip(values, self.columns, strict=True):
            cells.append(self.cell(value, column))
            if column.wrap and isinstance(value, str) and value:
                lines = max(lines, line_count(value, column.width))
        self._append(cells, lines)

    def close(self):
        """The filter buttons over the header and the printed area, once the number of rows is known (both are
        written with the workbook, after the rows)."""
        last_row = max(self.row_number, 2)
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{last_row}"
        self.ws.print_area = f"A1:{get_column_letter(self.printed)}{last_row}"
