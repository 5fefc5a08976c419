"""Sending the outbox: claim one email, render it, hand it to SMTP, mark it sent.

The life of an OutgoingEmail row:

    pending --claim--> sending --SMTP accepted--> sent
                          |--4xx, dropped connection, timeout--> pending (next_attempt_at, backoff) ... failed
                          '--5xx--> failed (the error is shown on the outbox page)

The claim is one conditional UPDATE (`... WHERE status = 'pending'`): on PostgreSQL a concurrent claimer waits for
the row lock and then finds the status changed; on SQLite writers are serialised. Whoever gets rowcount 1 sends.

A worker killed mid-send leaves the row "sending". After PORTAL_MAIL_CLAIM_TIMEOUT seconds the sweep takes the claim
back and sends again. That is at-least-once delivery: a kill after the SMTP server accepted the message but
before the row was marked sent gives one duplicate, with the same Message-ID (tests/reliability measure it).
Nothing is ever lost in exchange: the ledger, not the broker, holds what is still to send.
"""
from __future__ import annotations

import datetime
import logging
import os
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import reminders
from .models import (
    ExtensionRequest,
    Notification,
    OutgoingEmail,
    Review,
    Standing,
    Task,
    Unit,
)

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


class TransientMailError(Exception):
    """The SMTP server could not take the message now; try again in `retry_in` seconds."""

    def __init__(self, message: str, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PORTAL_MAIL_CLAIM_TIMEOUT)


def backoff(attempt: int) -> float:
    """Seconds before attempt number `attempt` + 1: exponential, capped."""
    return min(settings.PORTAL_MAIL_RETRY_MAX, settings.PORTAL_MAIL_RETRY_BASE * 2 ** max(0, attempt - 1))


# --- Queueing -----------------------------------------------------------------------------------------------


_publisher: ThreadPoolExecutor | None = None
_publisher_pid: int | None = None


def publish_within(publish, *, what: str) -> bool:
    """Run `publish` (an apply_async) and wait for it at most PORTAL_BROKER_PUBLISH_TIMEOUT seconds.

    The broker settings bound each socket operation, but a publish may take several of them (a health-check PING,
    a reconnect, the command itself) when Redis is frozen rather than down. A web request must answer whatever
    the broker does, so the wait is bounded here, on the wall clock. A publish given up on may still complete
    later: that hands the same work over twice, which the claim makes harmless.
    """
    global _publisher, _publisher_pid
    if _publisher is None or _publisher_pid != os.getpid():  # a thread pool does not survive a fork
        _publisher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="portal-publish")
        _publisher_pid = os.getpid()
    future = _publisher.submit(publish)
    try:
        future.result(timeout=settings.PORTAL_BROKER_PUBLISH_TIMEOUT)
    except FutureTimeout:
        logger.warning("The broker did not take %s in time; the sweep will hand it over again.", what)
        return False
    except Exception:  # noqa: BLE001 - any broker error is survivable: the ledger keeps the work
        logger.warning("Could not hand over %s; the sweep will hand it over again.", what, exc_info=True)
        return False
    return True


def enqueue(email_ids: Iterable[int]) -> int:
    """Hand these emails to the workers. A broker outage is survivable: the rows stay pending and the next sweep
    hands them over again, so this never raises, never waits long, and stops at the first failure."""
    from .celery_tasks import send_digest

    published = []
    for email_id in email_ids:
        if not publish_within(lambda: send_digest.apply_async((email_id,), retry=False), what=f"email {email_id}"):
            break
        published.append(email_id)
    if published:
        OutgoingEmail.objects.filter(pk__in=published).update(enqueued_at=timezone.now())
    return len(published)


def due_for_sending(now: datetime.datetime | None = None):
    """Emails that should be in a worker's hands and may not be: never handed over, handed over long ago (the
    message was lost with a killed worker or a broker restart), due for a retry, or claimed by a worker that
    has not finished within the claim timeout."""
    now = now or timezone.now()
    stale = now - claim_timeout()
    waiting = (
        Q(status=Status.PENDING)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )
    abandoned = Q(status=Status.SENDING, claimed_at__lt=stale)
    return OutgoingEmail.objects.filter(waiting | abandoned)


def requeue(now: datetime.datetime | None = None) -> int:
    return enqueue(list(due_for_sending(now).order_by("pk").values_list("pk", flat=True)))


# --- Claiming and marking ---------------------------------------------------------------------------------


def claim(email_id: int, now: datetime.datetime | None = None) -> OutgoingEmail | None:
    """Take the email for sending, or None when it is gone, done, or in another worker's hands."""
    now = now or timezone.now()
    claimable = (
        Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=Status.SENDING, claimed_at__lt=now - claim_timeout())
    taken = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return OutgoingEmail.objects.select_related("recipient", "recipient_unit").get(pk=email_id)


def _finish(email: OutgoingEmail, *, status: str, item_status: str | None = None, item_ids=(), **fields) -> bool:
    """Record the outcome of this claim; False when another worker took the claim back meanwhile.

    With a final outcome (`item_status` given) the rows the message told take that status, and rows it left out
    (reminders about a task closed meanwhile) are marked skipped.
    """
    now = timezone.now()
    with transaction.atomic():
        mine = OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING, attempts=email.attempts)
        updated = mine.update(status=status, **fields)
        if item_status:
            items = Notification.objects.filter(email=email, status=Notification.Status.PENDING)
            items.filter(pk__in=list(item_ids)).update(status=item_status, sent_at=now)
            items.update(status=Notification.Status.SKIPPED, sent_at=now)
    if not updated:
        logger.warning("Email %s was taken over by another worker before this one finished.", email.pk)
    return bool(updated)


# --- What SMTP said ---------------------------------------------------------------------------------------


def is_permanent(exc: Exception) -> bool:
    """A 5xx reply is final; 4xx, dropped connections and timeouts are worth another try."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {error}"
    return f"{type(exc).__name__}: {exc}"[:1000]


# --- Sending ----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    email_id: int
    detail: str = ""


def deliver(email_id: int, *, connection=None) -> Outcome:
    """Claim, render, send and mark one email. Raises TransientMailError when it should be tried again later."""
    email = claim(email_id)
    if email is None:
        return Outcome("not_claimed", email_id)
    try:
        message, item_ids = build_message(email)
    except Exception as exc:  # noqa: BLE001 - a broken template must show in the outbox, not loop for ever
        logger.exception("Could not render email %s", email.pk)
        _finish(email, status=Status.FAILED, item_status=Notification.Status.FAILED,
                item_ids=email.items.values_list("pk", flat=True), last_error=describe(exc), next_attempt_at=None)
        return Outcome("failed", email.pk, describe(exc))
    if message is None:
        _finish(email, status=Status.SKIPPED, item_status=Notification.Status.SKIPPED, item_ids=item_ids,
                last_error="", next_attempt_at=None)
        return Outcome("skipped", email.pk, "nothing left to tell")
    backend = connection or get_connection(fail_silently=False)
    opened_here = False
    try:
        opened_here = bool(backend.open())
        backend.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - sorted below into final and worth-retrying
        if opened_here:
            _close_quietly(backend)
        error = describe(exc)
        if is_permanent(exc) or email.attempts >= settings.PORTAL_MAIL_MAX_ATTEMPTS:
            logger.warning("Email %s failed for good: %s", email.pk, error)
            _finish(email, status=Status.FAILED, item_status=Notification.Status.FAILED, item_ids=item_ids,
                    last_error=error, next_attempt_at=None)
            return Outcome("failed", email.pk, error)
        retry_in = backoff(email.attempts)
        logger.info("Email %s deferred (%s); retry in %.1fs", email.pk, error, retry_in)
        _finish(email, status=Status.PENDING, last_error=error,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=retry_in), enqueued_at=timezone.now())
        raise TransientMailError(error, retry_in) from exc
    # Marked sent before the QUIT exchange: the window in which a killed worker doubles a message is only the
    # time between the server's 250 and this commit.
    _finish(email, status=Status.SENT, item_status=Notification.Status.SENT, item_ids=item_ids,
            sent_at=timezone.now(), last_error="", next_attempt_at=None, subject=message.subject[:255],
            to_address=message.to[0])
    if opened_here:
        _close_quietly(backend)
    return Outcome("sent", email.pk)


def _close_quietly(backend):
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - the message is settled either way; a failed QUIT changes nothing
        logger.info("Closing the mail connection failed", exc_info=True)


def send_now(email_ids: Iterable[int]) -> list[Outcome]:
    """Send in this process, one SMTP connection for all (the `send_reminders --sync` path). A transient error
    leaves the email pending for the workers' retries."""
    outcomes = []
    email_ids = list(email_ids)
    if not email_ids:
        return outcomes
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except OSError:
        pass  # each message tries on its own, and its failure is recorded as such
    for email_id in email_ids:
        try:
            outcomes.append(deliver(email_id, connection=connection))
        except TransientMailError as exc:
            outcomes.append(Outcome("deferred", email_id, str(exc)))
        if outcomes[-1].status != "sent":
            # The server may have dropped the connection: the next message opens a fresh one.
            _close_quietly(connection)
    _close_quietly(connection)
    return outcomes


def resend(email: OutgoingEmail) -> None:
    """The office sends an email again (after a failure, or on request): back to pending, handed over on commit."""
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).exclude(status=Status.SENDING).update(
            status=Status.PENDING, attempts=0, next_attempt_at=None, enqueued_at=None, claimed_at=None
        )
        Notification.objects.filter(email=email).exclude(status=Notification.Status.SKIPPED).update(
            status=Notification.Status.PENDING
        )
        transaction.on_commit(lambda: enqueue([email.pk]))


# --- Rendering --------------------------------------------------------------------------------------------


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def standing_phrase(task: Task, day: datetime.date) -> str:
    """'còn 3 ngày', 'hôm nay', 'quá hạn 5 ngày' as of the email's day (no phrase for ongoing or closed tasks)."""
    if task.deadline is None or not task.is_open:
        return ""
    days = (task.deadline - day).days
    if days == 0:
        return _("đến hạn hôm nay")
    if days > 0:
        return ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", -days) % {"n": -days}


@dataclass
class Item:
    task: Task
    url: str
    standing: str
    standing_label: str
    phrase: str
    reasons: list[str]


STANDING_ORDER = [Standing.OVERDUE, Standing.DUE_SOON, Standing.ONGOING, Standing.ON_TRACK, Standing.DONE_LATE,
                  Standing.DONE_ON_TIME, Standing.CANCELLED]


def digest_items(email: OutgoingEmail) -> tuple[list[Item], list[int]]:
    """One line per task (title, standing, link), from the ledger rows this email carries.

    Reminders about a task that was closed meanwhile are dropped; the notices of events stay. Returns the lines
    and the ids of the rows they tell (the rest are marked skipped with the email).
    """
    rows = list(email.items.select_related("task").order_by("task_id", "id"))
    by_task: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.kind in reminders.REMINDER_KINDS and row.task.status not in reminders.REMINDED_STATUSES:
            continue
        by_task[row.task_id].append(row)
    items, told = [], []
    for task_rows in by_task.values():
        task = task_rows[0].task
        standing = task.compute_standing(today=email.day)
        label = Standing(standing).label
        # Why the task is in the email, where the standing does not already say it ("Được giao nhiệm vụ").
        reasons = [reason for reason in dict.fromkeys(str(row.get_kind_display()) for row in task_rows)
                   if reason != label]
        items.append(Item(task, absolute(task.get_absolute_url()), standing, label,
                          standing_phrase(task, email.day), reasons))
        told += [row.pk for row in task_rows]
    items.sort(key=lambda i: (STANDING_ORDER.index(i.standing), i.task.deadline or datetime.date.max, i.task.pk))
    return items, told


def weekly_context(email: OutgoingEmail) -> tuple[dict, list[int]]:
    """Overdue tasks by lead unit (with the escalations), completions and extension requests of the past week."""
    day = email.day
    week_start = day - datetime.timedelta(days=7)
    rules = reminders.current_rules()
    overdue = (
        Task.objects.filter(status__in=Task.OPEN_STATUSES, deadline__lt=day)
        .with_lead_unit()
        .order_by("deadline", "pk")
    )
    units = {}
    unit_names = dict(Unit.objects.filter(pk__in={t.lead_unit_id for t in overdue}).values_list("pk", "name"))
    for task in overdue:
        units.setdefault(task.lead_unit_id, {"name": unit_names.get(task.lead_unit_id, "—"), "tasks": []})
        units[task.lead_unit_id]["tasks"].append({
            "task": task, "url": absolute(task.get_absolute_url()), "days": reminders.days_overdue(task.deadline, day),
            "escalated": reminders.is_escalated(task.deadline, day, rules),
        })
    by_unit = sorted(units.values(), key=lambda u: (-len(u["tasks"]), u["name"]))
    completions = [
        {"task": review.task, "url": absolute(review.task.get_absolute_url()), "on": review.reviewed_at}
        for review in Review.objects.filter(
            outcome=Review.Outcome.APPROVED, reviewed_at__date__gte=week_start, reviewed_at__date__lt=day
        ).select_related("task").order_by("reviewed_at")
    ]
    extensions = [
        {"request": ext, "task": ext.task, "url": absolute(ext.task.get_absolute_url())}
        for ext in ExtensionRequest.objects.filter(
            created_at__date__gte=week_start, created_at__date__lt=day
        ).select_related("task", "unit").order_by("created_at")
    ]
    escalated = [entry for unit in by_unit for entry in unit["tasks"] if entry["escalated"]]
    context = {
        "by_unit": by_unit, "overdue_count": sum(len(u["tasks"]) for u in by_unit), "escalated": escalated,
        "completions": completions, "extensions": extensions, "week_start": week_start,
        "escalation_after_days": rules.escalation_after_days,
    }
    return context, list(email.items.values_list("pk", flat=True))


def build_message(email: OutgoingEmail) -> tuple[EmailMultiAlternatives | None, list[int]]:
    """The message for this email, or None when nothing is left to tell. Titles and links only: no report text,
    no attachments (some directives are confidential)."""
    address = email.recipient.email if email.recipient_id else email.recipient_unit.email
    with translation.override(settings.LANGUAGE_CODE):
        if email.kind == OutgoingEmail.Kind.WEEKLY:
            context, item_ids = weekly_context(email)
            template = "email/weekly"
        else:
            items, item_ids = digest_items(email)
            if not items:
                return None, list(email.items.values_list("pk", flat=True))
            context = {
                "items": items, "overdue_count": sum(i.standing == Standing.OVERDUE for i in items),
            }
            template = "email/digest"
        context |= {
            "email": email, "day": email.day, "site_url": settings.SITE_URL,
            "recipient_name": (
                (email.recipient.get_full_name() or email.recipient.get_username())
                if email.recipient_id else email.recipient_unit.name
            ),
            "preferences_url": absolute("/notifications/"),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    return message, item_ids
