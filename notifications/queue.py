"""Handing emails to the workers, and taking back what was lost on the way.

The broker may be down or frozen: a web request or a sweep must not fail or hang for it. Every publish is bounded on
the wall clock (publish_within) and never raises; what could not be handed over stays pending in the database, and
the frequent pass (portal.send_pending_notifications) hands it over again (due_for_sending). Tasks are published by
their names, so this module needs nothing of the Celery tasks that call it.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from concurrent.futures import TimeoutError as FutureTimeout

from celery import current_app
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.broker import publisher_pool

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status
# Published by name (nothing here imports the Celery tasks, which import this module) and, as
# CELERY_TASK_IGNORE_RESULT says for every task, without a result: send_task would otherwise subscribe the publisher
# to a result channel on Redis, and during an outage its threads then retry that for ~20 s each.
SEND_DIGEST = "portal.send_digest"
SEND_PENDING = "portal.send_pending_notifications"


def claim_timeout() -> datetime.timedelta:
    """A claim not refreshed by its worker's heartbeat for this long is presumed lost with the worker."""
    return datetime.timedelta(seconds=settings.PORTAL_MAIL_CLAIM_TIMEOUT)


def requeue_after() -> datetime.timedelta:
    """An email handed to the workers this long ago and still pending is presumed lost with its message (a killed
    worker's prefetched messages, a broker restart) and handed over again."""
    return datetime.timedelta(seconds=settings.PORTAL_MAIL_REQUEUE_AFTER)


def enqueue(email_ids: Iterable[int]) -> int:
    """Hand these emails to the workers (a message each). A broker outage is survivable: the rows stay pending and
    the next sweep hands them over again, so this never raises, never waits long, and stops at the first failure.

    The messages go out over one producer connection, in the publishing thread; the wait is bounded by progress:
    it gives up once PORTAL_BROKER_PUBLISH_TIMEOUT passes without a message taken (2,000 messages one publish call
    each took ~4 s on a busy machine: issue 7).
    """
    email_ids = list(email_ids)
    if not email_ids:
        return 0
    published: list[int] = []

    def publish_all():
        with current_app.producer_or_acquire() as producer:
            for email_id in email_ids:
                current_app.send_task(SEND_DIGEST, args=(email_id,), retry=False, ignore_result=True,
                                      producer=producer)
                published.append(email_id)

    future = publisher_pool().submit(publish_all)
    # Zero taken in the first interval is already "no progress": a frozen broker costs one timeout, not two.
    taken_before = 0
    while True:
        try:
            future.result(timeout=settings.PORTAL_BROKER_PUBLISH_TIMEOUT)
            break
        except FutureTimeout:
            if len(published) == taken_before:
                logger.warning("The broker stopped taking emails (%d of %d handed over); the sweep will hand the "
                               "rest over again.", len(published), len(email_ids))
                break
            taken_before = len(published)
        except Exception:  # noqa: BLE001 - any broker error is survivable: the ledger keeps the work
            logger.warning("Could not hand over every email (%d of %d); the sweep will hand the rest over again.",
                           len(published), len(email_ids), exc_info=True)
            break
    handed_over = list(published)
    if handed_over:
        OutgoingEmail.objects.filter(pk__in=handed_over).update(enqueued_at=timezone.now())
    return len(handed_over)


def due_for_sending(now: datetime.datetime | None = None):
    """Emails that should be in a worker's hands and may not be: never handed over, handed over long ago (the
    message was lost with a killed worker or a broker restart), due for a retry, or claimed by a worker that
    has not finished within the claim timeout."""
    now = now or timezone.now()
    waiting = (
        Q(status=Status.PENDING)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after()))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )
    abandoned = Q(status=Status.SENDING, claimed_at__lt=now - claim_timeout())
    return OutgoingEmail.objects.filter(waiting | abandoned)


def requeue(now: datetime.datetime | None = None) -> int:
    return enqueue(list(due_for_sending(now).order_by("pk").values_list("pk", flat=True)))
