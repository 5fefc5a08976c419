"""Work by directive in a real browser (Debian's Chromium through Playwright), on the demo's data (load_demo: the
April 2022 conference and what became of it).

The office opens /directives/: one row per directive, no two rows alike on a page (a short title, the document
named once and the clause tell them apart), each with its units and how they stand; it opens the most urgent one
onto its units. Screenshots: test-artifacts/screenshots/test_the_office_sees_the_demo_by_directive*.png.
"""
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROW_TEXT = """() => [...document.querySelectorAll('tr.directive-row')].map(row => ({
  title: row.querySelector('.directive-title-cell a').textContent.trim(),
  source: row.querySelector('.directive-source').textContent.trim().replace(/\\s+/g, ' '),
  units: row.cells[1].textContent.trim(),
  standing: row.cells[3].textContent.trim(),
}))"""


@pytest.fixture
def demo(settings, tmp_path):
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses demo accounts otherwise (the test runner turns DEBUG off)
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="Mat-khau-thu-2026", verbosity=0, stdout=io.StringIO())


def test_the_office_sees_the_demo_by_directive_and_opens_one_onto_its_units(open_browser, demo):
    from django.contrib.auth import get_user_model

    from resolutions.models import Directive

    session = open_browser(get_user_model().objects.get(username="vanphong"))
    page = session.page
    page.goto("/")
    page.get_by_role("link", name="Nội dung chỉ đạo").first.click()
    expect(page).to_have_url(re.compile(r"/directives/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nội dung chỉ đạo")

    rows = page.evaluate(ROW_TEXT)
    assert rows, "the demo's directives are listed"
    assert len(rows) <= 25
    # No two rows alike: each says what it is about and where it comes from.
    assert len({(row["title"], row["source"]) for row in rows}) == len(rows), rows
    for row in rows:
        assert row["title"] and not row["title"].endswith("…"), row
        assert len(row["title"]) <= 160, row
        assert row["source"].count("Phát biểu bế mạc") <= 1, row  # the document's name once
        assert int(row["units"]) >= 1, row
    # The directive given to "cấp ủy, chính quyền, các cơ quan, đơn vị" is one row, with all its units.
    assert max(int(row["units"]) for row in rows) > 10, rows
    # Sorted by what needs attention: the first row is the one with the worst standing.
    assert rows[0]["standing"] in ("Quá hạn", "Sắp đến hạn", "Đang thực hiện trong hạn"), rows
    session.screenshot()

    # The most urgent directive, opened onto its units.
    first = page.locator("tr.directive-row").first
    title = first.locator(".directive-title-cell a").inner_text().strip()
    first.locator(".directive-title-cell a").click()
    expect(page).to_have_url(re.compile(r"/directives/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    directive = Directive.objects.get(pk=int(re.search(r"/directives/(\d+)/", page.url).group(1)))
    # The full text one click away (open on the page), the units each with their standing and deadline.
    expect(page.locator(".directive-full-text")).to_contain_text(" ".join(directive.text.split()[:8]))
    units = page.locator("tr.directive-unit-row")
    expect(units.first).to_be_visible()
    assert units.count() == directive.tasks.filter(parent__isnull=True).exclude(status="cancelled").count() \
        + directive.tasks.filter(parent__isnull=True, status="cancelled").count()
    expect(units.first.locator(".badge.standing")).to_be_visible()
    session.screenshot("directive")

    # From a unit's row to its task, and the directive's units back in the task list, filtered.
    units.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))
    page.go_back()
    page.get_by_role("link", name="Mở trong danh sách nhiệm vụ (lọc, xuất Excel)").click()
    expect(page).to_have_url(re.compile(rf"directive={directive.pk}"))
    assert session.console_errors == []


def test_the_office_narrows_the_demo_to_overdue_directives(open_browser, demo):
    from django.contrib.auth import get_user_model

    session = open_browser(get_user_model().objects.get(username="vanphong"))
    page = session.page
    page.goto("/directives/")
    page.get_by_label("Chỉ nội dung có đơn vị quá hạn").check()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"overdue=on"))
    rows = page.evaluate(ROW_TEXT)
    if rows:
        assert all(row["standing"] == "Quá hạn" for row in rows), rows
    else:
        expect(page.get_by_text("Không có nội dung chỉ đạo nào khớp với bộ lọc.")).to_be_visible()
    session.screenshot()
    assert session.console_errors == []


def test_a_unit_leader_sees_only_the_directives_of_the_unit(open_browser, demo):
    from django.contrib.auth import get_user_model

    from tasks.selectors.directives import directive_rows

    leader = get_user_model().objects.get(username="kiemtra.lanhdao")
    session = open_browser(leader)
    page = session.page
    page.goto("/directives/")
    rows = page.evaluate(ROW_TEXT)
    assert len(rows) == min(25, directive_rows(leader).count())
    # A unit's row counts its own task(s), not the 47 units of a directive given to everyone.
    assert all(int(row["units"]) <= 2 for row in rows), rows
    session.screenshot()
    assert session.console_errors == []
