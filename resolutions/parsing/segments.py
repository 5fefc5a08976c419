"""Where one paragraph holds two directives: "…, hoàn thành trong tháng 4/2023; giao Sở Thông tin và Truyền thông
chủ trì …" or "… Đồng thời, Công an tỉnh chỉ đạo …". A second assignment starts a directive of its own when it
names a lead of its own, different from the first's; "giao X chủ trì, phối hợp với Y" stays one."""
from __future__ import annotations

import re

from .assignees import TRIGGER_WORDS, Assignment, read_assignment
from .classify import VERB_START
from .directory import Directory


def _past_commas(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in " ,":
        pos += 1
    return pos


# a clause boundary, then an optional connective: where a second assignment may start
_BOUNDARY = re.compile(r"(?:[;.]\s+|\n+)(?:(?:đồng thời|theo đó|ngoài ra|bên cạnh đó|mặt khác|sau đó|riêng)\s*,?\s*)?")
_LATE_TRIGGER = re.compile(r"[^,.;:\n]{0,40}?(?<!\w)" + TRIGGER_WORDS + r"\s+(?!cầu)")
_TRIGGER_START = re.compile(TRIGGER_WORDS + r"\s+(?!cầu)")


def leads(a: Assignment) -> set[str]:
    out = set()
    for p in a.lead:
        if p.entity is None or p.entity.kind == "other":
            out.add(p.text.casefold())
        elif p.entity.kind in ("unit", "group", "vague"):
            out.add(p.entity.target)
    return out


# How much of a paragraph is read around a possible split: the clause that may start a directive and the part before
# it. Reading all the rest at every boundary made a long paragraph cost the square of its length (a paragraph of 200
# sentences took 8 s); a directive's lead is named near its start.
WINDOW = 3000


def split_points(directory: Directory, text: str, folded: str) -> list[int]:
    """Offsets in text where a further directive starts (its connective included), in order; [] for one."""
    points: list[int] = []
    start = seg_start = 0
    for m in _BOUNDARY.finditer(folded):
        pos = m.end()
        if pos >= len(folded) or pos - start < 20:
            continue
        clause_start = m.start() + 1 if folded[m.start()] in ".;" else m.start()
        while clause_start < len(text) and text[clause_start].isspace():
            clause_start += 1
        if folded[m.start()] == "." and not text[clause_start:clause_start + 1].isupper():
            continue  # "v.v. giao" or an abbreviation, not a new sentence
        rest, rest_text = folded[pos:pos + WINDOW], text[pos:pos + WINDOW]
        if _TRIGGER_START.match(rest):
            pass
        elif (folded[m.start()] == "\n" or m.group(0).strip(" .;\n")) and _LATE_TRIGGER.match(rest):
            pass  # "Ngoài ra, Bộ giao Tổng cục Thủy lợi chủ trì …"
        elif folded[m.start()] == "\n" or folded[m.start():m.start() + 2] in (".\n", ";\n"):
            # a new paragraph that opens with a body of its own: that body's work
            a = read_assignment(directory, rest_text, rest)
            if not (a.subject and a.found and a.subject[0].start == 0):
                continue
        else:
            # a unit (or a name the directory does not know) opening the clause and acting as its lead
            a = read_assignment(directory, rest_text, rest)
            after = a.subject[-1].end if a.subject else 0
            if not (a.subject and a.found and VERB_START.match(rest, _past_commas(rest, after))):
                continue  # "…; Sở Tài chính bảo đảm kinh phí …": a body, then what it does
        part = read_assignment(directory, rest_text, rest)
        mine = leads(part)
        head_end = min(clause_start, seg_start + WINDOW)
        head = read_assignment(directory, text[seg_start:head_end], folded[seg_start:head_end])
        before = leads(head)
        if not head.found or not part.found or not mine or mine <= before:
            continue
        # the first part must keep something to do: a verb after its own subject
        points.append(clause_start)
        start = seg_start = clause_start
    return points
