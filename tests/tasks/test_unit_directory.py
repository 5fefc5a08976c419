"""The shipped unit directory: consistent, complete against the design, and able to read the worked example."""

import re
import unicodedata

import pytest

from units.directory_data import GROUPS, KINDS, OTHER_BODIES, UNITS, problems, tone_variants

BY_CODE = {unit["code"]: unit for unit in UNITS}
BY_NAME = {unit["name"]: unit for unit in UNITS}

# DESIGN.md, "The unit directory to ship", name by name.
PARTY_BOARDS = ["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy",
                "Ban Nội chính Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Trường Chính trị tỉnh"]
PARTY_DELEGATIONS = ["Ban cán sự đảng UBND tỉnh", "Đảng đoàn HĐND tỉnh", "Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh"]
BLOC_COMMITTEE = "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh"
FRONT = ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "Hội Nông dân tỉnh", "Tỉnh đoàn",
         "Liên đoàn Lao động tỉnh", "Hội Cựu chiến binh tỉnh"]
DEPARTMENTS = ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo",
               "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Sở Xây dựng", "Sở Công Thương",
               "Sở Nông nghiệp và Phát triển nông thôn", "Sở Lao động - Thương binh và Xã hội",
               "Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp",
               "Sở Khoa học và Công nghệ", "Thanh tra tỉnh", "Ban Quản lý các khu công nghiệp"]
ARMED_FORCES = ["Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh"]
DISTRICTS = {  # committee -> its People's Committee
    "Thành ủy Vị Thanh": "Ủy ban nhân dân thành phố Vị Thanh",
    "Thành ủy Ngã Bảy": "Ủy ban nhân dân thành phố Ngã Bảy",
    "Thị ủy Long Mỹ": "Ủy ban nhân dân thị xã Long Mỹ",
    "Huyện ủy Châu Thành": "Ủy ban nhân dân huyện Châu Thành",
    "Huyện ủy Châu Thành A": "Ủy ban nhân dân huyện Châu Thành A",
    "Huyện ủy Phụng Hiệp": "Ủy ban nhân dân huyện Phụng Hiệp",
    "Huyện ủy Vị Thủy": "Ủy ban nhân dân huyện Vị Thủy",
    "Huyện ủy Long Mỹ": "Ủy ban nhân dân huyện Long Mỹ",
}
PROVINCIAL_PEOPLES_COMMITTEE = "Ủy ban nhân dân tỉnh"
EVERY_NAME = [*PARTY_BOARDS, *PARTY_DELEGATIONS, BLOC_COMMITTEE, *FRONT, PROVINCIAL_PEOPLES_COMMITTEE,
              *DEPARTMENTS, *ARMED_FORCES, *DISTRICTS, *DISTRICTS.values()]


def members(group_key):
    return {unit["name"] for unit in UNITS if group_key in unit["groups"]}


def resolve(text):
    """Leftmost-longest match of aliases, group phrases and outside bodies, as the module docstring asks."""
    meaning = {}
    for body in OTHER_BODIES:
        meaning[body.casefold()] = None
    for group in GROUPS:
        meaning.update({phrase.casefold(): ("group", group["key"]) for phrase in group["phrases"]})
    for unit in UNITS:
        meaning.update({alias.casefold(): ("unit", unit["code"]) for alias in unit["aliases"]})
    alternatives = "|".join(map(re.escape, sorted(meaning, key=len, reverse=True)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    units, groups = set(), set()
    for match in pattern.finditer(unicodedata.normalize("NFC", text).casefold()):
        hit = meaning[match.group()]
        if hit:
            (units if hit[0] == "unit" else groups).add(hit[1])
    return units, groups


def test_the_directory_reports_no_problems():
    assert problems() == []


def test_codes_are_unique_uppercase_ascii():
    codes = [unit["code"] for unit in UNITS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", code) for code in codes)


def test_every_parent_comes_before_its_children():
    seen = set()
    for unit in UNITS:
        assert unit["parent"] is None or unit["parent"] in seen, unit["code"]
        seen.add(unit["code"])


def test_every_unit_names_known_groups_and_a_known_kind():
    keys = {group["key"] for group in GROUPS}
    assert keys == {"cap_uy", "chinh_quyen", "co_quan_don_vi", "mttq_doan_the"}
    for unit in UNITS:
        assert set(unit["groups"]) <= keys, unit["code"]
        assert unit["kind"] in KINDS, unit["code"]


def test_every_unit_of_the_design_is_shipped_and_nothing_else():
    assert sorted(BY_NAME) == sorted(EVERY_NAME)
    assert len(UNITS) == 53


def test_groups_hold_the_units_the_seed_conventions_describe():
    assert members("cap_uy") == {*DISTRICTS, BLOC_COMMITTEE}
    assert members("chinh_quyen") == {PROVINCIAL_PEOPLES_COMMITTEE, *DISTRICTS.values()}
    assert members("co_quan_don_vi") == {*PARTY_BOARDS, *PARTY_DELEGATIONS, *DEPARTMENTS, *ARMED_FORCES}
    assert members("mttq_doan_the") == set(FRONT)
    assert [len(members(key)) for key in ("cap_uy", "chinh_quyen", "co_quan_don_vi", "mttq_doan_the")] == [
        9, 9, 29, 6]


def test_departments_sit_under_the_provincial_peoples_committee():
    parent = BY_NAME[PROVINCIAL_PEOPLES_COMMITTEE]["code"]
    assert all(BY_NAME[name]["parent"] == parent for name in DEPARTMENTS)
    assert all(BY_NAME[name]["kind"] == "department" for name in DEPARTMENTS)


def test_each_district_committee_has_its_peoples_committee_as_sub_unit():
    for committee, peoples_committee in DISTRICTS.items():
        assert BY_NAME[committee]["kind"] == "party_committee"
        assert BY_NAME[peoples_committee]["parent"] == BY_NAME[committee]["code"]
        assert BY_NAME[peoples_committee]["kind"] == "government"


def test_only_departments_and_district_peoples_committees_have_a_parent():
    with_parent = {unit["name"] for unit in UNITS if unit["parent"]}
    assert with_parent == {*DEPARTMENTS, *DISTRICTS.values()}


def test_demo_mail_can_only_go_to_the_reserved_example_domain():
    emails = [unit["email"] for unit in UNITS]
    assert len(emails) == len(set(emails))
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.haugiang\.example", email) for email in emails)


def test_aliases_are_nfc_and_each_belongs_to_one_unit():
    owner = {}
    for unit in UNITS:
        assert unit["name"] in unit["aliases"] and unit["short_name"] in unit["aliases"]
        for alias in unit["aliases"]:
            assert alias == unicodedata.normalize("NFC", alias)
            assert owner.setdefault(alias.casefold(), unit["code"]) == unit["code"], alias


@pytest.mark.parametrize("written, code", [
    ("MTTQ tỉnh", "MTTQ_TINH"), ("Mặt trận Tổ quốc tỉnh", "MTTQ_TINH"), ("Ủy ban MTTQ Việt Nam tỉnh", "MTTQ_TINH"),
    ("BTV Tỉnh đoàn", "TINH_DOAN"), ("Tỉnh Đoàn", "TINH_DOAN"), ("Đoàn TNCS Hồ Chí Minh tỉnh", "TINH_DOAN"),
    ("UBKT Tỉnh ủy", "UBKTTU"), ("Ủy ban Kiểm tra Tỉnh uỷ", "UBKTTU"), ("Uỷ ban Kiểm tra Tỉnh ủy", "UBKTTU"),
    ("Sở KH&ĐT", "SO_KHDT"), ("Sở KHĐT", "SO_KHDT"), ("Sở Kế hoạch - Đầu tư", "SO_KHDT"),
    ("UBND tỉnh", "UBND_TINH"), ("Ủy ban nhân dân tỉnh", "UBND_TINH"), ("Bộ CHQS tỉnh", "BCHQS_TINH"),
    ("Ban Tuyên giáo", "BTGTU"), ("BTG Tỉnh ủy", "BTGTU"), ("Ban Tổ chức", "BTCTU"), ("BTC Tỉnh ủy", "BTCTU"),
    ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN_TINH"), ("Hội LHPN tỉnh", "HLHPN_TINH"), ("Hội CCB tỉnh", "HCCB_TINH"),
    ("LĐLĐ tỉnh", "LDLD_TINH"), ("Ban cán sự đảng UBND tỉnh", "BCSD_UBND_TINH"), ("Sở LĐ-TB&XH", "SO_LDTBXH"),
    ("Sở TT&TT", "SO_TTTT"), ("Sở VH-TT&DL", "SO_VHTTDL"), ("Sở Văn hoá, Thể thao và Du lịch", "SO_VHTTDL"),
    ("Sở NN&PTNT", "SO_NNPTNT"), ("Sở GD&ĐT", "SO_GDDT"), ("Sở TN&MT", "SO_TNMT"), ("Sở GTVT", "SO_GTVT"),
    ("BQL các KCN", "BQL_KCN"), ("Huyện ủy Phụng Hiệp", "HU_PHUNG_HIEP"), ("Huyện uỷ Phụng Hiệp", "HU_PHUNG_HIEP"),
    ("Huyện uỷ Vị Thuỷ", "HU_VI_THUY"), ("UBND huyện Châu Thành A", "UBND_CHAU_THANH_A"),
])
def test_documents_usual_spellings_find_their_unit(written, code):
    assert written in BY_CODE[code]["aliases"]
    assert resolve(written) == ({code}, set())


# Verbatim from seeds/000_9fdafcf93230ce3d.txt; expected readings from acceptance/seed_directives.json.
@pytest.mark.parametrize("passage, units, groups", [
    ("Cấp uỷ, chính quyền, các cơ quan, đơn vị bám sát vào chương trình, kế hoạch.",
     set(), {"cap_uy", "chinh_quyen", "co_quan_don_vi"}),
    ("Tiếp tục đổi mới nội dung, phương phương thức hoạt động của MTTQ và các đoàn thể chính trị - xã hội phù hợp",
     set(), {"mttq_doan_the"}),
    ("Cấp uỷ, chính quyền, cơ quan, đơn vị các cấp quan tâm chỉ đạo, phân công triển khai",
     set(), {"cap_uy", "chinh_quyen", "co_quan_don_vi"}),
    ("Các cấp ủy đảng, chính quyền tiếp tục quan tâm lãnh đạo", set(), {"cap_uy", "chinh_quyen"}),
    ("Hội Cựu chiến binh các cấp cần tiếp tục đổi mới nội dung", {"HCCB_TINH"}, set()),
    ("Đảng đoàn Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội, Ban Thường vụ Tỉnh đoàn tăng cường phối hợp"
     " với Hội Cựu chiến binh tổ chức tuyên truyền", {"DD_MTTQ_TINH", "TINH_DOAN", "HCCB_TINH"}, {"mttq_doan_the"}),
    ("đề nghị cấp ủy các cấp tăng cường công tác quản lý cán bộ", set(), {"cap_uy"}),
    ("Các cấp uỷ đảng, chính quyền, các cơ quan, đơn vị cần tăng cường nhận thức đúng",
     set(), {"cap_uy", "chinh_quyen", "co_quan_don_vi"}),
    ("Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy và các cơ quan liên quan tham mưu",
     {"BTGTU", "UBKTTU"}, set()),
    ("hội nghị đối thoại với cán bộ, hội viên Hội Phụ nữ", {"HLHPN_TINH"}, set()),
    ("Hướng dẫn số 30 ngày 09/02/2015 của Ban Tổ chức Trung ương", set(), set()),
])
def test_the_worked_example_resolves_to_the_expected_units_and_groups(passage, units, groups):
    assert resolve(passage) == (units, groups)


def test_passages_written_in_nfd_resolve_the_same():
    passage = "Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy"
    assert resolve(unicodedata.normalize("NFD", passage)) == ({"BTGTU", "UBKTTU"}, set())


def test_canonical_names_in_the_acceptance_file_are_unit_names():
    for name in ["Hội Cựu chiến binh tỉnh", "Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh", "Tỉnh đoàn",
                 "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"]:
        assert name in BY_NAME


@pytest.mark.parametrize("text, spellings", [
    ("Tỉnh ủy", {"Tỉnh ủy", "Tỉnh uỷ"}),
    ("Văn hoá", {"Văn hoá", "Văn hóa"}),
    ("Ủy ban Kiểm tra Tỉnh ủy", {"Ủy ban Kiểm tra Tỉnh ủy", "Uỷ ban Kiểm tra Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh uỷ",
                                "Uỷ ban Kiểm tra Tỉnh uỷ"}),
    ("quý II", {"quý II"}),  # qu + y is not the oa/oe/uy question
    ("Hoàng huyện", {"Hoàng huyện"}),  # closed syllables have one placement only
])
def test_tone_variants_cover_old_and_new_placement_only_where_both_exist(text, spellings):
    assert set(tone_variants(text)) == spellings
    assert tone_variants(text)[0] == text
