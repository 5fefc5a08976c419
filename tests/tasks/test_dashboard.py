"""The oversight dashboard: its figures agree with the database, every link opens the list with the same count,
a unit leader sees the unit's dashboard, officers get 404, and the page costs a handful of queries."""
from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import dashboard
from tasks.models import Standing, Task
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
    response = client.get(reverse("dashboard"), custom_query(period))
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
    response = client.get(reverse("dashboard"), custom_query(portfolio.period))
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
    response = client.get(reverse("dashboard"), custom_query(portfolio.period, **extra))
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
    response = client.get(reverse("dashboard"))
    year = dashboard.whole_year(portfolio.today.year)
    assert response.context["selection"].period == year
    expected = truth(Task.objects.all(), year, portfolio.today)
    assert figures(response)["total"] == sum(len(ids) for ids in expected.values())
    for href, shown in page_links(response.content.decode())[:12]:
        assert list_count(client, href) == shown, href


def test_a_unit_leader_sees_the_dashboard_of_the_unit_and_its_sub_units(client, portfolio):
    boss = leader(portfolio.parent)
    client.force_login(boss)
    response = client.get(reverse("dashboard"), custom_query(portfolio.period))
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
    assert client.get(reverse("dashboard")).status_code == 404
    client.logout()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("size", [20, 200])
def test_the_dashboard_costs_the_same_handful_of_queries_whatever_the_data_size(
        client, django_assert_max_num_queries, size):
    make_portfolio(size, seed=size)
    client.force_login(office_user())
    # The session (read, then written back with its savepoints), the user, groups, memberships, the bell, the
    # two filter choices and the dashboard's own two aggregates; none of it grows with the number of tasks.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert figures(response)["total"] > 0


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
    response = client.get(reverse("dashboard"), {"period": q.key})
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
    response = client.get(reverse("dashboard"), custom_query(portfolio.period))
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
    response = client.get(reverse("dashboard"), {"period": f"{portfolio.today.year}-H2",
                                                 "document": portfolio.documents[1].pk})
    assert response.context["report_url"] == (
        reverse("implementation_report") + f"?period={portfolio.today.year}-H2&document={portfolio.documents[1].pk}"
    )
    assert response.context["report_url"] in response.content.decode().replace("&amp;", "&")


def test_a_bad_period_falls_back_to_this_year_without_an_error(client):
    client.force_login(office_user())
    response = client.get(reverse("dashboard"), {"period": "2026-Q9"})
    assert response.status_code == 200
    assert response.context["selection"].period == dashboard.whole_year(timezone.localdate().year)
    response = client.get(reverse("dashboard"), {"period": "custom", "date_from": "2026-05-01"})
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
