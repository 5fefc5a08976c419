"""From a document's text to recorded directives and tasks: the glue between resolutions.parsing and the database.

The parser (pure Python) proposes directives; this module turns its result into *draft items*, plain JSON-able
dicts that the review wizard keeps in the session and edits, that the command and the demo adjust, and that
`record_import` writes in one transaction. One path for the three of them, so what the office confirms in the
wizard and what `import_resolution` records are made the same way.

A draft item:
    {"id", "section", "label", "text" (paragraphs separated by a blank line), "short_title" (the trích yếu lists
     show: the parser's proposal, edited in the review step), "lead_as_written",
     "coordinating_as_written", "unmatched", "scope_as_written",
     "leads": ["unit:<pk>", "group:<key>", ...], "coordinating": [...same...],
     "deadline": ISO date or None, "parsed_deadline": the document's, "deadline_text": as written (in
     Vietnamese), "ongoing": bool, "report_cycle": a Task.ReportCycle value when ongoing, else "",
     "sources": [{"field": "lead"|"coordinating"|"deadline"|"ongoing", "text", "start", "end",
                  "where": "text"|"heading"|"column"}] (offsets into "text" when where is "text", else -1),
     "confidence": {"directive"|"lead"|"coordinating"|"timing": 0..1}, "position": [order, n] (document order),
     "from_set_aside": the set-aside entry it was made from, if the office turned one into a directive}
An ongoing item with a deadline is continuing work due by a date: its tasks take the deadline. A field the office
changes counts as checked: its confidence becomes 1.
"""
from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resolutions import parsing
from resolutions.models import Resolution
from resolutions.parsing import Directory, ParseError, ParseResult, readers
from resolutions.parsing.titles import SHORT_TITLE_MAX, short_title
from resolutions.services import DirectiveInput, find_duplicate, record_resolution
from tasks import services as task_services
from tasks.models import Task
from units.directory_data import GROUPS, OTHER_BODIES, UNITS
from units.models import Unit, UnitGroup
from units.selectors import units_of_groups

__all__ = [
    "DocumentDetails", "ParsedUpload", "ParseError", "ReviewedDirective", "directory_from_db", "current_directory",
    "shipped_directory", "parse_upload", "items_from_parse", "set_aside_from_parse", "promote_set_aside",
    "map_unmatched", "marked_paragraphs", "reviewed_directives", "record_import", "resolution_kind",
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


# The text a draft may hold (characters): a 300-page document. The session carries the draft until it is confirmed;
# the upload form's pasted text is held to it too.
BODY_LIMIT = 1_000_000

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
    known = _KnownAssignees()
    return [item_from_directive(directive, known, position=[directive.order, 0]) for directive in result.directives]


def set_aside_from_parse(result: ParseResult) -> list[dict]:
    """The paragraphs set aside that hold an assignment, a unit or a date, each with the draft item it would be
    (`proposal`), for the office to look at and turn into a directive with one click.

    A set-aside entry: {"id", "section", "label", "text", "reason", "signals", "position", "proposal": a draft
    item}. `position` ([order of the directive it follows, n]) places it, and its proposal, in document order
    among the items."""
    known = _KnownAssignees()
    entries = []
    for number, skipped in enumerate(result.skipped, start=1):
        if not skipped.signals or skipped.proposal is None:
            continue
        position = [skipped.after, number]
        entries.append({
            "id": new_item_id(), "section": skipped.section, "label": skipped.label, "text": skipped.text,
            "reason": skipped.reason, "signals": [s for s in skipped.signals if s in SIGNALS],
            "position": position, "proposal": item_from_directive(skipped.proposal, known, position=position),
        })
    return entries


# What makes a set-aside paragraph worth a second look, as the parser names it.
SIGNALS = ("assignment", "unit", "date")


class _KnownAssignees:
    """The active units by name and the group keys, read once for a whole document."""

    def __init__(self):
        self.units = {unit.name: unit for unit in Unit.objects.filter(active=True)}
        self.group_keys = set(UnitGroup.objects.values_list("key", flat=True))


def item_from_directive(directive, known: _KnownAssignees, *, position: list[int]) -> dict:
    units, group_keys = known.units, known.group_keys
    unknown = [name for name in directive.lead_units + directive.coordinating_units if name not in units]
    deadline = directive.deadline.isoformat() if directive.deadline else None
    return {
        "id": new_item_id(),
        "section": directive.section,
        "label": directive.label,
        "text": directive.text,
        "short_title": directive.short_title or short_title(directive.text),
        "lead_as_written": list(directive.lead_as_written),
        "coordinating_as_written": list(directive.coordinating_as_written),
        "unmatched": list(dict.fromkeys([*directive.unmatched, *unknown])),
        "scope_as_written": directive.scope_as_written,
        "leads": [unit_ref(units[name]) for name in directive.lead_units if name in units]
                 + [group_ref(key) for key in directive.scope_groups if key in group_keys],
        "coordinating": [unit_ref(units[name]) for name in directive.coordinating_units if name in units],
        "deadline": deadline,
        "parsed_deadline": deadline,
        "deadline_text": vietnamese_deadline_text(directive.deadline_text),
        "ongoing": bool(directive.ongoing),
        "report_cycle": DEFAULT_REPORT_CYCLE if directive.ongoing else "",
        "sources": [{"field": source.field, "text": source.text, "start": source.start, "end": source.end,
                     "where": source.where} for source in directive.sources],
        "confidence": {key: float(value) for key, value in directive.confidence.items()},
        "position": list(position),
    }


# --- where each field was read, how sure the reading is ------------------------------------------------------

# Below this an item is flagged "Cần kiểm tra"; the parser's figures are a ranking (resolutions.parsing.evidence).
LOW_CERTAINTY = 0.7
HIGH_CERTAINTY = 0.9
# The form fields a source points at ("ongoing" is the report cycle's field).
SOURCE_FIELDS = ("lead", "coordinating", "deadline", "ongoing")


def certainty(item: dict) -> float:
    """How sure the least sure of the item's readings is (1.0 for an item the office has checked, or one from a
    draft made before the parser said)."""
    values = [v for v in (item.get("confidence") or {}).values() if isinstance(v, (int, float))]
    return min(values, default=1.0)


def weakest_reading(item: dict) -> str:
    """Which reading ("directive", "lead", "coordinating", "timing") the item's certainty comes from."""
    confidence = item.get("confidence") or {}
    return min(confidence, key=confidence.get) if confidence else ""


def sources_of(item: dict, field_name: str) -> list[dict]:
    return [source for source in item.get("sources") or [] if source.get("field") == field_name]


def _in_text(item: dict, source: dict) -> bool:
    """Whether the source's offsets still point at its words in the item's text (edits move text around)."""
    start, end, text = source.get("start", -1), source.get("end", -1), item["text"]
    return (source.get("where") == "text" and isinstance(start, int) and isinstance(end, int)
            and 0 <= start < end <= len(text) and text[start:end].strip() == source.get("text"))


def marked_paragraphs(item: dict) -> list[list[dict]]:
    """The item's paragraphs, each as runs of text: {"text", "fields": the source fields whose words these are}.
    The template wraps a run that has fields in <mark>; no HTML is made here."""
    text = item["text"]
    spans = [(source["start"], source["end"], source["field"])
             for source in item.get("sources") or [] if source.get("field") in SOURCE_FIELDS and _in_text(item, source)]
    paragraphs = []
    start = 0
    for boundary in [*re.finditer(r"\n\s*\n", text), None]:
        end = boundary.start() if boundary else len(text)
        # the paragraph without its surrounding whitespace, as item_paragraphs gives it
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            cuts = sorted({start, end, *(p for s, e, _f in spans for p in (s, e) if start < p < end)})
            runs = []
            for left, right in zip(cuts, cuts[1:]):
                fields = [f for s, e, f in spans if s <= left and right <= e]
                runs.append({"text": text[left:right], "fields": list(dict.fromkeys(fields))})
            paragraphs.append(runs)
        if boundary:
            start = boundary.end()
    return paragraphs


def _shift_sources(sources: list[dict], *, by: int, keep: tuple[int, int] | None = None) -> list[dict]:
    """Sources with their text offsets moved by `by`; with `keep`, only those inside that range of the old
    offsets (a heading's or a column's words go everywhere)."""
    moved = []
    for source in sources:
        if source.get("where") != "text":
            moved.append(dict(source))
        elif keep is None or keep[0] <= source.get("start", -1) and source.get("end", -1) <= keep[1]:
            moved.append({**source, "start": source["start"] + by, "end": source["end"] + by})
    return moved


def promote_set_aside(draft: dict, entry_id: str) -> dict:
    """Turn a set-aside paragraph into a review item, in its place in the document; returns the new item.
    The office chose it, so its being a directive counts as checked. Raises KeyError for an unknown entry."""
    entries = draft.get("set_aside") or []
    index = next(i for i, entry in enumerate(entries) if entry.get("id") == entry_id)
    entry = entries.pop(index)
    item = {**entry["proposal"], "id": new_item_id(), "from_set_aside": entry}
    item["confidence"] = {**item.get("confidence", {}), "directive": 1.0}
    items = draft["items"]
    place = next((i for i, other in enumerate(items) if _position(other) > _position(item)), len(items))
    items.insert(place, item)
    return item


def return_to_set_aside(draft: dict, item: dict) -> None:
    """An item that came from the set-aside paragraphs goes back among them when the office drops it."""
    entry = item.get("from_set_aside")
    if not isinstance(entry, dict):
        return
    entries = draft.setdefault("set_aside", [])
    entries.append(entry)
    entries.sort(key=_position)


def _position(entry: dict) -> tuple:
    position = entry.get("position")
    return tuple(position) if isinstance(position, list) else (0, 0)


def map_unmatched(items: Iterable[dict], phrase: str, unit: Unit) -> int:
    """The office says a name the directory did not know is `unit`: every item that wrote it gets the unit
    (as lead where the name was written as the lead, else as coordinating) and loses the name from its unmatched
    ones. Returns how many items changed."""
    key = " ".join(phrase.split()).casefold()
    ref = unit_ref(unit)
    changed = 0
    for item in items:
        names = [name for name in item["unmatched"] if " ".join(name.split()).casefold() == key]
        if not names:
            continue
        item["unmatched"] = [name for name in item["unmatched"] if name not in names]
        as_lead = any(name in item["lead_as_written"] for name in names)
        if as_lead:
            item["leads"] = list(dict.fromkeys([*item["leads"], ref]))
            item["coordinating"] = [other for other in item["coordinating"] if other != ref]
        elif ref not in item["leads"]:
            item["coordinating"] = list(dict.fromkeys([*item["coordinating"], ref]))
        confidence = item.get("confidence") or {}
        item["confidence"] = {**confidence, ("lead" if as_lead else "coordinating"): 1.0}
        changed += 1
    return changed


def item_paragraphs(item: dict) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", item["text"]) if part.strip()]


def merge_items(first: dict, second: dict) -> dict:
    """One item from two neighbours: texts one after the other, leads and coordinating units together, the
    first's schedule unless only the second has a deadline."""
    merged = dict(first)
    merged["text"] = f"{first['text'].rstrip()}\n\n{second['text'].lstrip()}"
    shift = len(first["text"].rstrip()) + 2 - (len(second["text"]) - len(second["text"].lstrip()))
    merged["sources"] = [*first.get("sources", []), *_shift_sources(second.get("sources", []), by=shift)]
    # as sure as the less sure of the two, reading by reading
    merged["confidence"] = {key: min(first.get("confidence", {}).get(key, 1.0),
                                     second.get("confidence", {}).get(key, 1.0))
                            for key in {*first.get("confidence", {}), *second.get("confidence", {})}}
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
    text, sources = item["text"], item.get("sources", [])
    head_starts = len(text[:at]) - len(text[:at].lstrip())
    tail_starts = at + len(text[at:]) - len(text[at:].lstrip())
    first = {**item, "text": head, "sources": _shift_sources(sources, by=-head_starts, keep=(0, at))}
    second = {**item, "id": new_item_id(), "label": "", "text": tail, "short_title": short_title(tail),
              "leads": list(item["leads"]), "coordinating": list(item["coordinating"]),
              "sources": _shift_sources(sources, by=-tail_starts, keep=(at, len(text))),
              "from_set_aside": None}
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
    short_title: str = ""  # empty: the one proposed from the text


def item_short_title(item: dict) -> str:
    """The item's short title: as the office wrote it in the review step, else the proposal from its text (a draft
    kept from before short titles has none)."""
    title = " ".join(str(item.get("short_title") or "").split())
    return title[:SHORT_TITLE_MAX] or short_title(item["text"])


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
            scope_as_written=item["scope_as_written"], short_title=item_short_title(item),
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
                           ongoing=d.ongoing, scope_as_written=d.scope_as_written, short_title=d.short_title)
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


def draft_from_parse(parsed: ParsedUpload, *, draft_id: str, stored: str) -> dict:
    """The draft of a parsed document, as the review edits it (JSON-able: the session keeps it; a background read
    writes it into its job's file, intake.background)."""
    header = parsed.result.header
    return {
        "id": draft_id,
        "created": timezone.now().isoformat(),
        "filename": parsed.filename,
        "file": stored,
        "body": parsed.body,
        "details": {
            "kind": resolution_kind(header.kind),
            "number": header.number[:64],
            "title": header.title[:500],
            "issued_on": header.issued_on.isoformat() if header.issued_on else None,
            "issuing_body": (header.issuer or DocumentDetails.issuing_body)[:255],
            "signer": header.signer[:255],
        },
        "items": items_from_parse(parsed.result),
        # Set aside with a reason to look again (an assignment verb, a unit, a date): shown apart, each one
        # a click from being a directive. The rest is listed folded away, with its reasons.
        "set_aside": set_aside_from_parse(parsed.result),
        "skipped": [{"section": s.section, "label": s.label, "text": s.text, "reason": s.reason}
                    for s in parsed.result.skipped if not (s.signals and s.proposal is not None)],
        "warnings": list(parsed.warnings),
    }


@dataclass(frozen=True)
class Refusal:
    """Why a read document cannot go on to the review: the message, its code, and the document already recorded."""

    message: str
    code: str
    duplicate: Resolution | None = None


def refusal_of(parsed: ParsedUpload) -> Refusal | None:
    """What keeps a read document from the review, the same whether it was read in the request or by a worker: a
    document already recorded, or one too long to review on one page."""
    duplicate = find_duplicate(parsed.body)
    if duplicate is not None:
        return Refusal(_("Văn bản này đã được nhập trước đây."), "duplicate", duplicate)
    if len(parsed.body) > BODY_LIMIT:
        return Refusal(_("Văn bản quá dài để xem xét trên trang (hơn %(limit)s ký tự): hãy tách thành nhiều phần.")
                       % {"limit": f"{BODY_LIMIT:,}".replace(",", ".")}, "too_long")
    return None
