"""Celery tasks: thin wrappers over the services of this app, named explicitly, taking ids, safe to run twice.

Each task fetches what it needs again from the database and returns quietly when it is gone or already done;
**kwargs lets old and new code read each other's messages during a deploy. No deadline is ever an ETA or a
countdown: beat runs the sweeps and the dates live in the database. The only countdown is the short backoff of
an SMTP retry, well inside the broker's visibility timeout.
"""
import datetime

from celery import shared_task
from django.conf import settings

from core.broker import publish_within
from units.models import Unit

from . import delivery, queue, sweep


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@shared_task(name="portal.ping")
def ping(**kwargs):
    """A round trip through the broker, a worker and the database (used by health checks and tests)."""
    return {"pong": True, "units": Unit.objects.count()}


@shared_task(name="portal.daily_sweep")
def daily_sweep(day=None, **kwargs):
    """Write the ledger rows for a day (today in Asia/Ho_Chi_Minh by default) and plan and hand over its digests."""
    result = sweep.sweep(_day(day))
    return {"day": result.day.isoformat(), "written": result.reminders_written, "emails": len(result.emails_planned)}


@shared_task(name=queue.SEND_PENDING)
def send_pending_notifications(**kwargs):
    """The frequent pass (every few minutes from beat, and after every service that wrote notices): plan today's
    notices into digests (sweep.plan_events) and hand the workers every email that should be in their hands and may
    not be (queue.due_for_sending): never handed over, lost with a killed worker or a restarted broker, due for a
    retry, or claimed too long ago. It is what makes a broker outage or a dead worker delay a reminder without
    losing it."""
    planned = sweep.plan_events()
    return {"planned": len(planned), "enqueued": queue.requeue()}


@shared_task(
    bind=True, name=queue.SEND_DIGEST, soft_time_limit=settings.PORTAL_MAIL_TASK_TIME_LIMIT,
    time_limit=settings.PORTAL_MAIL_TASK_TIME_LIMIT + 30,
)
def send_digest(self, email_id, **kwargs):
    """Send one OutgoingEmail (a daily digest or a weekly summary), and with it up to delivery.BATCH_SIZE - 1 others
    waiting, over one SMTP connection (their own messages then find them done). A message for an email already
    sent, failed or in another worker's hands sends only what else is waiting. A transient SMTP error retries
    that email with exponential backoff; the row keeps its own count of attempts and turns failed after
    PORTAL_MAIL_MAX_ATTEMPTS."""
    outcomes = delivery.deliver_batch(email_id)
    own, others = outcomes[0], outcomes[1:]
    for outcome in others:
        if outcome.status == "deferred":
            # If the broker is gone, the row is pending with next_attempt_at and the sweep hands it over again.
            publish_within(
                lambda email=outcome.email_id, delay=outcome.retry_in: send_digest.apply_async(
                    (email,), countdown=delay, retry=False),
                what=f"the retry of email {outcome.email_id}",
            )
    if own.status == "deferred":
        exc = delivery.TransientMailError(own.detail, own.retry_in)
        # If the broker is gone too, the retry cannot be published: the row is pending with next_attempt_at and
        # the sweep hands it over again.
        raise self.retry(countdown=own.retry_in, max_retries=None, exc=exc)
    return {"status": own.status, "email": own.email_id, "batch": sum(o.status != "not_claimed" for o in outcomes)}


@shared_task(name="portal.weekly_summary")
def weekly_summary(day=None, **kwargs):
    """On the first working day of a week: the escalations and the summary for the office and the standing
    committee (beat calls it every working morning; other days it does nothing)."""
    return {"emails": len(sweep.weekly_summary(_day(day)))}
