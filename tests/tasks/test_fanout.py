"""A directive becomes tasks: one per unit when it is addressed to groups, one with its lead when it names one."""
import datetime

import pytest

from tasks import services
from units.directory import sync_unit_directory
from notifications.models import Notification
from tasks.models import Assignment, Task
from units.models import Unit
from tests.factories import DirectiveFactory, UnitFactory, UnitGroupFactory, member, office_user

pytestmark = pytest.mark.django_db


def leads(tasks):
    return [task.assignments.get(role=Assignment.Role.LEAD).unit for task in tasks]


def coordinating(task):
    return {a.unit for a in task.assignments.filter(role=Assignment.Role.COORDINATING).select_related("unit")}


@pytest.fixture
def groups():
    committee, city_committee, province_ubnd, department, shared = (
        UnitFactory(name="Huyện ủy Phụng Hiệp"), UnitFactory(name="Thành ủy Vị Thanh"),
        UnitFactory(name="Ủy ban nhân dân tỉnh"), UnitFactory(name="Sở Tài chính"),
        UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"),
    )
    UnitGroupFactory(key="cap_uy").units.set([committee, city_committee])
    UnitGroupFactory(key="chinh_quyen").units.set([province_ubnd])
    # A unit in two groups is still one task.
    UnitGroupFactory(key="co_quan_don_vi").units.set([department, shared, province_ubnd])
    return {"committee": committee, "city": city_committee, "ubnd": province_ubnd, "department": department,
            "shared": shared}


def test_a_directive_to_three_groups_becomes_one_task_per_unit_each_its_own_lead(groups):
    directive = DirectiveFactory(text="Cấp ủy, chính quyền, các cơ quan, đơn vị tập trung lãnh đạo ...")
    tasks = services.create_tasks_for_directive(
        directive=directive, created_by=office_user(), group_keys=["cap_uy", "chinh_quyen", "co_quan_don_vi"],
        deadline=datetime.date(2022, 6, 30),
    )
    assert sorted(unit.name for unit in leads(tasks)) == sorted(unit.name for unit in groups.values())
    assert all(task.assignments.count() == 1 for task in tasks)  # each its own lead, nobody coordinating
    assert all(task.directive == directive and task.deadline == datetime.date(2022, 6, 30) for task in tasks)
    assert directive.tasks.count() == 5


def test_a_unit_that_stopped_working_gets_no_task(groups):
    Unit.objects.filter(pk=groups["city"].pk).update(active=False)
    tasks = services.create_tasks_for_directive(
        directive=DirectiveFactory(), created_by=office_user(), group_keys=["cap_uy"],
    )
    assert leads(tasks) == [groups["committee"]]


def test_a_directive_with_a_named_lead_becomes_one_task_with_its_coordinating_units(groups):
    directive = DirectiveFactory(text="Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Tài chính ...")
    tasks = services.create_tasks_for_directive(
        directive=directive, created_by=office_user(), lead_units=[groups["shared"]],
        coordinating_units=[groups["department"], groups["ubnd"]],
    )
    assert len(tasks) == 1
    assert leads(tasks) == [groups["shared"]]
    assert coordinating(tasks[0]) == {groups["department"], groups["ubnd"]}


def test_a_unit_named_to_coordinate_is_not_also_made_a_lead_by_its_group(groups):
    tasks = services.create_tasks_for_directive(
        directive=DirectiveFactory(), created_by=office_user(), lead_units=[groups["shared"]],
        coordinating_units=[groups["department"]], group_keys=["co_quan_don_vi"],
    )
    assert set(leads(tasks)) == {groups["shared"], groups["ubnd"]}
    assert all(groups["department"] in coordinating(task) for task in tasks)


def test_every_unit_of_the_fan_out_is_told(groups):
    people = [member(unit) for unit in (groups["committee"], groups["city"])]
    services.create_tasks_for_directive(directive=DirectiveFactory(), created_by=office_user(), group_keys=["cap_uy"])
    told = set(Notification.objects.filter(kind=Notification.Kind.ASSIGNED).values_list("recipient", flat=True))
    assert told == {person.pk for person in people}


def test_a_directive_with_no_lead_and_no_group_is_refused():
    with pytest.raises(services.ServiceError):
        services.create_tasks_for_directive(directive=DirectiveFactory(), created_by=office_user())
    assert not Task.objects.exists()


def test_the_shipped_directory_fans_a_directive_out_to_every_district_and_provincial_body():
    sync_unit_directory()
    keys = ["cap_uy", "chinh_quyen", "co_quan_don_vi"]
    expected = set(Unit.objects.filter(groups__key__in=keys, active=True).values_list("name", flat=True))
    tasks = services.create_tasks_for_directive(directive=DirectiveFactory(), created_by=office_user(),
                                                group_keys=keys)
    names = [unit.name for unit in leads(tasks)]
    assert len(names) == len(set(names)) == len(expected)
    assert set(names) == expected
    assert {"Huyện ủy Phụng Hiệp", "Ủy ban nhân dân tỉnh", "Ban Tuyên giáo Tỉnh ủy",
            "Bộ Chỉ huy Quân sự tỉnh"} <= set(names)
