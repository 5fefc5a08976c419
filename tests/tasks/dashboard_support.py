"""What the dashboard's tests share (and the export's, the report's and the browser's): generated data over every
standing, the database's answer computed in Python, and readers of the page's links."""
from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from oversight.dashboard.links import COUNTED
from oversight.dashboard.periods import Period, custom
from tasks.models import Task
from tests.factories import (
    DirectiveFactory,
    ProgressReportFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
)


@pytest.fixture
def own_cache(settings, request):
    """Each test its own empty in-memory cache: a board cached by one test (same scope, period and day) must not
    answer another's, and a REDIS_URL in the environment must not send these boards to a shared server. The
    dashboard's test modules use it for every test (pytestmark)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"dashboard-test-{request.node.nodeid}"}}


@pytest.fixture
def portfolio():
    return make_portfolio(100)


OPEN = [Task.Status.OPEN, Task.Status.PROPOSED, Task.Status.RETURNED]
KINDS = ["on_track", "due_soon", "overdue", "done_on_time", "done_late", "ongoing", "cancelled", "outside"]


# --- generated data ------------------------------------------------------------------------------------------


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
    def period(self) -> Period:
        """A custom period that cuts through the data: some deadlines and creations fall outside it."""
        return custom(self.today - datetime.timedelta(days=90), self.today + datetime.timedelta(days=45))


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


def truth(tasks, period: Period | None, today: datetime.date) -> dict[str, set[int]]:
    """{standing: task ids} for the tasks in the period, cancelled left out."""
    result = {s: set() for s in COUNTED}
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


def custom_query(period: Period, **extra) -> dict:
    return {"period": "custom", "date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **extra}


def window(today: datetime.date) -> Period:
    return custom(today - datetime.timedelta(days=60), today + datetime.timedelta(days=60))


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

