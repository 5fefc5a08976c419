"""The frequent pass ("send pending", every few minutes from beat, and after every service that wrote notices).

It plans today's digests for notices written during the day (tasks.reminders.plan_events) and hands to the workers
every email that should be in their hands and may not be (tasks.mail.due_for_sending): never handed over, lost
with a killed worker or a restarted broker, due for a retry, or claimed too long ago. It is what makes a broker
outage or a dead worker delay a reminder without losing it.
"""
from __future__ import annotations

from . import mail, reminders


def send_pending() -> dict:
    planned = reminders.plan_events()
    handed_over = mail.requeue()
    return {"planned": len(planned), "enqueued": handed_over}
