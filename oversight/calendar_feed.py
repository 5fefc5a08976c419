"""Personal calendar feeds: the deadlines of the tasks a person may see, as an iCalendar (.ics) subscription.

Calendar clients (Outlook, Thunderbird, Google Calendar) cannot log in, so the feed lives at a secret address,
/calendar/<token>.ics. The token is `<random>.<signature>`: the random part is stored (CalendarToken.token), the
signature is an HMAC of it under SECRET_KEY. The page can therefore show the address again whenever the person
asks, yet the database alone does not hold a working address. Regenerating stores a new random part, so the old
address finds no row and answers 404, exactly like an unknown one.

Confidentiality (DESIGN.md): an event carries the task's title, its deadline and a link back, never report text,
descriptions or attachments. What the person may see is decided by tasks.access.visible_tasks, as everywhere.
"""
from __future__ import annotations

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.names import comrade
from tasks.access import visible_tasks
from tasks.models import Task

from .models import CalendarToken

_SIGNER_SALT = "tasks.calendar-feed"


def _signer() -> signing.Signer:
    # "." keeps the whole token URL-safe; Signer also accepts SECRET_KEY_FALLBACKS, so a key rotation with
    # fallbacks keeps feeds working until the old key is dropped.
    return signing.Signer(salt=_SIGNER_SALT, sep=".")


def feed_token(calendar_token: CalendarToken) -> str:
    """The token as it appears in the URL."""
    return _signer().sign(calendar_token.token)


def feed_url(calendar_token: CalendarToken) -> str:
    """The absolute address to paste into a calendar client."""
    return settings.SITE_URL + reverse("oversight:calendar_feed", kwargs={"token": feed_token(calendar_token)})


@transaction.atomic
def regenerate_token(*, user) -> CalendarToken:
    """Give the person a new secret address (creating the first one, or replacing the old one)."""
    calendar_token, _created = CalendarToken.objects.select_for_update().get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(24)}
    )
    if not _created:
        calendar_token.token = secrets.token_urlsafe(24)
        calendar_token.created_at = timezone.now()
        calendar_token.save(update_fields=["token", "created_at"])
    return calendar_token


def revoke_token(*, user) -> None:
    CalendarToken.objects.filter(user=user).delete()


def user_for_token(token: str):
    """The active person whose feed this is, or None (bad signature, unknown or replaced token, inactive)."""
    try:
        random_part = _signer().unsign(token)
    except signing.BadSignature:
        return None
    found = CalendarToken.objects.select_related("user").filter(token=random_part).first()
    if found is None or not found.user.is_active:
        return None
    return found.user


def feed_tasks(user):
    """The tasks in the feed: open tasks with a deadline that the person may see.

    A completed or cancelled task leaves the calendar; ongoing tasks (no deadline) have no date to show.
    """
    return (
        visible_tasks(user)
        .filter(status__in=Task.OPEN_STATUSES, deadline__isnull=False)
        .order_by("deadline", "id")
        .only("id", "title", "deadline", "updated_at")
    )


def build_calendar(user) -> bytes:
    """The person's feed as iCalendar bytes: one all-day event per task, on its current deadline."""
    site = settings.SITE_URL
    host = urlsplit(site).hostname or "portal"
    cal = Calendar()
    cal.add("prodid", "-//Tinh uy Hau Giang//Theo doi thuc hien chi dao//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = _("Hạn xử lý nhiệm vụ của %(name)s") % {"name": comrade(user)}
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # Clients that honour these poll hourly instead of daily.
    cal.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for task in feed_tasks(user):
        link = site + task.get_absolute_url()
        event = Event()
        # Stable per task: a moved deadline moves the event instead of adding a second one.
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("summary", task.title)
        event.add("dtstart", task.deadline)  # a date, so icalendar writes DTSTART;VALUE=DATE
        event.add("dtend", task.deadline + datetime.timedelta(days=1))
        event.add("dtstamp", task.updated_at)
        event.add("last-modified", task.updated_at)
        event.add("url", link)
        event.add("description", _("Hạn xử lý nhiệm vụ. Xem chi tiết: %(link)s") % {"link": link})
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
