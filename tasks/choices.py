"""The fixed vocabularies of a task and of what happens to it. Kept apart from the models so that the standing
(tasks.standing), which the models' queryset uses, can name a task's statuses too."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    PROPOSED = "proposed", _("Đề nghị hoàn thành")
    RETURNED = "returned", _("Bị trả lại")
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


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ đánh giá")
    APPROVED = "approved", _("Xác nhận hoàn thành")
    RETURNED = "returned", _("Trả lại")
