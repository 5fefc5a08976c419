"""What the parser returns: plain dataclasses that serialise to JSON."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


class ParseError(ValueError):
    """The input cannot be read as a document. The message is Vietnamese and says what is wrong."""


@dataclass
class Source:
    """Where a proposed field was read: the words, as offsets into the directive's own text (or its table row's
    cells, where == "column"), so the review step can highlight them beside the form."""
    field: str  # "lead", "coordinating", "deadline", "ongoing"
    text: str
    start: int = -1  # offsets into ParsedDirective.text; -1 when the words are not in it (a heading, a column)
    end: int = -1
    where: str = "text"  # "text", "heading" (inherited from the section's heading or intro), "column" (a table cell)


# The fields a confidence is given for, in the order the review step shows them.
CONFIDENCE_FIELDS = ("directive", "lead", "coordinating", "timing")


@dataclass
class ParsedDirective:
    section: str
    label: str
    text: str
    paragraphs: int = 1
    short_title: str = ""  # the trích yếu proposed for lists (titles.short_title); the review step edits it
    lead_as_written: list[str] = field(default_factory=list)
    coordinating_as_written: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    coordinating_units: list[str] = field(default_factory=list)
    scope_as_written: str = ""
    scope_groups: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    deadline_text: str = ""
    ongoing: bool = False
    needs_deadline: bool = False
    order: int = 0
    sources: list[Source] = field(default_factory=list)
    # 0..1 per CONFIDENCE_FIELDS: how sure the reading is; the wizard shows the least certain first
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def certainty(self) -> float:
        return min(self.confidence.values(), default=1.0)


@dataclass
class Skipped:
    section: str
    label: str
    text: str
    reason: str
    # what makes a set-aside paragraph worth a second look: "assignment", "unit", "date"
    signals: list[str] = field(default_factory=list)
    # the directive it would be, read as one, for the office to accept with one click (set-aside entries only)
    proposal: ParsedDirective | None = None
    after: int = 0  # the order of the directive it follows (0: before the first), to show it in place


@dataclass
class Header:
    kind: str = ""
    number: str = ""
    title: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""
    signer: str = ""


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _as_dict(obj) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            value = _as_dict(value)
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            value = [_as_dict(v) for v in value]
        out[f.name] = _jsonable(value)
    if isinstance(obj, ParsedDirective):
        out["certainty"] = obj.certainty
    return out


@dataclass
class ParseResult:
    directives: list[ParsedDirective] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    header: Header = field(default_factory=Header)
    reference_year: int | None = None
    text: str = ""  # the document as read: paragraphs joined by blank lines, a table's cells by tabs

    @property
    def set_aside(self) -> list[Skipped]:
        """What was not taken as a directive but holds an assignment verb, a unit or a date: the office looks at
        these ("Không nhận là nội dung chỉ đạo — kiểm tra lại") and can turn any into a directive."""
        return [s for s in self.skipped if s.signals]

    def to_json(self) -> dict:
        return {
            "directives": [_as_dict(d) for d in self.directives],
            "set_aside": [_as_dict(s) for s in self.set_aside],
            "skipped": [_as_dict(s) for s in self.skipped],
            "header": _as_dict(self.header),
        }
