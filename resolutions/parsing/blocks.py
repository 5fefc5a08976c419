"""A document as a list of blocks: paragraphs and tables, whatever it was read from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import read_label
from .text import clean, is_upper_line


@dataclass
class Para:
    text: str
    heading_level: int | None = None  # a Word heading style (1 = Heading 1)
    bold: bool = False  # every run bold: a heading in many Word documents


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)  # a cell's paragraphs joined by "\n"


_TERMINAL = re.compile(r"[.:;!?…”\"')]$")


def _wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text (a PDF page, an e-mail): lines of about the same length that often stop mid-sentence."""
    long_lines = [ln for ln in lines if len(ln) > 25]
    if len(long_lines) < 4:
        return False
    width = sorted(len(ln) for ln in long_lines)[int(len(long_lines) * 0.9)]
    if width > 130:
        return False
    full = [ln for ln in long_lines if len(ln) >= 0.75 * width]
    open_ended = [ln for ln in full if not _TERMINAL.search(ln)]
    return len(full) >= 0.5 * len(long_lines) and len(open_ended) >= 0.3 * len(full)


_ALWAYS_NEW = re.compile(r"(?:nơi nhận|kính gửi|kính thưa|t/m\s|tm\.|k/t\s|kt\.|tl\.|t/l\s)", re.IGNORECASE)
_SEPARATOR = re.compile(r"[\s*\-_=~.·•]{3,}|\*")


def _upper(line: str) -> bool:
    return is_upper_line(line) and len(line.split()) >= 2


_PAGE_NUMBER = re.compile(r"(?:-\s*)?(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?", re.IGNORECASE)


def page_furniture(line: str) -> bool:
    """A page number on a line of its own: '2', '- 2 -', 'Trang 2', '2/10'."""
    return bool(_PAGE_NUMBER.fullmatch(line.strip()))


def reflow(lines: list[str], indents: list[float] | None = None, gaps: list[bool] | None = None) -> list[str]:
    """Join the lines of wrapped text back into paragraphs.

    A line continues the paragraph above unless it opens with a label, the line above stopped short of the
    usual width or ended a sentence at the margin before an indented line, or (when known) a gap or first-line
    indent marks a new paragraph.
    """
    lines = [clean(ln) for ln in lines]
    keep = [i for i, ln in enumerate(lines) if ln and not page_furniture(ln)]
    if not keep:
        return []
    widths = sorted(len(lines[i]) for i in keep)
    width = widths[int(len(widths) * 0.9)] if widths else 0
    use_indent = bool(indents) and any(v > 0 for v in indents)
    paras: list[str] = []
    prev = None
    in_header = True  # until a paragraph runs over more than one line
    for i in keep:
        ln = lines[i]
        new = prev is None
        if not new:
            p = lines[prev]
            first = ln[:1]
            label = read_label(ln)
            broke_mid_sentence = len(p) >= 0.85 * width and not _TERMINAL.search(p) and not p.endswith(":")
            if _ALWAYS_NEW.match(ln) or _SEPARATOR.fullmatch(ln):
                new = True
            elif label.style and broke_mid_sentence and (
                    label.style in ("dash", "plus") or ln[label.body_start:label.body_start + 1].islower()):
                new = False  # "Cần Thơ" / "- Cà Mau", "trong đó:" / "(1) thu ngân sách": the line broke there
            elif label.style:
                new = True
            elif _upper(p) != _upper(ln):
                new = True  # "KẾT LUẬN CỦA BAN THƯỜNG VỤ" / "về ...": a change of case is a change of line
            elif in_header and not (first.islower() or first.isdigit()):
                new = True  # the header's lines stand alone unless one clearly goes on
            elif first.islower() and not is_upper_line(p):
                new = False  # a Vietnamese paragraph never opens in lower case
            elif first.isdigit() and not _TERMINAL.search(p):
                new = False  # "... cuối năm" / "2022"
            elif gaps and gaps[i]:
                new = True
            elif use_indent and indents[i] > 0:
                new = True
            elif len(p) < 0.7 * width and not ln[:1].islower():
                new = True
            elif _TERMINAL.search(p) and not ln[:1].islower() and not use_indent:
                new = p.endswith((":", ";")) or len(p) < 0.85 * width
        if new:
            in_header = in_header and (not paras or len(paras[-1]) <= width)
            paras.append(ln)
        else:
            paras[-1] = paras[-1] + " " + ln
        prev = i
    return paras


def _table_rows(lines: list[str]) -> list[list[str]] | None:
    rows = [ln.split("\t") for ln in lines]
    if len(rows) >= 2 and all(len(r) >= 3 for r in rows):
        return [[clean(c) for c in r] for r in rows]
    return None


def text_blocks(text: str) -> list:
    """Blocks of pasted or .txt text: one paragraph a line, or wrapped lines joined; tab-separated rows a table."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    raw = text.split("\n")
    blocks: list = []
    chunk: list[str] = []

    def flush():
        if chunk:
            lines = [clean(ln) for ln in chunk]
            chunk.clear()
            if _wrapped([ln for ln in lines if ln]):
                gaps = [i > 0 and not lines[i - 1] for i in range(len(lines))]
                blocks.extend(Para(p) for p in reflow(lines, gaps=gaps))
            else:
                blocks.extend(Para(ln) for ln in lines if ln and not page_furniture(ln))

    i = 0
    while i < len(raw):
        if raw[i].count("\t") >= 2:
            j = i
            while j < len(raw) and raw[j].count("\t") >= 2:
                j += 1
            rows = _table_rows(raw[i:j])
            if rows:
                flush()
                blocks.append(Table(rows))
                i = j
                continue
        chunk.append(raw[i].replace("\t", " "))
        i += 1
    flush()
    return blocks
