"""The worked example: the closing speech of the Hậu Giang Provincial Party Committee's 8th conference (April 2022).

The speech is read by the parser and recorded through the importer (intake.importing), the way the office
imports any document; what the office would choose by hand is here: the document's details, and a lead unit for
the directives the speech gives no one. seed_directives.json is a careful reader's extraction, the expectation
the parser is held to (tests/tasks/test_load_demo.py, tests/resolutions/test_import_command.py).

The current work is a short notice of the standing committee's conclusions (thong_bao_ket_luan_cuoi_nam.txt),
written for the demo: its dates are filled in relative to the day the demo is loaded (`notice_text`), so that some
of its tasks are due in a few days and some are a few days late whenever the demo is loaded. What happens to both
documents afterwards, and when, is in intake.demo.history.
"""
from __future__ import annotations

import datetime
import unicodedata
from pathlib import Path

from ..importing import unit_ref

HERE = Path(__file__).resolve().parent
SPEECH_PATH = HERE / "hau_giang_2022_04_closing_speech.txt"
GOLDEN_PATH = HERE / "seed_directives.json"
NOTICE_PATH = HERE / "thong_bao_ket_luan_cuoi_nam.txt"

TITLE = ("Phát biểu bế mạc Hội nghị lần thứ 8 Ban Chấp hành Đảng bộ tỉnh khóa XIV: sơ kết công tác quý I, "
         "triển khai chương trình công tác quý II/2022")
# The speech carries only its month ("date 2022-04"); the conference closed in mid-April.
ISSUED_ON = datetime.date(2022, 4, 15)
SIGNER = "Bí thư Tỉnh ủy"
ISSUING_BODY = "Tỉnh ủy Hậu Giang"
# The office recorded the speech in the portal a few days after the conference.
RECORDED_AT = datetime.datetime(2022, 4, 20, 9, 0)

# The notice: recorded again only when no document of its number is (its text changes with the day of loading).
NOTICE_NUMBER = "186-TB/TU"
NOTICE_TITLE = "Kết luận của Thường trực Tỉnh ủy về một số nhiệm vụ trọng tâm những tháng cuối năm"
NOTICE_SIGNER = "Chánh Văn phòng Tỉnh ủy"
NOTICE_ISSUED_DAYS_AGO = 40
# The short titles the office wrote in the review step where the proposed one said too little (keyed by words of
# the item's text).
NOTICE_SHORT_TITLES = {
    "tình hình tư tưởng": "Tình hình tư tưởng trước kỳ họp HĐND tỉnh",
    "Chỉ thị số 05-CT/TU": "Tổng hợp kết quả kiểm tra, giám sát thực hiện Chỉ thị số 05-CT/TU",
    "kế hoạch phát triển kinh tế": "Dự thảo kế hoạch phát triển kinh tế - xã hội năm tới",
}
# Each item's deadline in days from the day the demo is loaded (the placeholders of the text).
NOTICE_DEADLINES = {"soon": 3, "overdue": -8, "extended": -6, "proposed": 1, "done": -10, "later": 25, "week": 7}

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


def speech_text() -> str:
    return unicodedata.normalize("NFC", SPEECH_PATH.read_text(encoding="utf-8"))


def _written(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def notice_issued_on(today: datetime.date) -> datetime.date:
    """The working day on or before 40 days ago: the day the notice was signed and recorded."""
    from .history import working_moment

    day = today - datetime.timedelta(days=NOTICE_ISSUED_DAYS_AGO)
    return working_moment(datetime.datetime.combine(day, datetime.time(9))).date()


def notice_text(today: datetime.date) -> str:
    """The notice as issued 40 days before `today`, its deadlines NOTICE_DEADLINES days from `today`."""
    issued = notice_issued_on(today)
    met = issued - datetime.timedelta(days=1)
    dates = {key: _written(today + datetime.timedelta(days=days)) for key, days in NOTICE_DEADLINES.items()}
    text = NOTICE_PATH.read_text(encoding="utf-8").format(
        issued=f"{issued.day:02d} tháng {issued.month:02d} năm {issued.year}", met=_written(met), year=today.year,
        **dates,
    )
    return unicodedata.normalize("NFC", text)


def apply_notice_choices(items: list[dict]) -> list[dict]:
    """The office's review of the notice: the opening findings, which hand no one any work, dropped; three short
    titles written by hand."""
    items = [item for item in items if item["leads"]]
    for item in items:
        for words, title in NOTICE_SHORT_TITLES.items():
            if words in item["text"]:
                item["short_title"] = title
    return items


def apply_demo_choices(items: list[dict], units_by_code: dict) -> list[dict]:
    """The office's choices for the draft items (intake.importing): a lead and coordinating units where the
    speech names none, a deadline where a one-off item has no date. Items the speech assigns stay as parsed."""
    for item in items:
        lead_code, coordinating_codes, deadline = DEMO_ASSIGNEES.get((item["section"], item["label"]),
                                                                     (None, [], None))
        if lead_code and not item["leads"]:
            item["leads"] = [unit_ref(units_by_code[lead_code])]
            item["coordinating"] = [unit_ref(units_by_code[code]) for code in coordinating_codes]
        if deadline and not item["deadline"] and not item["ongoing"]:
            item["deadline"] = deadline.isoformat()
    return items
