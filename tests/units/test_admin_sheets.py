"""The unit directory through the admin's sheets: the office imports units and members from .xlsx (a bad row explained
in Vietnamese and nothing imported), and exports the members as a sheet that imports back."""
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.admin_support import office, role_groups, world  # noqa: F401, F811 (fixtures)
from units.models import Membership, Unit
from units.resources import MembershipResource

pytestmark = pytest.mark.django_db
User = get_user_model()


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _import(client, model, rows):
    """Upload the sheet, then confirm, as the office does. Returns the first response and the final one."""
    name = model._meta.model_name
    checked = client.post(reverse(f"admin:units_{name}_import"),
                          {"resource": "0", "format": "0", "import_file": _xlsx(rows)})
    assert checked.status_code == 200
    confirm = checked.context.get("confirm_form")
    if confirm is None:
        return checked, None
    done = client.post(reverse(f"admin:units_{name}_process_import"), confirm.initial)
    return checked, done


UNIT_SHEET = [
    ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Mã đơn vị cấp trên", "Hộp thư đơn vị", "Tên gọi khác"],
    ["HU_LONG_MY", "Huyện ủy Long Mỹ", "HU Long Mỹ", "Cấp ủy trực thuộc", "", "huyenuy@longmy.example",
     "Huyện ủy Long Mỹ; HU Long Mỹ"],
    ["UBND_LONG_MY", "Ủy ban nhân dân huyện Long Mỹ", "UBND huyện Long Mỹ", "government", "HU_LONG_MY", "",
     "UBND huyện Long Mỹ"],
    ["BTC_LONG_MY", "Ban Tổ chức Huyện ủy Long Mỹ", "", "Ban đảng, cơ quan tham mưu", "HU_LONG_MY", "", ""],
]


def test_the_office_imports_units_and_members_from_a_sheet(office, world):
    checked, done = _import(office, Unit, UNIT_SHEET)
    assert done is not None, checked.content.decode()[:3000]
    assert done.status_code == 302
    district = Unit.objects.get(code="HU_LONG_MY")
    assert district.kind == Unit.Kind.PARTY_COMMITTEE
    assert district.aliases == ["Huyện ủy Long Mỹ", "HU Long Mỹ"]
    assert set(district.children.values_list("code", flat=True)) == {"UBND_LONG_MY", "BTC_LONG_MY"}
    assert Unit.objects.get(code="UBND_LONG_MY").kind == Unit.Kind.GOVERNMENT

    existing = world["officer"]
    members = [
        ["Tên đăng nhập", "Email", "Họ và tên", "Mã đơn vị", "Vai trò"],
        ["longmy.bithu", "bithu@longmy.example", "Trần Văn Mỹ", "HU_LONG_MY", "Lãnh đạo đơn vị"],
        ["longmy.chuyenvien", "cv@longmy.example", "Lê Thị Hoa", "HU_LONG_MY", "chuyen vien"],
        ["ubnd.longmy", "ubnd@longmy.example", "Phạm Văn An", "UBND_LONG_MY", "leader"],
        ["btc.longmy", "btc@longmy.example", "Võ Thị Bình", "BTC_LONG_MY", ""],
        [existing.username, "", "", "BTC_LONG_MY", "Chuyên viên"],
    ]
    checked, done = _import(office, Membership, members)
    assert done is not None, checked.content.decode()[:3000]
    assert Membership.objects.filter(unit__code__endswith="LONG_MY").count() == 5
    boss = User.objects.get(username="longmy.bithu")
    assert (boss.last_name, boss.first_name, boss.email) == ("Trần Văn", "Mỹ", "bithu@longmy.example")
    assert not boss.is_staff
    assert Membership.objects.get(user=boss).role == Membership.Role.LEADER
    assert Membership.objects.get(user__username="longmy.chuyenvien").role == Membership.Role.OFFICER
    assert Membership.objects.get(user__username="btc.longmy").role == Membership.Role.OFFICER
    # Nobody knows the new accounts' passwords; each person sets one through "Quên mật khẩu".
    assert not boss.check_password("")
    assert list(PasswordResetForm().get_users("bithu@longmy.example")) == [boss]
    # An existing account is linked to the unit, not recreated.
    assert User.objects.filter(username=existing.username).count() == 1
    assert Membership.objects.filter(user=existing, unit__code="BTC_LONG_MY").exists()


def test_a_bad_row_is_explained_in_vietnamese_and_nothing_is_imported(office, world):
    users_before, units_before = User.objects.count(), Unit.objects.count()
    members = [
        ["Tên đăng nhập", "Email", "Họ và tên", "Mã đơn vị", "Vai trò"],
        ["moi.mot", "mot@example.org", "Nguyễn Văn Một", "BTGTU", "Chuyên viên"],
        ["moi.hai", "hai@example.org", "Nguyễn Văn Hai", "KHONG_CO", "Chuyên viên"],
    ]
    checked, done = _import(office, Membership, members)
    assert done is None
    html = checked.content.decode()
    assert "Không có đơn vị mã “KHONG_CO”" in html
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(user__username__startswith="moi.").exists()

    units = [UNIT_SHEET[0], UNIT_SHEET[1], ["X1", "Đơn vị lạ", "", "hội đồng", "", "", ""]]
    checked, done = _import(office, Unit, units)
    assert done is None
    assert "Loại đơn vị “hội đồng” không hợp lệ" in checked.content.decode()
    assert Unit.objects.count() == units_before


def test_a_new_account_without_an_email_is_refused(office, world):
    checked, done = _import(office, Membership, [["username", "email", "full name", "unit code", "role"],
                                                 ["khong.email", "", "Ai Đó", "BTGTU", "officer"]])
    assert done is None
    assert "cần địa chỉ email" in checked.content.decode()
    assert not User.objects.filter(username="khong.email").exists()


def test_a_sheet_without_the_code_column_is_refused_with_a_clear_message(office, world):
    checked, done = _import(office, Unit, [["Tên đơn vị"], ["Đơn vị không mã"]])
    assert done is None
    assert "Bảng tính thiếu cột: “Mã đơn vị”" in checked.content.decode()


def test_the_office_exports_the_members_as_a_sheet_that_imports_back(office, world):
    columns = {f"membershipresource_{name}": "on" for name in MembershipResource().get_export_order()}
    response = office.post(reverse("admin:units_membership_export"), {"resource": "0", "format": "0", **columns})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["Tên đăng nhập", "Email", "Họ và tên", "Mã đơn vị", "Tên đơn vị"]
    officer = world["officer"]
    assert [officer.username, officer.email, f"{officer.last_name} {officer.first_name}", "BTGTU"] == rows[1][:4]
    # The exported sheet goes back in unchanged: every row is recognised, nothing is created twice.
    checked, done = _import(office, Membership, rows)
    assert done is not None
    assert Membership.objects.filter(user=officer).count() == 1
