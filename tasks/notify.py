"""Writing the notification ledger: rows first (inside the caller's transaction), sending after commit.

A row is unique per (task, recipient, kind, due date): writing the same notice twice is a no-op, which is what
makes a retried service, a second beat or a re-run of the sweep harmless.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from . import roles
from .models import Assignment, Membership, Notification, Task, Unit, local_today

logger = logging.getLogger(__name__)
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


def members_of(units: Iterable[Unit], *, role: str | None = None):
    memberships = Membership.objects.filter(unit__in=list(units), user__is_active=True)
    if role:
        memberships = memberships.filter(role=role)
    return User.objects.filter(pk__in=memberships.values("user_id"))


def unit_members(task: Task, kind: str, units: Iterable[Unit]) -> int:
    return record(task, kind, members_of(units))


def lead_unit(task: Task, kind: str) -> int:
    units = Unit.objects.filter(assignments__task=task, assignments__role=Assignment.Role.LEAD)
    return record(task, kind, members_of(units))


def office_users():
    return User.objects.filter(is_active=True, groups__name=roles.OFFICE_GROUP).distinct()


def deciders(task: Task, kind: str) -> int:
    """Whoever decides on this task: the office, or for a delegated sub-task the parent lead's leaders."""
    if task.parent_id:
        units = Unit.objects.filter(assignments__task_id=task.parent_id, assignments__role=Assignment.Role.LEAD)
        return record(task, kind, members_of(units, role=Membership.Role.LEADER))
    return record(task, kind, office_users())


def dispatch_on_commit():
    """Ask a worker to send what is pending, once the rows are committed (never from inside the transaction)."""
    transaction.on_commit(_enqueue_send)


def _enqueue_send():
    # The broker may be down: the web request must not fail or hang. The daily sweep sends whatever is
    # still pending, so a lost enqueue only delays a notice.
    from .celery_tasks import send_pending_notifications
    from .mail import publish_within

    publish_within(lambda: send_pending_notifications.apply_async(retry=False), what="the notification sender")
