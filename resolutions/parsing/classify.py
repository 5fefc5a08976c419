"""Directive or not: what a heading announces, and what a paragraph does when its heading says nothing."""
from __future__ import annotations

import re

from .assignees import TRIGGER
from .text import fold

DIRECTIVE, ASSESSMENT, PURPOSE, SUGGESTION, NEUTRAL = "directive", "assessment", "purpose", "suggestion", "neutral"

REASONS = {
    "results": "Đánh giá kết quả đạt được, không phải nội dung chỉ đạo",
    "shortcomings": "Nêu hạn chế, tồn tại, không phải nội dung chỉ đạo",
    "causes": "Phân tích nguyên nhân, bài học kinh nghiệm, không phải nội dung chỉ đạo",
    "situation": "Đánh giá tình hình, không phải nội dung chỉ đạo",
    "purpose": "Mục đích, yêu cầu, mục tiêu chung của văn bản, không phải nhiệm vụ giao thực hiện",
    "suggestion": "Ý kiến, đề xuất của đại biểu hoặc đơn vị tham dự, không phải nội dung chỉ đạo",
    "promise": "Cam kết của cơ quan ban hành, không giao cho đơn vị thực hiện",
    "intro": "Đoạn dẫn, không có nội dung giao thực hiện",
    "greeting": "Lời chào, lời mở đầu",
    "closing": "Lời kết, cảm ơn",
    "meeting": "Thông tin về hội nghị, cuộc họp",
    "information": "Nội dung thông tin, không có yêu cầu thực hiện",
    "approval": "Ý kiến thống nhất, ghi nhận của cơ quan ban hành, không giao thực hiện",
    "assigning_heading": "Đề mục nêu đơn vị được giao: các mục bên dưới đã nhận đơn vị này",
    "formula": "Câu kết của văn bản (thông báo để biết, thực hiện), không phải nội dung chỉ đạo",
    "citing": "Căn cứ, văn bản được dẫn, không phải nội dung chỉ đạo",
    "source": "Ghi chú nguồn, thông tin trang tin, không phải nội dung chỉ đạo",
}

DEFAULT_REASON = {ASSESSMENT: "results", PURPOSE: "purpose", SUGGESTION: "suggestion"}

_DIRECTIVE_KW = re.compile(r"(?<!\w)(?:nhiệm vụ|định hướng|giải pháp|đề nghị|giao|yêu cầu|tổ chức thực hiện|phương hướng|"
                           r"chỉ đạo|kết luận|phân công|trách nhiệm|triển khai|thời gian tới|trọng tâm|công việc|"
                           r"kế hoạch thực hiện|chương trình hành động)(?!\w)")
_ASSESS_KW = re.compile(r"(?<!\w)(?:kết quả|đạt được|hạn chế|tồn tại|yếu kém|khuyết điểm|nguyên nhân|bài học|ưu điểm|"
                        r"tình hình|thực trạng|khó khăn|vướng mắc|đánh giá|bất cập|nhận xét)(?!\w)")
_ASSESS_FIRST = re.compile(r"(?:kết quả|hạn chế|tồn tại|yếu kém|khuyết điểm|nguyên nhân|ưu điểm|những mặt|mặt)(?!\w)")
_PURPOSE = re.compile(r"^(?:mục đích|mục tiêu|chỉ tiêu|quan điểm|yêu cầu chung|căn cứ|sự cần thiết|phạm vi|đối tượng)(?!\w)")
_SUGGEST = re.compile(r"(?<!\w)(?:ý kiến (?:thảo luận|phát biểu|tham luận|của (?:các )?(?:đại biểu|thành viên|đồng chí))|"
                      r"thảo luận|tham luận)(?!\w)")
_NEUTRAL_START = re.compile(r"^(?:tổng kết|sơ kết|báo cáo|tờ trình|về việc|thông qua|cho ý kiến|dự thảo|đề án)(?!\w)")
_LEADING = re.compile(r"^(?:(?:về|những|một số|các|đối với|phần|việc)\s+)+")


def heading_category(body: str) -> tuple[str, str]:
    """(category, reason key) of a heading's words."""
    f = fold(body)
    f = re.sub(r'"[^"]*"', " ", f)
    f = _LEADING.sub("", f.strip(" .:*-"))
    if _PURPOSE.match(f):
        return PURPOSE, "purpose"
    if _SUGGEST.search(f):
        return SUGGESTION, "suggestion"
    if _NEUTRAL_START.match(f):
        return NEUTRAL, ""
    d, a = _DIRECTIVE_KW.search(f), _ASSESS_KW.search(f)
    if a and (not d or (a.start() == 0 and _ASSESS_FIRST.match(f))):
        return ASSESSMENT, assessment_reason(f)
    if d and (not a or d.start() < a.start()):
        return DIRECTIVE, ""
    return NEUTRAL, ""


def assessment_reason(folded: str) -> str:
    if re.search(r"hạn chế|tồn tại|yếu kém|khuyết điểm|khó khăn|vướng mắc|bất cập", folded):
        return "shortcomings"
    if re.search(r"nguyên nhân|bài học", folded):
        return "causes"
    if re.search(r"kết quả|đạt được|ưu điểm", folded):
        return "results"
    return "situation"


def intro_category(body: str) -> str:
    """What an intro line ending in ':' announces, read from its last words."""
    f = fold(body).rstrip(" :")
    tail = " ".join(f.split()[-10:])
    if re.search(r"kết quả|hạn chế|tồn tại|ưu điểm|khuyết điểm|đạt được|nổi bật", tail):
        return ASSESSMENT
    if _DIRECTIVE_KW.search(tail) or re.search(r"như sau|sau đây|các nội dung sau|một số nội dung|lưu ý", tail):
        return DIRECTIVE
    return NEUTRAL


_DIRECTIVE_VERBS = (
    "tập trung", "tiếp tục", "đẩy mạnh", "tăng cường", "chỉ đạo", "lãnh đạo", "triển khai", "thực hiện", "xây dựng",
    "chủ động", "quan tâm", "nâng cao", "rà soát", "kiểm tra", "hoàn thành", "hoàn thiện", "khẩn trương",
    "nghiên cứu", "tham mưu", "phối hợp", "đôn đốc", "giao", "đề nghị", "yêu cầu", "quán triệt", "tuyên truyền",
    "đổi mới", "phát huy", "củng cố", "kiện toàn", "làm tốt", "sớm", "kịp thời", "chuẩn bị", "tổ chức", "ban hành",
    "bố trí", "ưu tiên", "phấn đấu", "duy trì", "bảo đảm", "đảm bảo", "xử lý", "giải quyết", "thay đổi", "cải thiện",
    "cải cách", "phát triển", "huy động", "chấn chỉnh", "siết chặt", "nắm chắc", "nắm bắt", "theo dõi", "giám sát",
    "quản lý", "lập", "hướng dẫn", "vận động", "không để", "đề cao", "gương mẫu", "cần", "phải", "bám sát",
    "thường xuyên", "chú trọng", "coi trọng", "khắc phục", "đẩy nhanh", "thúc đẩy", "mở rộng", "tạo điều kiện",
    "phát động", "nghiêm túc", "tích cực", "sắp xếp", "rà soát", "cân đối", "đầu tư", "tranh thủ", "thực hiện tốt",
    "có trách nhiệm", "chịu trách nhiệm", "có kế hoạch", "có giải pháp", "đề ra", "xác định", "tiến hành", "kiên quyết",
    "nhân rộng", "biểu dương", "khen thưởng", "tổng kết", "sơ kết", "báo cáo", "trình", "đề xuất", "xem xét",
    "cụ thể hóa", "lồng ghép", "đa dạng hóa", "phòng", "chống", "ngăn chặn", "kéo giảm", "giảm", "tăng", "hỗ trợ",
    "chăm lo", "động viên", "tập huấn", "bồi dưỡng", "đào tạo", "phổ biến", "lựa chọn", "chọn", "tiếp thu",
    "khai thác", "ứng dụng", "chuyển đổi", "số hóa", "cập nhật", "công khai", "đối thoại", "tiếp xúc", "mỗi",
    "chủ trì", "làm việc", "hoàn chỉnh", "bổ sung", "điều chỉnh", "tham gia", "vận hành", "bàn giao", "giải ngân",
)
VERB_START = _VERB_START = re.compile(r"(?:" + "|".join(sorted(map(re.escape, _DIRECTIVE_VERBS), key=len, reverse=True)) + r")(?!\w)")
_ASSESS_START = re.compile(
    r"(?:qua|nhìn chung|tuy nhiên|bên cạnh|nhìn lại|sau \d+ năm|trong (?:năm|quý|tháng|thời gian|những năm) qua|"
    r"thời gian qua|những năm qua|năm \d{4} là|kết quả|nhờ|trong bối cảnh|với tinh thần|đến nay|hiện nay|từ khi|"
    r"từ năm|nhìn chung|nổi bật|đáng chú ý|đáng lưu ý|mặc dù|song|nhưng|đặc biệt là đã|có được|đạt được|thực hiện "
    r"(?:nghị quyết|chỉ thị|kết luận|quy định|kế hoạch)[^,]{0,60},[^.]{0,80}(?:đã|được))(?!\w)")
_NARRATIVE_START = re.compile(
    r"(?:hôm nay|ngày \d|vào ngày|sáng nay|chiều nay|sáng ngày|chiều ngày|thực hiện chương trình|được sự|"
    r"sau khi nghe|tại hội nghị|vừa qua|đến thời điểm này|theo chương trình|dự hội nghị|tham dự|cùng dự|"
    r"chủ trì hội nghị|hội nghị|phiên họp|cuộc họp|tại phiên họp|căn cứ)(?!\w)")
_FREQUENCY = re.compile(r"^(?:(?:hằng|hàng|mỗi)\s+(?:ngày|tuần|tháng|quý|năm)|định kỳ(?:\s+hằng\s+\w+)?)\s*,?\s*")
_PAST = re.compile(r"(?<!\w)(?:đã|đều|đạt|còn|chưa|được ghi nhận)(?!\w)")
_MODAL = re.compile(r"(?<!\w)(?:cần|phải|có trách nhiệm|chịu trách nhiệm)(?!\s+(?:được|đã))(?!\w)")
_TRIGGER_WORD = TRIGGER
_SUGGESTER = re.compile(r"(?:đồng chí|đ/c|các đồng chí|đại biểu|các đại biểu|ý kiến|nhiều ý kiến|một số ý kiến|"
                        r"có ý kiến|thành viên)(?!\w)")
_SUGGEST_VERB = re.compile(r",?\s*(?:đề nghị|kiến nghị|đề xuất|cho rằng|nêu|phát biểu|trình bày|phản ánh|đã báo cáo)(?!\w)")
_PROMISE = re.compile(r"(?:tôi|chúng tôi|thường trực tỉnh ủy|ban thường vụ tỉnh ủy|tỉnh ủy|thường trực|"
                      r"ban chấp hành đảng bộ tỉnh)\s+(?:[\w,]+\s+){0,4}?(?:sẽ|cam kết|xin hứa|hứa)(?!\w)")
_APPROVAL = re.compile(r"(?:ban thường vụ tỉnh ủy|thường trực tỉnh ủy|ban chấp hành đảng bộ tỉnh|tỉnh ủy|hội nghị|"
                       r"(?:phó )?(?:chủ tịch|thủ tướng)(?: chính phủ| ubnd| ủy ban nhân dân)?[\w ]{0,40}?|"
                       r"ubnd tỉnh|ủy ban nhân dân tỉnh|ban thường vụ[\w ]{0,30}?|thường trực[\w ]{0,30}?)\s+"
                       r"(?:cơ bản\s+)?(?:thống nhất|đồng ý|ghi nhận|đánh giá cao|biểu dương|hoan nghênh|"
                       r"nhất trí|thông qua)(?!\w)")
# the document's last sentence: "Văn phòng Tỉnh ủy thông báo để các cơ quan, đơn vị biết, thực hiện./."
CLOSING_FORMULA = re.compile(
    r"^(?:[\w ,]{0,80}?\s)?(?:thông báo|sao gửi|gửi)(?:\s+(?:ý kiến\s+)?kết luận[^.;]{0,200}?|[^.;]{0,40}?)\s+để\s+"
    r"[^.;]{0,160}?(?:biết|thực hiện|triển khai)[^.;]{0,40}?(?:\./\.|\.$|$)"
    r"|^trong quá trình (?:triển khai )?(?:tổ chức )?thực hiện,? nếu (?:có )?(?:phát sinh )?(?:khó khăn|vướng mắc)"
    r"|^trên đây là (?:ý kiến )?(?:kết luận|nội dung|thông báo|kế hoạch|chỉ đạo)")
# the closing call to carry out the document as a whole: "Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai
# thực hiện./.", "Nhận được Công văn này, đề nghị …", "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy … quán triệt, thực hiện."
EXHORTATION = re.compile(
    r"^(?:nhận được (?:công văn|văn bản|thông báo|kế hoạch|chỉ thị) này,?\s*)?(?:[\w ]{0,60}?\s)?(?:yêu cầu|đề nghị)\s"
    r"[^.;:]{0,220}?(?:nghiêm túc|khẩn trương|quan tâm|tổ chức|triển khai|quán triệt|chỉ đạo)[^.;:]{0,60}?"
    r"thực hiện(?:\s+(?:nghiêm túc|tốt|có hiệu quả|đúng quy định))?"
    r"(?:\s+(?:các )?(?:công văn|kết luận|thông báo|chỉ thị|kế hoạch|văn bản|nội dung|nghị quyết)(?:\s+(?:này|trên))?)?"
    r"(?:\s*;\s*(?:kết quả|trường hợp|nếu)[^.]{0,200})?\s*(?:\./\.|\.|;)?\s*$"
    r"|^nhận được (?:công văn|văn bản|thông báo|kế hoạch|chỉ thị) này")
# "Thực hiện Công điện số 47/CĐ-TTg ngày …", "Căn cứ …", "Tiếp theo Công văn số …": what the document answers
_CITING = re.compile(r"^(?:thực hiện|căn cứ|tiếp theo|theo đề nghị của|xét đề nghị của|triển khai|theo)\s+"
                     r"(?:(?:ý kiến chỉ đạo|chỉ đạo|tinh thần)\s+(?:của|tại)\s+)?(?:" + "|".join(
                         ["nghị quyết", "kết luận", "chỉ thị", "quy định", "thông báo", "kế hoạch", "quyết định",
                          "hướng dẫn", "công văn", "văn bản", "chương trình", "luật", "nghị định", "thông tư",
                          "công điện", "thông tri", "tờ trình", "báo cáo"]) + r")(?:\s+số|\s+\d|\s+liên tịch|\s+[\w-]*/)")
_SOURCE_NOTE = re.compile(r"^\(\s*(?:theo|nguồn|gửi kèm|kèm theo|đính kèm|chi tiết)(?!\w)[^()]{0,200}\)\.?$|^nguồn\s*:|"
                          r"(?:lượt xem|cỡ chữ|in bài|gửi email|chia sẻ|cập nhật lúc|cập nhật|ngày đăng)\s*:|\|\s*(?:in bài|in trang|chia sẻ|zalo|facebook)")


SELF_REFERENCE = re.compile(r"(?:chỉ thị|nghị quyết|kết luận|quy định|kế hoạch|thông báo|văn bản|quyết định|"
                             r"chương trình|hướng dẫn)\s+này\s+(?:được|có hiệu lực|phổ biến|thay thế)")
# "Giao Văn phòng Tỉnh ủy theo dõi, đôn đốc việc thực hiện Thông báo kết luận này": the follow-up of the whole
# document, a directive of its own wherever it stands
FOLLOW_UP = re.compile(r"(?:theo dõi|đôn đốc|kiểm tra|hướng dẫn|tổng hợp|giám sát)[^.;]{0,80}(?:thực hiện|triển khai)\s+"
                       r"(?:(?:thông báo kết luận|thông báo|kết luận|chỉ thị|nghị quyết|quy định|kế hoạch|văn bản)\s+)+này")


def closes_item(folded: str) -> bool:
    """A paragraph in which the issuer speaks of itself or of the document: never more of the item above it."""
    head = folded[:300].lstrip()
    if CLOSING_FORMULA.match(head) or (EXHORTATION.match(head) and len(folded) < 400):
        return True
    return bool(SELF_REFERENCE.match(head) or _PROMISE.match(head) or FOLLOW_UP.search(head)
                or (_APPROVAL.match(head) and not _TRIGGER_WORD.search(folded)))


def content_category(folded: str, subject_end: int, subject_kind: str, neutral: bool, preamble: bool = False,
                     has_lead: bool = False, has_deadline: bool = False, label: str = "x") -> tuple[bool, str]:
    """Is a paragraph a directive on its own words? (True, "") or (False, reason key).

    folded starts at the directive's own words (label removed); subject_end is where the opening subject ends
    (0 when there is none), subject_kind the kind of its entities ("issuer", "unit", ...).
    """
    head = folded[:300].lstrip()
    first = head.split(".")[0]
    if _SOURCE_NOTE.search(head[:200]) and len(folded) < 300:
        return False, "source"
    if CLOSING_FORMULA.match(head):
        return False, "formula"
    if _CITING.match(head):
        # "Thực hiện Chỉ thị số …, thời gian qua …": context; it assigns only where a trigger follows the citation
        # ("…, UBND tỉnh giao Sở X …"), and never when it announces a list
        trigger = [t for t in _TRIGGER_WORD.finditer(folded) if not folded[max(0, t.start() - 5):t.start()].endswith("việc ")]
        if folded.rstrip().endswith(":") or not trigger:
            return False, "citing"
    if _PURPOSE.match(head) and not _TRIGGER_WORD.search(first):
        return False, "purpose"
    if _PROMISE.match(head):
        return False, "promise"
    if _SUGGESTER.match(head) and _SUGGEST_VERB.search(first[:200]):
        return False, "suggestion"
    if subject_end and subject_kind in ("unit", "group") and _SUGGEST_VERB.match(folded, subject_end):
        return False, "suggestion"
    if _APPROVAL.match(head) and not _TRIGGER_WORD.search(re.sub(r"chủ trương\s+giao", "", folded)):
        return False, "approval"
    if SELF_REFERENCE.match(head):
        return False, "information"
    if len(head.split()) < 4 and not _VERB_START.match(head):
        return False, "information"  # a fragment: "Kết quả", "Trân trọng."
    ends_intro = folded.rstrip().endswith(":") and len(folded) < 400
    if ends_intro and not _TRIGGER_WORD.search(folded) and not has_lead:
        return False, "intro"
    if (_ASSESS_START.match(head) and re.search(r"(?<!\w)(?:đã|đạt|được)(?!\w)", first)
            and not _TRIGGER_WORD.search(folded) and not _MODAL.search(first)):
        # "Thời gian qua, các địa phương đã tích cực triển khai …": an account, even under "kết luận như sau:"
        return False, "results" if not re.search(r"hạn chế|tồn tại|yếu kém|chưa|bất cập", first) else "shortcomings"
    if EXHORTATION.match(head) and len(folded) < 400:
        return False, "formula"
    if not neutral:
        return True, ""
    if (preamble or not label) and _NARRATIVE_START.match(head) and not _TRIGGER_WORD.search(first):
        return False, "meeting"
    if _ASSESS_START.match(head) and not _TRIGGER_WORD.search(folded):
        return False, "results" if not re.search(r"hạn chế|tồn tại|yếu kém|chưa|bất cập", first) else "shortcomings"
    if _TRIGGER_WORD.search(folded) and has_lead:
        return True, ""
    rest = folded[subject_end:].lstrip(" ,") if subject_end else head
    rest = _FREQUENCY.sub("", rest)  # "Sở Y tế hằng tuần cập nhật …": the verb after how often
    past = len(_PAST.findall(first))
    if _VERB_START.match(rest) and (past <= 1 or has_deadline):
        return True, ""
    if _MODAL.search(first) and past == 0:
        return True, ""
    if has_lead and has_deadline and not re.search(r"(?<!\w)đã(?!\w)", first):
        return True, ""  # a unit and a date to meet
    if head.startswith("nguyên nhân"):
        return False, "causes"
    if preamble:
        return False, "meeting" if _NARRATIVE_START.search(head[:80]) else "information"
    if re.search(r"hạn chế|tồn tại|yếu kém|chưa|bất cập|khó khăn", first):
        return False, "shortcomings"
    return False, "results" if past else "information"
