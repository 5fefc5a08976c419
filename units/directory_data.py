"""The unit directory shipped with the portal: Hậu Giang province, 2022.

Pure data (no Django import) so that the document parser, the demo loader and a data migration can all read it.
The office edits units in the admin afterwards; this module is only the starting point.

Matching text against it: normalise to NFC, compare case-insensitively, scan left to right and at each position
take the longest alias or group phrase that starts there (leftmost-longest). That is what makes
"Đảng đoàn Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội" read as the unit Đảng đoàn MTTQ plus the group
mttq_doan_the, and "UBND huyện Châu Thành A" as the A district rather than Châu Thành. OTHER_BODIES name bodies
outside the directory that contain an alias ("Ban Tổ chức Trung ương"): a matcher consumes them and resolves
them to nothing.

Both tone placements ("Tỉnh ủy"/"Tỉnh uỷ", "Văn hóa"/"Văn hoá", "Vị Thủy"/"Vị Thuỷ") are added to aliases and
phrases at import, in every combination, so a matcher that does not fold tone placement still finds them.
"""

import itertools
import re
import unicodedata

KINDS = ("party_board", "party_committee", "party_delegation", "front", "government", "department",
         "armed_forces", "other")

GROUPS = [  # key, name (Vietnamese), phrases: broad phrases in documents that resolve to the group
    {"key": "cap_uy", "name": "Các cấp ủy trực thuộc Tỉnh ủy", "phrases": [
        "cấp ủy", "các cấp ủy", "cấp ủy các cấp", "cấp ủy đảng", "các cấp ủy đảng", "cấp ủy đảng các cấp",
        "cấp ủy trực thuộc", "các cấp ủy trực thuộc Tỉnh ủy", "các huyện, thị, thành ủy",
        "các huyện ủy, thị ủy, thành ủy", "huyện ủy, thị ủy, thành ủy",
    ]},
    {"key": "chinh_quyen", "name": "Chính quyền các cấp", "phrases": [
        "chính quyền", "chính quyền các cấp", "chính quyền địa phương", "UBND các cấp", "Ủy ban nhân dân các cấp",
        "UBND các huyện, thị xã, thành phố", "UBND huyện, thị xã, thành phố",
        # the same three in the other orders documents write them
        "UBND thành phố, thị xã và các huyện", "UBND các huyện, thành phố, thị xã", "UBND các huyện, thị, thành phố",
        "UBND thị xã, thành phố và các huyện", "Ủy ban nhân dân các huyện, thị xã, thành phố",
        "Ủy ban nhân dân thành phố, thị xã và các huyện", "các huyện, thị xã, thành phố", "huyện, thị xã, thành phố",
        "thành phố, thị xã và các huyện", "các huyện, thành phố, thị xã", "các địa phương trong tỉnh",
    ]},
    {"key": "co_quan_don_vi", "name": "Các cơ quan, đơn vị cấp tỉnh", "phrases": [
        "các cơ quan, đơn vị", "cơ quan, đơn vị", "cơ quan, đơn vị các cấp", "các cơ quan, đơn vị cấp tỉnh",
        "các sở, ban, ngành", "sở, ban, ngành", "các sở, ban, ngành tỉnh", "các sở, ngành", "các ban, sở, ngành",
        "các ban đảng", "các ban xây dựng Đảng tỉnh",
    ]},
    {"key": "mttq_doan_the", "name": "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", "phrases": [
        "MTTQ và các đoàn thể chính trị - xã hội", "MTTQ và các đoàn thể", "MTTQ và các tổ chức chính trị - xã hội",
        "Mặt trận và các đoàn thể", "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
        "Mặt trận Tổ quốc và các đoàn thể", "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội",
        "Mặt trận Tổ quốc, các tổ chức chính trị - xã hội", "các đoàn thể chính trị - xã hội",
        "các tổ chức chính trị - xã hội", "các đoàn thể",
    ]},
]

# Bodies outside the directory whose names contain an alias; they resolve to no unit.
OTHER_BODIES = [
    "Ban Tổ chức Trung ương", "Ban Tuyên giáo Trung ương", "Ban Dân vận Trung ương", "Ban Nội chính Trung ương",
    "Ủy ban Kiểm tra Trung ương", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Trung ương Đoàn",
    "Trung ương Hội Cựu chiến binh Việt Nam", "Trung ương Hội Liên hiệp Phụ nữ Việt Nam",
]

_COLUMNS = ("code", "name", "short_name", "kind", "parent", "email", "aliases", "groups")
_CQ, _CU, _CH, _MT = ["co_quan_don_vi"], ["cap_uy"], ["chinh_quyen"], ["mttq_doan_the"]
_P, _F, _G = "tinhuy.haugiang.example", "mttq.haugiang.example", "ubnd.haugiang.example"

# The name and short_name are aliases too (added below); list here what else documents write.
_ROWS = [
    # Party boards and bodies advising the Provincial Committee.
    ("VPTU", "Văn phòng Tỉnh ủy", "VPTU", "party_board", None, f"vanphong@{_P}",
     ["VP Tỉnh ủy", "Văn phòng TU"], _CQ),
    ("BTCTU", "Ban Tổ chức Tỉnh ủy", "BTCTU", "party_board", None, f"bantochuc@{_P}",
     ["BTC Tỉnh ủy", "Ban Tổ chức"], _CQ),
    ("BTGTU", "Ban Tuyên giáo Tỉnh ủy", "BTGTU", "party_board", None, f"bantuyengiao@{_P}",
     ["BTG Tỉnh ủy", "Ban Tuyên giáo"], _CQ),
    ("BDVTU", "Ban Dân vận Tỉnh ủy", "BDVTU", "party_board", None, f"bandanvan@{_P}",
     ["BDV Tỉnh ủy", "Ban Dân vận"], _CQ),
    ("BNCTU", "Ban Nội chính Tỉnh ủy", "BNCTU", "party_board", None, f"bannoichinh@{_P}",
     ["BNC Tỉnh ủy", "Ban Nội chính"], _CQ),
    ("UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", "party_board", None, f"ubkiemtra@{_P}",
     ["UBKT Tỉnh ủy", "Ủy ban Kiểm tra"], _CQ),
    ("TRUONG_CHINH_TRI", "Trường Chính trị tỉnh", "Trường Chính trị", "party_board", None, f"truongchinhtri@{_P}",
     ["Trường Chính trị tỉnh Hậu Giang"], _CQ),
    # Party committee directly under the Provincial Committee.
    ("DUK", "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh", "Đảng ủy Khối", "party_committee", None,
     f"danguykhoi@{_P}", ["Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh", "Đảng ủy Khối CQ&DN tỉnh", "ĐUK"], _CU),
    # Party delegations.
    ("BCSD_UBND_TINH", "Ban cán sự đảng UBND tỉnh", "BCSĐ UBND tỉnh", "party_delegation", None,
     f"bancansudang@{_G}", ["Ban Cán sự Đảng UBND tỉnh", "Ban cán sự đảng Ủy ban nhân dân tỉnh",
                            "BCS đảng UBND tỉnh"], _CQ),
    ("DD_HDND_TINH", "Đảng đoàn HĐND tỉnh", "ĐĐ HĐND tỉnh", "party_delegation", None, f"dangdoan.hdnd@{_P}",
     ["Đảng đoàn Hội đồng nhân dân tỉnh"], _CQ),
    ("DD_MTTQ_TINH", "Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh", "ĐĐ MTTQ tỉnh", "party_delegation", None,
     f"dangdoan@{_F}", ["Đảng đoàn Mặt trận Tổ quốc tỉnh", "Đảng đoàn Mặt trận Tổ quốc", "Đảng đoàn MTTQ tỉnh",
                        "Đảng đoàn MTTQ Việt Nam tỉnh", "Đảng đoàn MTTQ", "Đảng đoàn Mặt trận"], _CQ),
    # The Fatherland Front and the political-social organisations.
    ("MTTQ_TINH", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", "front", None, f"ubmttq@{_F}",
     ["Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban MTTQ tỉnh", "UBMTTQVN tỉnh", "MTTQ tỉnh", "Mặt trận Tổ quốc tỉnh",
      "Mặt trận Tổ quốc", "MTTQ", "Mặt trận"], _MT),
    ("HLHPN_TINH", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", "front", None, f"hoiphunu@{_F}",
     ["Hội Liên hiệp Phụ nữ", "Hội LHPN", "Hội Phụ nữ tỉnh", "Hội Phụ nữ"], _MT),
    ("HND_TINH", "Hội Nông dân tỉnh", "Hội ND tỉnh", "front", None, f"hoinongdan@{_F}",
     ["Hội Nông dân"], _MT),
    ("TINH_DOAN", "Tỉnh đoàn", "Tỉnh đoàn", "front", None, f"tinhdoan@{_F}",
     ["Tỉnh Đoàn", "BTV Tỉnh đoàn", "Ban Thường vụ Tỉnh đoàn", "Đoàn TNCS Hồ Chí Minh tỉnh",
      "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "Tỉnh đoàn Hậu Giang"], _MT),
    ("LDLD_TINH", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", "front", None, f"congdoan@{_F}",
     ["Liên đoàn Lao động", "LĐLĐ"], _MT),
    ("HCCB_TINH", "Hội Cựu chiến binh tỉnh", "Hội CCB tỉnh", "front", None, f"hoiccb@{_F}",
     ["Hội Cựu chiến binh", "Hội CCB"], _MT),
    # The Provincial People's Committee and its departments.
    ("UBND_TINH", "Ủy ban nhân dân tỉnh", "UBND tỉnh", "government", None, f"vanphong@{_G}",
     ["Ủy ban nhân dân tỉnh Hậu Giang", "UBND tỉnh Hậu Giang"], _CH),
    ("SO_KHDT", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "department", "UBND_TINH", f"sokhdt@{_G}",
     ["Sở KHĐT", "Sở Kế hoạch - Đầu tư", "Sở KH và ĐT"], _CQ),
    ("SO_TC", "Sở Tài chính", "Sở Tài chính", "department", "UBND_TINH", f"sotc@{_G}", [], _CQ),
    ("SO_NV", "Sở Nội vụ", "Sở Nội vụ", "department", "UBND_TINH", f"sonv@{_G}", [], _CQ),
    ("SO_YT", "Sở Y tế", "Sở Y tế", "department", "UBND_TINH", f"soyt@{_G}", [], _CQ),
    ("SO_GDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "department", "UBND_TINH", f"sogddt@{_G}",
     ["Sở GDĐT", "Sở Giáo dục - Đào tạo"], _CQ),
    ("SO_TNMT", "Sở Tài nguyên và Môi trường", "Sở TN&MT", "department", "UBND_TINH", f"sotnmt@{_G}",
     ["Sở TNMT", "Sở Tài nguyên - Môi trường"], _CQ),
    ("SO_GTVT", "Sở Giao thông vận tải", "Sở GTVT", "department", "UBND_TINH", f"sogtvt@{_G}",
     ["Sở Giao thông Vận tải", "Sở Giao thông - Vận tải"], _CQ),
    ("SO_XD", "Sở Xây dựng", "Sở Xây dựng", "department", "UBND_TINH", f"soxd@{_G}", [], _CQ),
    ("SO_CT", "Sở Công Thương", "Sở Công Thương", "department", "UBND_TINH", f"soct@{_G}", ["Sở Công thương"], _CQ),
    ("SO_NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", "department", "UBND_TINH",
     f"sonnptnt@{_G}", ["Sở NNPTNT", "Sở Nông nghiệp - Phát triển nông thôn", "Sở Nông nghiệp"], _CQ),
    ("SO_LDTBXH", "Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH", "department", "UBND_TINH",
     f"soldtbxh@{_G}", ["Sở Lao động, Thương binh và Xã hội", "Sở LĐTB&XH", "Sở LĐTBXH"], _CQ),
    ("SO_TTTT", "Sở Thông tin và Truyền thông", "Sở TT&TT", "department", "UBND_TINH", f"sotttt@{_G}",
     ["Sở TTTT", "Sở Thông tin - Truyền thông"], _CQ),
    ("SO_VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL", "department", "UBND_TINH", f"sovhttdl@{_G}",
     ["Sở Văn hóa - Thể thao và Du lịch", "Sở VHTT&DL", "Sở VHTTDL"], _CQ),
    ("SO_TP", "Sở Tư pháp", "Sở Tư pháp", "department", "UBND_TINH", f"sotp@{_G}", [], _CQ),
    ("SO_KHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", "department", "UBND_TINH", f"sokhcn@{_G}",
     ["Sở KHCN", "Sở Khoa học - Công nghệ"], _CQ),
    ("THANH_TRA_TINH", "Thanh tra tỉnh", "Thanh tra tỉnh", "department", "UBND_TINH", f"thanhtra@{_G}",
     ["Thanh tra tỉnh Hậu Giang"], _CQ),
    ("BQL_KCN", "Ban Quản lý các khu công nghiệp", "BQL các KCN", "department", "UBND_TINH", f"bqlkcn@{_G}",
     ["Ban Quản lý các khu công nghiệp tỉnh", "Ban Quản lý các KCN", "BQL các khu công nghiệp"], _CQ),
    # Armed forces.
    ("BCHQS_TINH", "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh", "armed_forces", None, f"bchqs@{_G}",
     ["Bộ Chỉ huy quân sự tỉnh", "BCHQS tỉnh"], _CQ),
    ("CONG_AN_TINH", "Công an tỉnh", "Công an tỉnh", "armed_forces", None, f"congan@{_G}",
     ["Công an tỉnh Hậu Giang"], _CQ),
    # District level: each committee, then its People's Committee as a sub-unit.
    ("THU_VI_THANH", "Thành ủy Vị Thanh", "Thành ủy Vị Thanh", "party_committee", None,
     "thanhuy@vithanh.haugiang.example", ["Thành ủy thành phố Vị Thanh"], _CU),
    ("UBND_VI_THANH", "Ủy ban nhân dân thành phố Vị Thanh", "UBND TP Vị Thanh", "government", "THU_VI_THANH",
     "ubnd@vithanh.haugiang.example", ["UBND thành phố Vị Thanh", "UBND TP. Vị Thanh"], _CH),
    ("THU_NGA_BAY", "Thành ủy Ngã Bảy", "Thành ủy Ngã Bảy", "party_committee", None,
     "thanhuy@ngabay.haugiang.example", ["Thành ủy thành phố Ngã Bảy"], _CU),
    ("UBND_NGA_BAY", "Ủy ban nhân dân thành phố Ngã Bảy", "UBND TP Ngã Bảy", "government", "THU_NGA_BAY",
     "ubnd@ngabay.haugiang.example", ["UBND thành phố Ngã Bảy", "UBND TP. Ngã Bảy"], _CH),
    ("TXU_LONG_MY", "Thị ủy Long Mỹ", "Thị ủy Long Mỹ", "party_committee", None,
     "thiuy@txlongmy.haugiang.example", ["Thị ủy thị xã Long Mỹ"], _CU),
    ("UBND_TX_LONG_MY", "Ủy ban nhân dân thị xã Long Mỹ", "UBND TX Long Mỹ", "government", "TXU_LONG_MY",
     "ubnd@txlongmy.haugiang.example", ["UBND thị xã Long Mỹ", "UBND TX. Long Mỹ"], _CH),
    ("HU_CHAU_THANH", "Huyện ủy Châu Thành", "Huyện ủy Châu Thành", "party_committee", None,
     "huyenuy@chauthanh.haugiang.example", [], _CU),
    ("UBND_CHAU_THANH", "Ủy ban nhân dân huyện Châu Thành", "UBND huyện Châu Thành", "government",
     "HU_CHAU_THANH", "ubnd@chauthanh.haugiang.example", [], _CH),
    ("HU_CHAU_THANH_A", "Huyện ủy Châu Thành A", "Huyện ủy Châu Thành A", "party_committee", None,
     "huyenuy@chauthanha.haugiang.example", [], _CU),
    ("UBND_CHAU_THANH_A", "Ủy ban nhân dân huyện Châu Thành A", "UBND huyện Châu Thành A", "government",
     "HU_CHAU_THANH_A", "ubnd@chauthanha.haugiang.example", [], _CH),
    ("HU_PHUNG_HIEP", "Huyện ủy Phụng Hiệp", "Huyện ủy Phụng Hiệp", "party_committee", None,
     "huyenuy@phunghiep.haugiang.example", [], _CU),
    ("UBND_PHUNG_HIEP", "Ủy ban nhân dân huyện Phụng Hiệp", "UBND huyện Phụng Hiệp", "government",
     "HU_PHUNG_HIEP", "ubnd@phunghiep.haugiang.example", [], _CH),
    ("HU_VI_THUY", "Huyện ủy Vị Thủy", "Huyện ủy Vị Thủy", "party_committee", None,
     "huyenuy@vithuy.haugiang.example", [], _CU),
    ("UBND_VI_THUY", "Ủy ban nhân dân huyện Vị Thủy", "UBND huyện Vị Thủy", "government", "HU_VI_THUY",
     "ubnd@vithuy.haugiang.example", [], _CH),
    ("HU_LONG_MY", "Huyện ủy Long Mỹ", "Huyện ủy Long Mỹ", "party_committee", None,
     "huyenuy@longmy.haugiang.example", [], _CU),
    ("UBND_LONG_MY", "Ủy ban nhân dân huyện Long Mỹ", "UBND huyện Long Mỹ", "government", "HU_LONG_MY",
     "ubnd@longmy.haugiang.example", [], _CH),
]

# "hòa"/"hoà", "thủy"/"thuỷ": in an open syllable the mark may sit on either vowel of oa, oe, uy (not after q,
# where "quý" is a different spelling question). Worked on the decomposed form, where the mark is its own char.
_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_END = r"(?![\w\u0300-\u036f])"
_OLD = re.compile(rf"(?<![qQ])((?:[oO]([{_MARKS}])[aAeE])|(?:[uU]([{_MARKS}])[yY])){_END}")
_NEW = re.compile(rf"(?<![qQ])((?:[oO][aAeE]([{_MARKS}]))|(?:[uU][yY]([{_MARKS}]))){_END}")


def tone_variants(text):
    """Every spelling of text with old or new tone placement, in NFC, text itself first."""
    decomposed = unicodedata.normalize("NFD", text)
    # Either way the spelling flips by swapping the two characters after the first vowel: mark and second vowel.
    spots = sorted(m.start() for pattern in (_OLD, _NEW) for m in pattern.finditer(decomposed))
    variants = [unicodedata.normalize("NFC", text)]
    for flips in itertools.product((False, True), repeat=len(spots)):
        chars = list(decomposed)
        for start, flip in zip(spots, flips):
            if flip:
                chars[start + 1], chars[start + 2] = chars[start + 2], chars[start + 1]
        spelled = unicodedata.normalize("NFC", "".join(chars))
        if spelled not in variants:
            variants.append(spelled)
    return variants


def _spellings(texts):
    seen = []
    for text in texts:
        seen.extend(v for v in tone_variants(text) if v not in seen)
    return seen


for _group in GROUPS:
    _group["phrases"] = _spellings(_group["phrases"])
OTHER_BODIES = _spellings(OTHER_BODIES)
UNITS = [dict(zip(_COLUMNS, row)) for row in _ROWS]  # ordered so that a parent always comes before its children
for _unit in UNITS:
    _unit["aliases"] = _spellings([_unit["name"], _unit["short_name"], *_unit["aliases"]])
del _group, _unit


def problems():
    """What is wrong with the directory, as sentences; empty when it is consistent."""
    found = []
    codes, group_keys = set(), {g["key"] for g in GROUPS}
    owner_of = {}
    for unit in UNITS:
        code = unit["code"]
        if code in codes:
            found.append(f"code {code} appears twice")
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", code):
            found.append(f"code {code} is not uppercase ASCII")
        if unit["parent"] is not None and unit["parent"] not in codes:
            found.append(f"{code} comes before its parent {unit['parent']}")
        codes.add(code)
        if unit["kind"] not in KINDS:
            found.append(f"{code} has unknown kind {unit['kind']}")
        found += [f"{code} names unknown group {key}" for key in unit["groups"] if key not in group_keys]
        if not re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.haugiang\.example", unit["email"]):
            found.append(f"{code} has email {unit['email']} outside .haugiang.example")
        for alias in unit["aliases"]:
            key = alias.casefold()
            if owner_of.setdefault(key, code) != code:
                found.append(f"alias {alias!r} belongs to both {owner_of[key]} and {code}")
    for phrase in [*(p for g in GROUPS for p in g["phrases"]), *OTHER_BODIES]:
        if phrase.casefold() in owner_of:
            found.append(f"{phrase!r} is both an alias of {owner_of[phrase.casefold()]} and a phrase")
    emails = [unit["email"] for unit in UNITS]
    found += [f"email {e} is shared" for e in sorted({e for e in emails if emails.count(e) > 1})]
    return found


if __name__ == "__main__":
    trouble = problems()
    print("\n".join(trouble) or f"ok: {len(UNITS)} units, " + ", ".join(
        f"{g['key']}={sum(g['key'] in u['groups'] for u in UNITS)}" for g in GROUPS))
    raise SystemExit(1 if trouble else 0)
