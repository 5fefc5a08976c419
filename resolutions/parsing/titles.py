"""The short title (trích yếu) of a directive: a few words from its first clause that name it in lists, emails and
exports, where the full text would be a paragraph cut mid-word.

    "Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy … tham mưu Ban Thường vụ Tỉnh ủy ban hành
     Chỉ thị thay thế Chỉ thị số 05 cho phù hợp với tình hình hiện nay."
    -> "Tham mưu Ban Thường vụ Tỉnh ủy ban hành Chỉ thị thay thế Chỉ thị số 05"

The rule, in order: the first clause (up to the first full stop, semicolon or colon); without its label ("(4)",
"a)", "-"), its lead-in ("Do đó, trong thời gian tới, đề nghị …") and the bodies it is addressed to when a verb
follows them ("Cấp ủy, chính quyền … bám sát …", "X chủ trì, phối hợp với Y … tham mưu …"); a modal ("cần",
"phải") dropped; cut at a word boundary within SHORT_TITLE_TARGET characters, preferably at a comma, never after
a word that cannot end a phrase ("của", "và", "các" …); the first letter capitalised.

One pure function, used by the importer to propose the title (the office edits it in the review step) and by the
migration that filled the titles of directives recorded before there was one.
"""
from __future__ import annotations

import re

from .classify import VERB_START
from .text import nfc

SHORT_TITLE_MAX = 160  # the column's length; a title typed in the review step may run to it
SHORT_TITLE_TARGET = 90  # what the proposal aims at: a line of a list

_SPACES = re.compile(r"\s+")
_LABEL = re.compile(r"^(?:\(?\s*(?:\d{1,3}|[a-zđ]|[ivxlc]{1,6})\s*[).:/]|\d{1,3}(?:\.\d{1,3})*\.?|[-–—+•⁃*·])\s+",
                    re.IGNORECASE)
# The end of the first clause: a full stop, semicolon, colon, ! or ? followed by a space or the end (not "6.2022").
_CLAUSE_END = re.compile(r"[.;:!?…](?=\s|$)")
_LEAD_IN = re.compile(
    r"^(?:(?:do đó|vì vậy|vì thế|theo đó|đồng thời|bên cạnh đó|ngoài ra|mặt khác|trong thời gian tới|thời gian tới|"
    r"trong thời gian đến|từ nay đến cuối năm|trong năm \d{4}|năm \d{4}|tới đây|sắp tới)\s*,?\s*)+", re.IGNORECASE)
_ASK = re.compile(r"^(?:đề nghị|yêu cầu|giao cho|giao|kính đề nghị)\s+", re.IGNORECASE)
# Words after the addressees that say "should", not what to do.
_MODAL = re.compile(r"^(?:cần phải|cần|phải|có trách nhiệm|chịu trách nhiệm|sớm)\s+(?=\w)", re.IGNORECASE)
_LEAD_MARK = re.compile(r"(?<!\w)chủ trì(?!\w)")
# "X chủ trì thẩm định …": the work follows the lead mark at once (not "chủ trì, phối hợp với …").
_RIGHT_AFTER_LEAD = re.compile(r"\s+(?!phối hợp|,|và|cùng)(?=[a-zà-ỹđ])")
# Verbs that start work besides the parser's list of directive verbs (classify.VERB_START).
_MORE_VERBS = re.compile(r"(?:thống nhất|thẩm định|khảo sát|mở|đưa|gửi|lắp đặt|di dời|sửa đổi|cung cấp|"
                         r"phân công|phân bổ|ký|xác minh|điều tra|thu hồi|giải tỏa|cải tạo|nâng cấp)(?!\w)")
# Verbs that join the addressees to others rather than start the work ("phối hợp với", "chủ trì").
_NOT_THE_WORK = ("phối hợp", "chủ trì", "giao", "cần", "phải", "mỗi")
# Words after which a phrase cannot stop.
_DANGLING = frozenset(
    "và hoặc cùng của các những cho với để trong theo về đối là có được từ tại đến nhằm như bằng trên dưới vào ra "
    "một mọi mỗi sự việc nhất gắn với, thì mà nên do vì khi nếu số ngày trước sau tại hạn chậm".split())
_TRAILING_PUNCT = " ,;:-–—(\"“'"
_ADDRESSEES_MAX_WORDS = 30


def _first_clause(text: str) -> str:
    """Up to the first full stop or semicolon; what stands before a colon is whom the work is for ("Sở Y tế:",
    "Đối với tỉnh Hậu Giang:"), so the clause after it is taken instead when there is one."""
    match = _CLAUSE_END.search(text)
    if match and match.group() == ":" and text[match.end():].strip():
        return _first_clause(_LABEL.sub("", text[match.end():].strip(), count=1))
    return text[:match.start()] if match else text


def _work_start(clause: str) -> int:
    """Where the work begins: after the addressees, when the clause opens with bodies and a verb follows them."""
    if VERB_START.match(clause.lower()) and not _LEAD_MARK.match(clause.lower()):
        return 0
    lead = _LEAD_MARK.search(clause)
    if lead and (right_after := _RIGHT_AFTER_LEAD.match(clause, lead.end())):
        return right_after.end()
    start = lead.end() if lead else 0
    words = 0
    # A verb written in lower case after the start: the bodies' names are capitalised ("Ủy ban Kiểm tra" is a
    # body, "kiểm tra" is a verb), the collective addressees ("cấp ủy, chính quyền, các cơ quan") are no verb.
    for word in re.finditer(r"\S+", clause[start:]):
        words += 1
        if words > _ADDRESSEES_MAX_WORDS:
            break
        position = start + word.start()
        if position == 0:
            continue
        rest = clause[position:]
        verb = VERB_START.match(rest) or _MORE_VERBS.match(rest)
        if verb is None or any(rest.startswith(skip) for skip in _NOT_THE_WORK):
            continue
        return position
    return 0


def _cut(title: str, limit: int) -> str:
    """The title within `limit` characters, cut after a whole word, at a comma when one falls in its second half."""
    if len(title) > limit:
        head = title[:limit + 1]
        cut = head.rfind(" ")
        title = title[:cut] if cut > 0 else title[:limit]
        # the last comma in the second half, not the one inside "phòng, chống" (one phrase)
        commas = [m.start() for m in re.finditer(",", title) if not title[:m.start()].endswith("phòng")]
        if commas and commas[-1] >= limit // 2:
            title = title[:commas[-1]]
    words = title.rstrip(_TRAILING_PUNCT).split(" ")
    while len(words) > 3 and words[-1].lower().strip(_TRAILING_PUNCT) in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(_TRAILING_PUNCT)


def short_title(text: str, *, limit: int = SHORT_TITLE_TARGET) -> str:
    """A short title for a directive's text (see the module's docstring); "" for an empty text."""
    text = _SPACES.sub(" ", nfc(text or "")).strip()
    text = _LABEL.sub("", text, count=1)
    clause = _first_clause(text).strip() or text
    clause = _LEAD_IN.sub("", clause)
    clause = _ASK.sub("", clause)
    clause = clause[_work_start(clause):]
    clause = _MODAL.sub("", clause).strip(_TRAILING_PUNCT)
    if not clause:
        clause = text
    title = _cut(clause, min(limit, SHORT_TITLE_MAX))
    return title[:1].upper() + title[1:]
