"""The document's header and footer: kind, number, issue date, issuer, title, signer."""
from __future__ import annotations

import datetime as dt
import re

from .assignees import TRIGGER
from .labels import read_label
from .model import Header
from .text import fold, is_upper_line

KINDS = [  # folded opening words of the kind line, the kind as the portal names it
    ("thông báo kết luận", "Thông báo kết luận"), ("thông báo ý kiến kết luận", "Thông báo kết luận"),
    ("phát biểu bế mạc", "Phát biểu bế mạc"), ("diễn văn bế mạc", "Phát biểu bế mạc"),
    ("phát biểu khai mạc", "Phát biểu khai mạc"), ("diễn văn khai mạc", "Phát biểu khai mạc"),
    ("phát biểu kết luận", "Phát biểu kết luận"), ("bài phát biểu", "Phát biểu"), ("phát biểu", "Phát biểu"), ("nghị quyết", "Nghị quyết"), ("kết luận", "Kết luận"),
    ("chỉ thị", "Chỉ thị"), ("quy định", "Quy định"), ("thông báo", "Thông báo"), ("kế hoạch", "Kế hoạch"),
    ("chương trình", "Chương trình"), ("quyết định", "Quyết định"), ("hướng dẫn", "Hướng dẫn"),
    ("báo cáo", "Báo cáo"), ("đề án", "Đề án"), ("công văn", "Công văn"), ("quy chế", "Quy chế"),
    ("tờ trình", "Tờ trình"), ("thông tri", "Thông tri"),
]
_CODE_KINDS = {"kl": "Kết luận", "nq": "Nghị quyết", "ct": "Chỉ thị", "qđi": "Quy định", "qđ": "Quyết định",
               "tb": "Thông báo", "kh": "Kế hoạch", "ctr": "Chương trình", "hd": "Hướng dẫn", "bc": "Báo cáo",
               "cv": "Công văn", "đa": "Đề án", "tt": "Thông tri"}
KNOWN_ISSUERS = ["Ban Chấp hành Đảng bộ tỉnh", "Ban Thường vụ Tỉnh ủy", "Thường trực Tỉnh ủy", "Tỉnh ủy",
                 "Đảng bộ tỉnh", "Ủy ban nhân dân tỉnh", "Hội đồng nhân dân tỉnh", "Văn phòng Tỉnh ủy"]

_MOTTO = re.compile(r"^(?:đảng cộng sản việt nam|độc lập\s*-\s*tự do\s*-\s*hạnh phúc|cộng hòa xã hội chủ nghĩa việt nam)")
_SEPARATOR = re.compile(r"^[\s*\-_=~.·•]+$")
_NUMBER = re.compile(r"(?<!\w)số\s*:?\s*(\d+[\w.]*(?:\s*[-/]\s*[\w.Đđ]+)+)", re.IGNORECASE)
_ISSUE_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)")
_ISSUE_DATE_NUM = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)")
_META = re.compile(r"^\s*date\s+((?:19|20)\d\d)(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*")
_ROLE = re.compile(r"^(?:t/m|tm\.?|k/t|kt\.?|tl\.?|t/l|q\.|thừa lệnh|thay mặt)?\s*(?:ban thường vụ|ban chấp hành|"
                   r"thường trực|tỉnh ủy|bí thư|phó bí thư|chủ tịch|phó chủ tịch|trưởng ban|phó trưởng ban|"
                   r"chánh văn phòng|phó chánh văn phòng|giám đốc|phó giám đốc|ủy viên)")
_FOOTER = re.compile(r"^(?:nơi nhận\s*:?|(?:t/m|tm\.|k/t|kt\.|tl\.|t/l)\s+\S)")
_SIGNED = re.compile(r"^[(\[]?\s*(?:đã ký|ký tên|ký|chữ ký|signed)[^)\]]*[)\]]?\.?$")


def read_metadata(text: str) -> tuple[str, int | None, int | None]:
    """A leading 'date YYYY-MM' note (as in the seed files): (text without it, year, month)."""
    m = _META.match(text)
    if not m:
        return text, None, None
    return text[m.end():], int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _date(m) -> dt.date | None:
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def smart_case(text: str) -> str:
    """'BAN THƯỜNG VỤ TỈNH ỦY HẬU GIANG' -> 'Ban Thường vụ Tỉnh ủy Hậu Giang'; mixed case is left as written."""
    text = " ".join(text.split())
    if not is_upper_line(text):
        return text
    f = fold(text)
    for name in sorted(KNOWN_ISSUERS, key=len, reverse=True):
        if f.startswith(fold(name)):
            rest = text[len(name):].strip()
            return f"{name} {rest.title()}".strip() if rest else name
    low = text.lower()
    return low[:1].upper() + low[1:]


def _kind_of(folded_line: str) -> tuple[str, str] | None:
    for words, kind in KINDS:
        if re.match(re.escape(words) + r"(?!\w)", folded_line):
            return words, kind
    return None


def read_header(texts: list[str]) -> tuple[Header, int]:
    """Read the header lines at the top; return it and how many paragraphs it took."""
    h = Header()
    i = 0
    kind_at = None
    title_parts: list[str] = []
    orgs: list[str] = []
    limit = min(len(texts), 40)
    while i < limit:
        t = texts[i].strip()
        f = fold(t)
        if read_label(t).style and not _SEPARATOR.match(t):
            break
        short = len(t) <= 160
        date_m = _ISSUE_DATE.search(f) or (short and _ISSUE_DATE_NUM.search(f))
        num_m = _NUMBER.search(t) if short else None
        if _MOTTO.match(f) or _SEPARATOR.match(t):
            i += 1
            continue
        if short and (date_m and (f.index(date_m.group(0)) < 60 or num_m) or num_m and f.startswith("số")):
            if date_m and not h.issued_on:
                h.issued_on = _date(date_m)
            if num_m and not h.number:
                h.number = re.sub(r"\s+", "", num_m.group(1))
            before = t[:num_m.start()].strip() if num_m else ""
            if before and is_upper_line(before):
                orgs.append(before)
            i += 1
            continue
        if f.startswith("kính gửi") and short:
            # "Kính gửi: - Sở …; - UBND …": the addressees, one a line, are not the body's leads
            i += 1
            while i < limit and len(texts[i]) <= 200 and re.match(r"\s*[-–+•]\s*\S", texts[i]) and not TRIGGER.search(
                    fold(texts[i])):
                i += 1
            continue
        if f.startswith(("v/v", "về việc")) and kind_at is None and short:
            title_parts.append(t)
            if f.startswith("v/v") and not h.kind:
                h.kind = "Công văn"
            i += 1
            continue
        if is_upper_line(t) and len(t.split()) <= 25:
            kind = _kind_of(f) if kind_at is None else None
            if kind:
                kind_at = i
                words, h.kind = kind
                rest = t[len(words):].strip(" :-")
                if h.kind == "Thông báo" and i + 1 < len(texts) and fold(texts[i + 1]).startswith(
                        ("kết luận", "ý kiến kết luận")):
                    h.kind = "Thông báo kết luận"
                if rest:
                    title_parts.append(rest)
            elif kind_at is None:
                orgs.append(t)
            else:
                title_parts.append(t)
            i += 1
            continue
        if kind_at is not None and i - kind_at <= 4 and (short and (
                f.startswith(("về ", "v/v", "(", "của ")) or t[:1].islower())
                or (i == kind_at + 1 and t and len(t) <= 300 and not re.search(r"[.;:!?]\s*$", t))):
            title_parts.append(t)
            i += 1
            continue
        break
    # a title without its "KẾT LUẬN CỦA BAN THƯỜNG VỤ" line reads better
    issuer = ""
    title_lines = []
    for part in title_parts:
        fp = fold(part)
        lead = re.match(r"(?:ý kiến )?kết luận\s*", fp)
        if lead and h.kind == "Thông báo kết luận":
            part = part[lead.end():].strip()
            fp = fold(part)
        m = re.match(r"của\s+(.+)", fp)
        if m and not issuer:
            issuer = smart_case(part[m.start(1):])
            continue
        if part:
            title_lines.append(part)
    title = " ".join(title_lines).strip()
    title = re.sub(r"^(?:v/v|về việc)\s*:?\s*", lambda m: "Về việc " if fold(m.group(0)).startswith("về việc") else "",
                   title, flags=re.IGNORECASE)
    h.title = smart_case(title) if title else ""
    if h.title:
        h.title = h.title[:1].upper() + h.title[1:]
    if not issuer and orgs:
        party = [o for o in orgs if re.search(r"ủy|ban|đảng bộ|ủy ban|hội đồng", fold(o))]
        issuer = smart_case((party or orgs)[-1])
    h.issuer = issuer
    if not h.kind and h.number:
        code = re.search(r"[-/]\s*([a-zđ]+)\s*/", fold(h.number))
        if code and code.group(1) in _CODE_KINDS:
            h.kind = _CODE_KINDS[code.group(1)]
    if kind_at is None and not h.number and not h.issued_on:
        return Header(), 0  # upper-case lines alone are headings of the body, not a header
    return h, i


def footer_start(texts: list[str], start: int) -> int:
    """Where the footer (recipients, signature) begins; len(texts) when there is none."""
    n = len(texts)
    for i in range(start, n):
        f = fold(texts[i].strip())
        if _FOOTER.match(f):
            return i
        if i >= n - 6 and is_upper_line(texts[i]) and _ROLE.match(f) and len(texts[i]) < 60:
            return i
    return n


_ATTACHED = re.compile(r"^\(?\s*(?:ban hành )?kèm theo (?:quyết định|công văn|thông báo|kế hoạch|nghị quyết)")


def attachment_start(texts: list[str], footer: int) -> int | None:
    """A document attached after the signature ("KẾ HOẠCH … (Ban hành kèm theo Quyết định số …)"): where its
    text starts, or None. Its tasks are the point of a decision that only says "Ban hành kèm theo …"."""
    for i in range(footer + 1, len(texts)):
        t = texts[i].strip()
        f = fold(t)
        if is_upper_line(t) and len(t.split()) <= 6 and _kind_of(f) and len(texts) - i > 3:
            return i
        if _ATTACHED.match(f):
            return max(footer + 1, i - 2)
    return None


def read_signer(texts: list[str]) -> str:
    last_role = None
    for i, t in enumerate(texts):
        if is_upper_line(t) and _ROLE.match(fold(t.strip())):
            last_role = i
    if last_role is None:
        return ""
    for t in texts[last_role + 1:]:
        t = t.strip()
        if not t or _SIGNED.match(fold(t)) or t.startswith(("-", "+", "•")):
            continue
        words = t.split()
        if 2 <= len(words) <= 6 and all(w[:1].isupper() for w in words) and not re.search(r"\d", t):
            return smart_case(t) if is_upper_line(t) and len(words) > 1 else t
    return ""


_GREETING_START = re.compile(r"\s*(?:[-–•+]\s*)?(?:kính thưa|thưa|kính gửi|các đồng chí|đồng chí|toàn thể)(?!\w)")


def speech_info(texts: list[str]) -> tuple[str, str, str]:
    """(kind, title, issuer) of a speech: 'Kính thưa ...' at the top, 'bế mạc' or 'kết thúc Hội nghị' near it."""
    head = [fold(t) for t in texts[:8]]
    if not any(re.search(r"(?<!\w)(?:kính thưa|thưa các đồng chí)", f) for f in head):
        return "", "", ""
    joined = " ".join(head)
    if re.search(r"bế mạc|kết thúc hội nghị|để kết thúc|kết thúc phiên", joined):
        kind = "Phát biểu bế mạc"
    elif "khai mạc" in joined:
        kind = "Phát biểu khai mạc"
    else:
        kind = "Phát biểu"
    title = ""
    for pattern in (r"hội nghị[^.;:!?]{0,120}?lần thứ[^.;:!?]{0,200}", r"hội nghị[^.;:!?]{0,200}"):
        for t in texts[:8]:
            f = fold(t)
            if _GREETING_START.match(f):
                continue
            m = re.search(pattern, f)
            if m:
                title = t[m.start():m.end()].strip()
                title = title[:1].upper() + title[1:]
                break
        if title:
            break
    issuer = ""
    for t in texts:
        m = re.search(r"(?<!\w)thay mặt\s+([^,.;:]{3,60}),", fold(t))
        if m:
            issuer = t[m.start(1):m.end(1)].strip()
            break
    return kind, title, issuer
