"""What the generated set is made of: its tags (so that it can be found and removed again), its sizes, and the
words its units, people, documents and tasks are written with."""
from __future__ import annotations

from resolutions.models import Resolution
from tasks.models import Task
from units.models import Unit

UNIT_CODE_PREFIX = "LOAD_"
USERNAME_PREFIX = "load."
OFFICE_USERNAME = "load.vanphong"
STANDING_USERNAME = "load.thuongtruc"
DOCUMENT_NUMBER_SUFFIX = "/LOAD"
USERS_PER_UNIT = 5
LEADERS_PER_UNIT = 2
MAX_UNITS = 1000
MIN_UNITS = 3
CHUNK = 5000
BATCH = 2000


def default_units(tasks: int) -> int:
    return max(MIN_UNITS, min(MAX_UNITS, tasks // 100))


# --- words ----------------------------------------------------------------------------------------------------

ACTIONS = [
    "Tập trung lãnh đạo, chỉ đạo", "Tiếp tục đẩy mạnh", "Tham mưu ban hành", "Xây dựng kế hoạch thực hiện",
    "Tổ chức sơ kết", "Rà soát, đánh giá", "Chuẩn bị tốt", "Triển khai thực hiện có hiệu quả",
    "Kiểm tra, giám sát", "Đôn đốc, hướng dẫn", "Chủ động phối hợp tổ chức", "Nâng cao chất lượng",
]
OBJECTS = [
    "công tác chuyển đổi số trong hệ thống chính trị", "Nghị quyết về phát triển nông nghiệp ứng dụng công nghệ cao",
    "công tác xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh", "Hội nghị xúc tiến đầu tư tỉnh Hậu Giang",
    "chương trình xây dựng nông thôn mới nâng cao, kiểu mẫu", "công tác cải cách hành chính, cải thiện chỉ số PCI",
    "việc thực hiện Chỉ thị số 05-CT/TW về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "công tác phòng, chống tham nhũng, tiêu cực", "công tác tuyên truyền kỷ niệm các ngày lễ lớn của đất nước",
    "việc sắp xếp đơn vị hành chính cấp xã", "công tác giải phóng mặt bằng các dự án trọng điểm",
    "công tác phát triển đảng viên mới", "phong trào thi đua yêu nước", "công tác dân vận của chính quyền",
    "kế hoạch phòng, chống thiên tai và ứng phó biến đổi khí hậu", "công tác bảo đảm an ninh chính trị, trật tự",
    "công tác giảm nghèo bền vững", "việc thu hút đầu tư vào các khu công nghiệp",
]
TAILS = [
    "bảo đảm chất lượng, hiệu quả, đúng tiến độ", "báo cáo kết quả về Thường trực Tỉnh ủy",
    "trình Ban Thường vụ Tỉnh ủy xem xét, cho ý kiến", "gắn với trách nhiệm của người đứng đầu",
    "phù hợp với tình hình thực tế của địa phương", "",
]
REPORT_TEXTS = [
    "Đã xây dựng kế hoạch và triển khai đến các chi bộ trực thuộc.",
    "Đang phối hợp với các sở, ngành liên quan rà soát hồ sơ, dự kiến hoàn thành đúng hạn.",
    "Đã tổ chức hội nghị quán triệt cho cán bộ chủ chốt; đang hoàn thiện dự thảo báo cáo.",
    "Gặp khó khăn về kinh phí, đã kiến nghị Ủy ban nhân dân tỉnh bố trí bổ sung.",
    "Đã hoàn thành khảo sát thực tế tại các huyện, thị xã, thành phố.",
    "Đang lấy ý kiến góp ý của các cơ quan, đơn vị đối với dự thảo.",
]
CONTRIBUTION_TEXTS = [
    "Đơn vị thống nhất với dự thảo, đề nghị bổ sung số liệu năm gần nhất.",
    "Đã cung cấp số liệu theo đề nghị của đơn vị chủ trì.",
    "Đề nghị làm rõ lộ trình thực hiện và phân công cụ thể.",
]
UNIT_KINDS = [
    ("Ban", Unit.Kind.PARTY_BOARD), ("Sở", Unit.Kind.DEPARTMENT), ("Huyện ủy", Unit.Kind.PARTY_COMMITTEE),
    ("Đảng ủy", Unit.Kind.PARTY_COMMITTEE), ("Ủy ban nhân dân", Unit.Kind.GOVERNMENT), ("Hội", Unit.Kind.FRONT),
]
PLACES = ["Vị Thanh", "Ngã Bảy", "Long Mỹ", "Châu Thành", "Châu Thành A", "Phụng Hiệp", "Vị Thủy", "Cái Tắc",
          "Tân Thành", "Hỏa Lựu", "Vĩnh Tường", "Long Bình", "Mái Dầm", "Búng Tàu", "Kinh Cùng"]
TOP_LEVEL = ["Khối các cơ quan Đảng", "Khối chính quyền", "Khối Mặt trận và đoàn thể", "Khối cấp ủy huyện",
             "Khối lực lượng vũ trang"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Thanh Hải", "Văn Khánh", "Ngọc Lan",
         "Hữu Phước", "Thị Thu"]
DOC_KINDS = [Resolution.Kind.KET_LUAN, Resolution.Kind.NGHI_QUYET, Resolution.Kind.CHI_THI,
             Resolution.Kind.THONG_BAO_KET_LUAN, Resolution.Kind.KE_HOACH, Resolution.Kind.PHAT_BIEU]
DOC_SYMBOL = {Resolution.Kind.KET_LUAN: "KL", Resolution.Kind.NGHI_QUYET: "NQ", Resolution.Kind.CHI_THI: "CT",
              Resolution.Kind.THONG_BAO_KET_LUAN: "TB", Resolution.Kind.KE_HOACH: "KH",
              Resolution.Kind.PHAT_BIEU: "PB"}
CYCLES = [Task.ReportCycle.MONTHLY, Task.ReportCycle.QUARTERLY, Task.ReportCycle.QUARTERLY,
          Task.ReportCycle.HALF_YEARLY, Task.ReportCycle.YEARLY]
