"""Where each proposed field was read and how sure the reading is.

The review step highlights a field's words beside the form (ParsedDirective.sources) and orders the office's
attention by confidence, least certain first. The figures are a ranking, not probabilities: what matters is that a
lead read from "giao Sở X chủ trì" ranks above a lead handed down from a heading, and both above a name the
directory does not know.
"""
from __future__ import annotations

from .assignees import Assignment
from .model import ParsedDirective, Source

# timing, by where it came from
TIMING = {"date": 1.0, "period": 0.9, "column": 0.95, "heading": 0.8, "recurring": 0.9, "strong": 0.85,
          "bare_year": 0.6, "weak": 0.6, "continuing": 0.55, "none": 0.4}


def party_sources(d: ParsedDirective, a: Assignment, where: str) -> None:
    """The lead's and coordinating units' words, as offsets into d.text when they were read there."""
    for field, parties in (("lead", a.lead), ("coordinating", a.coord)):
        for p in parties:
            kind = p.entity.kind if p.entity else None
            if kind == "issuer":
                continue
            if where == "text" and d.text[p.start:p.end].strip() == p.text:
                d.sources.append(Source(field, p.text, p.start, p.end, "text"))
            else:
                d.sources.append(Source(field, p.text, -1, -1, where))


def confidence(d: ParsedDirective, *, directive: float, lead_where: str, timing: str) -> dict[str, float]:
    if d.unmatched and any(u in d.lead_as_written for u in d.unmatched):
        lead = 0.5
    elif not (d.lead_units or d.scope_groups or d.lead_as_written):
        lead = 0.3
    elif lead_where == "heading":
        lead = 0.8
    elif lead_where == "column":
        lead = 0.95
    else:
        lead = 1.0
    coordinating = 0.5 if any(u in d.coordinating_as_written for u in d.unmatched) else 1.0
    return {"directive": directive, "lead": lead, "coordinating": coordinating, "timing": TIMING[timing]}
