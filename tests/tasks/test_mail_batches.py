"""The batch sender (issue 7): a send task takes its email and others waiting, sends them over one connection, each
marked as soon as the server took it; nothing is sent twice and nothing is left behind."""
import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from notifications import delivery, queue, sweep
from notifications.models import Notification, OutgoingEmail
from tasks.models import Task
from tests.factories import TaskFactory, UnitFactory, member

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 11)  # a Wednesday: the 7-day reminders of tasks due on 18 March go out
BACKEND = "tests.tasks.test_mail_batches.CountingBackend"


class CountingBackend(EmailBackend):
    """locmem behaving like the SMTP backend about connections (open() is True only when it opens one), counting
    them, and refusing the addresses in `refused` with a 451."""

    opened = 0
    refused: set[str] = set()
    connected = False

    def open(self):
        if self.connected:
            return False
        self.connected = True
        CountingBackend.opened += 1
        return True

    def close(self):
        self.connected = False

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & CountingBackend.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"4.7.1 Try again later")})
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def counting_backend(settings, monkeypatch):
    settings.EMAIL_BACKEND = BACKEND
    CountingBackend.opened = 0
    CountingBackend.refused = set()
    handed = []
    monkeypatch.setattr(queue, "enqueue", lambda ids: handed.extend(ids) or len(list(ids)))
    return handed


def digests(people: int) -> list[OutgoingEmail]:
    unit = UnitFactory(email="")
    officers = [member(unit) for _ in range(people)]
    task = TaskFactory(lead=unit, deadline=DAY + datetime.timedelta(days=7))
    Task.objects.filter(pk=task.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)))
    planned = sweep.sweep(DAY, hand_over=False).emails_planned
    assert len(planned) == len(officers)
    return list(OutgoingEmail.objects.filter(pk__in=planned).order_by("pk"))


def test_one_send_task_sends_every_waiting_digest_over_one_connection_and_their_own_tasks_then_send_nothing():
    emails = digests(5)

    outcomes = delivery.deliver_batch(emails[2].pk)

    assert [o.email_id for o in outcomes] == [emails[2].pk] + [e.pk for e in emails if e != emails[2]]
    assert {o.status for o in outcomes} == {"sent"}
    assert CountingBackend.opened == 1
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(e.to_address for e in emails)
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(OutgoingEmail.Status.SENT, 1)}
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}
    # The messages queued for the others arrive later and find them sent.
    for email in emails:
        assert [o.status for o in delivery.deliver_batch(email.pk)] == ["not_claimed"]
    assert len(django_mail.outbox) == 5


def test_a_batch_never_takes_more_than_its_size_and_leaves_the_rest_waiting():
    emails = digests(4)

    outcomes = delivery.deliver_batch(emails[0].pk, size=3)

    assert len(outcomes) == 3 and len(django_mail.outbox) == 3
    assert OutgoingEmail.objects.get(pk=emails[3].pk).status == OutgoingEmail.Status.PENDING


def test_a_4xx_for_one_digest_defers_only_that_one_and_the_rest_of_the_batch_goes_out():
    emails = digests(3)
    CountingBackend.refused = {emails[1].to_address}

    outcomes = {o.email_id: o for o in delivery.deliver_batch(emails[0].pk)}

    assert outcomes[emails[1].pk].status == "deferred" and outcomes[emails[1].pk].retry_in > 0
    assert outcomes[emails[0].pk].status == outcomes[emails[2].pk].status == "sent"
    deferred = OutgoingEmail.objects.get(pk=emails[1].pk)
    assert deferred.status == OutgoingEmail.Status.PENDING and deferred.next_attempt_at > timezone.now()
    assert "451" in deferred.last_error
    assert CountingBackend.opened == 2  # after the refusal the next message opens a fresh connection
    # Not taken again before its backoff has passed, by its own task or by another batch.
    assert [o.status for o in delivery.deliver_batch(emails[1].pk)] == ["not_claimed"]


def test_a_batch_out_of_time_gives_the_rest_back_as_never_claimed_and_hands_them_over_again(
    monkeypatch, counting_backend
):
    emails = digests(3)
    monkeypatch.setattr(delivery, "batch_seconds", lambda: -1)

    outcomes = delivery.deliver_batch(emails[0].pk)

    assert [o.status for o in outcomes] == ["sent", "released", "released"]
    given_back = OutgoingEmail.objects.filter(pk__in=[emails[1].pk, emails[2].pk])
    assert set(given_back.values_list("status", "attempts", "claimed_at")) == {(OutgoingEmail.Status.PENDING, 0, None)}
    assert counting_backend == [emails[1].pk, emails[2].pk]
    assert len(django_mail.outbox) == 1


def test_an_email_another_worker_is_sending_is_not_taken_into_a_batch():
    emails = digests(2)
    assert delivery.claim(emails[1].pk) is not None  # another worker has it

    outcomes = delivery.deliver_batch(emails[0].pk)

    assert [o.email_id for o in outcomes] == [emails[0].pk]
    assert OutgoingEmail.objects.get(pk=emails[1].pk).status == OutgoingEmail.Status.SENDING
