"""Giving out work: a task entered by hand or made from a directive, and the office's changes to it (its wording
and deadline, its lead unit, cancelling it). Each service is one transaction with a history entry; the units are
told through tasks.events."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError, require
from units.models import Unit
from units.selectors import units_of_groups

from .. import policy
from ..events import TaskEvent, announce
from ..models import Assignment, ExtensionRequest, Review, Task
from .common import assign, lock, make_title, refresh_search_text, save_version


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
    if deadline is None and not report_cycle:
        report_cycle = Task.ReportCycle.QUARTERLY
    task = Task(
        directive=directive, parent=parent, title=make_title(title), description=description,
        deadline=deadline, original_deadline=deadline, deadline_text=deadline_text[:255],
        report_cycle=report_cycle if deadline is None else "", created_by=created_by,
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
        created_by=created_by, title=directive.text, description=directive.text, directive=directive,
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
    if not task.is_open:
        raise ServiceError(_("Không thể đổi đơn vị chủ trì của nhiệm vụ đã kết thúc."), code="closed")
    if not unit.active:
        raise ServiceError(_("Đơn vị %(unit)s đã ngừng hoạt động.") % {"unit": unit}, code="inactive_unit")
    current = task.assignments.select_for_update().get(role=Assignment.Role.LEAD)
    if current.unit_id == unit.pk:
        raise ServiceError(_("%(unit)s đã là đơn vị chủ trì.") % {"unit": unit}, code="same")
    current._history_user = user
    current.delete()
    # The new lead may have been coordinating: it now leads instead.
    task.assignments.filter(unit=unit).delete()
    assign(task, unit, Assignment.Role.LEAD, user)
    save_version(task, user=user, reason=_("Đổi đơn vị chủ trì: %(old)s → %(new)s") % {"old": current.unit, "new": unit},
          fields=[])
    refresh_search_text(task)
    # Both are told: the new lead takes the task over, the former one is no longer accountable for it.
    announce(task, TaskEvent.LEAD_CHANGED, units=[unit, current.unit])
    return task


@transaction.atomic
def cancel_task(*, task: Task, user, reason: str, expected_version: int | None = None) -> Task:
    task = lock(task, expected_version)
    require(policy.is_office(user))
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc."), code="closed")
    if not reason.strip():
        raise ServiceError(_("Vui lòng ghi rõ lý do hủy."), code="required")
    task.status = Task.Status.CANCELLED
    task.cancel_reason = reason
    save_version(task, user=user, reason=_("Hủy nhiệm vụ: %(reason)s") % {"reason": reason[:200]},
          fields=["status", "cancel_reason"])
    task.reviews.filter(outcome=Review.Outcome.PENDING).update(outcome=Review.Outcome.RETURNED)
    task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED
    )
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
    if deadline != task.deadline and task.original_deadline is None:
        task.original_deadline = task.deadline
    task.deadline = deadline
    # An ongoing task (no deadline) reports by cycle: quarterly unless the office says otherwise, as at creation.
    task.report_cycle = (report_cycle or Task.ReportCycle.QUARTERLY) if deadline is None else ""
    save_version(task, user=user, reason=_("Văn phòng cập nhật nhiệm vụ"),
          fields=["title", "description", "deadline", "original_deadline", "report_cycle"])
    refresh_search_text(task)
    return task
