"""Where a task stands against its deadline, at the edges of each band, in its three forms alike (tasks.standing): the
SQL CASE that annotates rows, the conditions on the columns that filters use, and the Python function.

DESIGN.md: open and deadline ≥ today + 8: trong hạn; today ≤ deadline ≤ today + 7: sắp đến hạn; deadline < today:
quá hạn; done on or before the deadline: hoàn thành đúng hạn; done later: hoàn thành quá hạn; no deadline: thường
xuyên. "Today" and the day a task was done are dates in Asia/Ho_Chi_Minh.
"""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tasks.models import Task

from tasks.selectors.tasks import standing_counts
from tasks.standing import Standing, standing_condition
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2022, 6, 15)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def local(date, hour, minute=0):
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=HCM)


CASES = [
    # (why, deadline, status, completed_at, standing)
    ("deadline today", days(0), "open", None, Standing.DUE_SOON),
    ("deadline in 7 days", days(7), "open", None, Standing.DUE_SOON),
    ("deadline in 8 days", days(8), "open", None, Standing.ON_TRACK),
    ("deadline far away", days(200), "open", None, Standing.ON_TRACK),
    ("deadline yesterday", days(-1), "open", None, Standing.OVERDUE),
    ("deadline long past", days(-400), "open", None, Standing.OVERDUE),
    ("proposed but past the deadline", days(-1), "proposed", None, Standing.OVERDUE),
    ("returned, due tomorrow", days(1), "returned", None, Standing.DUE_SOON),
    ("done at 23:30 on the deadline day", days(-3), "done", local(days(-3), 23, 30), Standing.DONE_ON_TIME),
    ("done at 00:30 the day after (still the deadline day in UTC)", days(-3), "done", local(days(-2), 0, 30),
     Standing.DONE_LATE),
    ("done a day late", days(-3), "done", local(days(-2), 10), Standing.DONE_LATE),
    ("done early", days(30), "done", local(days(-1), 9), Standing.DONE_ON_TIME),
    ("ongoing: no deadline", None, "open", None, Standing.ONGOING),
    ("ongoing work closed", None, "done", local(days(-1), 9), Standing.DONE_ON_TIME),
    ("cancelled, although overdue", days(-10), "cancelled", None, Standing.CANCELLED),
    ("cancelled ongoing work", None, "cancelled", None, Standing.CANCELLED),
]


@pytest.mark.parametrize(("why", "deadline", "status", "completed_at", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_standing_at_the_edges_is_the_same_in_sql_in_the_filters_and_in_python(
    why, deadline, status, completed_at, expected
):
    task = TaskFactory(deadline=deadline, status=status, completed_at=completed_at)
    in_sql = Task.objects.with_standing(TODAY).get(pk=task.pk).standing
    in_python = Task.objects.get(pk=task.pk).compute_standing(TODAY)
    # The filters' conditions: the task is found under its own standing, and under no other.
    found_under = {standing for standing in Standing.values
                   if Task.objects.filter(standing_condition([standing], TODAY), pk=task.pk).exists()}
    assert in_sql == expected
    assert in_python == expected
    assert found_under == {expected}


def test_every_band_is_counted_once_in_one_query(django_assert_num_queries):
    for _why, deadline, status, completed_at, _expected in CASES:
        TaskFactory(deadline=deadline, status=status, completed_at=completed_at)
    with django_assert_num_queries(1):
        counts = standing_counts(Task.objects.with_standing(TODAY))
    expected = {standing: 0 for standing in Standing.values}
    for *_rest, standing in CASES:
        expected[standing] += 1
    assert counts == expected


def test_the_current_deadline_counts_not_the_first_one():
    task = TaskFactory(deadline=days(-5))
    Task.objects.filter(pk=task.pk).update(original_deadline=days(-5), deadline=days(20))
    assert Task.objects.with_standing(TODAY).get(pk=task.pk).standing == Standing.ON_TRACK


def test_today_is_the_date_in_hau_giang_not_on_the_servers_clock(monkeypatch):
    # 18:00 UTC on 30 June is already 01:00 on 1 July in Hậu Giang: a task due on 30 June is overdue there.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2022, 6, 30, 18, 0, tzinfo=datetime.UTC))
    task = TaskFactory(deadline=datetime.date(2022, 6, 30))
    assert Task.objects.with_standing().get(pk=task.pk).standing == Standing.OVERDUE
    assert Task.objects.get(pk=task.pk).compute_standing() == Standing.OVERDUE


def test_a_task_shows_its_standing_in_vietnamese():
    task = TaskFactory(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert Task.objects.with_standing().get(pk=task.pk).get_standing_display() == "Quá hạn"
