"""From a document's text to recorded directives and tasks: the glue between resolutions.parsing and the database.

The parser (pure Python) proposes directives; this module turns its result into *draft items*, plain JSON-able
dicts that the review wizard keeps in the session and edits, that the command and the demo adjust, and that
`record_import` writes in one transaction. One path for the three of them, so what the office confirms in the
wizard and what `import_resolution` records are made the same way.

A draft item:
    {"id", "section", "label", "text" (paragraphs separated by a blank line), "lead_as_written",
     "coordinating_as_written", "unmatched", "scope_as_written",
     "leads": ["unit:<pk>", "group:<key>", ...], "coordinating": [...same...],
     "deadline": ISO date or None, "parsed_deadline": the document's, "deadline_text": as written (in
     Vietnamese), "ongoing": bool, "report_cycle": a Task.ReportCycle value when ongoing, else ""}
An ongoing item with a deadline is continuing work due by a date: its tasks take the deadline.
"""
from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from resolutions import parsing
from resolutions.models import Resolution
from resolutions.parsing import Directory, ParseError, ParseResult, readers
from resolutions.services import DirectiveInput, find_duplicate, record_resolution
from tasks import services as task_services
from tasks.models import Task
from units.directory_data import GROUPS, OTHER_BODIES, UNITS
from units.models import Unit, UnitGroup
from units.selectors import units_of_groups

__all__ = [
    "DocumentDetails", "ParsedUpload", "ParseError", "ReviewedDirective", "directory_from_db", "current_directory",
    "shipped_directory", "parse_upload", "items_from_parse", "reviewed_directives", "record_import", "resolution_kind",
    "vietnamese_deadline_text", "items_needing_lead", "find_duplicate",
]

DEFAULT_REPORT_CYCLE = Task.ReportCycle.QUARTERLY

# The parser marks a deadline inherited from a heading ("nhiệm vụ trọng tâm quý II/2022") with an English tag.
_HEADING_TAG = re.compile(r"\s*\(heading\)\s*$", re.IGNORECASE)

# The parser names a document's kind as people write it; the portal keeps a short list.
_KINDS = {
    "nghị quyết": Resolution.Kind.NGHI_QUYET,
    "kết luận": Resolution.Kind.KET_LUAN,
    "chỉ thị": Resolution.Kind.CHI_THI,
    "quy định": Resolution.Kind.QUY_DINH,
    "thông báo kết luận": Resolution.Kind.THONG_BAO_KET_LUAN,
    "kế hoạch": Resolution.Kind.KE_HOACH,
    "phát biểu bế mạc": Resolution.Kind.PHAT_BIEU,
    "phát biểu kết luận": Resolution.Kind.PHAT_BIEU,
    "phát biểu": Resolution.Kind.PHAT_BIEU,
}


def resolution_kind(header_kind: str) -> str:
    """The Resolution.Kind for the parser's kind ("Phát biểu bế mạc", "Kết luận", ...); KHAC when unknown."""
    return _KINDS.get(" ".join((header_kind or "").split()).casefold(), Resolution.Kind.KHAC)


def vietnamese_deadline_text(text: str) -> str:
    """The deadline as written, with the parser's '(heading)' tag said in Vietnamese: '(theo đề mục)'."""
    text = (text or "").strip()
    if _HEADING_TAG.search(text):
        return _HEADING_TAG.sub("", text) + " (theo đề mục)"
    return text


# --- the unit directory --------------------------------------------------------------------------------------


def directory_from_db() -> Directory | None:
    """The parser's directory from the units and groups in the database (the office's edits in the admin
    count); None when no unit is recorded yet."""
    units = list(Unit.objects.filter(active=True).prefetch_related("groups").order_by("order", "name"))
    if not units:
        return None
    unit_rows = [
        {"name": unit.name, "short_name": unit.short_name, "aliases": _strings(unit.aliases),
         "groups": [group.key for group in unit.groups.all()]}
        for unit in units
    ]
    group_rows = [{"key": group.key, "name": group.name, "phrases": _strings(group.phrases)}
                  for group in UnitGroup.objects.order_by("key")]
    return Directory.from_data(unit_rows, group_rows, OTHER_BODIES)


def shipped_directory() -> Directory:
    """The parser's directory from the unit directory shipped with the portal (units.directory_data)."""
    return Directory.from_data(UNITS, GROUPS, OTHER_BODIES)


def _strings(values) -> list[str]:
    """A JSON list edited in the admin may hold anything: keep its non-empty strings."""
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, str) and value.strip()]


def current_directory() -> tuple[Directory, str]:
    """(directory, warning): the database's, or the shipped one with a warning when no unit is recorded."""
    directory = directory_from_db()
    if directory is None:
        return shipped_directory(), _("Chưa có đơn vị nào trong cơ sở dữ liệu: dùng danh mục đơn vị mặc định "
                                      "(chạy load_demo hoặc nhập đơn vị trong trang quản trị).")
    return directory, ""


# --- reading a document --------------------------------------------------------------------------------------


@dataclass
class ParsedUpload:
    result: ParseResult
    body: str  # the document's text: recorded as the Resolution's body, and its fingerprint finds duplicates
    directory: Directory
    filename: str = ""
    warnings: list[str] = field(default_factory=list)


def parse_upload(*, source=None, text: str | None = None, filename: str = "",
                 directory: Directory | None = None) -> ParsedUpload:
    """Parse a file (a path, bytes or an uploaded file) or pasted text. Raises ParseError (a Vietnamese message)
    on anything that cannot be read: empty, binary, a broken .docx, a PDF without text, more than 20 MB."""
    warnings: list[str] = []
    if directory is None:
        directory, warning = current_directory()
        if warning:
            warnings.append(warning)
    if text is not None:
        result = parsing.parse_text(text, directory=directory)
        body = parsing.nfc(text).strip()
    else:
        data = parsing.read_input(source, filename)
        result = parsing.parse_file(data, filename, directory=directory)
        body = _document_text(data)
    if not result.directives:
        warnings.append(_("Không tìm thấy nội dung chỉ đạo nào trong văn bản."))
    return ParsedUpload(result=result, body=body, directory=directory, filename=filename, warnings=warnings)


def _document_text(data: bytes) -> str:
    """The text of a file as the parser reads it: a .txt as decoded, a .docx or .pdf paragraph by paragraph."""
    if readers.sniff(data) == "text":
        return readers.decode_text(data).strip()
    parts = []
    for block in readers.file_blocks(data):
        rows = getattr(block, "rows", None)
        if rows is not None:
            parts.append("\n".join("\t".join(" ".join(cell.split()) for cell in row) for row in rows))
        elif getattr(block, "text", ""):
            parts.append(block.text)
    return "\n\n".join(parts).strip()


# --- draft items ---------------------------------------------------------------------------------------------


def new_item_id() -> str:
    return secrets.token_hex(4)


def unit_ref(unit: Unit) -> str:
    return f"unit:{unit.pk}"


def group_ref(key: str) -> str:
    return f"group:{key}"


def items_from_parse(result: ParseResult) -> list[dict]:
    """Draft items for the parser's directives: named units (by their canonical name) and groups as refs."""
    units = {unit.name: unit for unit in Unit.objects.filter(active=True)}
    group_keys = set(UnitGroup.objects.values_list("key", flat=True))
    items = []
    for directive in result.directives:
        unknown = [name for name in directive.lead_units + directive.coordinating_units if name not in units]
        deadline = directive.deadline.isoformat() if directive.deadline else None
        items.append({
            "id": new_item_id(),
            "section": directive.section,
            "label": directive.label,
            "text": directive.text,
            "lead_as_written": list(directive.lead_as_written),
            "coordinating_as_written": list(directive.coordinating_as_written),
            "unmatched": list(directive.unmatched) + unknown,
            "scope_as_written": directive.scope_as_written,
            "leads": [unit_ref(units[name]) for name in directive.lead_units if name in units]
                     + [group_ref(key) for key in directive.scope_groups if key in group_keys],
            "coordinating": [unit_ref(units[name]) for name in directive.coordinating_units if name in units],
            "deadline": deadline,
            "parsed_deadline": deadline,
            "deadline_text": vietnamese_deadline_text(directive.deadline_text),
            "ongoing": bool(directive.ongoing),
            "report_cycle": DEFAULT_REPORT_CYCLE if directive.ongoing else "",
        })
    return items


def item_paragraphs(item: dict) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", item["text"]) if part.strip()]


def merge_items(first: dict, second: dict) -> dict:
    """One item from two neighbours: texts one after the other, leads and coordinating units together, the
    first's schedule unless only the second has a deadline."""
    merged = dict(first)
    merged["text"] = f"{first['text'].rstrip()}\n\n{second['text'].lstrip()}"
    for key in ("leads", "coordinating", "lead_as_written", "coordinating_as_written", "unmatched"):
        merged[key] = list(dict.fromkeys([*first[key], *second[key]]))
    merged["coordinating"] = [ref for ref in merged["coordinating"] if ref not in merged["leads"]]
    merged["scope_as_written"] = "; ".join(p for p in (first["scope_as_written"], second["scope_as_written"]) if p)
    if not first["deadline"] and second["deadline"]:
        for key in ("deadline", "parsed_deadline", "deadline_text"):
            merged[key] = second[key]
    merged["ongoing"] = first["ongoing"] or second["ongoing"]
    merged["report_cycle"] = (first["report_cycle"] or second["report_cycle"] or DEFAULT_REPORT_CYCLE
                              if merged["ongoing"] else "")
    return merged


def split_item(item: dict, at: int) -> tuple[dict, dict]:
    """Two items from one, cut at character `at` of its text; the second keeps the first's assignment and
    schedule (the office changes what differs). Raises ValueError when either part would be empty."""
    head, tail = item["text"][:at].strip(), item["text"][at:].strip()
    if not head or not tail:
        raise ValueError("empty part")
    first = {**item, "text": head}
    second = {**item, "id": new_item_id(), "label": "", "text": tail,
              "leads": list(item["leads"]), "coordinating": list(item["coordinating"])}
    return first, second


def paragraph_offsets(item: dict) -> list[int]:
    """Where each paragraph after the first starts in the item's text: the places it can be split at."""
    return [m.end() for m in re.finditer(r"\n\s*\n", item["text"]) if item["text"][m.end():].strip()]


def items_needing_lead(items: Iterable[dict]) -> list[dict]:
    return [item for item in items if not item["leads"]]


def items_needing_deadline(items: Iterable[dict]) -> list[dict]:
    return [item for item in items if not item["deadline"] and not item["ongoing"]]


def place(item: dict) -> str:
    """How a person names an item: its section and label ("I.3 (4)"), or the start of its text."""
    where = " ".join(part for part in (item.get("section", ""), item.get("label", "")) if part)
    return where or " ".join(item["text"].split()[:8]) + "…"


def describe(item: dict) -> str:
    """An item named in a message: its place and its first words ("I.3 (4) “Tập trung triển khai…”")."""
    where = " ".join(part for part in (item.get("section", ""), item.get("label", "")) if part)
    words = " ".join(item["text"].split()[:6])
    return f"{where} “{words}…”".strip()


# --- recording -----------------------------------------------------------------------------------------------


@dataclass
class DocumentDetails:
    kind: str
    title: str
    issued_on: datetime.date
    number: str = ""
    issuing_body: str = "Tỉnh ủy Hậu Giang"
    signer: str = ""


@dataclass
class ReviewedDirective:
    """One directive as confirmed: who leads (named units and groups), who coordinates, by when."""

    section: str
    label: str
    text: str
    lead_units: list[Unit]
    group_keys: list[str]
    coordinating_units: list[Unit]
    deadline: datetime.date | None
    deadline_text: str = ""  # as written in the document: the tasks show it beside their date ("Văn bản ghi")
    ongoing: bool = False
    report_cycle: str = ""
    scope_as_written: str = ""


def _resolve(refs: Sequence[str], units: dict[int, Unit], group_keys: set[str]) -> tuple[list[Unit], list[str]]:
    found_units, found_groups = [], []
    for ref in refs:
        kind, _sep, value = ref.partition(":")
        if kind == "unit" and value.isdigit() and int(value) in units:
            found_units.append(units[int(value)])
        elif kind == "group" and value in group_keys:
            found_groups.append(value)
    return found_units, found_groups


def reviewed_directives(items: Sequence[dict]) -> list[ReviewedDirective]:
    """The draft items with their unit refs resolved to active units and known groups (unknown refs dropped)."""
    units = {unit.pk: unit for unit in Unit.objects.filter(active=True)}
    group_keys = set(UnitGroup.objects.values_list("key", flat=True))
    reviewed = []
    for item in items:
        lead_units, lead_groups = _resolve(item["leads"], units, group_keys)
        coordinating, coordinating_groups = _resolve(item["coordinating"], units, group_keys)
        if coordinating_groups:
            coordinating += [unit for unit in units_of_groups(coordinating_groups)
                             if unit not in coordinating]
        deadline = datetime.date.fromisoformat(item["deadline"]) if item["deadline"] else None
        reviewed.append(ReviewedDirective(
            section=item["section"], label=item["label"], text=item["text"], lead_units=lead_units,
            group_keys=lead_groups, coordinating_units=coordinating, deadline=deadline,
            deadline_text=item["deadline_text"],
            ongoing=item["ongoing"],
            report_cycle=(item["report_cycle"] or DEFAULT_REPORT_CYCLE) if deadline is None else "",
            scope_as_written=item["scope_as_written"],
        ))
    return reviewed


def leads_of(directive: ReviewedDirective) -> list[Unit]:
    """The units that will each lead a task, as create_tasks_for_directive chooses them."""
    leads: list[Unit] = []
    for unit in [*directive.lead_units, *units_of_groups(directive.group_keys)]:
        if unit not in leads and (unit not in directive.coordinating_units or unit in directive.lead_units):
            leads.append(unit)
    return leads


@transaction.atomic
def record_import(
    *,
    created_by,
    details: DocumentDetails,
    directives: Sequence[ReviewedDirective],
    body: str,
    original_file=None,
    check_permission: bool = True,
) -> Resolution:
    """Record the document, its directives and their tasks in one transaction: all of it, or nothing.

    Refused (ServiceError) when the document is already recorded, or when a directive has no lead: neither a
    named unit nor a group with active units.
    """
    if not directives:
        raise task_services.ServiceError(_("Văn bản chưa có nội dung chỉ đạo nào để ghi."), code="empty")
    without_lead = [d for d in directives if not leads_of(d)]
    if without_lead:
        raise task_services.ServiceError(
            _("Chưa có đơn vị chủ trì cho: %(items)s.")
            % {"items": "; ".join(describe({"section": d.section, "label": d.label, "text": d.text})
                                  for d in without_lead)},
            code="no_lead",
        )
    resolution = record_resolution(
        created_by=created_by, kind=details.kind, title=details.title, issued_on=details.issued_on,
        number=details.number, issuing_body=details.issuing_body, signer=details.signer, body=body,
        original_file=original_file,
        directives=[
            DirectiveInput(text=d.text, section_path=d.section, label=d.label, deadline_text=d.deadline_text,
                           ongoing=d.ongoing, scope_as_written=d.scope_as_written)
            for d in directives
        ],
    )
    for directive, reviewed in zip(resolution.directives.order_by("order"), directives):
        task_services.create_tasks_for_directive(
            directive=directive, created_by=created_by, lead_units=reviewed.lead_units,
            coordinating_units=reviewed.coordinating_units, group_keys=reviewed.group_keys,
            deadline=reviewed.deadline, deadline_text=reviewed.deadline_text,
            report_cycle=reviewed.report_cycle, check_permission=check_permission,
        )
    return resolution
