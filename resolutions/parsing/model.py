"""What the parser returns: plain dataclasses that serialise to JSON."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


class ParseError(ValueError):
    """The input cannot be read as a document. The message is Vietnamese and says what is wrong."""


@dataclass
class ParsedDirective:
    section: str
    label: str
    text: str
    paragraphs: int = 1
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


@dataclass
class Skipped:
    section: str
    label: str
    text: str
    reason: str


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
    return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


@dataclass
class ParseResult:
    directives: list[ParsedDirective] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    header: Header = field(default_factory=Header)
    reference_year: int | None = None
    text: str = ""  # the document as read: paragraphs joined by blank lines, a table's cells by tabs

    def to_json(self) -> dict:
        return {
            "directives": [_as_dict(d) for d in self.directives],
            "skipped": [_as_dict(s) for s in self.skipped],
            "header": _as_dict(self.header),
        }
