"""The reading rules for documents of shapes the worked example does not have (issue 13): bodies outside the
directory, second assignments, letters' layout, horizons and cited dates, no timing word, set-aside paragraphs and
where each field was read. The corpus (test_corpus.py) holds them on whole documents; these hold one rule each."""
import pytest

from resolutions.parsing import parse_text
from tests.resolutions.parsing._expected import SHIPPED


def parse(text, year=2024):
    return parse_text(text, directory=SHIPPED, reference_year=year)


def only(text, year=2024):
    result = parse(text, year)
    assert len(result.directives) == 1, [d.text for d in result.directives]
    return result.directives[0]


@pytest.mark.parametrize("text, written", [
    ("1. Giao Ban Quản lý dự án đầu tư xây dựng tỉnh khẩn trương hoàn chỉnh hồ sơ trước ngày 30/9/2024.",
     "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
    ("1. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các Bộ, ngành liên quan rà soát vốn trong tháng 6/2024.",
     "các Bộ, ngành liên quan"),
    ("1. Công an tỉnh Kiên Giang tăng cường kiểm soát tại các bến tàu trong tháng 10/2024.", "Công an tỉnh Kiên Giang"),
    ("1. Đề nghị UBND huyện Phong Điền, thành phố Cần Thơ phối hợp bàn giao mặt bằng trước ngày 15/11/2024.",
     "UBND huyện Phong Điền"),
    ("1. Giao Tổ công tác liên ngành triển khai Đề án 06 của tỉnh hoàn thành làm sạch dữ liệu trong quý III/2024.",
     "Tổ công tác liên ngành triển khai Đề án 06"),
    ("1. Ngoài ra, đề nghị Viettel Hậu Giang và VNPT Hậu Giang phủ sóng 4G tại các ấp trước ngày 31/12/2024.",
     "Viettel Hậu Giang"),
])
def test_a_body_outside_the_directory_is_kept_as_written_and_flagged(text, written):
    d = only(text)
    assert any(written in u for u in d.unmatched), d.unmatched
    assert d.confidence["lead"] < 1 or d.coordinating_as_written  # the office's attention goes to it


def test_a_known_name_of_another_province_is_not_our_unit():
    d = only("1. Sở Y tế tỉnh Sóc Trăng chủ trì, phối hợp xét nghiệm tại chốt kiểm soát trong tháng 9/2024.")
    assert d.lead_units == [] and d.unmatched == ["Sở Y tế tỉnh Sóc Trăng"]


def test_a_second_assignment_in_one_paragraph_is_a_directive_of_its_own():
    result = parse("1. Giao Ban cán sự đảng UBND tỉnh lãnh đạo ban hành Kế hoạch chuyển đổi số, hoàn thành trong "
                   "tháng 4/2024; giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính rà soát danh "
                   "mục dự án, báo cáo trước ngày 30/6/2024.")
    first, second = result.directives
    assert (first.lead_units, str(first.deadline)) == (["Ban cán sự đảng UBND tỉnh"], "2024-04-30")
    assert second.text.startswith("giao Sở Thông tin và Truyền thông")
    assert (second.lead_units, second.coordinating_units, str(second.deadline)) == (
        ["Sở Thông tin và Truyền thông"], ["Sở Tài chính"], "2024-06-30")


def test_a_paragraph_opening_with_a_connective_and_a_new_lead_is_not_merged_into_the_item_above():
    result = parse("1. Văn phòng Tỉnh ủy chủ trì triển khai phần mềm quản lý hồ sơ đảng viên trong quý III/2024.\n\n"
                   "Đồng thời, Ban Tuyên giáo Tỉnh ủy chỉ đạo mở chuyên mục chuyển đổi số, định kỳ hằng tháng.")
    assert [d.lead_units for d in result.directives] == [["Văn phòng Tỉnh ủy"], ["Ban Tuyên giáo Tỉnh ủy"]]
    assert result.directives[1].ongoing


@pytest.mark.parametrize("sentence", [
    "phấn đấu đến năm 2025 đạt 80% dịch vụ công trực tuyến",
    "theo Công văn số 12 34/UBND-KT ngày 05/3/2024 của UBND tỉnh",
    "thực hiện Kế hoạch giai đoạn 2021 - 2025",
])
def test_a_horizon_or_a_cited_document_is_not_a_deadline(sentence):
    d = only(f"1. Sở Nội vụ chủ trì rà soát đội ngũ cán bộ, {sentence}.")
    assert d.deadline is None and d.needs_deadline and not d.ongoing


def test_no_timing_word_means_the_office_must_set_a_deadline_and_a_recurring_word_means_ongoing():
    assert only("1. Sở Y tế hướng dẫn Nhân dân xử lý nước sạch.").needs_deadline
    assert only("1. Sở Y tế hằng tuần cập nhật tình hình dịch bệnh.").ongoing
    assert str(only("1. Sở Y tế báo cáo kết quả trong tháng 10.").deadline) == "2024-10-31"


def test_a_letters_header_kinh_gui_list_and_closing_are_not_directives():
    result = parse("ỦY BAN NHÂN DÂN\nTỈNH HẬU GIANG\nSố: 1456/UBND-KT\nV/v đẩy nhanh giải ngân vốn đầu tư công\n"
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                   "Hậu Giang, ngày 08 tháng 5 năm 2024\n\nKính gửi:\n- Sở Giao thông vận tải;\n"
                   "- Ban Quản lý dự án đầu tư xây dựng công trình giao thông tỉnh;\n- Kho bạc Nhà nước Hậu Giang.\n\n"
                   "1. Sở Kế hoạch và Đầu tư tham mưu điều chuyển vốn, trình UBND tỉnh trong tháng 6/2024.\n\n"
                   "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.\n\nNơi nhận:\n- Như trên;\n"
                   "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn Huyến", year=None)
    assert result.header.kind == "Công văn" and result.header.number == "1456/UBND-KT"
    assert [d.lead_units for d in result.directives] == [["Sở Kế hoạch và Đầu tư"]]
    assert str(result.directives[0].deadline) == "2024-06-30"


def test_thu_nam_ngay_is_a_weekday_not_an_ordinal_label():
    d = only("1. Văn phòng UBND tỉnh chuẩn bị nội dung cuộc họp, tổ chức lúc 14 giờ, Thứ Năm, ngày 12/9/2024.")
    assert d.label == "1." and str(d.deadline) == "2024-09-12"


def test_a_paragraph_set_aside_with_an_assignment_is_listed_with_its_reason_and_what_it_would_be():
    result = parse("Thường trực Tỉnh ủy thống nhất chủ trương giao Văn phòng Tỉnh ủy là cơ quan đầu mối về chuyển "
                   "đổi số trong khối Đảng.\n\n1. Sở Y tế rà soát trang thiết bị trong quý IV/2024.")
    aside = result.set_aside
    assert len(aside) == 1 and "assignment" in aside[0].signals and aside[0].reason
    assert aside[0].proposal.lead_units == ["Văn phòng Tỉnh ủy"]
    assert aside[0].after == 0  # shown before the first directive, where it stands
    assert result.to_json()["set_aside"][0]["proposal"]["lead_units"] == ["Văn phòng Tỉnh ủy"]


def test_every_field_points_at_the_words_it_was_read_from():
    d = only("1. Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư bố trí vốn trước ngày 30/6/2024.")
    words = {s.field: d.text[s.start:s.end] for s in d.sources if s.where == "text"}
    assert words == {"lead": "Sở Tài chính", "coordinating": "Sở Kế hoạch và Đầu tư", "deadline": "trước ngày 30/6/2024"}
    assert {k: d.confidence[k] for k in ("lead", "coordinating", "timing")} == {
        "lead": 1.0, "coordinating": 1.0, "timing": 1.0}


def test_an_inherited_lead_is_marked_as_coming_from_the_heading_and_ranks_below_one_read_in_the_text():
    result = parse("1. Đề nghị UBND tỉnh chỉ đạo thực hiện các nội dung sau:\n\na) Rà soát quỹ đất tái định cư trong "
                   "quý III/2024.\n\nb) Giao Sở Xây dựng lập quy hoạch chi tiết trong quý IV/2024.")
    inherited, own = result.directives
    assert [s.where for s in inherited.sources if s.field == "lead"] == ["heading"]
    assert inherited.confidence["lead"] < own.confidence["lead"]
