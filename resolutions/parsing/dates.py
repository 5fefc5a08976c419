"""Deadline phrases: dates and periods that end a piece of work, and the words that mark ongoing work.

Every pattern runs on folded text (see text.fold), so "quí"/"quý" and upper/lower case read alike, and a span
found here slices the original text verbatim.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .text import fold, nfc

_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PRE = r"(?:(?P<pre>trước|chậm nhất(?: là)?|đến hết|đến|hạn chót|hạn|hết|trong|vào|cuối|đầu|giữa|hoàn thành(?: trong)?|xong trước)\s+)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_DOCS = (r"nghị quyết|kết luận|chỉ thị|quy định|thông báo|kế hoạch|quyết định|hướng dẫn|công văn|văn bản|"
         r"chương trình|đề án|luật|nghị định|thông tư|báo cáo|tờ trình|thông tri|công điện|quy chế")

PATTERNS = [
    ("dmy_words", re.compile(_PRE + r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s*(?:năm|/|-)\s*" + _YEAR + r")?(?!\d)")),
    ("dmy", re.compile(_PRE + r"(?:ngày\s+)?(?P<d>\d{1,2})\s*(?P<s>[/.-])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<y>(?:19|20)\d\d|\d\d)(?!\d)(?![/.]\d)")),
    ("festival", re.compile(r"(?P<pre>dịp)\s+(?:(?:lễ|kỷ niệm|các ngày lễ|ngày lễ)\s+)?(?P<list>\d{1,2}\s*/\s*\d{1,2}(?:\s*(?:,|và|-)\s*\d{1,2}\s*/\s*\d{1,2})*)(?!\s*/?\d)")),
    ("dm", re.compile(r"(?P<pre>trước ngày|trước|chậm nhất(?: là)?(?: ngày)?|đến ngày|hạn chót|xong trước|ngày)\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?!\s*[/.]\s*\d)(?!\d)")),
    ("half", re.compile(r"(?P<n>6|sáu|9|chín)\s+tháng\s+(?P<which>đầu|cuối)\s+năm(?:\s*(?:/|-|năm)?\s*" + _YEAR + r")?(?!\d)")),
    ("month", re.compile(_PRE + r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:/|-|năm)\s*" + _YEAR + r")?(?![\d/])")),
    ("quarter", re.compile(_PRE + r"quý\s+(?P<q>iv|i{1,3}|[1-4])(?!\w)(?:\s*(?:/|-|năm)\s*" + _YEAR + r")?(?!\d)")),
    ("year", re.compile(r"(?P<pre>cuối|hết|trong|đến hết|đến|trước|giữa|hoàn thành(?: trong)?|xong trong)\s+năm\s+" + _YEAR + r"(?!\s*[-–]\s*(?:19|20)?\d\d)(?!\d)")),
    ("this_year", re.compile(r"(?<!từ )(?P<pre>cuối|hết|trong|đến hết|giữa)\s+năm(?:\s+nay)?(?!\s*\d)(?!\w)")),
    # "hoàn thành các chỉ tiêu năm 2022", "bố trí vốn năm 2023": a weak hint, below a heading's period
    ("bare_year", re.compile(r"(?<!\w)năm\s+" + _YEAR + r"(?!\s*[-–]\s*(?:19|20)?\d\d)(?!\d)(?!\s+là(?!\w))")),
]
_NOT_A_YEAR_TARGET = re.compile(r"(?:giai đoạn|nhiệm kỳ|từ|so với|khóa|cùng kỳ|kể từ|sau|trước đây|các|những|"
                                r"hằng|hàng|mỗi)\s*$")
_HORIZON = re.compile(r"(?:định hướng|tầm nhìn)\s*$")
_FINISH = re.compile(r"(?:hoàn thành|xong|kết thúc|chấm dứt|dứt điểm|xóa|giải quyết)(?!\w)[^.;]{0,50}$")

_CITED_BEFORE = re.compile(
    r"(?:(?:số|sô)\s*:?\s*\d[\w\-/.]*|(?:" + _DOCS + r")(?:\s+(?:số\s*)?\d[\w\-/.]*)?)\s*,?\s*"
    r"(?:của\s+[^,.;()]{0,60}?\s*,?\s*)?(?:\(?\s*)?(?:ban hành|ký|được ban hành)?\s*(?:ngày\s*)?$")
_CITED_AFTER = re.compile(
    r"\s*,?\s*(?:của|do)\s+(?:bộ chính trị|ban bí thư|ban chấp hành|ban thường vụ|thường trực|tỉnh ủy|ủy ban|ubnd|"
    r"hđnd|hội đồng|chính phủ|thủ tướng|trung ương|quốc hội|bộ\s|sở\s|ban\s|btv|bch)")

_STRONG_WORDS = (r"thường xuyên|lâu dài|hằng năm|hàng năm|hằng tháng|hàng tháng|hằng quý|hàng quý|hằng tuần|"
                 r"hàng tuần|hằng ngày|hàng ngày|định kỳ|liên tục|thường kỳ")
_WEAK_WORDS = r"tiếp tục|trong thời gian tới|thời gian tới|từ nay về sau|trong thời gian đến|thời gian đến"
STRONG_ONGOING = re.compile(r"(?<!\w)(?:" + _STRONG_WORDS + r")(?!\w)")
WEAK_ONGOING = re.compile(r"(?<!\w)(?:" + _WEAK_WORDS + r")(?!\w)")
# a heading or intro over continuing work: the ongoing words, and the words of a plan's direction
CONTINUING_HEADING = re.compile(r"(?<!\w)(?:" + _STRONG_WORDS + "|" + _WEAK_WORDS +
                                r"|định hướng|từ nay đến cuối nhiệm kỳ|những năm tiếp theo|năm tiếp theo)(?!\w)")
ONE_OFF = re.compile(
    r"(?<!\w)(?:ban hành|sửa đổi|thay thế|sơ kết|tổng kết|trình(?! độ)(?!\w)|hoàn thành|hoàn thiện|dự thảo|khảo sát|"
    r"kiện toàn|nghiên cứu,? đề xuất|xây dựng (?:và ban hành )?(?:đề án|kế hoạch|chương trình|quy chế|quy định|"
    r"nghị quyết|chỉ thị|báo cáo|tờ trình|phương án|quy hoạch|hướng dẫn|dự án)|"
    r"tổ chức (?:hội nghị|hội thảo|tọa đàm|lễ|đại hội|diễn tập|đoàn)|lập (?:đề án|kế hoạch|hồ sơ|quy hoạch|dự án)|"
    r"báo cáo (?:kết quả|ban thường vụ|thường trực|tỉnh ủy)|đề xuất (?:phương án|giải pháp|cơ chế))(?!\w)")


@dataclass(frozen=True)
class DateHit:
    date: dt.date
    start: int
    end: int
    text: str
    weak: bool = False  # a bare year: a deadline only when nothing better is said


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _year(text: str | None, ref_year: int | None) -> int | None:
    if text:
        y = int(text)
        return y + 2000 if y < 100 else y
    return ref_year


def _resolve(kind: str, m: re.Match, ref_year: int | None) -> dt.date | None:
    g = m.groupdict()
    pre = (g.get("pre") or "").strip()
    if kind in ("dmy_words", "dmy"):
        y = _year(g.get("y"), ref_year)
        return _safe_date(y, int(g["m"]), int(g["d"])) if y else None
    if kind == "dm":
        return _safe_date(ref_year, int(g["m"]), int(g["d"])) if ref_year else None
    if kind == "festival":
        if not ref_year:
            return None
        dates = [_safe_date(ref_year, int(mo), int(d)) for d, mo in re.findall(r"(\d{1,2})\s*/\s*(\d{1,2})", g["list"])]
        dates = [d for d in dates if d]
        return max(dates) if dates else None
    if kind == "half":
        y = _year(g.get("y"), ref_year)
        if not y:
            return None
        months = 6 if g["n"] in ("6", "sáu") else 9
        return _month_end(y, 12 if g["which"] == "cuối" else months)
    if kind == "month":
        if not g.get("y") and not pre:
            return None
        y = _year(g.get("y"), ref_year)
        month = int(g["m"])
        if not y or not 1 <= month <= 12:
            return None
        if pre in ("trước",):
            return _month_end(y - 1, 12) if month == 1 else _month_end(y, month - 1)
        return _month_end(y, month)
    if kind == "quarter":
        y = _year(g.get("y"), ref_year)
        if not y:
            return None
        q = _ROMAN_Q[g["q"]]
        if pre == "trước":
            return _month_end(y - 1, 12) if q == 1 else _month_end(y, 3 * (q - 1))
        if pre == "đầu":
            return _month_end(y, 3 * q - 2)
        return _month_end(y, 3 * q)
    if kind in ("year", "this_year"):
        y = _year(g.get("y"), ref_year)
        if not y:
            return None
        if pre == "trước":
            return _month_end(y - 1, 12)
        if pre == "giữa":
            return _month_end(y, 6)
        return _month_end(y, 12)
    return None


def _phrase(text: str, m: re.Match, kind: str) -> str:
    """The phrase as written, without a leading 'trong'/'vào' ('vào tháng 6/2022' reads 'tháng 6/2022')."""
    start = m.start()
    pre = m.groupdict().get("pre")
    if pre and pre.strip() in ("trong", "vào") and kind != "this_year":
        start = m.start("pre") + len(pre)
        while start < m.end() and text[start].isspace():
            start += 1
    return text[start:m.end()].strip()


def find_dates(text: str, ref_year: int | None, not_before: dt.date | None = None,
               folded: str | None = None) -> list[DateHit]:
    """Dates and periods in text that can be deadlines, in order; cited documents' dates and past dates left out."""
    folded = fold(nfc(text)) if folded is None else folded
    taken: list[tuple[int, int]] = []
    hits: list[DateHit] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if kind in ("dmy_words", "dmy", "dm"):
                core = m.start("d")
                window = folded[max(0, core - 90):core]
                if _CITED_BEFORE.search(window) or _CITED_AFTER.match(folded, m.end()):
                    continue
            before = folded[max(0, m.start() - 20):m.start()]
            if kind == "year" and _HORIZON.search(before):
                continue  # "định hướng đến năm 2030" is a horizon, not a deadline
            if kind == "year" and (m.group("pre") or "").strip() == "đến" and not _FINISH.search(
                    folded[max(0, m.start() - 60):m.start()]):
                continue  # "phấn đấu đến năm 2025 đạt 90%", "Nghị quyết … đến năm 2025": a goal's horizon
            if kind == "bare_year":
                if _NOT_A_YEAR_TARGET.search(before) or _HORIZON.search(before):
                    continue
                if ref_year and int(m.group("y")) < ref_year:
                    continue
            date = _resolve("year" if kind == "bare_year" else kind, m, ref_year)
            if date is None or (not_before and date < not_before):
                continue
            hits.append(DateHit(date, m.start(), m.end(), _phrase(text, m, kind), weak=kind == "bare_year"))
    hits.sort(key=lambda h: h.start)
    return hits


def deadline_of(hits: list[DateHit], weak: bool = False) -> DateHit | None:
    """The deadline a directive names: the end of the latest period it names (weak: of its bare years)."""
    hits = [h for h in hits if h.weak == weak]
    return max(hits, key=lambda h: (h.date, -h.start)) if hits else None


def ongoing_marker(text: str, folded: str | None = None) -> tuple[str, str]:
    """('strong'|'weak'|'', the marker as written) for words that mark continuing work."""
    strength, span = ongoing_span(text, folded)
    return strength, text[span[0]:span[1]] if span else ""


def ongoing_span(text: str, folded: str | None = None) -> tuple[str, tuple[int, int] | None]:
    """('strong'|'weak'|'', (start, end) of the marker in text or None)."""
    folded = fold(nfc(text)) if folded is None else folded
    for strength, pattern in (("strong", STRONG_ONGOING), ("weak", WEAK_ONGOING)):
        m = pattern.search(folded)
        if m:
            return strength, (m.start(), m.end())
    return "", None


def is_one_off(folded: str) -> bool:
    return bool(ONE_OFF.search(folded))


YEAR_RE = re.compile(r"(?<![\d/.-])(20\d\d)(?![\d])")
