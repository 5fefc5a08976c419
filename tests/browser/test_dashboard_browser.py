"""The oversight dashboard in a real browser: the four charts are drawn (no inline script, nothing refused by the
Content-Security-Policy), a figure and a bar open the task list with the same count, and a screenshot is kept
as test-artifacts/screenshots/dashboard.png; on the demo, the first open shows its history (dashboard-demo.png)."""
import io
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


# The figures of the first open, read from the page (the cards' numbers), and whether each chart was drawn with
# labels that fit: a bar chart's labels are lists of short lines (oversight.dashboard.charts.wrapped) and its
# y axis is wide enough for the widest of them.
FIRST_OPEN = """() => {
  const figures = {};
  document.querySelectorAll('[data-figure]').forEach(card => {
    figures[card.dataset.figure] = parseInt(card.querySelector('[data-figure-value]').textContent, 10);
  });
  const charts = {};
  document.querySelectorAll('.chart-box[data-chart] canvas').forEach(canvas => {
    const chart = Chart.getChart(canvas);
    const key = canvas.parentElement.dataset.chart;
    const info = {points: chart.data.labels.length, fits: true};
    if (chart.options.indexAxis === 'y') {
      const scale = chart.scales.y;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
      const widest = Math.max(...chart.data.labels.map(label => Math.max(
        ...[].concat(label).map(line => ctx.measureText(line).width))));
      ctx.restore();
      info.fits = scale.left >= 0 && widest <= scale.width;
    }
    charts[key] = info;
  });
  return {figures, charts, period: document.querySelector('[data-dashboard-period]').selectedOptions[0].textContent.trim()};
}"""


def test_the_demo_dashboard_opens_on_its_history_with_done_on_time_done_late_and_overdue(open_browser, settings,
                                                                                         tmp_path):
    """load_demo (the April 2022 conference and what became of it), then the office's first open of /dashboard/:
    the period holds the demo's work, the figures show work done on time, done late and overdue, they agree
    with the home page, and every chart is drawn with labels that fit. Screenshot: dashboard-demo.png."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses demo accounts otherwise (the test runner turns DEBUG off)
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="Mat-khau-thu-2026", verbosity=0, stdout=io.StringIO())
    office = get_user_model().objects.get(username="vanphong")
    session = open_browser(office)
    page = session.page

    page.goto("/")
    home_overdue = int(page.locator('a[href$="?standing=overdue"] .counter-value').first.inner_text())
    expect(page.locator("[data-counts-scope]")).to_contain_text("mọi kỳ")

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan thực hiện chỉ đạo")
    page.wait_for_function("() => document.querySelectorAll('.chart-box canvas').length > 0 && "
                           "[...document.querySelectorAll('.chart-box canvas')].every(c => Chart.getChart(c))")
    page.wait_for_timeout(600)  # the charts' entry animation
    seen = page.evaluate(FIRST_OPEN)
    figures = seen["figures"]
    assert figures["done_on_time"] > 0, seen
    assert figures["done_late"] > 0, seen
    assert figures["overdue"] > 0, seen
    # The first open counts what the home page counts: no "108 here, 2 there".
    assert figures["overdue"] == home_overdue, seen
    expect(page.locator("[data-overdue-now]")).to_have_count(0)
    assert seen["period"].startswith(("Từ năm", "Năm")), seen
    # The history is there to be drawn: the trend and the on-time ranking, with the units and the documents.
    assert set(seen["charts"]) == {"standingByUnit", "onTimeByUnit", "overdueByWeek", "documentProgress"}, seen
    assert all(chart["fits"] for chart in seen["charts"].values()), seen
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-demo.png"), full_page=True)
    assert session.console_errors == []

    # The period chosen is kept for the next visit.
    page.select_option("[data-dashboard-period]", index=1)
    chosen = page.locator("[data-dashboard-period]").evaluate("s => s.value")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(rf"period={chosen}"))
    page.goto("/dashboard/")
    expect(page.locator("[data-dashboard-period]")).to_have_value(chosen)
