"""Tasks and everything that happens to them: the assignments of units, progress reports, extension requests
and completion reviews.

Every state change goes through tasks.services; every read that depends on who asks starts from tasks.access. The
models hold data and the rules the database can enforce.
"""
import datetime
import functools
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Unit

from .choices import (
    OPEN_STATUSES,
    STATUS_NAME,
    AssignmentRole,
    ExtensionRequestStatus,
    ProgressReportKind,
    ReviewOutcome,
    TaskReportCycle,
    TaskStatus,
)
from .standing import Standing, standing_case, standing_of


class TaskQuerySet(models.QuerySet):
    def with_standing(self, today: datetime.date | None = None):
        """Annotate `standing` (a tasks.standing.Standing value) in SQL."""
        return self.annotate(standing=standing_case(today))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_lead_unit(self):
        """Annotate `lead_unit_id` and `lead_unit_name`: the unit accountable for each task (its one lead,
        chủ trì), read in the same query as the tasks, never per row. Every page, export, email and admin list that
        names the lead unit starts here."""
        return self.annotate(**_unit_columns()["lead"])

    def with_list_columns(self):
        """What a row of a task list shows beside the task: its lead unit and how many units coordinate."""
        return self.with_lead_unit().annotate(**_unit_columns()["coordinating"])


@functools.cache
def _unit_columns() -> dict[str, dict]:
    """The subqueries of with_lead_unit and with_list_columns, built once per process rather than on every list
    (~0.3 ms of CPU a request): a query copies an annotation to resolve it, never changes it."""
    # order_by(): without it the subquery inherits Assignment's ordering (task → deadline, unit → name) and
    # joins two tables per row; a task has one lead (a unique index), so plain index lookups are enough.
    lead = Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.LEAD).order_by()
    coordinating = (
        Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.COORDINATING)
        .order_by().values("task").annotate(n=Count("id")).values("n")
    )
    return {
        "lead": {"lead_unit_id": Subquery(lead.values("unit_id")[:1]),
                 "lead_unit_name": Subquery(lead.values("unit__name")[:1])},
        "coordinating": {
            "coordinating_count": Coalesce(Subquery(coordinating, output_field=models.IntegerField()), 0)},
    }


# The expression tasks.filters orders the lists by (deadline_is_null): the indexes below repeat it exactly, so
# PostgreSQL can match ORDER BY to them.
LIST_ORDER_NULLS_LAST = Case(When(deadline__isnull=True, then=Value(1)), default=Value(0),
                             output_field=models.IntegerField())


class Task(models.Model):
    """The assignable unit of work (nhiệm vụ) made from a directive or entered by hand."""

    Status = TaskStatus

    ReportCycle = TaskReportCycle

    OPEN_STATUSES = OPEN_STATUSES

    directive = models.ForeignKey(
        "resolutions.Directive", verbose_name=_("nội dung chỉ đạo"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="tasks",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("nhiệm vụ cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", help_text=_("Nhiệm vụ được giao lại cho đơn vị cấp dưới."),
    )
    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung"), blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    original_deadline = models.DateField(_("hạn ban đầu"), null=True, blank=True)
    deadline_text = models.CharField(_("thời hạn (như văn bản ghi)"), max_length=255, blank=True)
    report_cycle = models.CharField(
        _("kỳ báo cáo"), max_length=16, choices=ReportCycle.choices, blank=True,
        help_text=_("Cho nhiệm vụ thường xuyên: đơn vị báo cáo theo kỳ thay vì một hạn xử lý."),
    )
    status = models.CharField(STATUS_NAME, max_length=16, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    # Optimistic locking: a form carries the version it was read at; a save at an older version is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giao"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)
    # Lower case, diacritics removed (core.text.search_key) over title, description and the lead unit's name,
    # so "tuyen giao" finds "Tuyên giáo" on SQLite and PostgreSQL alike. Derived data: kept up to date by
    # tasks.services (refresh_search_text), never edited, not kept in history.
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_is_known"),
            models.CheckConstraint(
                condition=Q(report_cycle="") | Q(report_cycle__in=TaskReportCycle.values),
                name="task_report_cycle_is_known",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False), name="done_task_has_completion_time"
            ),
        ]
        indexes = [
            # Deadline sweeps and the "overdue / due soon" counters: open tasks by deadline.
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
            # The task lists' default order (tasks.filters.sort_tasks: ORDER BY deadline_is_null, deadline, id
            # LIMIT 25): the office's /tasks/ reads its first page from the index instead of sorting every task.
            models.Index(LIST_ORDER_NULLS_LAST, F("deadline"), F("id"), name="task_list_order_idx"),
            # The same order over open work only (status open, proposed, returned): a unit's list filtered to
            # overdue / due soon / on track / ongoing walks this small index in order and stops at the page, and
            # its COUNT(*) is an index-only scan joined to the unit's assignments.
            models.Index(LIST_ORDER_NULLS_LAST, F("deadline"), F("id"), name="task_open_list_order_idx",
                         condition=Q(status__in=[TaskStatus.OPEN, TaskStatus.PROPOSED, TaskStatus.RETURNED])),
            # Counting by standing (the home page's counters, the dashboard's figures and charts, directive
            # roll-ups): every column the standing and the period need, so PostgreSQL counts from this narrow
            # index instead of reading every wide row (title, description, search text): 132 ms -> 40 ms for a
            # unit's counters at 100,000 tasks. Key columns rather than INCLUDE, which SQLite does not support.
            models.Index(fields=["id", "status", "deadline", "completed_at", "created_at", "directive"],
                         name="task_standing_columns_idx"),
            # On PostgreSQL, task_standing_idx too: (status, deadline, completion day, completed_at, id), so the
            # standing of many tasks is read from one index with no time-zone arithmetic per task. An expression
            # index, created by migration 0013 on PostgreSQL only (see there for why and for the queries it serves).
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tasks:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_ongoing(self) -> bool:
        return self.deadline is None

    @property
    def deadline_moved(self) -> bool:
        return self.original_deadline is not None and self.original_deadline != self.deadline

    def compute_standing(self, today: datetime.date | None = None) -> str:
        """The standing (tasks.standing), from the `standing` annotation when the row has it."""
        standing = getattr(self, "standing", None)
        if standing and today is None:
            return standing
        return standing_of(status=self.status, deadline=self.deadline, completed_at=self.completed_at, today=today)

    def get_standing_display(self) -> str:
        return Standing(self.compute_standing()).label


class Assignment(models.Model):
    """A unit's part in a task: exactly one lead (chủ trì), any number of coordinating units (phối hợp)."""

    Role = AssignmentRole

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.LEAD)
    assigned_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["task", "role", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(role="lead"), name="one_lead_unit_per_task"),
            models.UniqueConstraint(fields=["task", "unit"], name="one_assignment_per_task_and_unit"),
            models.CheckConstraint(condition=Q(role__in=AssignmentRole.values), name="assignment_role_is_known"),
        ]
        indexes = [
            # visible_tasks(user): "tasks assigned to any of these units", and a unit's task list by role.
            models.Index(fields=["unit", "role", "task"], name="assignment_unit_role_idx"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.get_role_display()}"


# --- What happens to a task ----------------------------------------------------------------------------------


class ProgressReport(models.Model):
    """A unit's progress report on a task, or a coordinating unit's contribution to it."""

    Kind = ProgressReportKind

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    text = models.TextField(_("nội dung báo cáo"))
    percent = models.PositiveSmallIntegerField(_("tỷ lệ hoàn thành (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm báo cáo"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProgressReportKind.values), name="report_kind_is_known"),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="report_percent_at_most_100"
            ),
        ]
        indexes = [
            # A task's timeline, newest first; the latest report per task in lists.
            models.Index(fields=["task", "-created_at"], name="report_task_created_idx"),
            # "Recent activity" on the home page of a person with many tasks (tasks.views._newest_parts): the newest
            # 1,000 reports of all tasks, read from this index alone (id and task included), then tested for theirs.
            models.Index(fields=["-created_at", "-id", "task"], name="report_newest_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.unit} – {timezone.localtime(self.created_at):%d/%m/%Y}"

    def get_absolute_url(self):
        return f"{self.task.get_absolute_url()}#report-{self.pk}"


def attachment_path(instance, filename):
    # The stored name is generated: the user's file name is kept only as data, never as a path.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file sent with a progress report or contribution, or with a completion proposal (the result's documents):
    exactly one of the two. Whoever may see the task may download it (tasks.access.get_visible_attachment)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="attachments",
        null=True, blank=True,
    )
    review = models.ForeignKey(
        "Review", verbose_name=_("đề nghị hoàn thành"), on_delete=models.CASCADE, related_name="attachments",
        null=True, blank=True,
    )
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, review__isnull=True) | Q(report__isnull=True, review__isnull=False),
                name="attachment_belongs_to_a_report_or_a_proposal",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("tasks:attachment", args=[self.pk])


class ExtensionRequest(models.Model):
    """A request to move a deadline (xin gia hạn). The first deadline stays on the task."""

    Status = ExtensionRequestStatus

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    current_deadline = models.DateField(_("hạn hiện tại"), null=True, blank=True)
    requested_deadline = models.DateField(_("hạn đề nghị"))
    # The office may grant another date than the one asked (earlier or later); empty until approved.
    granted_deadline = models.DateField(_("hạn được gia hạn"), null=True, blank=True)
    reason = models.TextField(_("lý do"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người quyết định"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(_("thời điểm đề nghị"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExtensionRequestStatus.values), name="extension_status_is_known"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="one_pending_extension_per_task"
            ),
        ]
        indexes = [
            # The office's queue of decisions waiting.
            models.Index(fields=["status", "created_at"], name="extension_status_idx"),
            # "Recent activity" on the home page of a person with many tasks (tasks.views._newest_parts): the newest
            # 1,000 requests of all tasks from this index alone, instead of sorting every request.
            models.Index(fields=["-created_at", "-id", "task"], name="extension_newest_idx"),
        ]

    def __str__(self):
        return f"{self.task} → {self.requested_deadline:%d/%m/%Y}"

    def get_absolute_url(self):
        return f"{self.task.get_absolute_url()}#extension-{self.pk}"

    @property
    def decided_deadline(self) -> datetime.date:
        """The date the approval moved the deadline to: the one granted, or (before it was recorded) the one asked."""
        return self.granted_deadline or self.requested_deadline

    def grant_summary(self) -> str:
        """"gia hạn đến 30/09/2026 (đề nghị 15/10/2026)": how the history entry, the timeline and the unit's email
        say an approval; the date asked is named only when the office granted another one."""
        granted = self.decided_deadline
        if granted != self.requested_deadline:
            return gettext("gia hạn đến %(date)s (đề nghị %(requested)s)") % {
                "date": f"{granted:%d/%m/%Y}", "requested": f"{self.requested_deadline:%d/%m/%Y}"}
        return gettext("gia hạn đến %(date)s") % {"date": f"{granted:%d/%m/%Y}"}

    def approval_text(self) -> str:
        """"Đồng ý gia hạn đến 30/09/2026 (đề nghị 15/10/2026)": the decision as the timeline and the email say it."""
        return gettext("Đồng ý %(summary)s") % {"summary": self.grant_summary()}


class Review(models.Model):
    """A completion proposal (đề nghị hoàn thành) and the decision on it (đánh giá)."""

    Outcome = ReviewOutcome

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="reviews")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("thời điểm đề nghị"), auto_now_add=True)
    result = models.TextField(_("kết quả thực hiện"))
    outcome = models.CharField(_("kết quả đánh giá"), max_length=16, choices=Outcome.choices,
                               default=Outcome.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đánh giá"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)
    comment = models.TextField(_("ý kiến đánh giá"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh giá hoàn thành")
        verbose_name_plural = _("đánh giá hoàn thành")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=ReviewOutcome.values), name="review_outcome_is_known"),
            models.UniqueConstraint(fields=["task"], condition=Q(outcome="pending"), name="one_pending_review_per_task"),
        ]
        indexes = [
            # The office's queue of completion proposals.
            models.Index(fields=["outcome", "proposed_at"], name="review_outcome_idx"),
            # "Recent activity" on the home page of a person with many tasks (tasks.views._newest_parts): the newest
            # 1,000 proposals of all tasks from this index alone, instead of sorting every review (60,000 at 100,000
            # tasks).
            models.Index(fields=["-proposed_at", "-id", "task"], name="review_newest_idx"),
        ]

    def __str__(self):
        return f"{self.task} – {self.get_outcome_display()}"

    def get_absolute_url(self):
        return f"{self.task.get_absolute_url()}#review-{self.pk}"
