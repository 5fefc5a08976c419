"""Celery tasks: thin wrappers over services, named explicitly, taking ids, safe to run twice."""
from celery import shared_task

from .models import Unit


@shared_task(name="portal.ping")
def ping(**kwargs):
    """A round trip through the broker, a worker and the database (used by health checks and tests)."""
    return {"pong": True, "units": Unit.objects.count()}


@shared_task(name="portal.send_pending_notifications")
def send_pending_notifications(**kwargs):
    """Send the notices that are due and still pending (implemented with the reminders, issue 4)."""
    from . import reminders_sender

    return reminders_sender.send_pending()
