"""The units' work on a task and the decisions on it: progress reports and contributions with their attachments,
completion proposals and reviews, extension requests and decisions, and delegation to a sub-unit. Each service is
one transaction with a history entry; the people concerned are told through tasks.events."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import ServiceError, require
from core.uploads import UploadedAttachment
from units.models import Unit
from units.tree import descendant_ids

from .. import policy
from ..choices import CONFIRM_COMPLETION
from ..events import TaskEvent, announce
from ..models import Attachment, ExtensionRequest, ProgressReport, Review, Task
from .assigning import create_task
from .common import close_review, completion_time, lock, mark_done, roll_up_progress, save_version


def _write_report(task: Task, *, user, unit, kind: str, text: str, percent: int | None = None,
                  files: Iterable[UploadedAttachment] = ()) -> ProgressReport:
    """A report or a contribution with its attachments, on a task the caller has locked and checked."""
    report = ProgressReport(task=task, unit=unit, author=user, kind=kind, text=text, percent=percent)
    report.full_clean()
    report.save()
    _attach(files, report=report)
    return report


def _attach(files: Iterable[UploadedAttachment], *, report: ProgressReport | None = None,
            review: Review | None = None) -> None:
    """Keep uploads already checked by content (core.uploads.check_upload) on a report or a completion proposal."""
    for upload in files:
        attachment = Attachment(
            report=report, review=review, original_name=upload.original_name, content_type=upload.content_type,
            size=upload.size,
        )
        attachment.file.save(upload.original_name, upload.file, save=False)
        attachment.save()


@transaction.atomic
def submit_progress_report(
    *, task: Task, user, text: str, percent: int | None, files: Sequence[UploadedAttachment] = ()
) -> ProgressReport:
    """A progress report from the lead unit (officer or leader), with its attachments."""
    task = lock(task)
    unit = policy.reporting_unit(user, task)
    require(unit is not None)
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc, không thể báo cáo thêm."), code="closed")
    if percent is not None and not 0 <= percent <= 100:
        raise ServiceError(_("Tỷ lệ hoàn thành phải từ 0 đến 100."), code="percent")
    report = _write_report(task, user=user, unit=unit, kind=ProgressReport.Kind.REPORT, text=text, percent=percent,
                           files=files)
    if percent is not None and percent != task.progress:
        task.progress = percent
        save_version(task, user=user, reason=_("Báo cáo tiến độ %(percent)s%%") % {"percent": percent},
                     fields=["progress"])
    roll_up_progress(task, user)
    return report


@transaction.atomic
def submit_contribution(
    *, task: Task, user, text: str, files: Sequence[UploadedAttachment] = ()
) -> ProgressReport:
    """A coordinating unit's contribution, which the lead unit sees when it writes its consolidated report."""
    task = lock(task)
    unit = policy.contributing_unit(user, task)
    require(unit is not None)
    if not task.is_open:
        raise ServiceError(_("Nhiệm vụ đã kết thúc, không thể gửi thêm ý kiến."), code="closed")
    return _write_report(task, user=user, unit=unit, kind=ProgressReport.Kind.CONTRIBUTION, text=text, files=files)


@transaction.atomic
def propose_completion(*, task: Task, user, result: str, expected_version: int | None = None,
                       files: Sequence[UploadedAttachment] = ()) -> Review:
    """The lead unit's leader proposes the task done, with the documents that show it (`files`, checked by
    core.uploads); the office (or, for a sub-task, the parent's lead) decides."""
    task = lock(task, expected_version)
    require(policy.is_lead_leader(user, task))
    if task.status not in (Task.Status.OPEN, Task.Status.RETURNED):
        raise ServiceError(_("Nhiệm vụ này không ở trạng thái có thể đề nghị hoàn thành."), code="status")
    if not result.strip():
        raise ServiceError(_("Vui lòng nêu kết quả thực hiện."), code="required")
    review = Review(task=task, proposed_by=user, result=result)
    review._history_user = user
    review.save()
    _attach(files, review=review)
    task.status = Task.Status.PROPOSED
    save_version(task, user=user, reason=str(Task.Status.PROPOSED.label), fields=["status"])
    announce(task, TaskEvent.COMPLETION_PROPOSED)
    return review


@transaction.atomic
def decide_completion(
    *, task: Task, user, approve: bool, comment: str = "", expected_version: int | None = None
) -> Review:
    """Approve (the task is done, at the proposal's date) or return it with a comment (it stays open)."""
    task = lock(task, expected_version)
    require(policy.is_decider(user, task))
    review = task.reviews.select_for_update().filter(outcome=Review.Outcome.PENDING).first()
    if task.status != Task.Status.PROPOSED or review is None:
        raise ServiceError(_("Không có đề nghị hoàn thành nào đang chờ đánh giá."), code="status")
    if not approve and not comment.strip():
        raise ServiceError(_("Khi trả lại, vui lòng ghi rõ lý do."), code="required")
    done_at = completion_time(task)  # read while the proposal still waits
    close_review(review, user=user, outcome=Review.Outcome.APPROVED if approve else Review.Outcome.RETURNED,
                 comment=comment)
    if approve:
        mark_done(task, at=done_at)
        save_version(task, user=user, reason=str(CONFIRM_COMPLETION), fields=["status", "completed_at", "progress"])
        announce(task, TaskEvent.COMPLETION_APPROVED)
    else:
        task.status = Task.Status.RETURNED
        save_version(task, user=user, reason=f"{Task.Status.RETURNED.label}: {comment[:200]}",
                     fields=["status"])
        announce(task, TaskEvent.COMPLETION_RETURNED)
    # The decided task is the child: its parent's progress follows (it used to roll up the grandparent).
    roll_up_progress(task, user)
    return review


@transaction.atomic
def request_extension(
    *, task: Task, user, new_deadline: datetime.date, reason: str, expected_version: int | None = None
) -> ExtensionRequest:
    task = lock(task, expected_version)
    require(policy.is_lead_leader(user, task))
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
    announce(task, TaskEvent.EXTENSION_REQUESTED)
    return extension


@transaction.atomic
def decide_extension(
    *, extension: ExtensionRequest, user, approve: bool, comment: str = "", expected_version: int | None = None,
    granted_deadline: datetime.date | None = None,
) -> ExtensionRequest:
    """Approve (the deadline moves; the first deadline stays in original_deadline) or refuse.

    Approving, the office may grant another date than the one asked (`granted_deadline`, earlier or later): not
    before today and after the current deadline. The history and the unit's email say both ("Gia hạn đến 30/09/2026
    (đề nghị 15/10/2026)", ExtensionRequest.grant_summary)."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    task = lock(extension.task, expected_version)
    require(policy.can_decide_extension(user, task))
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ServiceError(_("Đề nghị gia hạn này đã được xem xét."), code="decided")
    # A task confirmed done keeps the deadline it was judged against: moving it would turn "late" into "on time".
    if approve and (not task.is_open or task.deadline is None):
        raise ServiceError(_("Nhiệm vụ đã kết thúc hoặc không có hạn xử lý, không thể gia hạn."), code="closed")
    granted = granted_deadline or extension.requested_deadline
    if approve and granted_deadline is not None and granted_deadline < local_today():
        raise ServiceError(_("Hạn gia hạn đã qua: hãy chọn một ngày từ hôm nay trở đi."), code="past")
    # The office may have moved the deadline since: approving must never pull it earlier.
    if approve and granted <= task.deadline:
        raise ServiceError(_("Hạn gia hạn (%(granted)s) không sau hạn hiện tại (%(deadline)s).")
                           % {"granted": granted.strftime("%d/%m/%Y"),
                              "deadline": task.deadline.strftime("%d/%m/%Y")}, code="not_later")
    if not approve and not comment.strip():
        raise ServiceError(_("Khi không đồng ý, vui lòng ghi rõ lý do."), code="required")
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.granted_deadline = granted if approve else None
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.decision_comment = comment
    extension._history_user = user
    extension.save(update_fields=["status", "granted_deadline", "decided_by", "decided_at", "decision_comment"])
    if approve:
        if task.original_deadline is None:
            task.original_deadline = task.deadline
        task.deadline = granted
        save_version(task, user=user, reason=capfirst(extension.grant_summary()),
                     fields=["deadline", "original_deadline"])
        announce(task, TaskEvent.EXTENSION_APPROVED)
    else:
        announce(task, TaskEvent.EXTENSION_REFUSED)
    return extension


@transaction.atomic
def delegate_task(
    *, task: Task, user, unit: Unit, title: str = "", description: str = "",
    deadline: datetime.date | None = None,
) -> Task:
    """A lead unit's leader hands the task (or part of it) to a sub-unit as a child task.

    The parent's lead stays accountable; the child's progress rolls up into the parent.
    """
    task = lock(task)
    require(policy.can_delegate(user, task))
    lead = policy.lead_unit_of(task)
    if unit.pk not in descendant_ids(lead):
        raise ServiceError(_("Chỉ giao lại được cho đơn vị cấp dưới của %(unit)s.") % {"unit": lead},
                           code="not_sub_unit")
    deadline = deadline or task.deadline
    if task.deadline and deadline and deadline > task.deadline:
        raise ServiceError(_("Hạn của nhiệm vụ giao lại không được sau hạn của nhiệm vụ gốc."), code="late")
    child = create_task(
        created_by=user, title=title or task.title, description=description or task.description,
        directive=task.directive, deadline=deadline, deadline_text=task.deadline_text,
        report_cycle=task.report_cycle, lead_unit=unit, parent=task, check_permission=False,
        event=TaskEvent.DELEGATED,
    )
    # The parent's timeline says who handed what to whom (the child's own history starts at its creation).
    save_version(task, user=user, fields=[],
                 reason=_("Giao lại cho %(unit)s: %(title)s") % {"unit": unit, "title": child.title[:200]})
    return child
