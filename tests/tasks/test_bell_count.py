"""The bell's number is counted by its own short query (notifications.selectors.unread_count, on every page); it must
count exactly the unread notices the person's notification list shows: never a notice about a task they cannot
see, another person's, a unit mailbox's, one due later, or one already read."""
import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import inbox, unread_count
from tests.factories import TaskFactory, UnitFactory, UserFactory, leader, member, office_user

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
TODAY = timezone.localdate


def notice(task, *, to=None, unit=None, kind=Kind.ASSIGNED, days=0, read=False):
    return Notification.objects.create(
        task=task, recipient=to, recipient_unit=unit, kind=kind, due_on=TODAY() + datetime.timedelta(days=days),
        read_at=timezone.now() if read else None,
    )


def listed_unread(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


@pytest.fixture
def ledger():
    """A leader of a unit with a sub-unit, and notices of every kind that must or must not be counted."""
    unit = UnitFactory()
    sub_unit = UnitFactory(parent=unit)
    boss = leader(unit)
    colleague = member(unit)
    own = TaskFactory(lead=unit)
    below = TaskFactory(lead=sub_unit)
    both = TaskFactory(lead=unit, coordinating=[sub_unit])  # two of the leader's units on it: counted once
    foreign = TaskFactory(lead=UnitFactory())
    counted = [notice(own, to=boss), notice(below, to=boss, kind=Kind.OVERDUE, days=-3), notice(both, to=boss)]
    notice(foreign, to=boss)  # a task the leader cannot see
    notice(own, to=boss, kind=Kind.BEFORE_DEADLINE, days=2)  # due later: not shown yet
    notice(own, to=boss, kind=Kind.DEADLINE_TODAY, read=True)  # already read
    notice(own, to=colleague)  # someone else's
    notice(own, unit=unit, kind=Kind.OVERDUE)  # the unit's mailbox, not a person's bell
    return boss, colleague, counted, foreign


def test_the_bell_counts_only_the_unread_notices_the_list_shows(client, ledger):
    boss, _colleague, counted, _foreign = ledger

    assert unread_count(boss) == listed_unread(boss) == len(counted)
    client.force_login(boss)
    assert f'data-unread="{len(counted)}"' in client.get("/notifications/").content.decode()


def test_the_office_is_counted_its_notices_about_any_task(ledger):
    _boss, _colleague, _counted, foreign = ledger
    office = office_user()
    notice(foreign, to=office)
    notice(foreign, to=office, kind=Kind.OVERDUE, read=True)

    assert unread_count(office) == listed_unread(office) == 1


def test_someone_who_left_every_unit_is_counted_nothing(ledger):
    _boss, colleague, _counted, _foreign = ledger
    colleague.memberships.all().delete()
    colleague = type(colleague).objects.get(pk=colleague.pk)  # scope is cached per user object

    assert unread_count(colleague) == listed_unread(colleague) == 0


def test_an_inactive_or_anonymous_person_is_counted_nothing(ledger):
    boss, _colleague, _counted, _foreign = ledger
    boss.is_active = False

    assert unread_count(boss) == 0
    assert unread_count(None) == 0
    assert unread_count(UserFactory()) == 0
