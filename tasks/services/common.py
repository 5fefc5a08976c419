"""What every task service shares: the row lock with its version check, the versioned save that writes the
history entry, the title made from a directive's text, and the search key kept beside the task."""
from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.errors import ConflictError
from units.models import Unit

from ..models import Assignment, Task
from ..search import task_search_text

TITLE_LENGTH = 200


def lock(task: Task, expected_version: int | None = None) -> Task:
    """Re-read the task under a row lock; refuse if it changed since the form was shown."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("Nhiệm vụ vừa được người khác cập nhật. Vui lòng tải lại trang để xem thay đổi rồi thực hiện lại."),
            code="conflict",
        )
    return locked


def save_version(task: Task, *, user, reason: str, fields: Sequence[str]):
    task.version += 1
    task._history_user = user
    task._change_reason = reason
    task.full_clean(exclude=["directive", "parent", "created_by"], validate_unique=False,
                    validate_constraints=False)
    task.save(update_fields=[*fields, "version", "updated_at"])


def make_title(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TITLE_LENGTH:
        return text
    cut = text[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def assign(task: Task, unit: Unit, role: str, user) -> Assignment:
    assignment = Assignment(task=task, unit=unit, role=role)
    assignment._history_user = user
    assignment.save()
    return assignment


def refresh_search_text(task: Task) -> None:
    """Rebuild Task.search_text (the accent-free search key) after the title, description or lead changed.

    A plain UPDATE: derived data, so no version bump and no history entry. Call it from any other writer of
    those fields too (the admin's save_model, an import)."""
    lead = task.assignments.filter(role=Assignment.Role.LEAD).values_list("unit__name", "unit__short_name").first()
    task.search_text = task_search_text(
        title=task.title, description=task.description, deadline_text=task.deadline_text,
        lead_unit_names=tuple(lead or ()),
    )
    Task.objects.filter(pk=task.pk).update(search_text=task.search_text)
