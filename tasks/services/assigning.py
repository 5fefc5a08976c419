"""Giving out work: a task entered by hand or made from a directive, and the office's changes to it (its wording
and deadline, its lead unit, cancelling it, or all of a task at once on its admin page). Each service is one
transaction with a history entry; the units are told through tasks.events.

The office's actions in the portal and its edit in the admin share the steps below (_move_deadline, _move_lead,
_cancel, _complete), so a rule changed here holds in both."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError, require
from units.models import Unit
from units.selectors import units_of_groups

from .. import policy
from ..events import TaskEvent, announce
from ..models import Assignment, ExtensionRequest, Review, Task
from .common import (
    assign,
    close_review,
    completion_time,
    lock,
    make_title,
    mark_done,
    refresh_search_text,
    roll_up_progress,
    save_version,
)


@transaction.atomic
def create_task(
    *,
    created_by,
    title: str,
    lead_unit: Unit,
    coordinating_units: Iterable[Unit] = (),
    description: str = "",
    directive=None,
    deadline: datetime.date | None = None,
    deadline_text: str = "",
    report_cycle: str = "",
    parent: Task | None = None,
    check_permission: bool = True,
    event: TaskEvent = TaskEvent.ASSIGNED,
) -> Task:
    """Enter one task with its lead and coordinating units, and tell the units (`event`: how they hear of it;
    a task delegated to a sub-unit is DELEGATED)."""
    if check_permission:
        require(policy.can_create_task(created_by))
    # Read once (a generator would be empty when the units are told below), each unit once, never the lead.
    coordinating_units = list({unit.pk: unit for unit in coordinating_units if unit.pk != lead_unit.pk}.values())
    if not lead_unit.active:
        raise ServiceError(_("Đơn vị %(unit)s đã ngừng hoạt động.") % {"unit": lead_unit}, code="inactive_unit")
    task = Task(
        directive=directive, parent=parent, title=make_title(title), description=description,
        deadline=deadline, original_deadline=deadline, deadline_text=deadline_text[:255],
        report_cycle=_report_cycle(deadline, report_cycle), created_by=created_by,
    )
    task._history_user = created_by
    task._change_reason = _("Giao nhiệm vụ")
    task.full_clean(exclude=["directive", "parent", "created_by"])
    task.save()
    assign(task, lead_unit, Assignment.Role.LEAD, created_by)
    for unit in coordinating_units:
        assign(task, unit, Assignment.Role.COORDINATING, created_by)
    refresh_search_text(task)
    announce(task, event, units=[lead_unit, *coordinating_units])
    return task


@transaction.atomic
def create_tasks_for_directive(
    *,
    directive,
    created_by,
    lead_units: Sequence[Unit] = (),
    coordinating_units: Sequence[Unit] = (),
    group_keys: Sequence[str] = (),
    deadline: datetime.date | None = None,
    deadline_text: str = "",
    report_cycle: str = "",
    check_permission: bool = True,
) -> list[Task]:
    """Turn one directive into tasks.

    A named lead gives one task with that lead and its coordinating units. A directive addressed to a group
    ("cấp ủy, chính quyền, các cơ quan, đơn vị") gives one task per unit of the group, each unit its own lead.
    Several named leads ("X và Y chủ trì") are each accountable for a task of their own.
    """
    if check_permission:
        require(policy.can_create_task(created_by))
    common = dict(
        # The task is named by the directive's short title (what lists show); its full text is the description.
        created_by=created_by, title=directive.title, description=directive.text, directive=directive,
        deadline=deadline, deadline_text=deadline_text or directive.deadline_text, report_cycle=report_cycle,
        check_permission=False,
    )
    # Named leads and every unit of the named groups each lead their own task; a unit named as coordinating
    # is not also made a lead by its group.
    coordinating = list(coordinating_units)
    leads: list[Unit] = []
    for unit in [*lead_units, *units_of_groups(group_keys)]:
        if unit not in leads and (unit not in coordinating or unit in lead_units):
            leads.append(unit)
    if not leads:
        raise ServiceError(
            _("Nội dung chỉ đạo chưa có đơn vị chủ trì: hãy chọn đơn vị hoặc nhóm đơn vị."), code="no_lead"
        )
    return [
        create_task(lead_unit=lead, coordinating_units=[u for u in coordinating if u != lead], **common)
        for lead in leads
    ]


@transaction.atomic
def change_lead(*, task: Task, user, unit: Unit, expected_version: int | None = None) -> Task:
    task = lock(task, expected_version)
    require(policy.is_office(user))
    current = _lead_assignment(task)
    if current.unit_id == unit.pk:
        raise ServiceError(_("%(unit)s đã là đơn vị chủ trì.") % {"unit": unit}, code="same")
    former = _move_lead(task, user, current, unit)
    save_version(task, user=user, reason=_lead_moved(former, unit), fields=[])
    refresh_search_text(task)
    # Both are told: the new lead takes the task over, the former one is no longer accountable for it.
    announce(task, TaskEvent.LEAD_CHANGED, units=[unit, former])
    return task


@transaction.atomic
def cancel_task(*, task: Task, user, reason: str, expected_version: int | None = None) -> Task:
    task = lock(task, expected_version)
    require(policy.is_office(user))
    _cancel(task, reason)
    save_version(task, user=user, reason=_cancelled(reason), fields=["status", "cancel_reason"])
    announce(task, TaskEvent.CANCELLED)
    return task


@transaction.atomic
def update_task(
    *, task: Task, user, expected_version: int, title: str, description: str,
    deadline: datetime.date | None, report_cycle: str = "",
) -> Task:
    """The office edits a task's wording or deadline directly (the first deadline is kept)."""
    task = lock(task, expected_version)
    require(policy.is_office(user))
    task.title = make_title(title)
    task.description = description
    _move_deadline(task, deadline, report_cycle)
    save_version(task, user=user, reason=_("Văn phòng cập nhật nhiệm vụ"),
                 fields=["title", "description", "deadline", "original_deadline", "report_cycle"])
    refresh_search_text(task)
    return task


# What the office may set by hand on a task's admin page, besides its status and its units.
EDITABLE_FIELDS = frozenset({
    "title", "description", "directive", "parent", "deadline", "original_deadline", "deadline_text",
    "report_cycle", "progress", "completed_at", "cancel_reason",
})


@transaction.atomic
def edit_task(
    *, task: Task, user, changes: Mapping[str, Any], lead_unit: Unit | None = None,
    coordinating_units: Iterable[Unit] | None = None, expected_version: int | None = None,
) -> Task:
    """The office's edit of a whole task at once (its admin page): fields, status, lead and coordinating units.

    `changes` holds the values the office wants (EDITABLE_FIELDS and `status`); a value equal to the task's is no
    change, so a form passes all of its fields. `lead_unit` and `coordinating_units` are the task's units
    afterwards (None: as they are). Each part keeps the rule of the portal's own action and tells whom that
    action tells: the first deadline is kept; the lead moves only on an open task, to an active unit, and both
    units hear of it; a unit newly on the task is told it was assigned; a cancelled task needs a reason and
    refuses what was pending; a task marked done is done as of its unit's proposal (which is approved) unless
    the office gives the time. "Proposed" and "returned" are never set by hand: they are a unit's proposal and
    the office's review. Nothing changed writes nothing; otherwise one version and one history entry.
    """
    task = lock(task, expected_version)
    require(policy.is_office(user))
    unknown = set(changes) - EDITABLE_FIELDS - {"status"}
    if unknown:
        raise ValueError(f"Not editable through edit_task: {sorted(unknown)}")
    before = _row(task)
    wanted = {name: value for name, value in changes.items() if _stored(task, name, value) != before[name]}
    status, completed_at = wanted.pop("status", task.status), wanted.get("completed_at")

    # In this order: reopened first and closed last, so that the fields and units are edited on an open task.
    reasons = _reopen(task, status) + _edit_fields(task, wanted)
    unit_reasons, events = _edit_units(task, user, lead_unit, coordinating_units)
    reasons += unit_reasons
    if status != before["status"] and status == Task.Status.DONE:
        _complete(task, user, at=completed_at)
        reasons.append(_("Xác nhận hoàn thành"))
        events.append((TaskEvent.COMPLETION_APPROVED, None))
    elif status != before["status"] and status == Task.Status.CANCELLED:
        _cancel(task, task.cancel_reason)
        reasons.append(_cancelled(task.cancel_reason))
        events.append((TaskEvent.CANCELLED, None))
    if not reasons:
        return task

    after = _row(task)
    save_version(task, user=user, reason="; ".join(reasons),
                 fields=sorted(task._meta.get_field(name).attname for name in after if after[name] != before[name]))
    refresh_search_text(task)
    if after["status"] != before["status"] or after["progress"] != before["progress"]:
        roll_up_progress(task, user)
    for event, units in events:
        announce(task, event, units=units)
    return task


def _reopen(task: Task, status: str) -> list[str]:
    """A finished task set back to open; any other status is set by its own step (done, cancelled) or never by
    hand (proposed, returned: a unit's proposal and the office's review)."""
    if status == task.status or status in (Task.Status.DONE, Task.Status.CANCELLED):
        return []
    if status == Task.Status.OPEN and not task.is_open:
        task.status, task.completed_at = status, None
        return [_("Mở lại nhiệm vụ")]
    raise ServiceError(_("Bước xử lý “%(status)s” không đặt trực tiếp: đơn vị đề nghị hoàn thành và Văn phòng đánh "
                         "giá trên trang nhiệm vụ.") % {"status": Task.Status(status).label}, code="status")


def _edit_fields(task: Task, wanted: dict[str, Any]) -> list[str]:
    before = _row(task)
    if "title" in wanted:
        task.title = make_title(wanted.pop("title"))
    if "original_deadline" in wanted:
        task.original_deadline = wanted.pop("original_deadline")
    _move_deadline(task, wanted.pop("deadline", task.deadline), wanted.pop("report_cycle", task.report_cycle))
    for name, value in wanted.items():
        setattr(task, name, value)
    return [_("Văn phòng cập nhật nhiệm vụ")] if _row(task) != before else []


def _edit_units(task: Task, user, lead_unit: Unit | None, coordinating_units: Iterable[Unit] | None):
    """Returns the history's words and the events: (event, units) each."""
    reasons, events = [], []
    units_before = set(task.assignments.values_list("unit_id", flat=True))
    current = _lead_assignment(task)
    if lead_unit is not None and lead_unit.pk != current.unit_id:
        former = _move_lead(task, user, current, lead_unit)
        reasons.append(_lead_moved(former, lead_unit))
        events.append((TaskEvent.LEAD_CHANGED, [lead_unit, former]))
    if coordinating_units is not None:
        added, removed = _set_coordinating(task, user, coordinating_units)
        if added or removed:
            reasons.append(_("Đơn vị phối hợp: thêm %(added)s; bớt %(removed)s") % {
                "added": ", ".join(map(str, added)) or "—", "removed": ", ".join(map(str, removed)) or "—"})
        newcomers = [unit for unit in added if unit.pk not in units_before]
        if newcomers:
            events.append((TaskEvent.ASSIGNED, newcomers))
    return reasons, events


# --- The steps the services share ---------------------------------------------------------------------------


def _report_cycle(deadline: datetime.date | None, report_cycle: str) -> str:
    """An ongoing task (no deadline) reports by cycle, quarterly unless the office says otherwise; a task with a
    deadline has none."""
    return (report_cycle or Task.ReportCycle.QUARTERLY) if deadline is None else ""


def _move_deadline(task: Task, deadline: datetime.date | None, report_cycle: str) -> None:
    if deadline != task.deadline and task.original_deadline is None:
        task.original_deadline = task.deadline  # the first deadline is kept
    task.deadline = deadline
    task.report_cycle = _report_cycle(deadline, report_cycle)


def _row(task: Task) -> dict[str, Any]:
    """What edit_task may change, as the task's row holds it (a related object by its id)."""
    return {name: getattr(task, task._meta.get_field(name).attname) for name in [*EDITABLE_FIELDS, "status"]}


def _stored(task: Task, name: str, value):
    return getattr(value, "pk", value) if task._meta.get_field(name).is_relation else value


def _lead_assignment(task: Task) -> Assignment:
    return task.assignments.select_for_update().get(role=Assignment.Role.LEAD)


def _move_lead(task: Task, user, current: Assignment, unit: Unit) -> Unit:
    """Make `unit` the lead in place of `current`'s unit; returns the former lead."""
    if not task.is_open:
        raise ServiceError(_("Không thể đổi đơn vị chủ trì của nhiệm vụ đã kết thúc."), code="closed")
    if not unit.active:
        raise ServiceError(_("Đơn vị %(unit)s đã ngừng hoạt động.") % {"unit": unit}, code="inactive_unit")
    current._history_user = user
    current.delete()
    # The new lead may have been coordinating: it now leads instead.
    for assignment in task.assignments.filter(unit=unit):
        assignment._history_user = user
        assignment.delete()
    assign(task, unit, Assignment.Role.LEAD, user)
    return current.unit


def _set_coordinating(task: Task, user, units: Iterable[Unit]) -> tuple[list[Unit], list[Unit]]:
    """Make these the task's coordinating units (never its lead); returns the units added and removed."""
    lead_id = task.assignments.get(role=Assignment.Role.LEAD).unit_id
    wanted = {unit.pk: unit for unit in units if unit.pk != lead_id}
    current = {a.unit_id: a for a in task.assignments.select_related("unit").filter(role=Assignment.Role.COORDINATING)}
    removed = []
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            assignment._history_user = user
            assignment.delete()
            removed.append(assignment.unit)
    added = [unit for unit_id, unit in wanted.items() if unit_id not in current]
    for unit in added:
        assign(task, unit, Assignment.Role.COORDINATING, user)
    return added, removed


def _cancel(task: Task, reason: str) -> None:
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc."), code="closed")
    if not reason.strip():
        raise ServiceError(_("Vui lòng ghi rõ lý do hủy."), code="required")
    task.status = Task.Status.CANCELLED
    task.cancel_reason = reason
    task.reviews.filter(outcome=Review.Outcome.PENDING).update(outcome=Review.Outcome.RETURNED)
    task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED
    )


def _complete(task: Task, user, *, at: datetime.datetime | None) -> None:
    """The office confirms the task done without waiting for a proposal; one waiting is approved with it."""
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc."), code="closed")
    done_at = at or completion_time(task)
    review = task.reviews.select_for_update().filter(outcome=Review.Outcome.PENDING).first()
    if review is not None:
        close_review(review, user=user, outcome=Review.Outcome.APPROVED)
    mark_done(task, at=done_at)


def _lead_moved(former: Unit, unit: Unit) -> str:
    return _("Đổi đơn vị chủ trì: %(old)s → %(new)s") % {"old": former, "new": unit}


def _cancelled(reason: str) -> str:
    return _("Hủy nhiệm vụ: %(reason)s") % {"reason": reason[:200]}
