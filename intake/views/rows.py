"""What the review step shows of each item, in plain values for the templates (no HTML is made here): the text
cut into runs marked with the fields read from them, where each field came from, how sure the reading is, the
items to look at first, and the paragraphs set aside with the place they would take."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import importing
from ..forms import ImportItemForm

# The parser's readings as the office calls them ("Chưa chắc: đơn vị chủ trì").
READINGS = {
    "directive": _("có phải nội dung chỉ đạo"),
    "lead": _("đơn vị chủ trì"),
    "coordinating": _("đơn vị phối hợp"),
    "timing": _("thời hạn"),
}
SIGNALS = {
    "assignment": _("có từ giao việc"),
    "unit": _("có tên đơn vị"),
    "date": _("có ngày, thời hạn"),
}


def items_context(draft: dict, choices, item_forms=None, *, notice="", notice_ok=True, new_item="") -> dict:
    rows = [_row(number, item, (item_forms or {}).get(item["id"]) or ImportItemForm(item=item, choices=choices))
            for number, item in enumerate(draft["items"], start=1)]
    if rows:
        rows[-1]["is_last"] = True
    for row in rows:
        row["is_new"] = row["item"]["id"] == new_item
    return {
        "draft": draft, "rows": rows, "notice": notice, "notice_ok": notice_ok,
        "review_url": reverse("intake:import_review", args=[draft["id"]]),
        "needing_lead": sum(1 for row in rows if row["needs_lead"]),
        "needing_deadline": sum(1 for row in rows if row["needs_deadline"]),
        # least certain first; ties keep the document's order
        "attention": sorted((row for row in rows if row["level"] != "high"),
                            key=lambda row: (row["certainty"], row["number"])),
        "set_aside": _set_aside(draft, rows),
    }


def _row(number: int, item: dict, form: ImportItemForm) -> dict:
    certainty = importing.certainty(item)
    weakest = importing.weakest_reading(item) if certainty < 1 else ""
    return {
        "number": number, "item": item, "form": form, "is_last": False,
        "paragraphs": importing.marked_paragraphs(item),
        "needs_lead": not item["leads"], "needs_deadline": not item["deadline"] and not item["ongoing"],
        "certainty": certainty, "percent": round(certainty * 100),
        "level": ("low" if certainty < importing.LOW_CERTAINTY
                  else "mid" if certainty < importing.HIGH_CERTAINTY else "high"),
        "weakest": READINGS.get(weakest, ""),
        "sources": {name: _sources(item, name) for name in importing.SOURCE_FIELDS},
        "from_set_aside": bool(item.get("from_set_aside")),
        "aliases": form.alias_rows(),
    }


def _sources(item: dict, field_name: str) -> list[dict]:
    """A field's words: `marked` when they are highlighted in the text beside the form, else where they were read
    (a heading, a table's column) or that the text has moved since (a split, a merge)."""
    text = item["text"]
    found = []
    for source in importing.sources_of(item, field_name):
        start, end = source.get("start", -1), source.get("end", -1)
        marked = (source.get("where") == "text" and isinstance(start, int) and isinstance(end, int)
                  and 0 <= start < end <= len(text) and text[start:end].strip() == source.get("text"))
        found.append({"text": source.get("text", ""), "where": source.get("where", "text"), "marked": marked})
    return found


def _set_aside(draft: dict, rows: list[dict]) -> list[dict]:
    """The paragraphs set aside, each with the item it comes after ("sau mục 3"), as the document has them."""
    entries = []
    for entry in draft.get("set_aside") or []:
        position = entry.get("position") or [0, 0]
        before = [row["number"] for row in rows if (row["item"].get("position") or [0, 0]) <= position]
        entries.append({
            "entry": entry, "after": before[-1] if before else 0,
            "signals": [SIGNALS[signal] for signal in entry.get("signals", []) if signal in SIGNALS],
            "proposal_leads": entry.get("proposal", {}).get("lead_as_written", []),
            "proposal_deadline": entry.get("proposal", {}).get("deadline_text", ""),
        })
    return entries
