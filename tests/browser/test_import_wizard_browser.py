"""The import wizard in a real browser (Debian's Chromium through Playwright): the office uploads a .docx, fixes
one unit with the searchable picker, drops an item in place (htmx), confirms, and finds the tasks; a paragraph set
aside becomes a directive in one click, a field's words light up in the text, and a name taught once is known.

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
from tests.resolutions.wizard_support import SET_ASIDE_DOCUMENT, SET_ASIDE_WORDS

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


def test_a_set_aside_directive_is_added_in_one_click_sources_are_marked_and_a_remembered_name_is_known_next_time(
        open_browser):
    """Issue 13: nothing set aside silently, every field shows where it was read, names the office teaches stay."""
    sync_unit_directory()
    session = open_browser(office_user())
    page = session.page

    def read(text):
        page.goto("/resolutions/import/")
        page.get_by_label("Hoặc dán nội dung văn bản").fill(text)
        page.get_by_role("button", name="Đọc văn bản").click()
        page.wait_for_url(re.compile(r"/resolutions/import/[\w-]+/$"))
        return page.url

    review_url = read(SET_ASIDE_DOCUMENT)
    items = page.locator("#import-items tbody tr")
    expect(items).to_have_count(2)

    # An edit elsewhere first: it must survive the one click.
    other = page.locator("#import-items tbody tr", has_text="Giao Ban cán sự đảng UBND tỉnh")
    other.get_by_label("Hạn xử lý").fill("15/10/2022")

    # The paragraph read as an assessment is listed with its reason, and one click makes it a directive in place.
    set_aside = page.locator(".import-set-aside")
    expect(set_aside.get_by_role("heading")).to_have_text(re.compile("Không nhận là nội dung chỉ đạo — kiểm tra lại"))
    entry = set_aside.locator("li", has_text=SET_ASIDE_WORDS)
    expect(entry).to_contain_text("có từ giao việc")
    entry.get_by_role("button", name=re.compile("Thêm thành nội dung chỉ đạo")).click()
    expect(page.locator("#import-items [role=status]")).to_contain_text("Đã thêm đoạn")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text(SET_ASIDE_WORDS)  # in its place: before the first directive
    expect(items.first).to_contain_text("Thêm từ đoạn đã bỏ qua")
    expect(set_aside.locator("li", has_text=SET_ASIDE_WORDS)).to_have_count(0)
    expect(page.locator("#import-items tbody tr", has_text="Giao Ban cán sự đảng UBND tỉnh")
           .get_by_label("Hạn xử lý")).to_have_value("15/10/2022")
    assert page.url == review_url

    # A field's source: the lead's words are marked in the text and emphasised while the lead field has focus.
    other = page.locator("#import-items tbody tr", has_text="Giao Ban cán sự đảng UBND tỉnh")
    lead_mark = other.locator(".import-source mark[data-fields~=lead]")
    expect(lead_mark).to_have_text("Ban cán sự đảng UBND tỉnh")
    expect(lead_mark).not_to_have_class(re.compile("is-active"))
    other.locator("[data-source-for=lead] .ts-wrapper").click()
    expect(lead_mark).to_be_visible()
    expect(lead_mark).to_have_class(re.compile("is-active"))
    expect(other.locator(".import-source mark[data-fields~=deadline]")).not_to_have_class(re.compile("is-active"))
    page.keyboard.press("Escape")
    page.screenshot(path=str(SCREENSHOTS / "import_wizard-sources.png"), full_page=True)

    # The name the directory does not know: mapped to Sở Xây dựng and remembered.
    unknown = page.locator("#import-items tbody tr", has_text="Giao Ban Quản lý dự án")
    expect(unknown.locator(".import-certainty")).to_have_text(re.compile("Cần kiểm tra"))
    unknown.get_by_label(re.compile("Đơn vị ứng với")).select_option(label="Sở Xây dựng")
    unknown.get_by_label("Ghi nhớ tên gọi này").check()
    unknown.get_by_role("button", name=re.compile("Áp dụng")).click()
    expect(page.locator("#import-items [role=status]")).to_contain_text("Tên gọi được ghi nhớ")
    unknown = page.locator("#import-items tbody tr", has_text="Giao Ban Quản lý dự án")
    expect(unknown.locator("[data-source-for=lead] .ts-wrapper")).to_contain_text("Sở Xây dựng")
    expect(unknown).not_to_contain_text("Chưa nhận ra đơn vị")

    # The next import of the same text knows the name: the lead is filled.
    read(SET_ASIDE_DOCUMENT)
    again = page.locator("#import-items tbody tr", has_text="Giao Ban Quản lý dự án")
    expect(again.locator("[data-source-for=lead] .ts-wrapper")).to_contain_text("Sở Xây dựng")
    expect(again).not_to_contain_text("Chưa nhận ra đơn vị")

    # Back to the first draft: confirm, and the promoted paragraph is recorded with its task.
    page.goto(review_url)
    expect(page.locator("#import-items tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Tiếp tục: xác nhận").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    page.get_by_role("button", name="Ghi văn bản và giao nhiệm vụ").click()
    page.wait_for_url(re.compile(r"/resolutions/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi văn bản với 3 nội dung chỉ đạo")
    lead = Assignment.objects.get(task__directive__text__startswith=SET_ASIDE_WORDS, role=Assignment.Role.LEAD)
    assert lead.unit.name == "Sở Tài chính" and str(lead.task.deadline) == "2022-08-15"
    assert Task.objects.get(directive__text__startswith="Giao Ban cán sự đảng").deadline.isoformat() == "2022-10-15"
    assert session.console_errors == []
