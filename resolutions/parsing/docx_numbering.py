"""A .docx as blocks, with the labels of Word's automatic numbering put back in front of the paragraphs.

Word keeps "1.", "a)", "(1)", "-" of a numbered list out of the paragraph's text: the paragraph says which list
and level it belongs to (w:numPr, directly or through its style), and numbering.xml says how that level is
written (w:lvlText such as "%1." or "(%2)", w:numFmt, w:start). The counters run in document order.
"""
from __future__ import annotations

import re

from docx.oxml.ns import qn

from .blocks import Para, Table
from .labels import read_label
from .text import clean

_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "\uf0e0": "➢", "\uf02d": "-",
            "o": "◦", "§": "▪", "Ø": "➢", "ü": "✓", "": "•"}


def _val(el, tag, default=None):
    if el is None:
        return default
    child = el.find(qn(tag))
    if child is None:
        return default
    return child.get(qn("w:val"), default)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("upperRoman",):
        return _roman(n)
    if fmt in ("lowerRoman",):
        return _roman(n).lower()
    if fmt in ("upperLetter",):
        return _letter(n).upper()
    if fmt in ("lowerLetter",):
        return _letter(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    def __init__(self, document):
        self.levels: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen_nums: set[str] = set()
        self.style_num: dict[str, tuple[str, int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part
            root = None
        styles = {}
        try:
            for st in document.styles.element.findall(qn("w:style")):
                styles[st.get(qn("w:styleId"))] = st
        except Exception:
            pass
        self.styles = styles
        if root is None:
            return
        links = {}
        for an in root.findall(qn("w:abstractNum")):
            aid = an.get(qn("w:abstractNumId"))
            link = _val(an, "w:numStyleLink")
            if link:
                links[aid] = link
            lvls = {}
            for lvl in an.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                lvls[ilvl] = {
                    "fmt": _val(lvl, "w:numFmt", "decimal"),
                    "text": _val(lvl, "w:lvlText", ""),
                    "start": int(_val(lvl, "w:start", "1") or 1),
                    "legal": lvl.find(qn("w:isLgl")) is not None,
                    "pstyle": _val(lvl, "w:pStyle"),
                }
            self.levels[aid] = lvls
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            aid = _val(num, "w:abstractNumId")
            overrides = {}
            for ov in num.findall(qn("w:lvlOverride")):
                so = ov.find(qn("w:startOverride"))
                if so is not None:
                    overrides[int(ov.get(qn("w:ilvl"), "0"))] = int(so.get(qn("w:val"), "1"))
            self.nums[nid] = (aid, overrides)
        # an abstractNum that only links to a numbering style takes that style's list
        for aid, style_id in links.items():
            st = styles.get(style_id)
            nid = self._style_numpr(st)[0] if st is not None else None
            if nid and nid in self.nums and self.nums[nid][0] != aid:
                self.levels[aid] = self.levels.get(self.nums[nid][0], {})

    @staticmethod
    def _style_numpr(style_el):
        ppr = style_el.find(qn("w:pPr")) if style_el is not None else None
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            return None, None
        ilvl = _val(numpr, "w:ilvl")
        return _val(numpr, "w:numId"), int(ilvl) if ilvl is not None else None

    def _numpr_of(self, p) -> tuple[str | None, int]:
        ppr = p.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None:
            nid = _val(numpr, "w:numId")
            ilvl = _val(numpr, "w:ilvl")
            return nid, int(ilvl) if ilvl is not None else 0
        style_id = _val(ppr, "w:pStyle") if ppr is not None else None
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            st = self.styles.get(style_id)
            if st is None:
                break
            nid, ilvl = self._style_numpr(st)
            if nid:
                if ilvl is None:
                    aid = self.nums.get(nid, (None, {}))[0]
                    ilvl = next((i for i, lv in self.levels.get(aid, {}).items() if lv["pstyle"] == style_id), 0)
                return nid, ilvl
            style_id = _val(st, "w:basedOn")
        return None, 0

    def label(self, p) -> str:
        nid, ilvl = self._numpr_of(p)
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        aid, overrides = self.nums[nid]
        lvls = self.levels.get(aid)
        if not lvls or ilvl not in lvls:
            return ""
        counters = self.counters.setdefault(aid, [None] * 10)
        if nid not in self.seen_nums:
            self.seen_nums.add(nid)
            for lv, start in overrides.items():
                if 0 <= lv < 10:
                    counters[lv] = start - 1
                    for deeper in range(lv + 1, 10):
                        counters[deeper] = None
        cur = counters[ilvl]
        counters[ilvl] = lvls[ilvl]["start"] if cur is None else cur + 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        lvl = lvls[ilvl]
        if lvl["fmt"] == "bullet":
            text = lvl["text"] or "•"
            return "".join(_BULLETS.get(c, "•" if 0xF000 <= ord(c) <= 0xF0FF else c) for c in text)
        if lvl["fmt"] == "none":
            return re.sub(r"%\d", "", lvl["text"] or "")

        def sub(m):
            k = int(m.group(1)) - 1
            level = lvls.get(k, lvl)
            n = counters[k] if counters[k] is not None else level["start"]
            return _format(n, "decimal" if lvl["legal"] else level["fmt"])

        return re.sub(r"%([1-9])", sub, lvl["text"] or "")


def _para_text(p) -> str:
    """The visible text of a w:p: runs, hyperlinks, inserted text; tabs and breaks as spaces."""
    parts = []
    for el in p.iter():
        tag = el.tag
        if tag == qn("w:t"):
            parts.append(el.text or "")
        elif tag == qn("w:tab"):
            parts.append(" ")
        elif tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif tag == qn("w:delText"):
            continue
    return "".join(parts)


def _heading_level(p, styles) -> int | None:
    ppr = p.find(qn("w:pPr"))
    style_id = _val(ppr, "w:pStyle") if ppr is not None else None
    outline = _val(ppr, "w:outlineLvl") if ppr is not None else None
    if outline is not None and outline.isdigit() and int(outline) < 9:
        return int(outline) + 1
    st = styles.get(style_id) if style_id else None
    name = ""
    if st is not None:
        name_el = st.find(qn("w:name"))
        name = (name_el.get(qn("w:val")) if name_el is not None else "") or ""
    m = re.match(r"(?:heading|tiêu đề|title)\s*(\d)?", name.strip().lower())
    if m:
        return int(m.group(1) or 1)
    return None


def _bold(p) -> bool:
    runs = [r for r in p.findall(qn("w:r")) if "".join(t.text or "" for t in r.findall(qn("w:t"))).strip()]
    if not runs:
        return False
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        b = rpr.find(qn("w:b")) if rpr is not None else None
        if b is None or b.get(qn("w:val"), "true") in ("0", "false"):
            return False
    return True


def _paragraphs(container):
    """w:p and w:tbl children in order, looking inside content controls (w:sdt)."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _paragraphs(content)


def document_blocks(document) -> list:
    numbering = Numbering(document)
    blocks: list = []

    def para_of(p, in_cell: bool = False) -> str:
        label = numbering.label(p)
        text = _para_text(p)
        if label and not text.strip():
            return label if in_cell else ""  # a numbered STT cell holds only its number
        return clean(f"{label} {text}" if label else text)

    def lines_of(p, in_cell: bool = False) -> list[str]:
        """A paragraph's lines: a manual line break (Shift+Enter) often separates what are really paragraphs,
        unless the next line goes on in lower case."""
        out: list[str] = []
        for line in para_of(p, in_cell).split("\n"):
            line = clean(line)
            if not line:
                continue
            if out and line[:1].islower() and not read_label(line).style:
                out[-1] += " " + line
            else:
                out.append(line)
        return out

    def table_of(tbl) -> Table:
        from docx.table import Table as DocxTable
        table = DocxTable(tbl, document)
        texts: dict[int, str] = {}
        alive = []  # lxml reuses a proxy only while it is alive: keep them so id() stays the cell's
        for tr in tbl.findall(qn("w:tr")):
            for tc in tr.findall(qn("w:tc")):
                alive.append(tc)
                lines = []
                for el in _paragraphs(tc):
                    if el.tag == qn("w:p"):
                        lines.extend(lines_of(el, in_cell=True))
                    else:
                        inner = table_of(el)
                        lines.extend(" | ".join(c for c in row if c) for row in inner.rows)
                texts[id(tc)] = "\n".join(lines)
        rows = []
        for row in table.rows:
            try:
                cells = row.cells
            except Exception:
                cells = []
            rows.append([texts.get(id(c._tc), "") for c in cells])
        return Table(rows)

    body = document.element.body
    for el in _paragraphs(body):
        if el.tag == qn("w:p"):
            level, bold = _heading_level(el, numbering.styles), _bold(el)
            blocks.extend(Para(line, level, bold) for line in lines_of(el))
        else:
            blocks.append(table_of(el))
    return blocks
