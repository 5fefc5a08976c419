"""The oversight dashboard in a real browser: the four charts are drawn (no inline script, nothing refused by the
Content-Security-Policy), a figure and a bar open the task list with the same count, and a screenshot is kept
as test-artifacts/screenshots/dashboard.png."""
import os
import re

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import SCREENSHOTS  # noqa: E402
from tests.factories import office_user  # noqa: E402
from tests.tasks.dashboard_support import make_portfolio  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS_DRAWN = """() => {
  const canvases = [...document.querySelectorAll('.chart-box canvas')];
  return canvases.length === 4 && canvases.every(c => window.Chart && Chart.getChart(c) && c.width > 0);
}"""

# Where the first non-empty "overdue" bar of the standing-by-unit chart is drawn, in viewport coordinates
# (the chart is scrolled into view first).
OVERDUE_BAR = """() => {
  const canvas = document.querySelector('[data-chart="standingByUnit"] canvas');
  canvas.scrollIntoView({behavior: 'instant', block: 'center'});
  const chart = Chart.getChart(canvas);
  const dataset = chart.data.datasets.findIndex(d => d.label === 'Quá hạn');
  const values = chart.data.datasets[dataset].data;
  const index = values.findIndex(v => v > 0);
  const bar = chart.getDatasetMeta(dataset).data[index];
  const box = canvas.getBoundingClientRect();
  const left = Math.min(bar.x, bar.base), right = Math.max(bar.x, bar.base);
  return {x: box.left + (left + right) / 2, y: box.top + bar.y,
          value: values[index], link: chart.data.datasets[dataset].links[index]};
}"""


def test_the_dashboard_draws_its_charts_and_its_links_open_the_same_tasks(open_browser):
    portfolio = make_portfolio(100)
    boss = office_user(first_name="Văn phòng", last_name="Tỉnh ủy")
    session = open_browser(boss)
    page = session.page
    period = portfolio.period
    query = f"?period=custom&date_from={period.start:%Y-%m-%d}&date_to={period.end:%Y-%m-%d}"
    page.goto("/dashboard/" + query)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan thực hiện chỉ đạo")
    page.wait_for_function(CHARTS_DRAWN)
    # The tables stay for screen readers but are out of sight behind a button once the charts are drawn.
    toggles = page.get_by_role("button", name="Xem bảng số liệu")
    expect(toggles).to_have_count(4)
    expect(page.locator(".chart-table.visually-hidden-focusable")).to_have_count(4)
    page.wait_for_timeout(600)  # let the charts' entry animation finish before the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert session.console_errors == []

    # A figure opens the list with the same count.
    overdue = page.locator('[data-figure="overdue"]')
    shown = overdue.locator("[data-figure-value]").inner_text()
    overdue.click()
    expect(page).to_have_url(re.compile(r"/tasks/\?.*standing=overdue"))
    expect(page.locator("#task-count")).to_contain_text(f"Tìm thấy {shown} nhiệm vụ")

    # So does a bar of the chart.
    page.go_back()
    page.wait_for_function(CHARTS_DRAWN)
    page.wait_for_timeout(600)
    bar = page.evaluate(OVERDUE_BAR)
    page.mouse.click(bar["x"], bar["y"])
    expect(page).to_have_url(re.compile(r"/tasks/\?.*unit=\d+.*standing=overdue"))
    assert page.url.endswith(bar["link"])
    expect(page.locator("#task-count")).to_contain_text(f"Tìm thấy {bar['value']} nhiệm vụ")
    assert session.console_errors == []
