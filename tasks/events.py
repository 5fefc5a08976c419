"""What happens to a task that the units and the office should hear about.

A service announces an event inside its transaction (`announce`); the notifications app listens to `task_event`
and writes its ledger (notifications.ledger), which is how tasks tell people without importing the app that tells
them: the arrow runs notifications → tasks.

Who hears an event: the units named with it (`units`), or by default the lead unit's members for a decision on the
unit's work, and whoever decides on the task (tasks.policy.deciders) for a proposal or a request.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from .choices import CONFIRM_COMPLETION, TaskStatus


class TaskEvent(models.TextChoices):
    ASSIGNED = "assigned", _("Được giao nhiệm vụ")
    # The events that move a task into a state carry that state's name (tasks.choices), so an email, the bell and
    # the task's badge say the same words.
    COMPLETION_PROPOSED = "completion_proposed", TaskStatus.PROPOSED.label
    COMPLETION_APPROVED = "completion_approved", CONFIRM_COMPLETION
    COMPLETION_RETURNED = "completion_returned", TaskStatus.RETURNED.label
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
    EXTENSION_APPROVED = "extension_approved", _("Đồng ý gia hạn")
    EXTENSION_REFUSED = "extension_refused", _("Không đồng ý gia hạn")
    LEAD_CHANGED = "lead_changed", _("Thay đổi đơn vị chủ trì")
    CANCELLED = "cancelled", _("Hủy nhiệm vụ")
    DELEGATED = "delegated", _("Giao lại cho đơn vị cấp dưới")


# Told to whoever decides on the task (the office, or for a delegated task the parent lead's leaders).
FOR_DECIDERS = frozenset({TaskEvent.COMPLETION_PROPOSED, TaskEvent.EXTENSION_REQUESTED})

# Sent with task=<Task>, event=<TaskEvent>, units=<list of Unit, or None for the event's default audience>.
task_event = Signal()


def announce(task, event: TaskEvent, *, units: Iterable | None = None) -> None:
    task_event.send(sender=type(task), task=task, event=event, units=None if units is None else list(units))
