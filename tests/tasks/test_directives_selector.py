"""tasks.selectors.directives.directive_rows: one row per directive, its counts agreeing with the standing of each
task (tasks.standing.standing_of) on every edge, what a person sees limited by tasks.access."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import Task
from tasks.selectors.directives import COUNTED_STANDINGS, directive_rows
from tasks.standing import ATTENTION_ORDER, DUE_SOON_DAYS, Standing, standing_of
from tests.factories import DirectiveFactory, ResolutionFactory, TaskFactory, UnitFactory, leader, office_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
DAY = datetime.timedelta(days=1)


def _done_at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))


def _task(directive, *, lead=None, deadline=None, status=Task.Status.OPEN, completed_on=None, parent=None):
    return TaskFactory(directive=directive, lead=lead or UnitFactory(), deadline=deadline, status=status,
                       completed_at=_done_at(completed_on) if completed_on else None, parent=parent)


def _edges(directive):
    """A task on each side of each boundary of the standing rule."""
    return [
        _task(directive, deadline=TODAY - DAY),  # overdue
        _task(directive, deadline=TODAY),  # due soon, the day itself
        _task(directive, deadline=TODAY + DUE_SOON_DAYS * DAY),  # due soon, last day
        _task(directive, deadline=TODAY + (DUE_SOON_DAYS + 1) * DAY),  # on track
        _task(directive, deadline=None),  # ongoing
        _task(directive, deadline=TODAY - DAY, status=Task.Status.DONE, completed_on=TODAY - DAY),  # on time
        _task(directive, deadline=TODAY - 2 * DAY, status=Task.Status.DONE, completed_on=TODAY - DAY),  # late
        _task(directive, deadline=None, status=Task.Status.DONE, completed_on=TODAY),  # on time, no deadline
        _task(directive, deadline=TODAY - DAY, status=Task.Status.CANCELLED),  # cancelled
        _task(directive, deadline=TODAY - DAY, status=Task.Status.PROPOSED),  # waiting: still overdue
        _task(directive, deadline=TODAY - DAY, status=Task.Status.RETURNED),  # returned: still overdue
    ]


def test_each_count_is_the_number_of_tasks_the_standing_rule_puts_there():
    directive = DirectiveFactory()
    tasks = _edges(directive)
    row = directive_rows(office_user(), today=TODAY).get()
    expected = {name: 0 for name in COUNTED_STANDINGS}
    for task in tasks:
        standing = standing_of(status=task.status, deadline=task.deadline, completed_at=task.completed_at,
                               today=TODAY)
        for name, standings in COUNTED_STANDINGS.items():
            expected[name] += standing in standings
    assert {name: getattr(row, name) for name in COUNTED_STANDINGS} == expected
    assert expected["overdue_count"] == 3 and expected["due_soon_count"] == 2 and expected["done_count"] == 3
    assert row.unit_count == len(tasks) - 1  # the cancelled one is not a unit at work
    assert row.worst_standing == Standing.OVERDUE
    assert row.nearest_deadline == TODAY - DAY


@pytest.mark.parametrize("standing", ATTENTION_ORDER)
def test_the_worst_standing_is_the_first_in_the_attention_order(standing):
    directive = DirectiveFactory()
    made = {task: standing_of(status=task.status, deadline=task.deadline, completed_at=task.completed_at,
                              today=TODAY) for task in _edges(directive)}
    # Keep only the tasks that stand at this standing or later in the attention order.
    later = ATTENTION_ORDER[ATTENTION_ORDER.index(standing):]
    Task.objects.filter(pk__in=[task.pk for task, value in made.items() if value not in later]).delete()
    row = directive_rows(office_user(), today=TODAY).get()
    assert row.worst_standing == standing


def test_a_directive_without_open_work_has_no_nearest_deadline_and_sorts_after_those_with_one():
    finished, open_ = DirectiveFactory(), DirectiveFactory()
    _task(finished, deadline=TODAY, status=Task.Status.DONE, completed_on=TODAY)
    _task(open_, deadline=TODAY + 40 * DAY)
    rows = list(directive_rows(office_user(), sort="deadline", today=TODAY))
    assert [row.pk for row in rows] == [open_.pk, finished.pk]
    assert rows[1].nearest_deadline is None


def test_a_unit_leader_sees_only_the_directives_and_the_tasks_of_their_units():
    unit, other = UnitFactory(), UnitFactory()
    shared, foreign = DirectiveFactory(), DirectiveFactory()
    _task(shared, lead=unit, deadline=TODAY - DAY)
    _task(shared, lead=other, deadline=TODAY + 30 * DAY)
    _task(foreign, lead=other, deadline=TODAY - DAY)
    rows = list(directive_rows(leader(unit), today=TODAY))
    assert [row.pk for row in rows] == [shared.pk]
    assert rows[0].unit_count == 1 and rows[0].overdue_count == 1 and rows[0].on_track_count == 0
    assert len(list(directive_rows(office_user(), today=TODAY))) == 2


def test_delegated_sub_tasks_are_not_counted_as_units_of_the_directive():
    directive = DirectiveFactory()
    parent = _task(directive, deadline=TODAY + 30 * DAY)
    _task(directive, deadline=TODAY - DAY, parent=parent)
    row = directive_rows(office_user(), today=TODAY).get()
    assert row.unit_count == 1 and row.overdue_count == 0


def test_filters_narrow_by_document_worst_standing_overdue_and_words():
    late, calm = DirectiveFactory(text="Tăng cường công tác tuyên truyền phòng cháy chữa cháy."), DirectiveFactory()
    _task(late, deadline=TODAY - DAY)
    _task(calm, deadline=TODAY + 30 * DAY)
    office = office_user()
    assert [r.pk for r in directive_rows(office, document=calm.resolution_id, today=TODAY)] == [calm.pk]
    assert [r.pk for r in directive_rows(office, standing=Standing.ON_TRACK, today=TODAY)] == [calm.pk]
    assert [r.pk for r in directive_rows(office, overdue_only=True, today=TODAY)] == [late.pk]
    assert [r.pk for r in directive_rows(office, q="tuyên truyền", today=TODAY)] == [late.pk]
    # The words are also found in the tasks' search key (title, lead unit), without diacritics.
    Task.objects.filter(directive=calm).update(search_text="so y te kiem tra")
    assert [r.pk for r in directive_rows(office, q="Sở Y tế", today=TODAY)] == [calm.pk]


def test_the_rows_of_a_page_are_read_in_one_query():
    resolution = ResolutionFactory()
    for _ in range(6):
        directive = DirectiveFactory(resolution=resolution)
        for deadline in (TODAY - DAY, TODAY + 3 * DAY, None):
            _task(directive, deadline=deadline)
    office = office_user()
    with CaptureQueriesContext(connection) as queries:
        rows = list(directive_rows(office, today=TODAY)[:25])
        names = [(row.resolution.display_name, row.unit_count, row.worst_standing) for row in rows]
    assert len(names) == 6 and all(count == 3 for _, count, _ in names)
    assert len(queries) <= 2  # the office's scope (groups, memberships), then the rows
