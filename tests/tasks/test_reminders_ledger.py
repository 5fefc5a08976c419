"""The ledger and the digests: rows written once, one email per person per day, sent once, retried, failed."""
import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from core import broker
from core.installation import installation_id
from notifications import delivery, queue, sweep
from tasks import services
from notifications.models import Notification, NotificationPreference, OutgoingEmail, ReminderPolicy
from tasks.models import Task
from tests.factories import (
    ProgressReportFactory,
    TaskFactory,
    UnitFactory,
    leader,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = Notification.Kind
DEADLINE = D(2026, 3, 18)  # a Wednesday in an ordinary week
T_MINUS_7 = D(2026, 3, 11)
T_PLUS_1 = D(2026, 3, 19)


def task_due(deadline, *, lead, coordinating=(), created=D(2026, 1, 5), **kwargs):
    task = TaskFactory(lead=lead, coordinating=list(coordinating), deadline=deadline, **kwargs)
    Task.objects.filter(pk=task.pk).update(created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(9))))
    return task


def send_all():
    """What the workers would do: send every email waiting, in this process (locmem backend)."""
    return delivery.send_now(queue.due_for_sending().order_by("pk").values_list("pk", flat=True))


def sent_to(address):
    return [m for m in django_mail.outbox if address in m.to]


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Unit tests never publish: what would have been handed to the workers is recorded instead."""
    handed = []
    monkeypatch.setattr(queue, "enqueue", lambda ids: handed.extend(ids) or len(list(ids)))
    return handed


# --- Writing the ledger ---------------------------------------------------------------------------------------


def test_seven_days_before_the_lead_and_coordinating_units_and_their_mailboxes_are_told():
    lead, helper = UnitFactory(), UnitFactory()
    officer, boss, helper_officer = member(lead), leader(lead), member(helper)
    task = task_due(DEADLINE, lead=lead, coordinating=[helper])

    result = sweep.sweep(T_MINUS_7)

    rows = Notification.objects.filter(task=task, kind=Kind.BEFORE_DEADLINE, due_on=T_MINUS_7)
    assert set(rows.exclude(recipient=None).values_list("recipient", flat=True)) == {
        officer.pk, boss.pk, helper_officer.pk
    }
    assert set(rows.exclude(recipient_unit=None).values_list("recipient_unit", flat=True)) == {lead.pk, helper.pk}
    assert result.reminders_written == 5


def test_one_day_before_the_coordinating_units_are_not_told():
    lead, helper = UnitFactory(), UnitFactory()
    officer, helper_officer = member(lead), member(helper)
    task_due(DEADLINE, lead=lead, coordinating=[helper])

    sweep.sweep(DEADLINE - datetime.timedelta(days=1))

    assert Notification.objects.filter(recipient=officer).count() == 1
    assert not Notification.objects.filter(recipient=helper_officer).exists()


def test_closed_and_proposed_tasks_are_not_reminded():
    unit = UnitFactory()
    officer = member(unit)
    for status in (Task.Status.DONE, Task.Status.CANCELLED, Task.Status.PROPOSED):
        task_due(DEADLINE, lead=unit, status=status, completed_at=timezone.now())

    sweep.sweep(T_MINUS_7)

    assert not Notification.objects.filter(recipient=officer).exists()


def test_the_sweep_run_twice_for_the_same_day_writes_and_sends_nothing_new():
    unit = UnitFactory()
    officer = member(unit)
    task_due(DEADLINE, lead=unit)
    task_due(DEADLINE - datetime.timedelta(days=8), lead=unit)  # due on the 10th: overdue notice on the 11th

    first = sweep.sweep(T_MINUS_7)
    send_all()
    second = sweep.sweep(T_MINUS_7)
    send_all()

    assert first.reminders_written == 4 and second.reminders_written == 0
    assert second.emails_planned == []
    assert len(sent_to(officer.email)) == 1
    assert len(sent_to(unit.email)) == 1


def test_a_missed_day_is_caught_up_by_the_next_sweep():
    unit = UnitFactory()
    officer = member(unit)
    task_due(DEADLINE, lead=unit)
    ReminderPolicy.objects.filter(pk=ReminderPolicy.load().pk).update(last_swept_on=T_MINUS_7 - datetime.timedelta(days=1))

    sweep.sweep(T_MINUS_7 + datetime.timedelta(days=1))  # beat was down on the 11th

    assert Notification.objects.filter(recipient=officer, due_on=T_MINUS_7, kind=Kind.BEFORE_DEADLINE).exists()
    assert ReminderPolicy.load().last_swept_on == T_MINUS_7 + datetime.timedelta(days=1)


def test_an_ongoing_task_without_a_report_in_the_closed_quarter_is_told_and_one_with_a_report_is_not():
    unit = UnitFactory()
    officer = member(unit)
    silent = task_due(None, lead=unit, report_cycle=Task.ReportCycle.QUARTERLY, original_deadline=None)
    reported = task_due(None, lead=unit, report_cycle=Task.ReportCycle.QUARTERLY, original_deadline=None)
    report = ProgressReportFactory(task=reported, author=officer)
    type(report).objects.filter(pk=report.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 5, 20, 10)))

    sweep.sweep(D(2026, 7, 1))

    missing = Notification.objects.filter(kind=Kind.REPORT_MISSING, recipient=officer)
    assert list(missing.values_list("task", flat=True)) == [silent.pk]


def test_a_report_reminder_is_not_sent_to_a_unit_that_already_reported_this_quarter():
    unit = UnitFactory()
    officer = member(unit)
    reported = task_due(None, lead=unit, report_cycle=Task.ReportCycle.QUARTERLY, original_deadline=None)
    report = ProgressReportFactory(task=reported, author=officer)
    type(report).objects.filter(pk=report.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 6, 2, 10)))
    waiting = task_due(None, lead=unit, report_cycle=Task.ReportCycle.QUARTERLY, original_deadline=None)

    sweep.sweep(D(2026, 6, 8))

    due = Notification.objects.filter(kind=Kind.REPORT_DUE, recipient=officer)
    assert list(due.values_list("task", flat=True)) == [waiting.pk]


# --- One digest per person per day ----------------------------------------------------------------------------


def test_a_person_with_several_tasks_due_gets_one_digest_with_each_of_them():
    unit = UnitFactory(email="")
    officer = member(unit)
    tasks = [task_due(DEADLINE, lead=unit) for _ in range(3)] + [task_due(D(2026, 3, 10), lead=unit)]

    sweep.sweep(T_MINUS_7)
    send_all()

    [message] = sent_to(officer.email)
    for task in tasks:
        assert f"http://testserver.example/tasks/{task.pk}/" in message.body
    assert "Quá hạn" in message.body and "Sắp đến hạn" in message.body
    html = message.alternatives[0].content
    assert f'href="http://testserver.example/tasks/{tasks[0].pk}/"' in html


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def test_the_digest_tells_titles_and_links_never_report_text():
    unit = UnitFactory(email="")
    officer = member(unit)
    task = task_due(DEADLINE, lead=unit, title="Tổng kết Nghị quyết 05")
    ProgressReportFactory(task=task, author=officer, text="Nội dung mật: số liệu chưa công bố")

    sweep.sweep(T_MINUS_7)
    send_all()

    [message] = sent_to(officer.email)
    assert "Tổng kết Nghị quyết 05" in message.body
    assert "Nội dung mật" not in message.body and "Nội dung mật" not in message.alternatives[0].content
    assert not message.attachments
    assert message.subject.startswith("[Theo dõi chỉ đạo] 1 nhiệm vụ cần chú ý")


def test_the_message_id_is_the_same_for_the_same_person_day_and_kind():
    unit = UnitFactory(email="")
    officer = member(unit)
    task_due(DEADLINE, lead=unit)

    sweep.sweep(T_MINUS_7)
    send_all()

    [message] = sent_to(officer.email)
    expected = f"<digest.20260311.user{officer.pk}@{installation_id()}.testserver.example>"
    assert message.extra_headers["Message-ID"] == expected
    assert OutgoingEmail.objects.get(recipient=officer).message_id == expected


def test_two_installations_with_the_same_site_url_never_share_a_message_id(settings):
    """Issue 16, item 8: the same person number, day and kind in two databases went out under one Message-ID."""
    from django.db import connection

    here = sweep.message_id_for(kind="digest", day=T_MINUS_7, user_id=4)
    assert sweep.message_id_for(kind="digest", day=T_MINUS_7, user_id=4) == here  # the same message: the same ID
    name = connection.settings_dict["NAME"]
    try:
        connection.settings_dict["NAME"] = f"{name}_another_province"
        elsewhere = sweep.message_id_for(kind="digest", day=T_MINUS_7, user_id=4)
    finally:
        connection.settings_dict["NAME"] = name
    assert elsewhere != here and elsewhere.endswith(".testserver.example>")  # still the portal's own address
    settings.SECRET_KEY = "another installation's key " * 2
    assert sweep.message_id_for(kind="digest", day=T_MINUS_7, user_id=4) != here
    settings.PORTAL_INSTALLATION_ID = "haugiang-test"
    assert sweep.message_id_for(kind="digest", day=T_MINUS_7, user_id=4) == (
        "<digest.20260311.user4@haugiang-test.testserver.example>")


def test_a_person_who_turned_digests_off_still_gets_overdue_notices():
    unit = UnitFactory(email="")
    officer = member(unit)
    NotificationPreference.objects.create(user=officer, email_digest=False)
    soon = task_due(DEADLINE, lead=unit)
    late = task_due(D(2026, 3, 10), lead=unit)

    sweep.sweep(T_MINUS_7)
    send_all()

    [message] = sent_to(officer.email)
    assert f"/tasks/{late.pk}/" in message.body
    assert f"/tasks/{soon.pk}/" not in message.body
    assert Notification.objects.get(task=soon, recipient=officer).status == Notification.Status.SKIPPED


def test_a_person_without_an_email_address_gets_no_email_but_keeps_the_notice():
    unit = UnitFactory(email="")
    officer = member(unit, email="")
    task_due(DEADLINE, lead=unit)

    sweep.sweep(T_MINUS_7)
    send_all()

    assert django_mail.outbox == []
    assert Notification.objects.get(recipient=officer).status == Notification.Status.SKIPPED


def test_a_reminder_about_a_task_finished_before_the_digest_went_is_left_out():
    unit = UnitFactory(email="")
    officer = member(unit)
    done = task_due(DEADLINE, lead=unit)
    still_open = task_due(DEADLINE, lead=unit)
    sweep.sweep(T_MINUS_7)
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE, completed_at=timezone.now())

    send_all()

    [message] = sent_to(officer.email)
    assert f"/tasks/{still_open.pk}/" in message.body and f"/tasks/{done.pk}/" not in message.body
    assert Notification.objects.get(task=done, recipient=officer).status == Notification.Status.SKIPPED


# --- Event notices ------------------------------------------------------------------------------------------


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_an_assignment_during_a_working_day_is_emailed_the_same_day():
    unit = UnitFactory(email="")
    officer = member(unit)
    services.create_task(created_by=office_user(), title="Chuẩn bị Hội nghị xúc tiến đầu tư", lead_unit=unit,
                         deadline=DEADLINE)
    Notification.objects.update(due_on=T_MINUS_7)  # as if written on the 11th

    assert sweep.plan_events(at(T_MINUS_7, 6)) == []  # before the send time: it waits for the morning digest
    assert sweep.plan_events(at(D(2026, 3, 14), 10)) == []  # Saturday
    planned = sweep.plan_events(at(T_MINUS_7, 10))
    send_all()

    assert len(planned) == 1
    [message] = sent_to(officer.email)
    assert "Được giao nhiệm vụ" in message.body


def test_a_notice_after_the_days_digest_went_waits_for_the_next_working_day():
    unit = UnitFactory(email="")
    officer = member(unit)
    task = task_due(DEADLINE, lead=unit)
    sweep.sweep(T_MINUS_7)
    send_all()
    Notification.objects.create(task=task, recipient=officer, kind=Kind.EXTENSION_APPROVED, due_on=T_MINUS_7)

    assert sweep.plan_events(at(T_MINUS_7, 15)) == []
    sweep.sweep(T_MINUS_7 + datetime.timedelta(days=1))
    send_all()

    assert len(sent_to(officer.email)) == 2
    assert "Đồng ý gia hạn" in sent_to(officer.email)[1].body


def test_a_rolled_back_transaction_leaves_nothing_to_send(django_capture_on_commit_callbacks):
    unit = UnitFactory(email="")
    member(unit)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.create_task(created_by=office_user(), title="Sẽ bị hủy", lead_unit=unit, deadline=DEADLINE)
                raise RuntimeError("the request failed after the service ran")

    assert callbacks == []  # the "enqueue" never ran
    assert not Notification.objects.exists()
    assert sweep.plan_events(at(T_MINUS_7, 10)) == []
    send_all()
    assert django_mail.outbox == []


# --- Sending: claim, retry, fail ----------------------------------------------------------------------------


@pytest.fixture
def one_digest():
    unit = UnitFactory(email="")
    officer = member(unit)
    task_due(DEADLINE, lead=unit)
    [email_id] = sweep.sweep(T_MINUS_7).emails_planned
    return OutgoingEmail.objects.get(pk=email_id), officer


def test_a_retried_send_task_sends_nothing_new(one_digest):
    email, officer = one_digest

    assert delivery.deliver(email.pk).status == "sent"
    assert delivery.deliver(email.pk).status == "not_claimed"

    assert len(sent_to(officer.email)) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    assert email.items.get().status == Notification.Status.SENT


def test_an_email_claimed_by_a_live_worker_is_not_taken_and_a_stale_claim_is(one_digest, settings):
    email, officer = one_digest
    assert delivery.claim(email.pk) is not None  # a worker took it...
    assert delivery.deliver(email.pk).status == "not_claimed"  # ...so nobody else sends it
    assert not queue.due_for_sending().filter(pk=email.pk).exists()

    # The worker died: after the claim timeout the sweep hands the email over again and it goes out.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(seconds=settings.PORTAL_MAIL_CLAIM_TIMEOUT + 1)
    )
    assert queue.due_for_sending().filter(pk=email.pk).exists()
    assert delivery.deliver(email.pk).status == "sent"
    assert len(sent_to(officer.email)) == 1


class RefusingBackend(BaseEmailBackend):
    def __init__(self, exc, **kwargs):
        super().__init__(**kwargs)
        self.exc = exc

    def send_messages(self, messages):
        raise self.exc


def test_a_4xx_answer_defers_the_email_with_backoff_and_it_goes_out_later(one_digest, settings):
    email, officer = one_digest
    settings.PORTAL_MAIL_RETRY_BASE = 60

    with pytest.raises(delivery.TransientMailError) as deferred:
        delivery.deliver(email.pk, connection=RefusingBackend(smtplib.SMTPDataError(451, b"4.3.0 Try again later")))

    email.refresh_from_db()
    assert deferred.value.retry_in == 60
    assert email.status == OutgoingEmail.Status.PENDING and email.attempts == 1
    assert email.last_error == "451 4.3.0 Try again later"
    assert delivery.deliver(email.pk).status == "not_claimed"  # not before the backoff has passed

    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    with pytest.raises(delivery.TransientMailError) as again:
        delivery.deliver(email.pk, connection=RefusingBackend(smtplib.SMTPServerDisconnected("dropped")))
    assert again.value.retry_in == 120  # exponential

    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(email.pk).status == "sent"
    assert len(sent_to(officer.email)) == 1


def test_a_5xx_answer_marks_the_email_failed_with_the_servers_words(one_digest):
    email, officer = one_digest
    refused = smtplib.SMTPRecipientsRefused({officer.email: (550, b"5.1.1 Mailbox unavailable")})

    outcome = delivery.deliver(email.pk, connection=RefusingBackend(refused))

    email.refresh_from_db()
    assert outcome.status == "failed"
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.last_error == f"{officer.email}: 550 5.1.1 Mailbox unavailable"
    assert email.items.get().status == Notification.Status.FAILED
    assert not queue.due_for_sending().filter(pk=email.pk).exists()


def test_an_email_that_keeps_failing_for_a_transient_reason_is_given_up_after_the_last_attempt(one_digest, settings):
    email, _officer = one_digest
    settings.PORTAL_MAIL_MAX_ATTEMPTS = 2
    timeout = RefusingBackend(TimeoutError("timed out"))
    with pytest.raises(delivery.TransientMailError):
        delivery.deliver(email.pk, connection=timeout)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())

    assert delivery.deliver(email.pk, connection=timeout).status == "failed"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and "timed out" in email.last_error


def test_resending_puts_a_failed_email_back_in_the_queue(one_digest, django_capture_on_commit_callbacks, no_broker):
    email, officer = one_digest
    delivery.deliver(email.pk, connection=RefusingBackend(smtplib.SMTPDataError(554, b"rejected")))

    with django_capture_on_commit_callbacks(execute=True):
        delivery.resend(OutgoingEmail.objects.get(pk=email.pk))

    assert email.pk in no_broker
    assert delivery.deliver(email.pk).status == "sent"
    assert len(sent_to(officer.email)) == 1


# --- The weekly summary -------------------------------------------------------------------------------------


def test_the_weekly_summary_goes_to_the_office_and_the_standing_committee_on_the_first_working_day():
    office, standing = office_user(), standing_user()
    unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    member(unit)
    long_late = task_due(D(2026, 2, 27), lead=unit, title="Quá hạn lâu")  # 17 days late on 16 March
    just_late = task_due(D(2026, 3, 12), lead=unit, title="Mới quá hạn")

    assert sweep.weekly_summary(D(2026, 3, 17)) == []  # Tuesday
    planned = sweep.weekly_summary(D(2026, 3, 16))
    send_all()

    assert len(planned) == 2
    [to_office] = sent_to(office.email)
    assert "Ban Tuyên giáo Tỉnh ủy" in to_office.body
    assert f"/tasks/{long_late.pk}/" in to_office.body and f"/tasks/{just_late.pk}/" in to_office.body
    assert "Quá hạn trên 14 ngày (1)" in to_office.body
    assert len(sent_to(standing.email)) == 1
    assert len(django_mail.outbox) == 2
    escalations = Notification.objects.filter(kind=Kind.ESCALATION)
    assert list(escalations.values_list("task", "recipient")) == [(long_late.pk, office.pk)]
    assert sweep.weekly_summary(D(2026, 3, 16)) == []  # the same Monday again: nothing new


def test_the_weekly_summary_says_an_extension_granted_for_another_date_as_the_timeline_does():
    from tasks.models import ExtensionRequest

    office = office_user()
    unit = UnitFactory(name="Sở Y tế")
    asker = member(unit)
    task = task_due(D(2026, 3, 20), lead=unit, title="Rà soát trang thiết bị")
    request = ExtensionRequest.objects.create(
        task=task, unit=unit, requested_by=asker, current_deadline=D(2026, 3, 20), requested_deadline=D(2026, 4, 30),
        granted_deadline=D(2026, 4, 15), reason="Chờ số liệu", status=ExtensionRequest.Status.APPROVED,
        decided_by=office)
    ExtensionRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 12, 9)))

    sweep.weekly_summary(D(2026, 3, 16))
    send_all()

    [to_office] = sent_to(office.email)
    assert "Đồng ý gia hạn đến 15/04/2026 (đề nghị 30/04/2026)" in to_office.body


# --- The office's settings ----------------------------------------------------------------------------------


def test_the_schedule_is_in_the_database_on_working_day_mornings_in_vietnam_time():
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="portal.daily_sweep")
    assert (sweep.crontab.hour, sweep.crontab.minute, sweep.crontab.day_of_week) == ("7", "0", "1-5")
    assert str(sweep.crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert PeriodicTask.objects.filter(task="portal.send_pending_notifications", enabled=True).exists()
    assert PeriodicTask.objects.filter(task="portal.weekly_summary", enabled=True).exists()


def test_changing_the_send_time_moves_the_daily_run():
    from django_celery_beat.models import PeriodicTask

    policy = ReminderPolicy.load()
    policy.send_time = datetime.time(6, 30)
    policy.save()
    sweep.sync_beat_schedule(policy)

    crontab = PeriodicTask.objects.get(task="portal.daily_sweep").crontab
    assert (crontab.hour, crontab.minute, crontab.day_of_week) == ("6", "30", "1-5")


def test_the_office_edits_the_days_before_and_the_sweep_follows():
    unit = UnitFactory(email="")
    officer = member(unit)
    task_due(DEADLINE, lead=unit)
    ReminderPolicy.objects.filter(pk=ReminderPolicy.load().pk).update(lead_days_before="5", coordinating_days_before="")

    sweep.sweep(T_MINUS_7)
    sweep.sweep(DEADLINE - datetime.timedelta(days=5))

    assert list(Notification.objects.filter(recipient=officer).values_list("due_on", flat=True)) == [D(2026, 3, 13)]


# --- Handing work to the broker -------------------------------------------------------------------------------


def test_a_broker_that_does_not_answer_is_given_up_on_in_time(settings):
    import time

    settings.PORTAL_BROKER_PUBLISH_TIMEOUT = 0.5
    started = time.monotonic()

    assert broker.publish_within(lambda: time.sleep(3), what="a message to a frozen broker") is False
    assert time.monotonic() - started < 1.5
    assert broker.publish_within(lambda: 1 / 0, what="a message to a broker that refuses") is False
    assert broker.publish_within(lambda: None, what="a message to a broker that answers") is True
