"""The import wizard in a real browser (Debian's Chromium through Playwright): the office uploads a .docx, fixes
one unit with the searchable picker, drops an item in place (htmx), confirms, and finds the tasks.

Screenshots: test-artifacts/screenshots/import_wizard.png (the review) and import_wizard-confirm.png.
"""
import re

import pytest
from playwright.sync_api import expect

from resolutions.models import Resolution
from units.directory import sync_unit_directory
from tasks.models import Assignment, Task
from tests.browser.conftest import PHONE, SCREENSHOTS
from tests.factories import office_user
from tests.resolutions.test_import_wizard import DOCUMENT, docx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_uploads_a_docx_fixes_a_unit_and_confirms_and_the_tasks_exist(open_browser, tmp_path):
    sync_unit_directory()
    path = tmp_path / "Thông báo kết luận 77-TB-TU.docx"
    path.write_bytes(docx_bytes(DOCUMENT))
    session = open_browser(office_user())
    page = session.page

    page.goto("/resolutions/")
    page.get_by_role("link", name="Nhập văn bản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập văn bản")
    page.get_by_label("Tệp văn bản").set_input_files(str(path))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_url(re.compile(r"/resolutions/import/[\w-]+/$"))
    review_url = page.url

    # The header is read into the document's details.
    expect(page.get_by_label("Số, ký hiệu")).to_have_value("77-TB/TU")
    expect(page.get_by_label("Ngày ban hành")).to_have_value("20/06/2022")
    expect(page.locator("#import-items")).to_contain_text("1 cần chọn đơn vị chủ trì")

    # Drop an item: the table is redrawn in place (htmx), the page does not reload.
    office_row = page.locator("#import-items tbody tr", has_text="Văn phòng Tỉnh ủy tham mưu")
    office_row.get_by_role("button", name=re.compile("Bỏ mục")).click()
    expect(page.locator("#import-items [role=status]")).to_contain_text("Đã bỏ mục")
    expect(page.locator("#import-items tbody tr", has_text="Văn phòng Tỉnh ủy tham mưu")).to_have_count(0)
    assert page.url == review_url

    # Fix one unit with the picker: the item that names no one gets Sở Nội vụ as its lead.
    row = page.locator("#import-items tbody tr", has_text="Đẩy mạnh cải cách thủ tục")
    expect(row).to_have_class(re.compile("table-danger"))
    row.locator(".ts-wrapper").first.click()
    page.keyboard.type("noi vu")  # typed without accents, as people do
    page.locator(".ts-dropdown .option", has_text="Sở Nội vụ").click()
    page.keyboard.press("Escape")
    expect(row.locator(".ts-wrapper").first).to_contain_text("Sở Nội vụ")
    page.screenshot(path=str(SCREENSHOTS / "import_wizard.png"), full_page=True)

    assert Resolution.objects.count() == 0  # nothing written before confirming
    page.get_by_role("button", name="Tiếp tục: xác nhận").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận nhập văn bản")
    expect(page.locator("table")).to_contain_text("Sở Nội vụ")
    page.screenshot(path=str(SCREENSHOTS / "import_wizard-confirm.png"), full_page=True)
    page.get_by_role("button", name="Ghi văn bản và giao nhiệm vụ").click()

    resolution_page = re.compile(r"/resolutions/\d+/$")
    page.wait_for_url(resolution_page)
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi văn bản với 4 nội dung chỉ đạo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("chuyển đổi số")
    resolution = Resolution.objects.get()
    assert resolution.original_file.name.endswith(".docx")
    reform = resolution.directives.get(text__startswith="Đẩy mạnh cải cách")
    [task] = reform.tasks.all()
    assert task.assignments.get(role=Assignment.Role.LEAD).unit.name == "Sở Nội vụ"
    assert str(task.deadline) == "2022-12-31"
    assert not Task.objects.filter(directive__text__startswith="Văn phòng Tỉnh ủy tham mưu").exists()

    # The document's tasks, listed.
    page.get_by_role("link", name="Các nhiệm vụ từ văn bản này").click()
    expect(page.locator("main")).to_contain_text("Đẩy mạnh cải cách thủ tục hành chính")
    assert session.console_errors == []


def test_on_a_phone_the_review_fits_the_screen_and_the_table_scrolls_inside_itself(open_browser):
    sync_unit_directory()
    session = open_browser(office_user(), viewport=PHONE)
    page = session.page
    page.goto("/resolutions/import/")
    page.get_by_label("Hoặc dán nội dung văn bản").fill(DOCUMENT)
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_url(re.compile(r"/resolutions/import/[\w-]+/$"))
    expect(page.locator("#import-items")).to_contain_text("5 nội dung chỉ đạo")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SCREENSHOTS / "import_wizard-phone.png"), full_page=True)
    assert overflow <= 0
    page.screenshot(path=str(SCREENSHOTS / "import_wizard-phone.png"), full_page=True)
    assert session.console_errors == []
