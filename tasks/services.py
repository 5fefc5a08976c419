"""Every state change of a task: one function each, keyword-only, one transaction, a history entry, and the
notification rows that the reminder sender delivers after commit.

Services check permission themselves (tasks.policy), so a view, a command or a Celery task cannot forget it.
A refused transition raises ServiceError (a ValidationError with a Vietnamese message and a code); a save over a
newer version raises ConflictError.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notify, policy
from .models import (
    Assignment,
    Attachment,
    ExtensionRequest,
    Membership,
    Notification,
    ProgressReport,
    Review,
    Task,
    Unit,
    UnitGroup,
    local_today,
)
from .search import task_search_text
from .uploads import UploadedAttachment

User = get_user_model()

TITLE_LENGTH = 200


class ServiceError(ValidationError):
    """A transition the rules refuse (the message is for the user, in their language)."""


class ConflictError(ServiceError):
    """Someone else saved the task after this person read it."""


# --- helpers ------------------------------------------------------------------------------------------------


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _lock(task: Task, expected_version: int | None = None) -> Task:
    """Re-read the task under a row lock; refuse if it changed since the form was shown."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("Nhiệm vụ vừa được người khác cập nhật. Vui lòng tải lại trang để xem thay đổi rồi thực hiện lại."),
            code="conflict",
        )
    return locked


def _save(task: Task, *, user, reason: str, fields: Sequence[str]):
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


def _assign(task: Task, unit: Unit, role: str, user) -> Assignment:
    assignment = Assignment(task=task, unit=unit, role=role)
    assignment._history_user = user
    assignment.save()
    return assignment


# --- creating tasks -----------------------------------------------------------------------------------------


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
) -> Task:
    """Enter one task with its lead and coordinating units, and tell the units."""
    if check_permission:
        _require(policy.can_create_task(created_by))
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
    _assign(task, lead_unit, Assignment.Role.LEAD, created_by)
    for unit in coordinating_units:
        _assign(task, unit, Assignment.Role.COORDINATING, created_by)
    refresh_search_text(task)
    notify.unit_members(task, Notification.Kind.ASSIGNED, [lead_unit, *coordinating_units])
    return task


def units_of_groups(group_keys: Iterable[str]) -> list[Unit]:
    """The active units of the given groups, each once, in directory order."""
    return list(
        Unit.objects.filter(groups__key__in=list(group_keys), active=True).distinct().order_by("order", "name")
    )


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
        _require(policy.can_create_task(created_by))
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


# --- unit actions -------------------------------------------------------------------------------------------


def _store_attachments(report: ProgressReport, files: Iterable[UploadedAttachment]):
    for upload in files:
        attachment = Attachment(
            report=report, original_name=upload.original_name, content_type=upload.content_type, size=upload.size
        )
        attachment.file.save(upload.original_name, upload.file, save=False)
        attachment.save()


@transaction.atomic
def submit_progress_report(
    *, task: Task, user, text: str, percent: int | None, files: Sequence[UploadedAttachment] = ()
) -> ProgressReport:
    """A progress report from the lead unit (officer or leader), with its attachments."""
    task = _lock(task)
    unit = policy.reporting_unit(user, task)
    _require(unit is not None)
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc, không thể báo cáo thêm."), code="closed")
    if percent is not None and not 0 <= percent <= 100:
        raise ServiceError(_("Tỷ lệ hoàn thành phải từ 0 đến 100."), code="percent")
    report = ProgressReport(task=task, unit=unit, author=user, kind=ProgressReport.Kind.REPORT, text=text,
                            percent=percent)
    report.full_clean()
    report.save()
    _store_attachments(report, files)
    if percent is not None and percent != task.progress:
        task.progress = percent
        _save(task, user=user, reason=_("Báo cáo tiến độ %(percent)s%%") % {"percent": percent},
              fields=["progress"])
    _roll_up_progress(task, user)
    return report


@transaction.atomic
def submit_contribution(
    *, task: Task, user, text: str, files: Sequence[UploadedAttachment] = ()
) -> ProgressReport:
    """A coordinating unit's contribution, which the lead unit sees when it writes its consolidated report."""
    task = _lock(task)
    unit = policy.contributing_unit(user, task)
    _require(unit is not None)
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc, không thể gửi thêm ý kiến."), code="closed")
    report = ProgressReport(task=task, unit=unit, author=user, kind=ProgressReport.Kind.CONTRIBUTION, text=text)
    report.full_clean()
    report.save()
    _store_attachments(report, files)
    return report


@transaction.atomic
def propose_completion(*, task: Task, user, result: str, expected_version: int | None = None) -> Review:
    """The lead unit's leader proposes the task done; the office (or, for a sub-task, the parent's lead) decides."""
    task = _lock(task, expected_version)
    _require(policy.is_lead_leader(user, task))
    if task.status not in (Task.Status.OPEN, Task.Status.RETURNED):
        raise ServiceError(_("Nhiệm vụ này không ở trạng thái có thể đề nghị hoàn thành."), code="status")
    if not result.strip():
        raise ServiceError(_("Vui lòng nêu kết quả thực hiện."), code="required")
    review = Review(task=task, proposed_by=user, result=result)
    review._history_user = user
    review.save()
    task.status = Task.Status.PROPOSED
    _save(task, user=user, reason=_("Đề nghị hoàn thành"), fields=["status"])
    notify.deciders(task, Notification.Kind.COMPLETION_PROPOSED)
    return review


@transaction.atomic
def decide_completion(
    *, task: Task, user, approve: bool, comment: str = "", expected_version: int | None = None
) -> Review:
    """Approve (the task is done, at the proposal's date) or return it with a comment (it stays open)."""
    task = _lock(task, expected_version)
    _require(policy.is_decider(user, task))
    review = task.reviews.select_for_update().filter(outcome=Review.Outcome.PENDING).first()
    if task.status != Task.Status.PROPOSED or review is None:
        raise ServiceError(_("Không có đề nghị hoàn thành nào đang chờ đánh giá."), code="status")
    if not approve and not comment.strip():
        raise ServiceError(_("Khi trả lại, vui lòng ghi rõ lý do."), code="required")
    review.outcome = Review.Outcome.APPROVED if approve else Review.Outcome.RETURNED
    review.reviewer = user
    review.reviewed_at = timezone.now()
    review.comment = comment
    review._history_user = user
    review.save(update_fields=["outcome", "reviewer", "reviewed_at", "comment"])
    if approve:
        task.status = Task.Status.DONE
        # Done as of the day the unit proposed it: the office's review time does not make a unit late.
        task.completed_at = review.proposed_at
        task.progress = 100
        _save(task, user=user, reason=_("Xác nhận hoàn thành"), fields=["status", "completed_at", "progress"])
        notify.lead_unit(task, Notification.Kind.COMPLETION_APPROVED)
    else:
        task.status = Task.Status.RETURNED
        _save(task, user=user, reason=_("Trả lại: %(comment)s") % {"comment": comment[:200]}, fields=["status"])
        notify.lead_unit(task, Notification.Kind.COMPLETION_RETURNED)
    # The decided task is the child: its parent's progress follows (it used to roll up the grandparent).
    _roll_up_progress(task, user)
    return review


@transaction.atomic
def request_extension(
    *, task: Task, user, new_deadline: datetime.date, reason: str, expected_version: int | None = None
) -> ExtensionRequest:
    task = _lock(task, expected_version)
    _require(policy.is_lead_leader(user, task))
    if not task.is_open or task.deadline is None:
        raise ServiceError(_("Chỉ gia hạn được nhiệm vụ đang thực hiện có hạn xử lý."), code="status")
    if task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ServiceError(_("Nhiệm vụ đã có một đề nghị gia hạn đang chờ xem xét."), code="pending")
    if new_deadline <= task.deadline:
        raise ServiceError(_("Hạn đề nghị phải sau hạn hiện tại (%(deadline)s).")
                           % {"deadline": task.deadline.strftime("%d/%m/%Y")}, code="not_later")
    if not reason.strip():
        raise ServiceError(_("Vui lòng nêu lý do xin gia hạn."), code="required")
    extension = ExtensionRequest(
        task=task, unit=policy.lead_unit_of(task), requested_by=user, current_deadline=task.deadline,
        requested_deadline=new_deadline, reason=reason,
    )
    extension._history_user = user
    extension.save()
    notify.deciders(task, Notification.Kind.EXTENSION_REQUESTED)
    return extension


@transaction.atomic
def decide_extension(
    *, extension: ExtensionRequest, user, approve: bool, comment: str = "", expected_version: int | None = None
) -> ExtensionRequest:
    """Approve (the deadline moves; the first deadline stays in original_deadline) or refuse."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    task = _lock(extension.task, expected_version)
    _require(policy.can_decide_extension(user, task))
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ServiceError(_("Đề nghị gia hạn này đã được xem xét."), code="decided")
    # A task confirmed done keeps the deadline it was judged against: moving it would turn "late" into "on time".
    if approve and (not task.is_open or task.deadline is None):
        raise ServiceError(_("Nhiệm vụ đã kết thúc hoặc không có hạn xử lý, không thể gia hạn."), code="closed")
    # The office may have moved the deadline since: approving must never pull it earlier.
    if approve and extension.requested_deadline <= task.deadline:
        raise ServiceError(_("Hạn đề nghị (%(requested)s) không sau hạn hiện tại (%(deadline)s).")
                           % {"requested": extension.requested_deadline.strftime("%d/%m/%Y"),
                              "deadline": task.deadline.strftime("%d/%m/%Y")}, code="not_later")
    if not approve and not comment.strip():
        raise ServiceError(_("Khi không đồng ý, vui lòng ghi rõ lý do."), code="required")
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.decision_comment = comment
    extension._history_user = user
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    if approve:
        if task.original_deadline is None:
            task.original_deadline = task.deadline
        task.deadline = extension.requested_deadline
        _save(task, user=user, reason=_("Gia hạn đến %(date)s") % {"date": task.deadline.strftime("%d/%m/%Y")},
              fields=["deadline", "original_deadline"])
        notify.lead_unit(task, Notification.Kind.EXTENSION_APPROVED)
    else:
        notify.lead_unit(task, Notification.Kind.EXTENSION_REFUSED)
    return extension


@transaction.atomic
def delegate_task(
    *, task: Task, user, unit: Unit, title: str = "", description: str = "",
    deadline: datetime.date | None = None,
) -> Task:
    """A lead unit's leader hands the task (or part of it) to a sub-unit as a child task.

    The parent's lead stays accountable; the child's progress rolls up into the parent.
    """
    task = _lock(task)
    _require(policy.can_delegate(user, task))
    lead = policy.lead_unit_of(task)
    if unit.pk not in lead.descendant_ids():
        raise ServiceError(_("Chỉ giao lại được cho đơn vị cấp dưới của %(unit)s.") % {"unit": lead},
                           code="not_sub_unit")
    deadline = deadline or task.deadline
    if task.deadline and deadline and deadline > task.deadline:
        raise ServiceError(_("Hạn của nhiệm vụ giao lại không được sau hạn của nhiệm vụ gốc."), code="late")
    child = create_task(
        created_by=user, title=title or task.title, description=description or task.description,
        directive=task.directive, deadline=deadline, deadline_text=task.deadline_text,
        report_cycle=task.report_cycle, lead_unit=unit, parent=task, check_permission=False,
    )
    Notification.objects.filter(task=child, kind=Notification.Kind.ASSIGNED).update(kind=Notification.Kind.DELEGATED)
    # The parent's timeline says who handed what to whom (the child's own history starts at its creation).
    _save(task, user=user, reason=_("Giao lại cho %(unit)s: %(title)s") % {"unit": unit, "title": child.title[:200]},
          fields=[])
    return child


def _roll_up_progress(task: Task, user):
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
        _save(parent, user=user, reason=_("Cập nhật tiến độ từ đơn vị cấp dưới"), fields=["progress"])


# --- office actions -----------------------------------------------------------------------------------------


@transaction.atomic
def change_lead(*, task: Task, user, unit: Unit, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    _require(policy.is_office(user))
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
    _assign(task, unit, Assignment.Role.LEAD, user)
    _save(task, user=user, reason=_("Đổi đơn vị chủ trì: %(old)s → %(new)s") % {"old": current.unit, "new": unit},
          fields=[])
    refresh_search_text(task)
    # Both are told: the new lead takes the task over, the former one is no longer accountable for it.
    notify.unit_members(task, Notification.Kind.LEAD_CHANGED, [unit, current.unit])
    return task


@transaction.atomic
def cancel_task(*, task: Task, user, reason: str, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    _require(policy.is_office(user))
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc."), code="closed")
    if not reason.strip():
        raise ServiceError(_("Vui lòng ghi rõ lý do hủy."), code="required")
    task.status = Task.Status.CANCELLED
    task.cancel_reason = reason
    _save(task, user=user, reason=_("Hủy nhiệm vụ: %(reason)s") % {"reason": reason[:200]},
          fields=["status", "cancel_reason"])
    task.reviews.filter(outcome=Review.Outcome.PENDING).update(outcome=Review.Outcome.RETURNED)
    task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED
    )
    notify.lead_unit(task, Notification.Kind.CANCELLED)
    return task


@transaction.atomic
def update_task(
    *, task: Task, user, expected_version: int, title: str, description: str,
    deadline: datetime.date | None, report_cycle: str = "",
) -> Task:
    """The office edits a task's wording or deadline directly (the first deadline is kept)."""
    task = _lock(task, expected_version)
    _require(policy.is_office(user))
    task.title = make_title(title)
    task.description = description
    if deadline != task.deadline and task.original_deadline is None:
        task.original_deadline = task.deadline
    task.deadline = deadline
    # An ongoing task (no deadline) reports by cycle: quarterly unless the office says otherwise, as at creation.
    task.report_cycle = (report_cycle or Task.ReportCycle.QUARTERLY) if deadline is None else ""
    _save(task, user=user, reason=_("Văn phòng cập nhật nhiệm vụ"),
          fields=["title", "description", "deadline", "original_deadline", "report_cycle"])
    refresh_search_text(task)
    return task


@transaction.atomic
def add_membership(*, unit: Unit, user, role: str) -> Membership:
    membership, _created = Membership.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
    return membership


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


def today() -> datetime.date:
    return local_today()
