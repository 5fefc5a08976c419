"""/ against /tasks/: what the home page counts and lists is what the task list finds for the same filter, for a
leader of a unit with sub-units, the office and the standing committee (the home reads them its own way, for speed:
docs/benchmarks.md, issue 15)."""
import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from tasks import services
from tasks.models import Task
from tasks.selectors import home
from tasks.standing import Standing
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user, standing_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def finished(task, *, on: datetime.date, at: datetime.time):
    """Mark a task done at a local time (the standing compares the completion's local day with the deadline)."""
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.DONE, completed_at=datetime.datetime.combine(on, at, tzinfo=LOCAL))


@pytest.fixture
def world():
    parent = UnitFactory(name="Huyện ủy Châu Thành")
    sub_unit = UnitFactory(name="Ủy ban nhân dân huyện Châu Thành", parent=parent)
    other = UnitFactory(name="Hội Nông dân tỉnh")
    boss = leader(parent)
    # More overdue tasks than the home lists (HOME_LIST_SIZE), split between the unit and its sub-unit.
    overdue = [TaskFactory(lead=parent if n % 2 else sub_unit, deadline=days(-1 - n)) for n in range(12)]
    for n in range(3):
        TaskFactory(lead=sub_unit, deadline=days(n))  # due soon, today included
    TaskFactory(lead=parent, deadline=days(7))  # due soon, the last day of it
    TaskFactory(lead=parent, deadline=days(8))  # on track, the first day of it
    TaskFactory(lead=other, coordinating=[sub_unit], deadline=days(40))  # on track, seen through the sub-unit
    TaskFactory(lead=sub_unit, deadline=None, report_cycle=Task.ReportCycle.QUARTERLY)  # ongoing
    # Done on the deadline late in the evening (on time) and just after midnight (late): the local day decides.
    finished(TaskFactory(lead=parent, deadline=days(-5)), on=days(-5), at=datetime.time(23, 50))
    finished(TaskFactory(lead=sub_unit, deadline=days(-5)), on=days(-4), at=datetime.time(0, 10))
    finished(TaskFactory(lead=parent, deadline=None), on=days(-2), at=datetime.time(9, 0))
    services.cancel_task(task=TaskFactory(lead=sub_unit, deadline=days(-30)), user=office_user(), reason="Trùng")
    proposed = TaskFactory(lead=sub_unit, deadline=days(20))
    services.propose_completion(task=proposed, user=leader(sub_unit), result="Đã xong")
    extending = TaskFactory(lead=parent, deadline=days(15))
    services.request_extension(task=extending, user=boss, new_deadline=days(45), reason="Chờ số liệu")
    # Another unit's work, which only the office and the standing committee see.
    for n in range(4):
        TaskFactory(lead=other, deadline=days(-2 - n))
    finished(TaskFactory(lead=other, deadline=days(-3)), on=days(-1), at=datetime.time(8, 0))
    return {"boss": boss, "officer": member(parent), "overdue": overdue, "waiting": {proposed.pk, extending.pk},
            "units": (parent, sub_unit, other)}


def listed(client, query):
    """The tasks /tasks/?query finds: how many, and the ids of its first page in its order."""
    page = client.get(f"/tasks/?{query}").context["page_obj"]
    return page.paginator.count, [task.pk for task in page.object_list]


PEOPLE = {"leader": lambda world: world["boss"], "officer": lambda world: world["officer"],
          "office": lambda world: office_user(), "standing committee": lambda world: standing_user()}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_counter_on_the_home_page_is_what_the_list_finds_for_that_standing(client, world, who):
    client.force_login(PEOPLE[who](world))
    counts = client.get("/").context["counts"]
    for standing in Standing.values:
        assert counts[standing] == listed(client, f"standing={standing}")[0], standing
    assert sum(counts.values()) == listed(client, "")[0]


def test_the_counters_see_a_leaders_sub_units_and_nothing_of_other_units(client, world):
    client.force_login(world["boss"])
    counts = client.get("/").context["counts"]
    assert counts[Standing.OVERDUE] == 12
    assert counts[Standing.DUE_SOON] == 4
    assert counts[Standing.DONE_ON_TIME] == 2  # one finished at 23:50 on its deadline, one without a deadline
    assert counts[Standing.DONE_LATE] == 1  # finished ten minutes after the deadline's midnight
    assert counts[Standing.CANCELLED] == 1
    client.force_login(office_user())
    assert client.get("/").context["counts"][Standing.OVERDUE] == 16


@pytest.mark.parametrize("standing", [Standing.OVERDUE, Standing.DUE_SOON])
def test_a_leaders_overdue_and_due_soon_lists_are_the_first_of_the_task_lists_same_filter(client, world, standing):
    client.force_login(world["boss"])
    response = client.get("/")
    shown = [task.pk for task in response.context[standing]]
    total, first_page = listed(client, f"standing={standing}")
    assert shown == first_page[:home.HOME_LIST_SIZE]
    assert response.context[f"{standing}_total"] == total
    assert all(task.standing == standing for task in response.context[standing])


def test_what_waits_for_a_decision_is_every_proposal_and_extension_request_of_the_leaders_units(client, world):
    client.force_login(world["boss"])
    response = client.get("/")
    assert {task.pk for task in response.context["waiting"]} == world["waiting"]
    assert response.context["waiting_total"] == 2


@pytest.mark.parametrize("who", ["office", "standing committee"])
def test_overdue_work_by_lead_unit_is_what_the_list_finds_for_each_unit(client, world, who):
    client.force_login(PEOPLE[who](world))
    rows = client.get("/").context["overdue_by_unit"]
    parent, sub_unit, other = world["units"]
    assert {row["unit_id"]: row["n"] for row in rows} == {parent.pk: 6, sub_unit.pk: 6, other.pk: 4}
    for row in rows:
        assert row["n"] == listed(client, f"unit={row['unit_id']}&role=lead&standing=overdue")[0]
