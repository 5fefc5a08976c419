"""The reading rules one at a time: tone placement, labels, deadlines, ongoing work, assignees, the header."""
import datetime as dt

import pytest

from resolutions.parsing import Directory, parse_text
from resolutions.parsing.dates import deadline_of, find_dates
from resolutions.parsing.labels import read_label
from resolutions.parsing.text import fold

UNITS = [
    {"name": "Ban Tổ chức Tỉnh ủy", "short_name": "BTCTU", "aliases": ["Ban Tổ chức"], "groups": ["co_quan_don_vi"]},
    {"name": "Văn phòng Tỉnh ủy", "short_name": "VPTU", "aliases": [], "groups": ["co_quan_don_vi"]},
    {"name": "Sở Văn hóa, Thể thao và Du lịch", "short_name": "Sở VH-TT&DL", "aliases": [], "groups": ["co_quan_don_vi"]},
    {"name": "Ủy ban nhân dân tỉnh", "short_name": "UBND tỉnh", "aliases": [], "groups": ["chinh_quyen"]},
    {"name": "Ủy ban nhân dân huyện Châu Thành A", "short_name": "UBND huyện Châu Thành A", "aliases": [],
     "groups": ["chinh_quyen"]},
    {"name": "Ủy ban nhân dân huyện Châu Thành", "short_name": "UBND huyện Châu Thành", "aliases": [],
     "groups": ["chinh_quyen"]},
    {"name": "Thành ủy Ngã Bảy", "short_name": "Thành ủy Ngã Bảy", "aliases": ["Ngã Bảy"], "groups": ["cap_uy"]},
]
GROUPS = [{"key": "cap_uy", "name": "Cấp ủy"}, {"key": "chinh_quyen", "name": "Chính quyền"},
          {"key": "co_quan_don_vi", "name": "Cơ quan, đơn vị", "phrases": ["các sở, ngành tỉnh"]},
          {"key": "mttq_doan_the", "name": "MTTQ, đoàn thể"}]
SMALL = Directory.from_data(UNITS, GROUPS)


def one(text, directory=SMALL, year=2022):
    result = parse_text(text, directory=directory, reference_year=year)
    assert len(result.directives) == 1, [d.text for d in result.directives]
    return result.directives[0]


@pytest.mark.parametrize("old, new", [("Tỉnh uỷ", "Tỉnh ủy"), ("quí II", "quý II"), ("hoà giải", "hòa giải"),
                                      ("Vị Thuỷ", "Vị Thủy"), ("khoẻ", "khỏe"), ("THUỶ", "THỦY")])
def test_old_and_new_tone_placement_fold_to_the_same_key_of_the_same_length(old, new):
    assert fold(old) == fold(new) and len(fold(old)) == len(old)


def test_closed_syllables_and_qu_keep_their_marks():
    assert fold("hoàng") == "hoàng" and fold("quỷ") == "quỷ"


@pytest.mark.parametrize("line, style, label", [
    ("I. Đánh giá", "roman", "I"), ("II/ Tổng kết", "roman", "II"), ("3. Định hướng", "decimal", "3."),
    ("1/ Về", "decimal", "1/"), ("2.1. Về", "decimal_multi", "2.1."), ("2.1 Về", "decimal_multi", "2.1"), ("(1) Cấp uỷ", "paren_decimal", "(1)"),
    ("a) Chỉ đạo", "letter", "a)"), ("- Giao", "dash", "-"), ("⁃ Kinh tế", "dash", "-"), ("• Tăng", "dot", "•"),
    ("+ Hoàn thành", "plus", "+"), ("* Kết quả", "star", "*"), ("Thứ nhất, các cấp ủy", "ordinal", "Thứ nhất"),
    ("Hai là, tập trung", "count", "Hai là"),
])
def test_labels_are_read_as_written(line, style, label):
    got = read_label(line)
    assert (got.style, got.label) == (style, label)


@pytest.mark.parametrize("line", ["1.500 tỷ đồng", "30/6/2022 là hạn", "2022 là năm", "5 - 11 tuổi",
                                  "Tăng cường (1) tiếp xúc (2) đối thoại", "Iran"])
def test_numbers_and_inline_enumerations_are_not_labels(line):
    assert read_label(line).style == ""


@pytest.mark.parametrize("phrase, end", [
    ("hoàn thành trước ngày 30/6/2022", "2022-06-30"), ("trước ngày 15-7-2022", "2022-07-15"),
    ("chậm nhất ngày 30.9.2022", "2022-09-30"), ("ngày 30 tháng 6 năm 2022", "2022-06-30"),
    ("vào tháng 6/2022", "2022-06-30"), ("trong tháng 2 năm 2024", "2024-02-29"), ("quý II/2022", "2022-06-30"),
    ("trong quí IV năm 2022", "2022-12-31"), ("quý 3/2022", "2022-09-30"), ("6 tháng đầu năm", "2022-06-30"),
    ("6 tháng cuối năm 2022", "2022-12-31"), ("9 tháng đầu năm", "2022-09-30"), ("cuối năm 2022", "2022-12-31"),
    ("trong năm 2023", "2023-12-31"), ("dịp 30/4 và 1/5", "2022-05-01"), ("trước ngày 2/9", "2022-09-02"),
    ("trong quý III", "2022-09-30"), ("đến hết năm nay", "2022-12-31"),
])
def test_deadline_phrases_end_their_period(phrase, end):
    assert str(deadline_of(find_dates(phrase, 2022)).date) == end


@pytest.mark.parametrize("phrase", [
    "Nghị quyết số 09 ngày 08/01/2002 của Bộ Chính trị", "Chỉ thị số 05-CT/TU, ngày 10/12/2022 của Ban Thường vụ",
    "Kết luận số 15-KL/TU ngày 12/4/2022", "theo Hướng dẫn số 30 ngày 09/02/2023 của Ban Tổ chức Trung ương",
    "nhiệm kỳ 2020 – 2025", "giai đoạn 2021 - 2025", "năm 2022 là năm doanh nghiệp", "tăng 9,37% so với cùng kỳ",
    "1.500 tỷ đồng", "trẻ từ 5 - 11 tuổi", "ngay từ đầu năm", "sau 20 năm thực hiện",
])
def test_dates_that_are_not_deadlines(phrase):
    assert find_dates(phrase, 2022) == []


def test_dates_before_the_document_are_not_deadlines():
    assert find_dates("kết quả quý I/2022", 2022, not_before=dt.date(2022, 4, 1)) == []


def test_an_item_inherits_its_headings_period_unless_it_names_its_own():
    result = parse_text("NHIỆM VỤ TRỌNG TÂM QUÝ III/2022\n"
                        "1. Ban Tổ chức Tỉnh ủy rà soát quy hoạch cán bộ.\n"
                        "2. Văn phòng Tỉnh ủy tham mưu tổ chức hội nghị vào tháng 7/2022.\n", directory=SMALL)
    first, second = result.directives
    assert (str(first.deadline), first.deadline_text) == ("2022-09-30", "QUÝ III/2022 (heading)")
    assert (str(second.deadline), second.deadline_text) == ("2022-07-31", "tháng 7/2022")


@pytest.mark.parametrize("text, ongoing, needs", [
    ("1. Các cấp ủy thường xuyên kiểm tra, giám sát.", True, False),
    ("1. Các cấp ủy tiếp tục lãnh đạo, chỉ đạo.", True, False),
    ("1. Trong thời gian tới, đề nghị cấp ủy các cấp tăng cường quản lý đảng viên.", True, False),
    ("1. Ban Tổ chức Tỉnh ủy tham mưu ban hành quy định về phân cấp quản lý cán bộ.", False, True),
    ("1. Ban Tổ chức Tỉnh ủy tham mưu ban hành quy định, hoàn thành trong quý III/2022.", False, False),
])
def test_ongoing_work_and_one_off_work_without_a_date(text, ongoing, needs):
    d = one(text)
    assert (d.ongoing, d.needs_deadline) == (ongoing, needs)


def test_lead_and_coordinators_are_split_and_named_canonically():
    d = one("1. Giao Ban Tổ chức chủ trì, phối hợp với Văn phòng Tỉnh uỷ và Sở Văn hoá, Thể thao và Du lịch "
            "rà soát, báo cáo Ban Thường vụ Tỉnh ủy trước ngày 30/9/2022.")
    assert d.lead_units == ["Ban Tổ chức Tỉnh ủy"]
    assert d.coordinating_units == ["Văn phòng Tỉnh ủy", "Sở Văn hóa, Thể thao và Du lịch"]
    assert d.lead_as_written == ["Ban Tổ chức"] and d.coordinating_as_written[0] == "Văn phòng Tỉnh uỷ"


def test_the_body_a_report_goes_to_is_not_a_coordinator():
    d = one("1. Ban Tổ chức Tỉnh ủy rà soát quy hoạch, báo cáo kết quả về Ban Thường vụ Tỉnh ủy "
            "(qua Văn phòng Tỉnh ủy) trước ngày 30/9/2022.")
    assert d.lead_units == ["Ban Tổ chức Tỉnh ủy"] and d.coordinating_units == [] and d.unmatched == []


def test_chairing_a_meeting_does_not_make_a_lead():
    d = one("1. Ban Tổ chức Tỉnh ủy tổ chức hội nghị tập huấn; đồng chí Trưởng ban chủ trì hội nghị, mời "
            "Văn phòng Tỉnh ủy dự, hoàn thành trong tháng 8/2022.")
    assert d.lead_units == ["Ban Tổ chức Tỉnh ủy"] and d.coordinating_units == []


def test_a_place_named_in_the_text_is_not_an_assignee():
    d = one("1. Chuẩn bị diễn tập khu vực phòng thủ thành phố Ngã Bảy trong quý III/2022.")
    assert d.lead_units == [] and d.scope_groups == []


def test_a_longer_name_wins_over_its_prefix():
    d = one("1. Giao UBND huyện Châu Thành A rà soát các dự án chậm tiến độ.")
    assert d.lead_units == ["Ủy ban nhân dân huyện Châu Thành A"]


def test_broad_phrases_resolve_to_unit_groups_not_to_units():
    d = one("1. Cấp uỷ, chính quyền, các cơ quan, đơn vị và MTTQ và các đoàn thể chính trị - xã hội bám sát kế hoạch.")
    assert d.lead_units == [] and d.scope_groups == ["cap_uy", "chinh_quyen", "co_quan_don_vi", "mttq_doan_the"]
    assert d.scope_as_written.startswith("Cấp uỷ, chính quyền")


def test_a_unit_the_directory_does_not_know_is_kept_as_written_and_listed():
    d = one("1. Giao Sở Du lịch chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy xây dựng kế hoạch trong tháng 9/2022.")
    assert d.lead_units == [] and d.unmatched == ["Sở Du lịch"] and d.lead_as_written == ["Sở Du lịch"]
    assert d.coordinating_units == ["Ban Tổ chức Tỉnh ủy"]


def test_group_phrases_from_the_directory_data_are_used():
    d = one("1. Các sở, ngành tỉnh thường xuyên cập nhật dữ liệu.")
    assert d.scope_groups == ["co_quan_don_vi"]


def test_assessments_suggestions_and_promises_are_skipped_with_reasons():
    result = parse_text(
        "I. KẾT QUẢ ĐẠT ĐƯỢC\n1. Thu ngân sách đạt 105% dự toán.\n"
        "II. HẠN CHẾ\n1. Giải ngân vốn đầu tư công còn chậm.\n"
        "III. NHIỆM VỤ THỜI GIAN TỚI\n"
        "1. Đồng chí Giám đốc Sở Tài chính đề nghị bổ sung kinh phí.\n"
        "2. Thường trực Tỉnh ủy sẽ làm việc với các địa phương.\n"
        "3. Ban Tổ chức Tỉnh ủy rà soát quy hoạch trong quý III/2022.\n", directory=SMALL, reference_year=2022)
    assert [d.text for d in result.directives] == ["Ban Tổ chức Tỉnh ủy rà soát quy hoạch trong quý III/2022."]
    reasons = {s.text[:12]: s.reason for s in result.skipped}
    assert "kết quả" in reasons["Thu ngân sác"] and "hạn chế" in reasons["Giải ngân vố"]
    assert "đề xuất" in reasons["Đồng chí Giá"] and "Cam kết" in reasons["Thường trực "]


def test_a_directive_runs_on_over_its_paragraphs_until_the_next_item():
    result = parse_text("NHIỆM VỤ\n(1) Tập trung giải ngân vốn đầu tư công.\n"
                        "Đẩy nhanh tiến độ các công trình trọng điểm.\n\nChú trọng khu vực dịch vụ.\n"
                        "(2) Tăng cường phòng, chống dịch.\n", directory=SMALL)
    first, second = result.directives
    assert first.paragraphs == 3 and first.text.count("\n\n") == 2 and second.paragraphs == 1


def test_the_header_is_read():
    result = parse_text("TỈNH ỦY HẬU GIANG\n*\nSố 15-KL/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                        "Hậu Giang, ngày 12 tháng 4 năm 2022\nKẾT LUẬN\nCỦA BAN THƯỜNG VỤ TỈNH ỦY\n"
                        "về công tác cán bộ\n\n1. Ban Tổ chức Tỉnh ủy rà soát quy hoạch.\n\n"
                        "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n(Đã ký)\nNghiêm Xuân Thành\n", directory=SMALL)
    h = result.header
    assert (h.kind, h.number, str(h.issued_on), h.issuer, h.signer, h.title) == (
        "Kết luận", "15-KL/TU", "2022-04-12", "Ban Thường vụ Tỉnh ủy", "Nghiêm Xuân Thành", "Về công tác cán bộ")
    assert len(result.directives) == 1


def test_to_json_has_the_contract_keys_and_iso_dates():
    data = parse_text("1. Ban Tổ chức Tỉnh ủy rà soát quy hoạch trước ngày 30/6/2022.", directory=SMALL).to_json()
    assert set(data) == {"directives", "set_aside", "skipped", "header"}
    d = data["directives"][0]
    assert {"section", "label", "text", "paragraphs", "lead_as_written", "coordinating_as_written", "lead_units",
            "coordinating_units", "scope_as_written", "scope_groups", "unmatched", "deadline", "deadline_text",
            "ongoing", "needs_deadline", "order"} <= set(d)
    assert d["deadline"] == "2022-06-30" and d["order"] == 1
    assert set(data["header"]) == {"kind", "number", "title", "issued_on", "issuer", "signer"}


def test_the_parser_package_imports_no_django():
    import ast
    from pathlib import Path
    import resolutions.parsing as package
    for path in Path(package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(name.split(".")[0] == "django" for name in names), path.name


def test_a_greeting_between_two_parts_of_a_speech_does_not_end_it():
    result = parse_text("Kính thưa các đồng chí,\nHôm nay Hội nghị sơ kết công tác quý I.\n"
                        "1. Kết quả đạt được\n(1) Thu ngân sách đạt 32% dự toán.\n"
                        "Thưa các đồng chí,\n"
                        "2. Nhiệm vụ thời gian tới\n(1) Ban Tổ chức Tỉnh ủy rà soát quy hoạch trong quý III/2022.\n"
                        "Kính thưa các đồng chí,\nHội nghị đã hoàn thành toàn bộ nội dung đề ra.\n"
                        "(2) Chúc các đồng chí sức khỏe.\n", directory=SMALL, reference_year=2022)
    assert [d.text[:20] for d in result.directives] == ["Ban Tổ chức Tỉnh ủy "]
    assert "Lời kết" in next(s.reason for s in result.skipped if s.text.startswith("Hội nghị đã hoàn thành"))


def test_a_report_due_from_a_unit_is_a_directive_and_its_date_is_not_a_cited_documents():
    d = one("IV. TỔ CHỨC THỰC HIỆN\n4. Ủy ban Kiểm tra Tỉnh ủy báo cáo Ban Thường vụ Tỉnh ủy kết quả giám sát việc "
            "thực hiện Nghị quyết trước ngày 15/12/2022.")
    assert d.unmatched == ["Ủy ban Kiểm tra Tỉnh ủy"]  # not in this small directory: kept as written
    assert d.deadline == dt.date(2022, 12, 15)


def test_a_district_board_is_not_taken_for_the_provincial_board_of_the_same_name():
    d = one("1. Ban Tổ chức Huyện ủy Phụng Hiệp rà soát quy hoạch cán bộ trong quý IV/2022.")
    assert d.lead_units == [] and d.unmatched == ["Ban Tổ chức Huyện ủy Phụng Hiệp"]


def test_a_date_that_comes_back_every_year_marks_ongoing_work():
    d = one("1. Ban Tổ chức Tỉnh ủy tổng hợp, báo cáo Ban Thường vụ Tỉnh ủy trước ngày 15/12 hằng năm.")
    assert d.ongoing and d.deadline is None and d.deadline_text == "trước ngày 15/12 hằng năm"


def test_a_plan_of_more_than_ninety_nine_items_gives_each_its_directive():
    """Item 100 and those after it ran into item 99 as one paragraph (labels were read up to two digits), and
    reading that paragraph grew with the square of its length: 400 items took 41 s."""
    items = "".join(f"{n}. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy rà soát quy định số {n}, "
                    f"hoàn thành trước ngày 30/6/2022.\n" for n in range(1, 131))
    result = parse_text("TỈNH ỦY HẬU GIANG\nKẾT LUẬN\n\n" + items, directory=SMALL, reference_year=2022)
    assert len(result.directives) == 130
    last = result.directives[-1]
    assert last.label.startswith("130") and "quy định số 130" in last.text and "số 129" not in last.text
    assert last.lead_units == result.directives[0].lead_units and last.lead_units  # read like the others
    assert last.coordinating_units == result.directives[0].coordinating_units and last.deadline


def test_a_long_paragraph_of_many_sentences_is_still_one_directive_with_its_lead():
    """A split is decided from the clause at hand and the part before it (segments.WINDOW), not the whole rest of the
    paragraph at every sentence."""
    sentence = "Ban Tổ chức Tỉnh ủy rà soát quy định số {n} về công tác cán bộ, hoàn thành trước ngày 30/6/2022. "
    text = "TỈNH ỦY HẬU GIANG\nKẾT LUẬN\n\n1. " + "".join(sentence.format(n=n) for n in range(1, 301))
    directive = one(text)
    assert len(directive.text) > 20_000 and directive.lead_units
