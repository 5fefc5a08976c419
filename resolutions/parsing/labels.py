"""Item and heading labels at the start of a paragraph: "I.", "II/", "1.", "1.2.", "(1)", "a)", "-", "•", "*"."""
from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = r"(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ORDINALS = ["nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười"]
_COUNTS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]

_PATTERNS = [
    # style, regex (group "lab" is the label as written, the rest of the paragraph follows the match)
    ("roman", re.compile(rf"(?P<lab>(?=[IVXL])({_ROMAN}))\s*(?:[./:)\-–](?!\d)\s*|\s+-\s+)(?=\S)")),
    ("decimal_multi", re.compile(r"(?P<lab>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s*[./:)]?\s+(?=\S)")),
    # Up to three digits: a plan or an appendix may number a hundred items and more (with two, item 100 and all after
    # it ran into item 99 as one paragraph, and reading that paragraph grew with the square of its length).
    ("decimal", re.compile(r"(?P<lab>\d{1,3})\s*(?P<punct>[./)])\s*(?=[^\d\s/.]|\s)\s*")),
    ("paren_decimal", re.compile(r"(?P<lab>\(\d{1,3}\))\s*(?=\S)")),
    ("paren_letter", re.compile(r"(?P<lab>\([a-zđ]\))\s*(?=\S)")),
    ("letter", re.compile(r"(?P<lab>[a-zđ])\s*\)\s*(?=\S)|(?P<lab2>[a-zđ])\.\s+(?=\S)")),
    ("dash", re.compile(r"(?P<lab>[-‐‑–—⁃−])\s*(?=\S)")),
    ("plus", re.compile(r"(?P<lab>\+)\s*(?=\S)")),
    ("dot", re.compile(r"(?P<lab>[•●▪■◦○◾◽▫□❖➢➤►✓✔·\uf0b7\uf0a7\uf0d8\uf076\uf0fc])\s*(?=\S)")),
    ("star", re.compile(r"(?P<lab>\*)\s*(?=\S)")),
    ("ordinal", re.compile(r"(?P<lab>[Tt]hứ\s+(?:" + "|".join(_ORDINALS) + r"))\s*[,:.]\s*(?=\S)")),
    ("count", re.compile(r"(?P<lab>(?:" + "|".join(_COUNTS) + r"|" + "|".join(c.capitalize() for c in _COUNTS)
                         + r")\s+là)\s*[,:.]\s*(?=\S)")),
]


@dataclass(frozen=True)
class Label:
    style: str  # one of the styles above; "" for no label
    label: str  # as written: "I", "3", "(1)", "a)", "-", "*", "Thứ nhất"
    body_start: int  # where the paragraph's own text starts


NONE = Label("", "", 0)


def read_label(text: str) -> Label:
    """The label a paragraph opens with, or NONE. An inline "(1) ... (2) ..." later in the text is not a label."""
    for style, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        lab = m.group("lab") if "lab" in pattern.groupindex and m.group("lab") else m.groupdict().get("lab2")
        if not lab:
            continue
        if style == "roman" and (not lab or re.match(r"V\s*/\s*[vV](?!\w)", text)):
            continue  # "V/v đẩy nhanh tiến độ …": the subject line of a letter, not part V
        if style == "decimal":
            rest = text[m.end():]
            # "1.500 tỷ đồng", "30/6/2022 ..." are numbers, not labels
            if re.match(r"\d", rest) or text[len(lab):len(lab) + 2].startswith(("/", ".")) and re.match(
                    r"\d", text[len(lab) + 1:len(lab) + 2] or "x"):
                continue
        if style == "letter" and m.group("lab2") and len(text) > m.end() and not text[m.end()].isupper():
            continue  # "a. " followed by lower case is more likely prose
        if style == "star" and text.startswith("**"):
            continue
        if style == "ordinal" and re.match(r"\s*(?:ngày\s+)?\d", text[m.end():]):
            continue  # "Thứ Năm, ngày 12/9/2024": a weekday, not "fifthly"
        label = lab.strip()
        if style == "decimal":
            label += m.group("punct")
        if style == "decimal_multi" and text[len(lab):len(lab) + 1] == ".":
            label += "."  # "2.1." as written
        if style == "letter":
            label = label + ")" if m.group("lab") else label + "."
        elif style in ("dash",):
            label = "-"
        return Label(style, label, m.end())
    return NONE


def section_component(label: Label, text: str) -> str:
    """How a heading appears in a section path: "I", "3", "a", or the heading's words for "*" and unlabeled ones."""
    if label.style in ("roman", "decimal", "decimal_multi"):
        return label.label.rstrip("./)")
    if label.style == "letter":
        return label.label.rstrip(").")
    if label.style in ("paren_decimal", "paren_letter", "ordinal", "count"):
        return label.label
    if label.style in ("dash", "plus", "dot"):
        return ""  # a bullet that holds sub-items is not a heading of the document
    words = text[label.body_start:].strip().rstrip(":.;").strip()
    return words[:80]
