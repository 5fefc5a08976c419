"""Handing work to the Celery workers from a web request or a sweep, without ever hanging on the broker.

The broker may be down or frozen: a request must answer whatever it does. Every publish here is bounded on the wall
clock (publish_within) and never raises; the caller keeps the work in the database and decides what a publish that
was not taken means (the outbox hands its emails over again later; an export job says so to the person). Tasks are
published by their names, so the modules that publish need nothing of the Celery tasks that call them.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)

_publisher: ThreadPoolExecutor | None = None
_publisher_pid: int | None = None


def publisher_pool() -> ThreadPoolExecutor:
    """The threads that talk to the broker, so that the caller can stop waiting for them."""
    global _publisher, _publisher_pid
    if _publisher is None or _publisher_pid != os.getpid():  # a thread pool does not survive a fork
        _publisher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="portal-publish")
        _publisher_pid = os.getpid()
    return _publisher


def publish_within(publish, *, what: str) -> bool:
    """Run `publish` (an apply_async) and wait for it at most PORTAL_BROKER_PUBLISH_TIMEOUT seconds.

    The broker settings bound each socket operation, but a publish may take several of them (a health-check PING,
    a reconnect, the command itself) when Redis is frozen rather than down. A web request must answer whatever
    the broker does, so the wait is bounded here, on the wall clock. A publish given up on may still complete
    later: that hands the same work over twice, which the callers make harmless (a claim, a state checked first).
    """
    future = publisher_pool().submit(publish)
    try:
        future.result(timeout=settings.PORTAL_BROKER_PUBLISH_TIMEOUT)
    except FutureTimeout:
        logger.warning("The broker did not take %s in time.", what)
        return False
    except Exception:  # noqa: BLE001 - any broker error is survivable: the caller keeps the work
        logger.warning("Could not hand over %s.", what, exc_info=True)
        return False
    return True


def publish(task_name: str, *, what: str, **options) -> bool:
    """Publish a Celery task by name (publish_within's bounded wait); False when the broker did not take it."""
    return publish_within(lambda: current_app.send_task(task_name, retry=False, ignore_result=True, **options),
                          what=what)
