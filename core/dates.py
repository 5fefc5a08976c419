"""Dates as the portal means them: "today" is the date in Asia/Ho_Chi_Minh (settings.TIME_ZONE), whatever the
server's clock zone, and a date is written dd/mm/yyyy."""
import datetime

from django.utils import timezone


def local_today() -> datetime.date:
    return timezone.localdate()


def dmy(value) -> str | None:
    """A date (or a datetime, in Asia/Ho_Chi_Minh) as dd/mm/yyyy, the way the office writes it."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
