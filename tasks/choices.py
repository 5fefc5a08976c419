"""The fixed vocabularies of a task and of what happens to it. Kept apart from the models so that the standing
(tasks.standing), which the models' queryset uses, can name a task's statuses too.

One name per state, read from here by everything that names it: the badges, the timeline, the events the emails
list (tasks.events), the filters, the export and the report. A task has two things a person reads about it, and
they are named apart: its step in the workflow (`STATUS_HEADING`, "Bước xử lý": the statuses below) and where it
stands against its deadline (tasks.standing.STANDING_HEADING). tests/tasks/test_vocabulary.py keeps the retired
second names out of the templates and the sources.
"""
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# The workflow step: a column heading, a filter's label, the model field's verbose name.
STATUS_NAME = _("bước xử lý")
STATUS_HEADING = capfirst(STATUS_NAME)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    PROPOSED = "proposed", _("Đề nghị hoàn thành")
    # The same words as the event that sends a task back (TaskEvent.COMPLETION_RETURNED) and the review's outcome.
    RETURNED = "returned", _("Trả lại nhiệm vụ")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")


# Work not yet finished: open, waiting for a completion decision, or sent back.
OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.PROPOSED, TaskStatus.RETURNED)


class TaskReportCycle(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")


class ProgressReportKind(models.TextChoices):
    REPORT = "report", _("Báo cáo tiến độ")
    CONTRIBUTION = "contribution", _("Ý kiến phối hợp")


class ExtensionRequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    APPROVED = "approved", _("Đã đồng ý")
    REFUSED = "refused", _("Không đồng ý")


# The acts that move a task into a state, named once: the decision forms' choices, the review's outcome, the
# timeline's entries and the events (tasks.events) all read these.
CONFIRM_COMPLETION = _("Xác nhận hoàn thành")


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ đánh giá")
    APPROVED = "approved", CONFIRM_COMPLETION
    RETURNED = "returned", TaskStatus.RETURNED.label
