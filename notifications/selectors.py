"""What a person reads of the notification ledger: their inbox, the bell's count, their email choice.

A person sees their own notices, due by today, about tasks they may still see (tasks.access): the inbox, the bell
and the services that mark notices read (notifications.services) all start from `inbox`.
"""
from __future__ import annotations

from core.dates import local_today
from tasks.access import visible

from .models import Notification, NotificationPreference


def _due_notices(user):
    """The inbox's rule: the person's own notices, due by today, about tasks they may still see."""
    return visible(Notification.objects.filter(recipient=user, due_on__lte=local_today()), user)


def inbox(user):
    """A person's notices, newest first."""
    return _due_notices(user).select_related("task").order_by("-due_on", "-created_at", "-id")


def unread_count(user) -> int:
    """The bell's number, on every page: the inbox's unread notices (counted without the inbox's ordering)."""
    if not (user and user.is_authenticated):
        return 0
    return _due_notices(user).filter(read_at__isnull=True).count()


def wants_email_digest(user) -> bool:
    """The daily digest is on unless the person turned it off."""
    chosen = NotificationPreference.objects.filter(user=user).values_list("email_digest", flat=True).first()
    return True if chosen is None else chosen
