"""Rules the database itself refuses to break, whatever code writes to it (a script, the admin, a bulk update)."""
import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import ledger
from notifications.models import Notification
from tasks.models import Assignment, ExtensionRequest, Review, Task
from units.models import Membership, Unit
from tests.factories import TaskFactory, UnitFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def refused(write):
    """True when the database refuses `write` (inside its own savepoint, so the test can go on)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# --- assignments ---------------------------------------------------------------------------------------------


def test_a_task_cannot_have_a_second_lead_unit():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(task=task, unit=UnitFactory(), role=Assignment.Role.LEAD)
    assert task.assignments.filter(role=Assignment.Role.LEAD).count() == 1


def test_a_coordinating_unit_cannot_be_turned_into_a_second_lead_by_an_update():
    task = TaskFactory(coordinating=[UnitFactory()])
    assert refused(lambda: task.assignments.filter(role=Assignment.Role.COORDINATING).update(
        role=Assignment.Role.LEAD))


def test_a_task_may_have_many_coordinating_units_and_each_unit_once():
    unit = UnitFactory()
    task = TaskFactory(coordinating=[unit, UnitFactory(), UnitFactory()])
    assert task.assignments.count() == 4
    assert refused(lambda: Assignment.objects.create(task=task, unit=unit, role=Assignment.Role.COORDINATING))


def test_two_tasks_each_have_their_own_lead():
    unit = UnitFactory()
    TaskFactory(lead=unit)
    TaskFactory(lead=unit)
    assert Assignment.objects.filter(unit=unit, role=Assignment.Role.LEAD).count() == 2


def test_an_unknown_assignment_role_is_refused():
    task = TaskFactory()
    assert refused(lambda: Assignment.objects.filter(task=task).update(role="observer"))


# --- statuses and other choices ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["finished", "DONE", ""])
def test_an_unknown_task_status_is_refused_even_by_a_raw_update(status):
    task = TaskFactory()
    assert refused(lambda: Task.objects.filter(pk=task.pk).update(status=status))
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_every_known_status_is_accepted():
    task = TaskFactory()
    for status in Task.Status.values:
        Task.objects.filter(pk=task.pk).update(status=status, completed_at=timezone.now())
    assert Task.objects.get(pk=task.pk).status == Task.Status.values[-1]


def test_a_done_task_without_a_completion_time_is_refused():
    task = TaskFactory()
    assert refused(lambda: Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, completed_at=None))


def test_progress_above_100_percent_is_refused():
    task = TaskFactory()
    assert refused(lambda: Task.objects.filter(pk=task.pk).update(progress=101))


def test_an_unknown_report_cycle_is_refused():
    task = TaskFactory(deadline=None)
    assert refused(lambda: Task.objects.filter(pk=task.pk).update(report_cycle="weekly"))


def test_an_unknown_unit_kind_and_membership_role_are_refused():
    unit = UnitFactory()
    assert refused(lambda: Unit.objects.filter(pk=unit.pk).update(kind="club"))
    person = member(unit)
    assert refused(lambda: Membership.objects.filter(user=person).update(role="guest"))


def test_a_unit_cannot_be_its_own_parent():
    unit = UnitFactory()
    assert refused(lambda: Unit.objects.filter(pk=unit.pk).update(parent=unit))


def test_a_person_belongs_to_a_unit_once():
    unit = UnitFactory()
    person = member(unit)
    assert refused(lambda: Membership.objects.create(user=person, unit=unit, role=Membership.Role.LEADER))


# --- the reminder ledger -------------------------------------------------------------------------------------


def test_the_same_notice_cannot_be_written_twice():
    task, person = TaskFactory(), UserFactory()
    today = timezone.localdate()
    Notification.objects.create(task=task, recipient=person, kind=Notification.Kind.OVERDUE, due_on=today)
    assert refused(lambda: Notification.objects.create(task=task, recipient=person, kind=Notification.Kind.OVERDUE,
                                                       due_on=today))
    # Another day, another kind or another person is another notice.
    Notification.objects.create(task=task, recipient=person, kind=Notification.Kind.OVERDUE,
                                due_on=today + datetime.timedelta(days=7))
    Notification.objects.create(task=task, recipient=person, kind=Notification.Kind.ESCALATION, due_on=today)
    Notification.objects.create(task=task, recipient=UserFactory(), kind=Notification.Kind.OVERDUE, due_on=today)
    assert Notification.objects.filter(task=task).count() == 4


def test_recording_a_notice_twice_leaves_one_row_so_one_email():
    task, person = TaskFactory(), UserFactory()
    ledger.record(task, Notification.Kind.BEFORE_DEADLINE, [person])
    ledger.record(task, Notification.Kind.BEFORE_DEADLINE, [person, person])
    assert Notification.objects.filter(task=task, recipient=person).count() == 1


def test_an_unknown_notification_kind_is_refused():
    task, person = TaskFactory(), UserFactory()
    assert refused(lambda: Notification.objects.create(task=task, recipient=person, kind="sms",
                                                       due_on=timezone.localdate()))


# --- requests waiting for a decision -------------------------------------------------------------------------


def _extension(task, **kwargs):
    lead = task.assignments.get(role=Assignment.Role.LEAD).unit
    return ExtensionRequest.objects.create(
        task=task, unit=lead, requested_by=UserFactory(), current_deadline=task.deadline,
        requested_deadline=task.deadline + datetime.timedelta(days=30), reason="Cần thêm thời gian.", **kwargs
    )


def test_a_task_has_at_most_one_pending_extension_request():
    task = TaskFactory()
    _extension(task)
    assert refused(lambda: _extension(task))
    assert task.extension_requests.count() == 1


def test_after_a_decision_the_unit_may_ask_again():
    task = TaskFactory()
    _extension(task, status=ExtensionRequest.Status.REFUSED)
    _extension(task, status=ExtensionRequest.Status.APPROVED)
    _extension(task)
    assert task.extension_requests.count() == 3


def test_a_task_has_at_most_one_pending_completion_proposal():
    task = TaskFactory()
    Review.objects.create(task=task, proposed_by=UserFactory(), result="Đã xong.")
    assert refused(lambda: Review.objects.create(task=task, proposed_by=UserFactory(), result="Đã xong lần hai."))
