"""Marking notices read and choosing the daily digest (notifications.services): a person changes only their own
notices about tasks they may see, whoever calls the service (the inbox, the bell's link, a script)."""
import datetime

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Notification, NotificationPreference
from tests.factories import TaskFactory, UnitFactory, member

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def notice(task, person, *, days=0, kind=Kind.ASSIGNED):
    return Notification.objects.create(task=task, recipient=person, kind=kind,
                                       due_on=timezone.localdate() + datetime.timedelta(days=days))


@pytest.fixture
def person():
    """An officer with a notice about their unit's task, one due later, one about a task moved to another unit,
    and a colleague's notice."""
    unit = UnitFactory()
    officer, colleague = member(unit), member(unit)
    task = TaskFactory(lead=unit)
    moved_away = TaskFactory(lead=UnitFactory())  # no longer the officer's unit's: not theirs to see
    return {
        "officer": officer, "own": notice(task, officer), "later": notice(task, officer, days=3, kind=Kind.OVERDUE),
        "hidden": notice(moved_away, officer), "colleague's": notice(task, colleague),
    }


def read(*notices):
    return {n: Notification.objects.get(pk=n.pk).read_at is not None for n in notices}


def test_marking_all_read_marks_only_the_person_s_inbox(person):
    assert services.mark_all_notifications_read(user=person["officer"]) == 1
    assert read(person["own"], person["later"], person["hidden"], person["colleague's"]) == {
        person["own"]: True, person["later"]: False, person["hidden"]: False, person["colleague's"]: False}


def test_a_notice_that_is_not_the_person_s_is_left_unread(person):
    officer = person["officer"]
    for other in ("later", "hidden", "colleague's"):
        assert services.mark_notification_read(user=officer, pk=person[other].pk) is False
    assert not any(read(person["later"], person["hidden"], person["colleague's"]).values())
    assert services.mark_notification_read(user=officer, pk=person["own"].pk) is True
    assert services.mark_notification_read(user=officer, pk=person["own"].pk) is False  # already read


def test_an_id_that_is_not_a_number_marks_nothing(client, person):
    client.force_login(person["officer"])
    response = client.post("/notifications/read/", {"pk": "1 OR 1=1"})
    assert response.status_code == 302
    assert read(person["own"]) == {person["own"]: False}


def test_the_digest_choice_is_one_row_per_person(person):
    officer = person["officer"]
    services.set_email_digest(user=officer, enabled=False)
    services.set_email_digest(user=officer, enabled=False)
    assert list(NotificationPreference.objects.filter(user=officer).values_list("email_digest", flat=True)) == [False]
    services.set_email_digest(user=officer, enabled=True)
    assert NotificationPreference.objects.get(user=officer).email_digest is True
