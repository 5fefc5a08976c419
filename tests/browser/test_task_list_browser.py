"""The task list's searchable drop-downs in a real browser (Debian's Chromium through Playwright).

The page carries only the chosen document (and, for the office, the chosen unit); Tom Select (vendored, loaded by a
static script: the Content-Security-Policy allows no inline script) asks /tasks/choices/... as the person types.
Choosing filters the list in place (htmx) and the address keeps the filter.
"""
import re

import pytest
from playwright.sync_api import expect

from tasks import services
from tests.factories import DirectiveFactory, ResolutionFactory, TaskFactory, UnitFactory, leader, office_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_filters(page):
    page.goto("/tasks/")
    page.locator("summary", has_text="Lọc thêm").click()


def pick(page, name, typed, option):
    """Type into the drop-down of filter `name` and choose `option` among what the server found."""
    picker = page.locator(f"#div_id_{name}")
    picker.locator(".ts-control").click()
    picker.locator(".ts-control input").fill(typed)
    page.locator(".ts-dropdown .option", has_text=option).click()


def test_the_office_finds_a_document_by_typing_and_the_list_follows(open_browser):
    unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    wanted = DirectiveFactory(resolution=ResolutionFactory(number="15-KL/TU", title="Về công tác chuyển đổi số"))
    other = DirectiveFactory(resolution=ResolutionFactory(number="16-KL/TU", title="Về công tác dân vận"))
    TaskFactory(lead=unit, directive=wanted, title="Xây dựng nền tảng số dùng chung")
    TaskFactory(lead=unit, directive=other, title="Tổ chức hội nghị dân vận khéo")
    session = open_browser(office_user())
    page = session.page
    open_filters(page)
    pick(page, "document", "chuyen doi so", "Kết luận số 15-KL/TU")
    expect(page).to_have_url(re.compile(rf"document={wanted.resolution_id}"))
    results = page.locator("#task-results")
    expect(results.get_by_text("Xây dựng nền tảng số dùng chung")).to_be_visible()
    expect(results.get_by_text("Tổ chức hội nghị dân vận khéo")).to_have_count(0)
    # Reloaded from its address, the page shows the chosen document.
    page.reload()
    expect(page.locator("#div_id_document .ts-control")).to_contain_text("Kết luận số 15-KL/TU")
    session.screenshot()
    assert session.console_errors == []


def test_the_office_picks_a_unit_among_all_by_typing(open_browser):
    first = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    second = UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
    for unit, title in ((first, "Việc của Ban Tuyên giáo"), (second, "Việc của Ủy ban Kiểm tra")):
        services.refresh_search_text(TaskFactory(lead=unit, title=title))
    session = open_browser(office_user())
    page = session.page
    open_filters(page)
    pick(page, "unit", "kiem tra", "Ủy ban Kiểm tra Tỉnh ủy")
    expect(page).to_have_url(re.compile(rf"unit={second.pk}"))
    results = page.locator("#task-results")
    expect(results.get_by_text("Việc của Ủy ban Kiểm tra")).to_be_visible()
    expect(results.get_by_text("Việc của Ban Tuyên giáo")).to_have_count(0)
    assert session.console_errors == []


def test_a_unit_leader_is_offered_only_the_documents_of_the_units_tasks(open_browser):
    unit, other_unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"), UnitFactory(name="Ban Dân vận Tỉnh ủy")
    own = DirectiveFactory(resolution=ResolutionFactory(number="21-KL/TU", title="Về công tác tuyên truyền"))
    foreign = DirectiveFactory(resolution=ResolutionFactory(number="22-KL/TU", title="Về công tác dân vận"))
    TaskFactory(lead=unit, directive=own)
    TaskFactory(lead=other_unit, directive=foreign)
    session = open_browser(leader(unit))
    page = session.page
    open_filters(page)
    picker = page.locator("#div_id_document")
    picker.locator(".ts-control").click()
    dropdown = page.locator(".ts-dropdown")
    expect(dropdown.locator(".option", has_text="Kết luận số 21-KL/TU")).to_be_visible()
    expect(dropdown.locator(".option", has_text="Kết luận số 22-KL/TU")).to_have_count(0)
    picker.locator(".ts-control input").fill("dan van")
    expect(dropdown.get_by_text("Không tìm thấy")).to_be_visible()
    assert session.console_errors == []
