"""The admin's home page in Chromium, as the office opens it: Vietnamese sections for the third-party apps and the
greeting "Xin chào đồng chí Nguyễn Văn Phòng." in the person's own letters. Screenshot in test-artifacts/screenshots/."""
import pytest
from playwright.sync_api import expect

from tests.factories import office_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_greets_the_comrade_and_names_its_sections_in_vietnamese(open_browser):
    office = office_user(first_name="Phòng", last_name="Nguyễn Văn", is_superuser=True)
    session = open_browser(office)
    page = session.page

    page.goto("/admin/")

    expect(page.locator("#user-tools")).to_contain_text("Xin chào đồng chí Nguyễn Văn Phòng.")
    expect(page.locator("#user-tools .admin-greeting-name")).to_have_css("text-transform", "none")
    for section in ("Truy cập đăng nhập", "Lịch chạy định kỳ", "Xác thực hai lớp: mã dự phòng"):
        expect(page.get_by_role("table", name=section)).to_be_visible()
    expect(page.get_by_text("Periodic Tasks")).to_have_count(0)
    session.screenshot()
    assert session.console_errors == []
