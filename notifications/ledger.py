"""Writing the notification ledger for what happens to tasks: rows first (inside the caller's transaction), sending
after commit.

tasks.services announce their events (tasks.events); `on_task_event` turns each into one row per person told. A row
is unique per (task, recipient, kind, due date): writing the same notice twice is a no-op, which is what makes a
retried service, a second beat or a re-run of the sweep harmless.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from core.broker import publish
from core.dates import local_today
from tasks.events import FOR_DECIDERS
from tasks.models import Assignment, Task
from tasks.policy import deciders
from units.models import Membership, Unit

from .models import Notification
from .queue import SEND_PENDING

User = get_user_model()


def record(task: Task, kind: str, users: Iterable, *, due_on: datetime.date | None = None, detail: str = "") -> int:
    due_on = due_on or local_today()
    rows = [
        Notification(task=task, recipient=user, kind=kind, due_on=due_on, detail=detail[:500])
        for user in {u.pk: u for u in users}.values()
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    dispatch_on_commit()
    return len(rows)


def members_of(units: Iterable[Unit]):
    """The active members of these units."""
    memberships = Membership.objects.filter(unit__in=list(units), user__is_active=True)
    return User.objects.filter(pk__in=memberships.values("user_id"))


def on_task_event(sender, *, task: Task, event: str, units=None, **kwargs) -> None:
    """Who hears of an event (tasks.events): the units named with it, else whoever decides on the task for a
    proposal or a request, else the lead unit's members."""
    if units is not None:
        people = members_of(units)
    elif event in FOR_DECIDERS:
        people = deciders(task)
    else:
        people = members_of(Unit.objects.filter(assignments__task=task, assignments__role=Assignment.Role.LEAD))
    record(task, event, people)


def dispatch_on_commit():
    """Ask a worker to send what is pending, once the rows are committed (never from inside the transaction)."""
    transaction.on_commit(_enqueue_send)


def _enqueue_send():
    # The broker may be down: the web request must not fail or hang. The frequent pass sends whatever is still
    # pending, so a lost enqueue only delays a notice.
    publish(SEND_PENDING, what="the notification sender")
