"""The oversight dashboard: its figures agree with the database, every link opens the list with the same count,
a unit leader sees the unit's dashboard, officers get 404, and the page costs a handful of queries. The unit and
document tables show their first 20 rows with a "see all" page; the board is cached a minute per scope, selection,
language and day, and never shown to someone of another scope."""
from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oversight.dashboard import board as dashboard
from tasks.models import Task
from tasks.standing import Standing
from tests.factories import (
    DirectiveFactory,
    ProgressReportFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    leader,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """Each test its own empty in-memory cache: a board cached by one test (same scope, period and day) must not
    answer another's, and a REDIS_URL in the environment must not send these boards to a shared server."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"dashboard-test-{request.node.nodeid}"}}

OPEN = [Task.Status.OPEN, Task.Status.PROPOSED, Task.Status.RETURNED]
KINDS = ["on_track", "due_soon", "overdue", "done_on_time", "done_late", "ongoing", "cancelled", "outside"]


# --- generated data (also used by test_export, test_report_docx and the browser test) ------------------------


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Portfolio:
    today: datetime.date
    parent: object
    children: list
    others: list
    group: object
    documents: list
    tasks: list = field(default_factory=list)

    @property
    def units(self):
        return [self.parent, *self.children, *self.others]

    @property
    def period(self) -> dashboard.Period:
        """A custom period that cuts through the data: some deadlines and creations fall outside it."""
        return dashboard.custom(self.today - datetime.timedelta(days=90), self.today + datetime.timedelta(days=45))


def make_portfolio(n: int = 100, *, seed: int = 6) -> Portfolio:
    """n tasks over seven units (one with two sub-units), three documents, every standing, some outside the
    period, some with coordinating units and progress reports."""
    rng = random.Random(seed)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    parent = UnitFactory(name="Ban Tuyên giáo (thử nghiệm)", short_name="BTG", order=1)
    children = [UnitFactory(parent=parent, order=2 + i) for i in range(2)]
    others = [UnitFactory(order=10 + i) for i in range(4)]
    group = UnitGroupFactory(key="co_quan_thu", name="Nhóm thử nghiệm")
    group.units.set([parent, others[0]])
    documents = [ResolutionFactory(issued_on=today - 200 * day + 30 * i * day) for i in range(3)]
    directives = [DirectiveFactory(resolution=doc) for doc in documents for _ in range(4)]
    units = [parent, *children, *others]
    portfolio = Portfolio(today, parent, children, others, group, documents)
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        lead = rng.choice(units)
        kwargs = {"lead": lead, "directive": rng.choice(directives) if rng.random() < 0.8 else None}
        if rng.random() < 0.3:
            kwargs["coordinating"] = [rng.choice([u for u in units if u != lead])]
        created = None
        if kind == "on_track":
            kwargs["deadline"] = today + rng.randint(8, 60) * day
        elif kind == "due_soon":
            kwargs["deadline"] = today + rng.randint(0, 7) * day
        elif kind == "overdue":
            kwargs["deadline"] = today - rng.randint(1, 85) * day
            kwargs["status"] = rng.choice(OPEN)
        elif kind == "done_on_time":
            deadline = today + rng.randint(-80, 30) * day
            kwargs.update(deadline=deadline, status=Task.Status.DONE, progress=100,
                          completed_at=aware(min(deadline, today) - rng.randint(0, 10) * day))
        elif kind == "done_late":
            deadline = today - rng.randint(5, 85) * day
            kwargs.update(deadline=deadline, status=Task.Status.DONE, progress=100,
                          completed_at=aware(min(today, deadline + rng.randint(1, 30) * day)))
        elif kind == "ongoing":
            kwargs.update(deadline=None, original_deadline=None, report_cycle=Task.ReportCycle.QUARTERLY)
            created = today - rng.choice([0, 10, 40, 80, 150, 300]) * day
        elif kind == "cancelled":
            kwargs.update(deadline=today + rng.randint(-30, 30) * day, status=Task.Status.CANCELLED)
        else:  # outside the period: long overdue, or far ahead
            kwargs["deadline"] = today + rng.choice([-400, -250, 120, 200]) * day
        task = TaskFactory(**kwargs)
        if created is None:
            # Assigned before its deadline (and before today), as real tasks are.
            created = min(today, (task.deadline or today)) - rng.randint(20, 120) * day
        Task.objects.filter(pk=task.pk).update(created_at=aware(created, 8))
        if rng.random() < 0.4:
            ProgressReportFactory(task=task, text="Báo cáo cũ: đã xây dựng kế hoạch.")
            ProgressReportFactory(task=task, text=f"Đã triển khai đến các chi bộ trực thuộc, đợt {i}. " * 12)
        portfolio.tasks.append(task.pk)
    return portfolio


# --- the database's answer, computed in Python (model rules, not the SQL under test) -------------------------


def truth(tasks, period: dashboard.Period | None, today: datetime.date) -> dict[str, set[int]]:
    """{standing: task ids} for the tasks in the period, cancelled left out."""
    result = {s: set() for s in dashboard.COUNTED}
    for task in tasks:
        if task.status == Task.Status.CANCELLED:
            continue
        if period is not None:
            if task.deadline is not None:
                inside = period.start <= task.deadline <= period.end
            else:
                inside = period.start <= timezone.localtime(task.created_at).date() <= period.end
            if not inside:
                continue
        result[task.compute_standing(today)].add(task.pk)
    return result


def lead_of(task) -> int:
    return task.assignments.get(role="lead").unit_id


# --- reading the page ------------------------------------------------------------------------------------------


class Links(HTMLParser):
    """Every <a href="/tasks/?..."> with the number it shows (figure cards show it in [data-figure-value])."""

    def __init__(self):
        super().__init__()
        self.links = []
        self._href = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/tasks/?"):
            self._href, self._text = attrs["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            match = re.match(r"\s*(\d+)", "".join(self._text))
            if match:
                self.links.append((self._href, int(match.group(1))))
            self._href = None


def page_links(html: str) -> list[tuple[str, int]]:
    parser = Links()
    parser.feed(html)
    return parser.links


def list_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["paginator"].count


def figures(response) -> dict[str, int]:
    return {f.key: f.value for f in response.context["board"].figures}


def custom_query(period: dashboard.Period, **extra) -> dict:
    return {"period": "custom", "date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **extra}


# --- tests -------------------------------------------------------------------------------------------------------


@pytest.fixture
def portfolio():
    return make_portfolio(100)


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
    due = sum(len(expected[s]) for s in dashboard.DUE)
    share = response.context["board"].figures[1].share
    assert share == round(100 * len(expected[Standing.DONE_ON_TIME]) / due, 1)
    # The standings actually occur, so the agreement above is not 0 == 0.
    assert all(expected[s] for s in dashboard.COUNTED)


def test_the_bars_by_lead_unit_agree_with_the_database(client, portfolio):
    client.force_login(standing_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    expected = truth(Task.objects.all(), portfolio.period, portfolio.today)
    by_unit = {}
    for standing, ids in expected.items():
        for task in Task.objects.filter(pk__in=ids):
            by_unit.setdefault(lead_of(task), dict.fromkeys(dashboard.COUNTED, 0))[standing] += 1
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


def test_the_default_period_is_this_year_and_its_links_agree(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"))
    year = dashboard.whole_year(portfolio.today.year)
    assert response.context["selection"].period == year
    expected = truth(Task.objects.all(), year, portfolio.today)
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
    # The session, the user with the person's groups and scope, the bell, the unit groups, and the board's own
    # three aggregates (by unit, by week, the latest documents); none of it grows with the number of tasks. The
    # board cached, the next request asks only the page's own.
    with CaptureQueriesContext(connection) as built:
        response = client.get(reverse("oversight:dashboard"))
    assert response.status_code == 200
    assert figures(response)["total"] > 0
    with CaptureQueriesContext(connection) as cached:
        again = client.get(reverse("oversight:dashboard"))
    assert figures(again) == figures(response)
    assert len(built) <= 12, [q["sql"][:120] for q in built]
    assert len(cached) == len(built) - 3, [q["sql"][:120] for q in cached]


def test_the_period_selects_by_deadline_and_ongoing_tasks_by_creation(client):
    unit = UnitFactory()
    today = timezone.localdate()
    q = dashboard.quarter(today.year, (today.month - 1) // 3 + 1)
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
    tasks = dashboard.base_tasks(office_user(), response.context["selection"].list_data(), today)
    assert set(tasks.values_list("pk", flat=True)) == {inside.pk, ongoing_new.pk}


def test_overdue_by_week_counts_what_was_late_at_the_end_of_each_week():
    today = timezone.localdate()
    unit = UnitFactory()
    ends = dashboard.week_ends(today)
    # Late since three weeks ago, finished (late) one week ago: overdue at the ends of the two weeks between.
    deadline = ends[-4]
    finished = ends[-2] + datetime.timedelta(days=1)
    task = TaskFactory(lead=unit, deadline=deadline, status=Task.Status.DONE, completed_at=aware(finished))
    Task.objects.filter(pk=task.pk).update(created_at=aware(deadline - datetime.timedelta(days=30)))
    still_late = TaskFactory(lead=unit, deadline=ends[-3] - datetime.timedelta(days=1))
    Task.objects.filter(pk=still_late.pk).update(created_at=aware(ends[-3] - datetime.timedelta(days=10)))
    board = dashboard.build(office_user(), dashboard.Selection(period=dashboard.whole_year(today.year)), today)
    counts = [w["count"] for w in board.weeks]
    assert len(counts) == 26
    assert counts[-5:] == [0, 0, 2, 2, 1]
    # The last point is today, and equals "overdue now".
    assert board.weeks[-1]["end"] == today
    assert counts[-1] == Task.objects.with_standing(today).filter(standing=Standing.OVERDUE).count()


def test_the_page_carries_chart_data_as_json_and_no_inline_script(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="dashboard-charts"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard.js" in html
    charts = response.context["charts"]
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


def test_a_bad_period_falls_back_to_this_year_without_an_error(client):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"period": "2026-Q9"})
    assert response.status_code == 200
    assert response.context["selection"].period == dashboard.whole_year(timezone.localdate().year)
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
    period = dashboard.parse_period_key(key)
    assert (period.start, period.end, str(period.label)) == (start, end, label)


# --- many units and documents: the first rows, and "see all" ---------------------------------------------------


def window(today: datetime.date) -> dashboard.Period:
    return dashboard.custom(today - datetime.timedelta(days=60), today + datetime.timedelta(days=60))


def make_units(count: int, today: datetime.date) -> list:
    """`count` units; unit i leads i // 4 overdue tasks and one on track (so the order by overdue is known), and
    every fifth unit one task done on time (so the ranking has rates to order)."""
    units = []
    for i in range(count):
        unit = UnitFactory(name=f"Đơn vị thứ {i:02d}", order=i)
        for n in range(i // 4):
            TaskFactory(lead=unit, deadline=today - datetime.timedelta(days=3 + n))
        TaskFactory(lead=unit, deadline=today + datetime.timedelta(days=30))
        if i % 5 == 0:
            TaskFactory(lead=unit, deadline=today - datetime.timedelta(days=2), status=Task.Status.DONE,
                        progress=100, completed_at=aware(today - datetime.timedelta(days=5)))
        units.append(unit)
    return units


def test_the_unit_table_shows_the_20_most_overdue_units_and_sums_the_rest(client):
    today = timezone.localdate()
    units = make_units(26, today)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    board = response.context["board"]
    shown = [row["unit"].pk for row in board.units]
    assert len(shown) == dashboard.TOP == 20
    # Most overdue first: units 8-25 (2 to 6 overdue), then two of units 4-7 (1 overdue each): unit 5, which has
    # more work (a task done), then unit 4 (first in the usual order). Units 0-3 (none overdue), 6 and 7 are left.
    overdue = [row["counts"][Standing.OVERDUE] for row in board.units]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] == 6
    assert shown[-2:] == [units[5].pk, units[4].pk]
    assert set(shown) == {u.pk for u in units[8:]} | {units[4].pk, units[5].pk}
    # The chart draws the same 20 bars; the table adds the rest, summed, and the total of the period.
    assert len(response.context["charts"]["standingByUnit"]["labels"]) == 20
    assert board.rest_units == {"counts": {**dict.fromkeys(dashboard.COUNTED, 0), Standing.OVERDUE: 2,
                                           Standing.ON_TRACK: 6, Standing.DONE_ON_TIME: 1},
                                "total": 9, "units": 6}
    html = response.content.decode()
    assert "Các đơn vị còn lại (6 đơn vị)" in html and "Đang hiện 20 trên 26 đơn vị." in html
    assert sum(row["total"] for row in board.units) + board.rest_units["total"] == figures(response)["total"]
    total_row = next(section for section in response.context["sections"] if section.key == "standingByUnit").rows[-1]
    assert total_row.header == "Tổng" and total_row.cells[-1].value == figures(response)["total"]
    # Every number of the table still opens the list with the same count (the summed rows link nowhere).
    for href, count in page_links(html):
        assert list_count(client, href) == count, href


def test_see_all_lists_every_unit_a_page_at_a_time_with_working_links(client, monkeypatch):
    today = timezone.localdate()
    units = make_units(26, today)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    section = next(s for s in response.context["sections"] if s.key == "standingByUnit")
    assert parse_qs(urlsplit(section.more_url).query)["all"] == ["units"]
    assert f'href="{section.more_url.replace("&", "&amp;")}"' in response.content.decode()

    monkeypatch.setattr(dashboard, "ALL_PAGE_SIZE", 10)
    everything = []
    for number in (1, 2, 3):
        page = client.get(f"{section.more_url}&page={number}")
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count == 26
        rows = [row for row in page.context["section"].rows if not row.summary]
        everything += [row.header for row in rows]
        # The units outside the scope and the total come once, at the end of the last page.
        assert any(row.summary for row in page.context["section"].rows) == (number == 3)
        for href, count in page_links(page.content.decode()):
            assert list_count(client, href) == count, href
    assert sorted(everything) == sorted(u.name for u in units)
    assert everything[:20] == [row["unit"].name for row in response.context["board"].units]


def test_see_all_the_ranking_orders_every_unit_with_work_due_by_on_time_rate(client):
    today = timezone.localdate()
    make_units(26, today)
    client.force_login(office_user())
    query = custom_query(window(today))
    board = client.get(reverse("oversight:dashboard"), query).context["board"]
    assert board.ranked_count == 26 - 3  # units 1-3 have nothing due (no overdue work, nothing done): no rate
    section = next(s for s in client.get(reverse("oversight:dashboard"), query).context["sections"] if s.key == "onTimeByUnit")
    page = client.get(section.more_url)
    rows = page.context["section"].rows
    assert len(rows) == 23 and rows[0].header.startswith("1. ") and rows[-1].header.startswith("23. ")
    rates = [float(row.cells[2].value.rstrip("%").replace(",", ".")) for row in rows]
    assert rates == sorted(rates, reverse=True) and rates[0] == 100.0


def test_the_document_table_shows_the_latest_20_and_see_all_every_one_newest_first(client, monkeypatch):
    today = timezone.localdate()
    unit = UnitFactory()
    documents = []
    for i in range(23):
        document = ResolutionFactory(issued_on=today - datetime.timedelta(days=3 * i))
        TaskFactory(lead=unit, directive=DirectiveFactory(resolution=document),
                    deadline=today + datetime.timedelta(days=10))
        documents.append(document)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    board = response.context["board"]
    assert [d["document"].pk for d in board.documents] == [d.pk for d in documents[:20]]
    assert board.more_documents
    section = next(s for s in response.context["sections"] if s.key == "documentProgress")
    assert section.more_url and "Đang hiện 20 văn bản mới nhất." in response.content.decode()

    monkeypatch.setattr(dashboard, "ALL_PAGE_SIZE", 15)
    first = client.get(section.more_url)
    second = client.get(f"{section.more_url}&page=2")
    assert first.context["page_obj"].paginator.count == 23
    headers = [row.header for row in first.context["section"].rows + second.context["section"].rows]
    assert headers == [str(d) for d in documents]
    for href, count in page_links(second.content.decode()):
        assert list_count(client, href) == count, href


def test_a_leaders_see_all_page_shows_only_the_units_of_their_subtree(client, portfolio):
    client.force_login(leader(portfolio.parent))
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period, all="units"))
    assert response.status_code == 200
    mine = {portfolio.parent.pk, *(c.pk for c in portfolio.children)}
    units = {unit.pk for unit in portfolio.units if unit.name in response.content.decode()}
    assert units and units <= mine
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period, all="documents"))
    for href, count in page_links(response.content.decode()):
        assert list_count(client, href) == count, href


def test_an_unknown_see_all_or_page_shows_the_board_or_the_last_page(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"all": "everything"})
    assert response.status_code == 200 and "sections" in response.context
    response = client.get(reverse("oversight:dashboard"), {"all": "documents", "page": "999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages


# --- the cache --------------------------------------------------------------------------------------------------


def test_the_board_is_built_once_a_minute_and_says_when(client, portfolio):
    client.force_login(office_user())
    first = client.get(reverse("oversight:dashboard"))
    built_at = first.context["board"].built_at
    TaskFactory(lead=portfolio.parent, deadline=timezone.localdate())  # within the minute: not yet counted
    second = client.get(reverse("oversight:dashboard"))
    assert figures(second) == figures(first)
    assert second.context["board"].built_at == built_at
    assert f"Số liệu lúc {timezone.localtime(built_at):%H:%M}" in second.content.decode()
    cache.clear()  # a minute later, as far as the cache knows
    assert figures(client.get(reverse("oversight:dashboard")))["total"] == figures(first)["total"] + 1


def test_a_cached_board_is_never_shown_to_a_leader_of_another_scope(client):
    today = timezone.localdate()
    north, south = UnitFactory(name="Ban phía Bắc"), UnitFactory(name="Ban phía Nam")
    for _ in range(3):
        TaskFactory(lead=north, deadline=today - datetime.timedelta(days=2))
    TaskFactory(lead=south, deadline=today + datetime.timedelta(days=20))
    query = custom_query(window(today))
    client.force_login(leader(north))
    seen_north = client.get(reverse("oversight:dashboard"), query)
    assert figures(seen_north)["overdue"] == 3

    client.force_login(leader(south))
    seen_south = client.get(reverse("oversight:dashboard"), query)
    assert figures(seen_south) == {**dict.fromkeys(figures(seen_north), 0), "total": 1}
    assert "Ban phía Bắc" not in seen_south.content.decode()
    assert [row["unit"].pk for row in seen_south.context["board"].units] == [south.pk]

    # A second leader of the same unit shares its board (the same scope), built once.
    client.force_login(leader(north))
    again = client.get(reverse("oversight:dashboard"), query)
    assert again.context["board"].built_at == seen_north.context["board"].built_at
    assert figures(again) == figures(seen_north)


def test_the_board_is_cached_per_language(client, portfolio):
    client.force_login(office_user())
    query = custom_query(portfolio.period)
    assert "Nhiệm vụ trong kỳ" in client.get(reverse("oversight:dashboard"), query).content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("oversight:dashboard"), query)
    assert "Tasks in the period" in english.content.decode()
    assert "Nhiệm vụ trong kỳ" not in english.content.decode()


def test_a_cache_that_does_not_answer_only_costs_the_build(client, portfolio, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period))
    assert response.status_code == 200
    expected = truth(Task.objects.all(), portfolio.period, portfolio.today)
    assert figures(response)["total"] == sum(len(ids) for ids in expected.values())


def test_names_in_the_tables_are_escaped(client):
    """The table bodies are written in Python (tasks.dashboard.Section.rows_html), not by the template's
    autoescaping: a unit's or a document's name is text, never markup."""
    today = timezone.localdate()
    unit = UnitFactory(name='<b>Ban "Dân vận"</b> & <script>alert(1)</script>')
    document = ResolutionFactory(title="<img src=x onerror=alert(1)>", issued_on=today)
    TaskFactory(lead=unit, directive=DirectiveFactory(resolution=document), deadline=today + datetime.timedelta(days=9))
    client.force_login(office_user())
    html = client.get(reverse("oversight:dashboard"), custom_query(window(today))).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;b&gt;Ban &quot;Dân vận&quot;&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
