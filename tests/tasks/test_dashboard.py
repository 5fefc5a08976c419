"""The oversight dashboard: its figures agree with the database, every link opens the list with the same count,
a unit leader sees the unit's dashboard, officers get 404, and the page costs a handful of queries. The tables
and the cache: test_dashboard_tables.py and test_dashboard_cache.py."""
from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oversight.dashboard.board import base_tasks
from oversight.dashboard.forms import Selection
from oversight.dashboard.links import COUNTED, DUE
from oversight.dashboard.periods import parse_period_key, quarter, whole_year, years
from tasks.models import Task
from tasks.standing import Standing
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user, standing_user
from tests.tasks.dashboard_support import (
    OPEN,
    aware,
    custom_query,
    figures,
    lead_of,
    list_count,
    make_portfolio,
    own_cache,  # noqa: F401 - a fixture
    page_links,
    portfolio,  # noqa: F401 - a fixture
    truth,
)

# Every test its own cache (dashboard_support.own_cache).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


def test_the_figures_agree_with_the_database_for_the_office(client, portfolio):
    client.force_login(office_user())
    period = portfolio.period
    response = client.get(reverse("oversight:dashboard"), custom_query(period))
    assert response.status_code == 200
    expected = truth(Task.objects.all(), period, portfolio.today)
    shown = figures(response)
    assert shown["total"] == sum(len(ids) for ids in expected.values())
    assert shown["done_on_time"] == len(expected[Standing.DONE_ON_TIME])
    assert shown["done_late"] == len(expected[Standing.DONE_LATE])
    assert shown["overdue"] == len(expected[Standing.OVERDUE])
    ahead = portfolio.today + datetime.timedelta(days=14)
    assert shown["due_ahead"] == Task.objects.filter(
        status__in=OPEN, deadline__gte=portfolio.today, deadline__lte=ahead).count()
    due = sum(len(expected[s]) for s in DUE)
    share = response.context["board"].figures[1].share
    assert share == round(100 * len(expected[Standing.DONE_ON_TIME]) / due, 1)
    # The standings actually occur, so the agreement above is not 0 == 0.
    assert all(expected[s] for s in COUNTED)


def test_the_bars_by_lead_unit_agree_with_the_database(client, portfolio):
    client.force_login(standing_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    expected = truth(Task.objects.all(), portfolio.period, portfolio.today)
    by_unit = {}
    for standing, ids in expected.items():
        for task in Task.objects.filter(pk__in=ids):
            by_unit.setdefault(lead_of(task), dict.fromkeys(COUNTED, 0))[standing] += 1
    shown = {row["unit"].pk: row["counts"] for row in response.context["board"].units}
    assert shown == by_unit
    ranking = response.context["board"].ranking
    rates = [row["rate"] for row in ranking]
    assert rates == sorted(rates, reverse=True)


@pytest.mark.parametrize("narrow", ["nothing", "document", "group"])
def test_every_figure_and_bar_opens_the_task_list_with_the_same_count(client, portfolio, narrow):
    client.force_login(office_user())
    extra = {"document": portfolio.documents[0].pk} if narrow == "document" else {}
    if narrow == "group":
        extra = {"group": portfolio.group.pk}
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period, **extra))
    links = page_links(response.content.decode())
    assert len(links) > 30
    for href, shown in links:
        assert list_count(client, href) == shown, href
        params = parse_qs(urlsplit(href).query)
        if "period_from" in params:
            assert params["period_from"] == [portfolio.period.start.strftime("%d/%m/%Y")]
        for name, value in extra.items():
            assert params[name] == [str(value)], href


def test_the_default_period_is_every_year_with_work_and_its_links_agree(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"))
    live = Task.objects.exclude(status=Task.Status.CANCELLED)
    deadlines = [d for d in live.values_list("deadline", flat=True) if d]
    created = [timezone.localtime(t.created_at).year for t in live.filter(deadline__isnull=True)]
    first, last = min([d.year for d in deadlines] + created), max([d.year for d in deadlines] + created)
    assert response.context["selection"].period == years(first, last)
    expected = truth(Task.objects.all(), years(first, last), portfolio.today)
    assert figures(response)["total"] == sum(len(ids) for ids in expected.values())
    for href, shown in page_links(response.content.decode())[:12]:
        assert list_count(client, href) == shown, href


def test_a_unit_leader_sees_the_dashboard_of_the_unit_and_its_sub_units(client, portfolio):
    boss = leader(portfolio.parent)
    client.force_login(boss)
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    assert response.status_code == 200
    mine = {portfolio.parent.pk, *(c.pk for c in portfolio.children)}
    visible = Task.objects.filter(assignments__unit_id__in=mine).distinct()
    expected = truth(visible, portfolio.period, portfolio.today)
    assert figures(response)["total"] == sum(len(ids) for ids in expected.values())
    assert figures(response)["overdue"] == len(expected[Standing.OVERDUE])
    board = response.context["board"]
    # Bars for the units in scope; tasks these units only coordinate are counted under "other units".
    assert {row["unit"].pk for row in board.units} <= mine
    shown_total = sum(row["total"] for row in board.units) + (board.other_units or {}).get("total", 0)
    assert shown_total == figures(response)["total"]
    assert str(portfolio.others[1]) not in response.content.decode()
    for href, shown in page_links(response.content.decode()):
        assert list_count(client, href) == shown, href


def test_a_unit_officer_gets_404_and_a_visitor_the_login_page(client, portfolio):
    client.force_login(member(portfolio.parent))
    assert client.get(reverse("oversight:dashboard")).status_code == 404
    client.logout()
    response = client.get(reverse("oversight:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("size", [20, 200])
def test_the_dashboard_costs_the_same_handful_of_queries_whatever_the_data_size(client, size):
    make_portfolio(size, seed=size)
    client.force_login(office_user())
    # The session, the user with the person's groups and scope, the bell, the unit groups, the years that hold
    # work, and the board's own three aggregates (by unit, by deadline and completion day, the latest documents);
    # none of it grows with the number of tasks. The years and the board cached, the next request asks only the
    # page's own.
    with CaptureQueriesContext(connection) as built:
        response = client.get(reverse("oversight:dashboard"))
    assert response.status_code == 200
    assert figures(response)["total"] > 0
    with CaptureQueriesContext(connection) as cached:
        again = client.get(reverse("oversight:dashboard"))
    assert figures(again) == figures(response)
    assert len(built) <= 13, [q["sql"][:120] for q in built]
    assert len(cached) == len(built) - 4, [q["sql"][:120] for q in cached]


def test_the_period_selects_by_deadline_and_ongoing_tasks_by_creation(client):
    unit = UnitFactory()
    today = timezone.localdate()
    q = quarter(today.year, (today.month - 1) // 3 + 1)
    inside = TaskFactory(lead=unit, deadline=q.start)
    TaskFactory(lead=unit, deadline=q.start - datetime.timedelta(days=1))
    ongoing_new = TaskFactory(lead=unit, deadline=None, original_deadline=None)
    ongoing_old = TaskFactory(lead=unit, deadline=None, original_deadline=None)
    Task.objects.filter(pk=ongoing_new.pk).update(created_at=aware(q.end))
    Task.objects.filter(pk=ongoing_old.pk).update(created_at=aware(q.start - datetime.timedelta(days=1)))
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"period": q.key})
    assert response.context["selection"].period.label.startswith("quý ")
    assert figures(response)["total"] == 2
    ids = {row["unit"].pk: row["counts"] for row in response.context["board"].units}[unit.pk]
    assert ids[Standing.ONGOING] == 1
    tasks = base_tasks(office_user(), response.context["selection"].list_data(), today)
    assert set(tasks.values_list("pk", flat=True)) == {inside.pk, ongoing_new.pk}


def test_the_page_carries_chart_data_as_json_and_no_inline_script(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="dashboard-charts"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard.js" in html
    charts = response.context["drawing"].charts
    assert set(charts) >= {"standingByUnit", "onTimeByUnit", "overdueByWeek", "documentProgress"}
    # Each chart's bars carry the same links as its table.
    units = response.context["board"].units
    overdue = next(d for d in charts["standingByUnit"]["datasets"] if d["key"] == Standing.OVERDUE)
    assert overdue["links"] == [row["links"][Standing.OVERDUE] for row in units]
    assert html.count("<table") == 4  # every chart also as a table


def test_the_dashboard_links_to_the_report_for_the_same_period(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"period": f"{portfolio.today.year}-H2",
                                                 "document": portfolio.documents[1].pk})
    assert response.context["report_url"] == (
        reverse("oversight:report") + f"?period={portfolio.today.year}-H2&document={portfolio.documents[1].pk}"
    )
    assert response.context["report_url"] in response.content.decode().replace("&amp;", "&")


def test_a_bad_period_falls_back_to_the_default_without_an_error(client):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"period": "2026-Q9"})
    assert response.status_code == 200
    assert response.context["selection"].period == whole_year(timezone.localdate().year)
    response = client.get(reverse("oversight:dashboard"), {"period": "custom", "date_from": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["selection"].period.key != "custom"


@pytest.mark.parametrize("key, start, end, label", [
    ("2026-Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "quý III/2026"),
    ("2024-Q1", datetime.date(2024, 1, 1), datetime.date(2024, 3, 31), "quý I/2024"),
    ("2026-H1", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), "6 tháng đầu năm 2026"),
    ("2026-H2", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31), "6 tháng cuối năm 2026"),
    ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "năm 2025"),
])
def test_period_keys_name_the_dates_the_report_title_uses(key, start, end, label):
    period = parse_period_key(key)
    assert (period.start, period.end, str(period.label)) == (start, end, label)
