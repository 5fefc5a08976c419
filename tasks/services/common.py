"""What every task service shares: the row lock with its version check, the versioned save that writes the
history entry, the title made from a directive's text, the search key kept beside the task, what "done" writes,
and the parent's progress that follows its children."""
from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from units.models import Unit

from ..models import Assignment, Review, Task
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

    A plain UPDATE: derived data, so no version bump and no history entry. Every service that changes those
    fields calls it; so must any other writer of them (a data import)."""
    lead = task.assignments.filter(role=Assignment.Role.LEAD).values_list("unit__name", "unit__short_name").first()
    task.search_text = task_search_text(
        title=task.title, description=task.description, deadline_text=task.deadline_text,
        lead_unit_names=tuple(lead or ()),
    )
    Task.objects.filter(pk=task.pk).update(search_text=task.search_text)


def completion_time(task: Task) -> datetime.datetime:
    """When a task confirmed done now counts as done: when its lead unit proposed it, if a proposal is waiting (the
    office's review time must not make a unit late), else now."""
    pending = task.reviews.filter(outcome=Review.Outcome.PENDING) if task.pk else Review.objects.none()
    return pending.values_list("proposed_at", flat=True).first() or timezone.now()


def mark_done(task: Task, *, at: datetime.datetime) -> None:
    """Done means a completion time and 100 % (the caller saves the task)."""
    task.status = Task.Status.DONE
    task.completed_at = at
    task.progress = 100


def close_review(review: Review, *, user, outcome: str, comment: str = "") -> None:
    review.outcome = outcome
    review.reviewer = user
    review.reviewed_at = timezone.now()
    review.comment = comment
    review._history_user = user
    review.save(update_fields=["outcome", "reviewer", "reviewed_at", "comment"])


def roll_up_progress(task: Task, user) -> None:
    """A parent's progress follows its children's average while it has children (a sub-unit's report moves it)."""
    parent = task.parent if task.parent_id else None
    if parent is None:
        return
    children = list(parent.children.exclude(status=Task.Status.CANCELLED).values_list("status", "progress"))
    if not children:
        return
    average = round(sum(100 if status == Task.Status.DONE else progress for status, progress in children)
                    / len(children))
    parent = Task.objects.select_for_update().get(pk=parent.pk)
    if average > parent.progress:
        parent.progress = average
        save_version(parent, user=user, reason=_("Cập nhật tiến độ từ đơn vị cấp dưới"), fields=["progress"])
