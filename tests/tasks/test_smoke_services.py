"""A first walk through the main transitions (the full service tests live beside this file)."""
import datetime

import pytest
from django.utils import timezone

from tasks import services
from tasks.models import Task
from tasks.standing import Standing
from tasks.access import visible_tasks
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user

pytestmark = pytest.mark.django_db


def test_a_proposed_completion_approved_by_the_office_is_done_on_time():
    unit = UnitFactory()
    boss, office = leader(unit), office_user()
    task = TaskFactory(lead=unit, deadline=timezone.localdate() + datetime.timedelta(days=3))
    services.propose_completion(task=task, user=boss, result="Đã ban hành kế hoạch.")
    services.decide_completion(task=task, user=office, approve=True)
    task = visible_tasks(boss).get(pk=task.pk)
    assert task.status == Task.Status.DONE
    assert task.standing == Standing.DONE_ON_TIME


def test_an_officer_of_another_unit_does_not_see_the_task():
    task = TaskFactory(lead=UnitFactory())
    outsider = member(UnitFactory())
    assert not visible_tasks(outsider).filter(pk=task.pk).exists()
