"""The worked example: the closing speech of the Hậu Giang Provincial Party Committee's 8th conference (April 2022).

`worked_example()` gives the 16 directives as a careful reader extracts them (seed_directives.json), with their
full text cut from the speech, plus the demo's choice of lead unit where the speech names none.
"""
from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEECH_PATH = HERE / "hau_giang_2022_04_closing_speech.txt"
GOLDEN_PATH = HERE / "seed_directives.json"

TITLE = ("Phát biểu bế mạc Hội nghị lần thứ 8 Ban Chấp hành Đảng bộ tỉnh khóa XIV: sơ kết công tác quý I, "
         "triển khai chương trình công tác quý II/2022")
# The speech carries only its month ("date 2022-04"); the conference closed in mid-April.
ISSUED_ON = datetime.date(2022, 4, 15)
SIGNER = "Bí thư Tỉnh ủy"

# Where the speech names no one, the demo gives the item to the unit a provincial office would choose.
# Keyed by (section, label) as in seed_directives.json: (lead code, [coordinating codes], deadline if the
# speech gives a one-off item no date).
DEMO_ASSIGNEES = {
    ("I.3", "(4)"): ("UBND_TINH", ["SO_KHDT", "SO_TC"], None),
    ("I.3", "(5)"): ("UBND_TINH", ["SO_KHDT", "BQL_KCN"], None),
    ("I.3", "(6)"): ("UBND_TINH", ["SO_TNMT"], None),
    ("I.3", "(7)"): ("BTGTU", ["SO_VHTTDL", "SO_YT"], None),
    ("I.3", "(8)"): ("BCHQS_TINH", ["CONG_AN_TINH"], None),
    ("IV.3", "(2)"): ("BTGTU", [], None),
    ("IV.3", "(3)"): ("UBND_TINH", ["SO_NV"], None),
    ("IV.3", "(4)"): (None, [], datetime.date(2022, 9, 30)),
}


@dataclass
class DemoDirective:
    section: str
    label: str
    text: str
    paragraphs: int
    deadline: datetime.date | None
    deadline_text: str
    ongoing: bool
    scope_as_written: str
    lead_units: list[str]
    coordinating_units: list[str]
    scope_groups: list[str]
    demo_lead_code: str | None = None
    demo_coordinating_codes: list[str] = field(default_factory=list)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def speech_text() -> str:
    return nfc(SPEECH_PATH.read_text(encoding="utf-8"))


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def worked_example() -> list[DemoDirective]:
    golden = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))
    paragraphs = _paragraphs(speech_text())
    result = []
    start = 0
    for item in golden["directives"]:
        starts_with = nfc(item["starts_with"])
        index = next(i for i in range(start, len(paragraphs)) if starts_with in paragraphs[i])
        block = paragraphs[index:index + item["paragraphs"]]
        label = item["label"]
        if label and block[0].startswith(label):
            block[0] = block[0][len(label):].strip()
        start = index + item["paragraphs"]
        lead_code, coordinating_codes, demo_deadline = DEMO_ASSIGNEES.get((item["section"], label), (None, [], None))
        deadline = datetime.date.fromisoformat(item["deadline"]) if item["deadline"] else demo_deadline
        result.append(DemoDirective(
            section=item["section"], label=label, text="\n\n".join(block), paragraphs=item["paragraphs"],
            deadline=deadline, deadline_text=item.get("deadline_text", ""), ongoing=item["ongoing"],
            scope_as_written=item.get("scope_as_written", ""), lead_units=item["lead_units"],
            coordinating_units=item["coordinating_units"], scope_groups=item["scope_groups"],
            demo_lead_code=lead_code, demo_coordinating_codes=coordinating_codes,
        ))
    return result
