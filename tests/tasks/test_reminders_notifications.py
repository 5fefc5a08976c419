"""In-app notifications from the same ledger: the bell with its unread count, the list, marking read, and the
choice to turn the daily digest off (but not the overdue notices)."""
import datetime

import pytest
from django.utils import timezone

from notifications import sweep
from notifications.models import Notification, NotificationPreference
from tests.factories import TaskFactory, UnitFactory, member

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def notice(user, task, kind=Kind.ASSIGNED, days_ago=0):
    return Notification.objects.create(
        task=task, recipient=user, kind=kind, due_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def officer_with_notices():
    unit = UnitFactory()
    officer = member(unit)
    tasks = [TaskFactory(lead=unit, title=f"Nhiệm vụ chuyển đổi số {n}") for n in range(3)]
    for n, task in enumerate(tasks):
        notice(officer, task, days_ago=n)
    return officer, tasks


def test_the_bell_counts_unread_notices(client, officer_with_notices):
    officer, _tasks = officer_with_notices
    client.force_login(officer)

    page = client.get("/notifications/").content.decode()

    assert 'data-unread="3"' in page
    assert "Thông báo: 3 chưa đọc" in page


def test_the_list_shows_each_notice_with_its_task(client, officer_with_notices):
    officer, tasks = officer_with_notices
    client.force_login(officer)

    page = client.get("/notifications/").content.decode()

    for task in tasks:
        assert task.title in page
    assert "Được giao nhiệm vụ" in page


def test_opening_a_notice_marks_it_read_and_goes_to_the_task(client, officer_with_notices):
    officer, tasks = officer_with_notices
    first = Notification.objects.get(task=tasks[0])
    client.force_login(officer)

    response = client.get(f"/notifications/{first.pk}/")

    assert response.status_code == 302 and response["Location"] == f"/tasks/{tasks[0].pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-unread="2"' in client.get("/notifications/").content.decode()


def test_mark_all_read_empties_the_bell(client, officer_with_notices):
    officer, _tasks = officer_with_notices
    client.force_login(officer)

    client.post("/notifications/read/")

    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    assert "data-unread" not in client.get("/notifications/").content.decode()


def test_mark_one_read(client, officer_with_notices):
    officer, tasks = officer_with_notices
    second = Notification.objects.get(task=tasks[1])
    client.force_login(officer)

    client.post("/notifications/read/", {"pk": second.pk, "next": "/notifications/?unread=1"})

    assert list(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == [second.pk]


def test_nobody_reads_or_opens_someone_elses_notice(client, officer_with_notices):
    officer, tasks = officer_with_notices
    theirs = Notification.objects.get(task=tasks[0])
    other = member(UnitFactory())
    client.force_login(other)

    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    client.post("/notifications/read/", {"pk": theirs.pk})
    assert tasks[0].title not in client.get("/notifications/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notice_about_a_task_no_longer_visible_is_hidden(client, officer_with_notices):
    officer, tasks = officer_with_notices
    tasks[0].assignments.update(unit=UnitFactory())  # the task moved to another unit
    client.force_login(officer)

    page = client.get("/notifications/").content.decode()

    assert tasks[0].title not in page and 'data-unread="2"' in page


def test_turning_the_digest_off_is_remembered_and_says_overdue_notices_still_come(client):
    officer = member(UnitFactory())
    client.force_login(officer)

    response = client.post("/notifications/preferences/", {}, follow=True)

    assert NotificationPreference.objects.get(user=officer).email_digest is False
    assert "Thư báo nhiệm vụ quá hạn vẫn được gửi" in response.content.decode()
    client.post("/notifications/preferences/", {"email_digest": "on"})
    assert NotificationPreference.objects.get(user=officer).email_digest is True


def test_the_bell_and_the_email_read_the_same_ledger(client, monkeypatch):
    """A reminder the sweep writes is in the bell at once, whether or not the person takes emails."""
    from notifications import queue

    from .test_reminders_ledger import DEADLINE, T_MINUS_7, task_due

    monkeypatch.setattr(queue, "enqueue", lambda ids: 0)
    unit = UnitFactory()
    officer = member(unit)
    NotificationPreference.objects.create(user=officer, email_digest=False)
    task = task_due(DEADLINE, lead=unit)
    sweep.sweep(T_MINUS_7)
    client.force_login(officer)

    page = client.get("/notifications/").content.decode()

    assert task.title in page and "Sắp đến hạn" in page and 'data-unread="1"' in page
    assert Notification.objects.get(recipient=officer).status == Notification.Status.SKIPPED  # no email
