"""What a person changes in their notifications: notices marked read, the daily digest turned on or off.

Keyword-only, one transaction each. A person only ever marks their own notices about tasks they may see
(notifications.selectors.inbox): an id from elsewhere changes nothing.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationPreference
from .selectors import inbox


@transaction.atomic
def mark_notification_read(*, user, pk: int) -> bool:
    """Mark one notice read; False when it is not one of the person's unread notices."""
    return _mark_read(inbox(user).filter(pk=pk)) > 0


@transaction.atomic
def mark_all_notifications_read(*, user) -> int:
    """Mark every notice of the person's inbox read; returns how many were unread."""
    return _mark_read(inbox(user))


def _mark_read(notices) -> int:
    unread = notices.filter(read_at__isnull=True)
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())


@transaction.atomic
def set_email_digest(*, user, enabled: bool) -> NotificationPreference:
    """Turn the daily digest on or off (overdue notices are sent whatever the choice)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_digest": enabled})
    return preference
