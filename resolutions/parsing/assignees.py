"""Who a directive is for: lead units, coordinating units and broad groups, read from where Vietnamese puts them.

Only these places name an assignee: the subject that opens the directive ("Cấp ủy, chính quyền ... bám sát"),
the object of "giao", "đề nghị", "yêu cầu", "phân công", the name before "chủ trì", and the object of "phối hợp
với". A place named elsewhere ("diễn tập khu vực phòng thủ thành phố Ngã Bảy"), a body a report goes to
("báo cáo Ban Thường vụ Tỉnh ủy") or the body a unit advises ("tham mưu Ban Thường vụ Tỉnh ủy") is not one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .directory import Directory, Entity

# Adverbials a directive may open with before its subject: "Do đó, trong thời gian tới, đề nghị ..."
_ADVERBIAL = re.compile(
    r"(?:(?:do đó|vì vậy|vì thế|theo đó|đồng thời|bên cạnh đó|ngoài ra|trước mắt|trong thời gian tới|thời gian tới|"
    r"trên cơ sở đó|từ nay[^,:.;]{0,40}|trong (?:năm|quý|tháng)[^,:.;]{0,25}|về [^,:.;]{0,120}|đối với [^,:.;]{0,120}|"
    r"trên cơ sở [^,:.;]{0,120}|để [^,:.;]{0,120}|căn cứ [^,:.;]{0,160})\s*[,:]\s*)*")
_SEPARATOR = re.compile(r"\s*(?:,|;|/)?\s*(?:(?:và|cùng với|cùng)\s+)?")
_QUALIFIER = re.compile(r"(?:\s+(?:các cấp|cấp tỉnh|cấp huyện|cấp xã|cấp cơ sở|có liên quan|liên quan|trong tỉnh|"
                        r"toàn tỉnh|trực thuộc(?: tỉnh ủy)?|các địa phương|theo chức năng(?:,)? nhiệm vụ))*(?!\w)"
                        r"(?:\s*\((?!qua\s)[^()\n]{1,60}\))?")
# the words that hand work to someone: the one list every module reads ("giao thông", "giao ban", "giao dịch" are
# other words that start the same way)
TRIGGER_WORDS = (r"(?:giao cho|giao(?!\s+(?:thông|dịch|lưu|nhận|tiếp|thương|khoán|kết|thoa|diện|hàng|hữu|"
                 r"điểm|thừa|quyền)(?!\w))|đề nghị|yêu cầu|phân công cho|phân công)")
TRIGGER = re.compile(r"(?<!\w)" + TRIGGER_WORDS + r"\s+(?!cầu)")
_TRIGGER = re.compile(r"(?<!\w)" + TRIGGER_WORDS + r"\s+(?:nhiệm vụ\s+)?(?:cho\s+)?"
                      r"(?:đồng chí\s+)?")
_HEADING_TRIGGER = re.compile(r"(?<!\w)(?:đối với|trách nhiệm của)\s+")
_LEAD_MARK = re.compile(r"(?<!\w)chủ trì(?!\s*(?:,\s*)?(?:hội nghị|cuộc họp|buổi|phiên|lễ|hội thảo|tọa đàm|đoàn|làm việc|"
                        r"họp|giao ban|tiếp))(?!\w)")
_COORD = re.compile(r"(?<!\w)phối hợp(?:\s+chặt chẽ)?(?:\s+(?:với|cùng(?:\s+với)?))?\s+")
# a unit name the directory does not know: a capitalised head noun followed by a capitalised word
_HEAD = re.compile(r"(?:sở|ban|ủy ban|ubnd|hội|đảng ủy|đảng đoàn|"
                   r"huyện ủy|thành ủy|thị ủy|công an|bộ chỉ huy|trường|liên đoàn|văn phòng|thanh tra|phòng|"
                   r"trung tâm|báo|đài|kho bạc|cục|chi cục|ngân hàng|viện|bệnh viện|tòa án|viện kiểm sát|"
                   r"bảo hiểm xã hội|liên minh|hiệp hội|quỹ|bộ|tổng cục|đoàn|chi bộ|đảng bộ|công ty|tổng công ty|"
                   r"tổ công tác|tổ|cảng vụ|thông tấn xã|bưu điện|điện lực|vụ|hội đồng|ủy ban nhân dân)\s+(?=\w)")
# names of bodies outside the directory that documents write in lower case: "các Bộ, ngành liên quan",
# "UBND các tỉnh, thành phố trực thuộc Trung ương", "Bảo hiểm xã hội tỉnh", "Tổ công tác liên ngành …"
# where a lower-case name ends: at the verb that follows it, or at punctuation
_NAME_ENDS = (r"(?=\s+(?:chủ trì|phối hợp|có trách nhiệm|khẩn trương|tập trung|chỉ đạo|tăng cường|rà soát|xây dựng|"
              r"thực hiện|hoàn thành|hoàn chỉnh|hỗ trợ|tiếp tục|theo dõi|kiểm tra|đôn đốc|hướng dẫn|báo cáo|"
              r"đẩy nhanh|bàn giao|lập|tổ chức|cử|có|chủ động|tham mưu)(?!\w)|[,;.:])")
_LOWER_NAME = re.compile(
    r"(?:thủ trưởng\s+)?(?:các\s+)?bộ,\s*(?:cơ quan\s+ngang bộ,\s*)?ngành(?:\s+trung ương)?"
    r"(?:,\s*(?:các\s+)?(?:cơ quan|địa phương)(?:\s+trung ương)?)*(?:\s+(?:có\s+)?liên quan)?"
    r"|(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân)\s+(?:các|cấp)\s+tỉnh(?:,\s*thành phố)?(?:\s+trực thuộc trung ương)?"
    r"(?:\s+vùng\s+[^,;.:]{1,40}?" + _NAME_ENDS + r")?"
    r"|(?:các\s+)?sở\s+[^,;.:]{2,40}?\s+các\s+tỉnh(?:,\s*thành phố)?"
    r"|bảo hiểm xã hội\s+(?:tỉnh|việt nam|huyện|các tỉnh)"
    r"|công an\s+(?:thành phố|huyện|thị xã|quận)(?=[\s,])"
    r"|ngân hàng chính sách xã hội(?:\s+chi nhánh tỉnh|\s+tỉnh)?"
    r"|(?:các\s+)?thành viên\s+(?:ban chỉ đạo|ủy ban|hội đồng|tổ)\s+[^,;.:]{2,60}?" + _NAME_ENDS +
    # "Ban Quản lý dự án đầu tư xây dựng tỉnh": up to the level word that ends such names, past the verbs inside
    r"|(?:ban quản lý dự án|ban quản lý|ban chỉ đạo|ban chỉ huy|tổ công tác)\s+"
    r"(?:(?!\s(?:chủ trì|phối hợp|có trách nhiệm|chịu trách nhiệm|khẩn trương|với|và|cùng)(?!\w))[^,;.:]){0,80}?\s"
    r"(?:tỉnh|huyện|thị xã|thành phố|khu vực|\d+)(?!\w)(?:\s+[A-ZĐ][\w]*)*"
    r"|(?:tổ công tác|ban quản lý dự án|ban chỉ đạo|ban quản lý)\s+[^,;.:]{0,70}?" + _NAME_ENDS +
    r"|(?:ubnd|ủy ban nhân dân)\s+cấp\s+(?:tỉnh|huyện|xã)"
    r"|(?:các\s+)?(?:tỉnh|địa phương),?\s+thành phố\s+(?:vùng|trực thuộc)\s+[^,;.:]{2,40}?" + _NAME_ENDS)
# a name the directory knows part of, then a place that is not ours: "Công an tỉnh Kiên Giang", "Sở Y tế tỉnh Sóc
# Trăng", "UBND huyện Châu Thành, tỉnh Sóc Trăng"
_OTHER_PLACE = re.compile(r",?\s+(?:tỉnh|thành phố|tp\.?)\s+(?!hậu giang)(?=\w)")
_STOP_WORD = re.compile(
    r"(?:chủ trì|phối hợp|cần|phải|có trách nhiệm|chịu trách nhiệm|tiếp tục|tăng cường|chỉ đạo|lãnh đạo|triển khai|"
    r"thực hiện|tập trung|quan tâm|bám sát|khẩn trương|chủ động|xây dựng|tham mưu|rà soát|nghiên cứu|hướng dẫn|"
    r"kiểm tra|đẩy mạnh|nâng cao|tổ chức|theo dõi|báo cáo|hoàn thành|hoàn thiện|đôn đốc|phát huy|làm tốt|sớm|"
    r"kịp thời|nghiêm túc|thường xuyên|đảm bảo|bảo đảm|quán triệt|tuyên truyền|giám sát|ban hành|trình|đề xuất|"
    r"xem xét|giải quyết|sắp xếp|kiện toàn|củng cố|dự thảo|lập|thẩm định|cập nhật|tiếp thu|được|đã|sẽ|đang|"
    r"thống nhất|bố trí|xử lý|tạo điều kiện|vận động|chuẩn bị|nắm|theo|trong|tại|về|để|giao|đề nghị|yêu cầu|có|"
    r"là|với|cho|của|đối với|từ|đến|khi|nhằm|gắn|trên|ưu tiên|phấn đấu|duy trì|đổi mới|cùng|kiểm soát|thanh toán|"
    r"cung cấp|hỗ trợ|tiếp nhận|giải ngân|nghiệm thu|điều tra|xác minh|vận hành|quản lý|tập huấn|phổ biến|"
    r"khẩn cấp|mở rộng|đẩy nhanh|thu hồi|cấp|bàn giao|di dời|chi trả|bảo vệ|xét nghiệm|cử)(?!\w)")
_LEVEL_AHEAD = re.compile(r"(?:[^\s,;.:()]+\s+){1,3}(?:tỉnh|huyện|thành phố|thị xã)(?!\w)")
_WS = re.compile(r"\s*")
_LEVEL = re.compile(r"(?:các\s+)?(?:huyện|thị xã|thành phố|tỉnh|quận|xã|phường|thị trấn)\s+")
# a person's title before the body they head: "Chủ tịch UBND các huyện", "Giám đốc Sở Y tế", "Thủ trưởng các sở"
_TITLE = re.compile(r"(?:chủ tịch|phó chủ tịch|giám đốc|thủ trưởng|trưởng|bí thư|chánh văn phòng|chỉ huy trưởng|"
                    r"người đứng đầu)\s+(?=\w)")
_NAME_WORD = re.compile(r"[^\s,;:.()\"“”!?]+")
_PUNCT_STOP = re.compile(r"[,;:.()\n\"“”!?]")


@dataclass
class Party:
    text: str  # as written
    entity: Entity | None  # None: a name the directory does not know
    start: int = 0
    end: int = 0


@dataclass
class Assignment:
    lead: list[Party] = field(default_factory=list)
    coord: list[Party] = field(default_factory=list)
    scope_span: tuple[int, int] | None = None
    subject: list[Party] = field(default_factory=list)
    subject_verb: str = ""  # the folded words right after the opening subject

    @property
    def found(self) -> bool:
        return any(p.entity is None or p.entity.kind in ("unit", "group", "vague", "other") for p in self.lead)


class Reader:
    def __init__(self, directory: Directory, text: str, folded: str):
        self.d, self.text, self.f = directory, text, folded

    def _unknown_at(self, pos: int, end: int) -> int | None:
        low = _LOWER_NAME.match(self.f, pos, end)
        if low:
            return low.end()
        m = _HEAD.match(self.f, pos)
        if not m or not self.text[pos:pos + 1].isupper():
            return None
        nxt = m.end()
        level = _LEVEL.match(self.f, nxt)
        if level and level.end() < end and self.text[level.end()].isupper():
            nxt = level.end()  # "UBND huyện Phú Quốc", "UBND các huyện An Phú, Phú Tân"
        if nxt >= end or not (self.text[nxt].isupper() or self.text[nxt].isdigit()):
            return None
        stop, words = nxt, 0
        while words < 10:
            q = _WS.match(self.f, stop, end).end()
            if q >= end or _PUNCT_STOP.match(self.f, q):
                break
            if words and _STOP_WORD.match(self.f, q) and not self.text[q].isupper() \
                    and not _LEVEL_AHEAD.match(self.f, q):
                break  # the name ends where its verb begins ("Sở Du lịch chủ trì")
            if self.f.startswith("và ", q) and not self.text[q + 3:q + 4].isupper():
                break
            w = _NAME_WORD.match(self.f, q, end)
            if not w:
                break
            stop = w.end()
            words += 1
        return stop if stop > nxt else None

    def chain(self, pos: int, end: int, unknown: bool = True) -> list[Party]:
        """Names joined by commas and 'và' starting at pos: 'Cấp ủy, chính quyền, các cơ quan, đơn vị'."""
        parties: list[Party] = []
        p = pos
        while p < end:
            q = _WS.match(self.f, p, end).end()
            title = _TITLE.match(self.f, q, end)
            if title and self.text[q:q + 1].isupper() or title and parties:
                q = title.end()
            hit = self.d.match_at(self.f, q, end)
            low = _LOWER_NAME.match(self.f, q, end) if unknown else None
            if low and (not hit or low.end() > hit[0]):
                hit = None  # "các Bộ, ngành liên quan" is longer than the directory's "ngành"
            if hit and unknown and hit[1].kind == "unit":
                longer = self._longer_name(q, hit[0], end)
                if longer:
                    hit = None  # "Công an tỉnh Kiên Giang": another province's body, as written
            if hit:
                e_end = hit[0]
                entity = hit[1]
            else:
                e_end = self._unknown_at(q, end) if unknown else None
                entity = None
                if e_end is None:
                    break
            qual = _QUALIFIER.match(self.f, e_end, end)
            if qual:
                e_end = qual.end()
            parties.append(Party(self.text[q:e_end].strip(), entity, q, e_end))
            sep = _SEPARATOR.match(self.f, e_end, end)
            if not sep or sep.end() == e_end:
                break
            p = sep.end()
        return parties

    def _longer_name(self, start: int, stop: int, end: int) -> int | None:
        """Where a known name read from start runs on as a longer one the directory does not know: a place that is
        not ours after it, or capitalised words that continue the name ("Ban Tổ chức Ngày hội")."""
        m = _OTHER_PLACE.match(self.f, stop, end)
        if m and self.text[m.end():m.end() + 1].isupper():
            w = re.match(r"(?:[A-ZĐÀ-Ỹ][^\s,;.:()]*\s*){1,3}", self.text[m.end():end])
            return m.end() + len(w.group(0).rstrip()) if w else None
        if stop < end and self.text[stop:stop + 1] == " " and self.text[stop + 1:stop + 2].isupper():
            nxt = re.match(r"[^\s,;.:()]+", self.text[stop + 1:end])
            word = nxt.group(0) if nxt else ""
            if word and not self.d.match_at(self.f, stop + 1, end) and word.casefold() not in ("và", "ubnd"):
                w = re.match(r"(?:[A-ZĐÀ-Ỹ][^\s,;.:()]*\s*){1,4}", self.text[stop + 1:end])
                return stop + 1 + len(w.group(0).rstrip()) if w else None
        return None

    def proper_names(self, pos: int, end: int) -> list[Party]:
        """After "đề nghị": capitalised names the directory does not know ("Viettel Hậu Giang và VNPT Hậu Giang"),
        each up to the next "và", comma or verb."""
        out: list[Party] = []
        p = pos
        while p < end and self.text[p:p + 1].isupper():
            stop = p
            while stop < end:
                w = _NAME_WORD.match(self.f, stop, end)
                if not w or (stop > p and not self.text[stop].isupper() and not self.text[stop].isdigit()):
                    break
                stop = _WS.match(self.f, w.end(), end).end()
            name_end = stop
            while name_end > p and self.f[name_end - 1].isspace():
                name_end -= 1
            if name_end <= p or len(self.text[p:name_end].split()) < 2:
                break
            out.append(Party(self.text[p:name_end], None, p, name_end))
            sep = _SEPARATOR.match(self.f, name_end, end)
            if not sep or sep.end() == name_end:
                break
            p = sep.end()
        return out

    def subject_start(self, start: int = 0) -> int:
        m = _ADVERBIAL.match(self.f, start)
        return m.end() if m else start


_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n")


def _sentence_end(folded: str, start: int) -> int:
    m = _SENTENCE_END.search(folded, start)
    return m.start() if m else len(folded)


def read_assignment(directory: Directory, text: str, folded: str, heading: bool = False) -> Assignment:
    r = Reader(directory, text, folded)
    n = len(folded)
    a = Assignment()
    claimed: list[tuple[int, int]] = []

    def claim(parties):
        claimed.extend((p.start, p.end) for p in parties)

    def inside(pos):
        return any(s <= pos < e for s, e in claimed)

    lead_chains: list[list[Party]] = []
    # the opening subject
    s0 = r.subject_start(0)
    subject = r.chain(s0, _sentence_end(folded, s0))
    if subject:
        a.subject = subject
        after = subject[-1].end
        a.subject_verb = folded[after:after + 40].strip()
        claim(subject)
        if not re.match(r",?\s*(?:đề nghị|kiến nghị|đề xuất|cho rằng|nêu|phát biểu|trình bày|sẽ|cam kết|"
                        r"thống nhất|đồng ý|ghi nhận|đánh giá|đã)(?!\w)", a.subject_verb):
            lead_chains.append(subject)
    # "giao X", "đề nghị X", "yêu cầu X"
    triggers = [_TRIGGER] + ([_HEADING_TRIGGER] if heading else [])
    for trig in triggers:
        for m in trig.finditer(folded):
            if inside(m.start()):
                continue
            chain = r.chain(m.end(), _sentence_end(folded, m.end()))
            if not chain and trig is _TRIGGER:
                chain = r.proper_names(m.end(), _sentence_end(folded, m.end()))
            if chain:
                claim(chain)
                lead_chains.append(chain)
    # "X chủ trì" anywhere
    for m in _LEAD_MARK.finditer(folded):
        clause_start = max(folded.rfind(c, 0, m.start()) for c in ".;:\n") + 1
        if any(chain and chain[-1].end <= m.start() and re.fullmatch(r"[\s,]*", folded[chain[-1].end:m.start()])
               for chain in lead_chains):
            continue
        for s, _, _ in list(directory.search(folded, clause_start, m.start())) + [
                (h.start(), 0, None) for h in _HEAD.finditer(folded, clause_start, m.start())]:
            chain = r.chain(s, m.start())
            if chain and re.fullmatch(r"[\s,]*", folded[chain[-1].end:m.start()]):
                claim(chain)
                lead_chains.append(chain)
                break
    # "phối hợp với Y"
    for m in _COORD.finditer(folded):
        chain = r.chain(m.end(), _sentence_end(folded, m.end()))
        chain = [p for p in chain if not inside(p.start)]
        if chain:
            claim(chain)
            a.coord.extend(chain)
            # "X chủ trì, phối hợp với Y": the coordinators belong to the same phrase as the lead
            for lc in lead_chains:
                gap = folded[lc[-1].end:m.start()]
                if a.scope_span is None and re.fullmatch(r"[\s,]*(?:chủ trì)?[\s,]*", gap):
                    a.scope_span = (lc[0].start, chain[-1].end)
    for chain in lead_chains:
        a.lead.extend(chain)
    if lead_chains and a.scope_span is None:
        first = lead_chains[0]
        a.scope_span = (first[0].start, first[-1].end)
    if not a.found:
        # "đổi mới ... hoạt động của MTTQ và các đoàn thể": whose work it is, when nobody else is named
        end = _sentence_end(folded, 0)
        for m in re.finditer(r"(?<!\w)(?:hoạt động|vai trò|trách nhiệm|chất lượng hoạt động) của\s+", folded[:end]):
            chain = [p for p in r.chain(m.end(), end, unknown=False) if p.entity.kind in ("unit", "group")]
            if chain:
                a.lead.extend(chain)
                a.scope_span = (chain[0].start, chain[-1].end)
                break
    return a
