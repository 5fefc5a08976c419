"""Sending the outbox: claim one email, render it (notifications.messages), hand it to SMTP, mark it sent.

The life of an OutgoingEmail row:

    pending --claim--> sending --SMTP accepted--> sent
                          |--4xx, dropped connection, timeout--> pending (next_attempt_at, backoff) ... failed
                          '--5xx--> failed (the error is shown on the outbox page)

The claim is one conditional UPDATE (`... WHERE status = 'pending'`): on PostgreSQL a concurrent claimer waits for
the row lock and then finds the status changed; on SQLite writers are serialised. Whoever gets rowcount 1 sends.

A worker keeps its claims alive while it holds them: a heartbeat thread writes `claimed_at` again every quarter of
PORTAL_MAIL_CLAIM_TIMEOUT (30 s) for the rows it still means to send, whatever a single SMTP exchange takes. A worker
killed mid-send stops beating and leaves its rows "sending"; once a claim has gone PORTAL_MAIL_CLAIM_TIMEOUT seconds
without a beat, the frequent pass (every minute) takes it back and sends again: a killed batch is resent within a
minute or two, not after a fixed ten minutes. That is at-least-once delivery: a kill after the SMTP server accepted the message but
before the row was marked sent gives one duplicate, with the same Message-ID (tests/reliability measure it).
Nothing is ever lost in exchange: the ledger, not the broker, holds what is still to send.

A worker sends in batches (issue 7: one claim, one SMTP connection and one read of the items for up to BATCH_SIZE
emails): the task for one email claims it and, in the same transaction, the oldest other emails waiting
(`SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never wait for each other or take the same row), then sends
them one by one over one connection, marking each sent as soon as the server has taken it. The messages queued for
the others find them done and do nothing. A batch stops taking new sends after batch_seconds() and gives the rest
back, well inside the task's time limit.
"""
from __future__ import annotations

import datetime
import logging
import smtplib
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import connections
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .messages import build_message
from .models import Notification, OutgoingEmail
from . import queue

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


class TransientMailError(Exception):
    """The SMTP server could not take the message now; try again in `retry_in` seconds."""

    def __init__(self, message: str, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def backoff(attempt: int) -> float:
    """Seconds before attempt number `attempt` + 1: exponential, capped."""
    return min(settings.PORTAL_MAIL_RETRY_MAX, settings.PORTAL_MAIL_RETRY_BASE * 2 ** max(0, attempt - 1))


def claim(email_id: int, now: datetime.datetime | None = None) -> OutgoingEmail | None:
    """Take the email for sending, or None when it is gone, done, or in another worker's hands."""
    now = now or timezone.now()
    taken = OutgoingEmail.objects.filter(_claimable(now), pk=email_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return OutgoingEmail.objects.select_related("recipient", "recipient_unit").get(pk=email_id)


BATCH_SIZE = 20


def batch_seconds() -> float:
    """How long a batch keeps starting new sends: well inside the task's time limit (its claims stay alive by the
    heartbeat however long it runs)."""
    return settings.PORTAL_MAIL_TASK_TIME_LIMIT / 2


class Heartbeat:
    """While a worker holds claims, a thread writes their `claimed_at` again every quarter of the claim timeout, so
    that only the claims of a worker that died grow old enough to be taken back (`_claimable`). Each row is beaten
    only while it is still "sending" with this claim's attempt number: a row finished, given back or taken over
    is left alone. The thread has its own database connection, closed when it stops."""

    def __init__(self, emails: list[OutgoingEmail]):
        self.claims = Q(pk__in=[])
        for email in emails:
            self.claims |= Q(pk=email.pk, attempts=email.attempts)
        self.every = settings.PORTAL_MAIL_CLAIM_TIMEOUT / 4
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="portal-claim-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=self.every + 30)

    def _beat(self):
        try:
            while not self.stopped.wait(self.every):
                try:
                    OutgoingEmail.objects.filter(self.claims, status=Status.SENDING).update(claimed_at=timezone.now())
                except Exception:  # noqa: BLE001 - a missed beat is made up by the next; the claims stay valid a while
                    logger.warning("Could not refresh the claims of a batch", exc_info=True)
        finally:
            connections.close_all()


def _claimable(now: datetime.datetime) -> Q:
    return (
        Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=Status.SENDING, claimed_at__lt=now - queue.claim_timeout())


def claim_batch(email_id: int, size: int = BATCH_SIZE, now: datetime.datetime | None = None) -> list[OutgoingEmail]:
    """Take this email (when it can be taken) and up to `size` - 1 other pending ones, in one transaction.

    This email's row lock is waited for, as `claim` does (the planner may be adding a notice to it); the others
    are taken only if nobody holds them (SKIP LOCKED), so the one wait happens while holding nothing and two
    batches never deadlock. On SQLite the write transaction serialises claimers instead.
    """
    now = now or timezone.now()
    claimable = OutgoingEmail.objects.filter(_claimable(now))
    with transaction.atomic():
        own = list(claimable.filter(pk=email_id).select_for_update().values_list("pk", flat=True))
        others = list(
            claimable.filter(status=Status.PENDING).exclude(pk=email_id).order_by("pk")
            .select_for_update(skip_locked=True).values_list("pk", flat=True)[: max(0, size - len(own))]
        ) if size > 1 else []
        taken = own + others
        if not taken:
            return []
        OutgoingEmail.objects.filter(pk__in=taken).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        emails = {e.pk: e for e in OutgoingEmail.objects.select_related("recipient", "recipient_unit")
                  .filter(pk__in=taken)}
    return [emails[pk] for pk in taken]


def release(emails: list[OutgoingEmail]) -> list[int]:
    """Give back claims this worker will not use (as if never claimed), and hand them to the workers again."""
    given_back = []
    for email in emails:
        if OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING, attempts=email.attempts).update(
            status=Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
        ):
            given_back.append(email.pk)
    queue.enqueue(given_back)
    return given_back


def _finish(email: OutgoingEmail, *, status: str, item_status: str | None = None, item_ids=(), **fields) -> bool:
    """Record the outcome of this claim; False when another worker took the claim back meanwhile.

    With a final outcome (`item_status` given) the rows the message told take that status, and rows it left out
    (reminders about a task closed meanwhile) are marked skipped.
    """
    now = timezone.now()
    if db_connection.vendor == "postgresql":
        updated = _finish_in_one_statement(email, status, item_status, item_ids, fields, now)
    else:
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


def _finish_in_one_statement(email, status, item_status, item_ids, fields, now) -> int:
    """_finish on PostgreSQL: the email and its ledger rows in one statement (two data-modifying CTEs, atomic by
    themselves), one round trip instead of four (BEGIN, two UPDATEs, COMMIT). It runs once per message sent: 0.7 ms
    against the ORM transaction's 1.9 ms (CPU 0.24 against 1.04 ms), measured on PostgreSQL at 100,000 tasks
    (docs/benchmarks.md, round 3). Only quoted column and table names from the models and "%s" placeholders are
    formatted into the SQL; every value is a parameter."""
    qn = db_connection.ops.quote_name
    email_meta, item_meta = OutgoingEmail._meta, Notification._meta
    sets, params = [], []
    for name, value in {"status": status, **fields}.items():
        field = email_meta.get_field(name)
        sets.append(f"{qn(field.column)} = %s")
        params.append(field.get_db_prep_save(value, db_connection))
    pk, state, attempts = (qn(email_meta.get_field(name).column) for name in ("id", "status", "attempts"))
    sql = (
        f"WITH email AS (UPDATE {qn(email_meta.db_table)} SET {', '.join(sets)} "  # nosec B608
        f"WHERE {pk} = %s AND {state} = %s AND {attempts} = %s RETURNING {pk})"
    )
    params += [email.pk, Status.SENDING, email.attempts]
    if item_status:
        item_pk, item_state, item_email, item_sent_at = (
            qn(item_meta.get_field(name).column) for name in ("id", "status", "email", "sent_at")
        )
        sql += (
            f", items AS (UPDATE {qn(item_meta.db_table)} "  # nosec B608
            f"SET {item_state} = CASE WHEN {item_pk} = ANY(%s) THEN %s ELSE %s END, {item_sent_at} = %s "
            f"WHERE {item_email} = %s AND {item_state} = %s RETURNING 1)"
        )
        params += [[int(pk_) for pk_ in item_ids], item_status, Notification.Status.SKIPPED, now, email.pk,
                   Notification.Status.PENDING]
    with db_connection.cursor() as cursor:
        cursor.execute(sql + " SELECT count(*) FROM email", params)  # nosec B608 (see above)
        return cursor.fetchone()[0]


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


@dataclass
class Outcome:
    status: str
    email_id: int
    detail: str = ""
    retry_in: float | None = None


def deliver(email_id: int, *, connection=None) -> Outcome:
    """Claim, render, send and mark one email. Raises TransientMailError when it should be tried again later."""
    email = claim(email_id)
    if email is None:
        return Outcome("not_claimed", email_id)
    backend = connection or get_connection(fail_silently=False)
    opened_here = [False]
    try:
        with Heartbeat([email]):
            return _send_claimed(email, backend, opened_here=opened_here)
    finally:
        if opened_here[0]:
            _close_quietly(backend)


def deliver_batch(email_id: int, *, size: int = BATCH_SIZE) -> list[Outcome]:
    """Claim this email and up to `size` - 1 others waiting (claim_batch), send them over one SMTP connection, each
    marked as soon as the server has taken it. A transient failure defers that email alone (its outcome is
    "deferred", with `retry_in`) and the next one goes over a fresh connection. The first outcome is this email's
    ("not_claimed" when it was gone, done or in other hands)."""
    emails = claim_batch(email_id, size)
    outcomes = [] if emails and emails[0].pk == email_id else [Outcome("not_claimed", email_id)]
    if not emails:
        return outcomes
    rows = defaultdict(list)
    for row in Notification.objects.filter(email__in=[e.pk for e in emails]).select_related("task").order_by(
        "task_id", "id"
    ):
        rows[row.email_id].append(row)
    backend = get_connection(fail_silently=False)
    stop_at = time.monotonic() + batch_seconds()
    try:
        with Heartbeat(emails):
            for position, email in enumerate(emails):
                if position and time.monotonic() > stop_at:
                    release(emails[position:])
                    outcomes += [Outcome("released", e.pk) for e in emails[position:]]
                    break
                try:
                    outcomes.append(_send_claimed(email, backend, rows=rows.get(email.pk, [])))
                except TransientMailError as exc:
                    outcomes.append(Outcome("deferred", email.pk, str(exc), retry_in=exc.retry_in))
    finally:
        _close_quietly(backend)
    return outcomes


def _send_claimed(email: OutgoingEmail, backend, *, rows=None, opened_here=None) -> Outcome:
    """Render, send and mark an email this worker has claimed, over `backend` (opened if it is not)."""
    try:
        message, item_ids = build_message(email, rows=rows)
    except Exception as exc:  # noqa: BLE001 - a broken template must show in the outbox, not loop for ever
        logger.exception("Could not render email %s", email.pk)
        _finish(email, status=Status.FAILED, item_status=Notification.Status.FAILED,
                item_ids=email.items.values_list("pk", flat=True), last_error=describe(exc), next_attempt_at=None)
        return Outcome("failed", email.pk, describe(exc))
    if message is None:
        _finish(email, status=Status.SKIPPED, item_status=Notification.Status.SKIPPED, item_ids=item_ids,
                last_error="", next_attempt_at=None)
        return Outcome("skipped", email.pk, "nothing left to tell")
    try:
        if backend.open() and opened_here is not None:  # True only when it opened a new connection
            opened_here[0] = True
        backend.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - sorted below into final and worth-retrying
        # The server may have dropped the connection: whatever is sent next opens a fresh one.
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
    # Marked sent before the QUIT exchange (and before the next message of a batch): the window in which a killed
    # worker doubles a message is only the time between the server's 250 and this commit.
    _finish(email, status=Status.SENT, item_status=Notification.Status.SENT, item_ids=item_ids,
            sent_at=timezone.now(), last_error="", next_attempt_at=None, subject=message.subject[:255],
            to_address=message.to[0])
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
        transaction.on_commit(lambda: queue.enqueue([email.pk]))
