"""The office edits the reminder policy in the admin; the standing committee reads it."""
import pytest
from django_celery_beat.models import PeriodicTask

from notifications.models import OutgoingEmail, ReminderPolicy
from tests.factories import office_user, standing_user

pytestmark = pytest.mark.django_db

URL = "/admin/notifications/reminderpolicy/"


def form(**changes):
    data = {
        "lead_days_before": "7, 3, 1, 0", "coordinating_days_before": "7", "overdue_repeat_days": "7",
        "escalation_after_days": "14", "report_due_day": "15", "report_reminder_days": "7", "send_time": "07:00",
    }
    data.update(changes)
    return data


def test_the_policy_list_is_the_one_policy(client):
    client.force_login(office_user())

    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].endswith(f"{URL}{ReminderPolicy.load().pk}/change/")


def test_the_office_moves_the_send_time_and_the_daily_run_follows(client):
    client.force_login(office_user())
    policy = ReminderPolicy.load()

    response = client.post(f"{URL}{policy.pk}/change/", form(send_time="06:30", lead_days_before="10, 5, 1"))

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.lead_days_before == "10, 5, 1"
    crontab = PeriodicTask.objects.get(task="portal.daily_sweep").crontab
    assert (crontab.hour, crontab.minute) == ("6", "30")


def test_days_that_are_not_numbers_are_refused_with_a_message(client):
    client.force_login(office_user())
    policy = ReminderPolicy.load()

    response = client.post(f"{URL}{policy.pk}/change/", form(lead_days_before="bảy, ba"))

    assert response.status_code == 200
    assert "Nhập các số ngày từ 0 đến 90" in response.content.decode()
    policy.refresh_from_db()
    assert policy.lead_days_before == "7, 3, 1, 0"


def test_the_standing_committee_reads_the_policy_and_the_outbox_but_changes_nothing(client):
    client.force_login(standing_user())
    policy = ReminderPolicy.load()

    assert client.get(f"{URL}{policy.pk}/change/").status_code == 200
    assert client.post(f"{URL}{policy.pk}/change/", form(send_time="05:00")).status_code == 403
    assert client.get("/admin/notifications/outgoingemail/").status_code == 200
    policy.refresh_from_db()
    assert policy.send_time.hour == 7
    assert not OutgoingEmail.objects.exists()
