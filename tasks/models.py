"""Units, people, tasks and everything that happens to a task.

Every state change goes through tasks.services; every read that depends on who asks goes through
tasks.selectors. The models hold data and the rules the database can enforce.
"""
import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def local_today() -> datetime.date:
    """Today in Asia/Ho_Chi_Minh (settings.TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


# --- Units and people ---------------------------------------------------------------------------------------


class UnitQuerySet(models.QuerySet):
    def subtree_ids(self, unit_ids) -> set[int]:
        """The given units and all units below them: one recursive query whatever the depth of the tree (every
        signed-in page of a unit leader asks this; one query per level cost a query per level per page)."""
        found = set(unit_ids)
        if not found:
            return found
        if not self.query.where:  # the whole directory: walk it in the database
            connection = connections[self.db]
            table = connection.ops.quote_name(self.model._meta.db_table)
            placeholders = ", ".join(["%s"] * len(found))
            # Only the quoted table name and "%s" placeholders are formatted into the SQL; the ids are parameters.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id IN ({placeholders}) "  # nosec B608
                    f"UNION SELECT unit.id FROM {table} unit JOIN subtree ON unit.parent_id = subtree.id) "
                    "SELECT id FROM subtree",
                    sorted(found),
                )
                return found | {row[0] for row in cursor.fetchall()}
        frontier = set(unit_ids)
        while frontier:
            frontier = set(self.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
            found |= frontier
        return found


class UnitKind(models.TextChoices):
    PARTY_BOARD = "party_board", _("Ban đảng, cơ quan tham mưu")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy trực thuộc")
    PARTY_DELEGATION = "party_delegation", _("Ban cán sự đảng, đảng đoàn")
    FRONT = "front", _("Mặt trận, đoàn thể")
    GOVERNMENT = "government", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    OTHER = "other", _("Khác")


class Unit(models.Model):
    """A party committee, board, department or organisation that receives tasks."""

    Kind = UnitKind

    name = models.CharField(_("tên đơn vị"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("hộp thư đơn vị"), blank=True)
    aliases = models.JSONField(
        _("tên gọi khác"), default=list, blank=True,
        help_text=_("Các cách văn bản thường viết tên đơn vị, ví dụ: \"UBKT Tỉnh ủy\", \"Sở KH&ĐT\"."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_is_known"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_is_not_its_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:list") + f"?unit={self.pk}"

    def descendant_ids(self) -> set[int]:
        return Unit.objects.subtree_ids([self.pk]) - {self.pk}


class UnitGroup(models.Model):
    """A named set of units that broad phrases resolve to ("cấp ủy, chính quyền, các cơ quan, đơn vị")."""

    key = models.SlugField(_("mã nhóm"), max_length=32, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=255)
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị"), related_name="groups", blank=True)
    phrases = models.JSONField(_("cụm từ trong văn bản"), default=list, blank=True)

    class Meta:
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        ordering = ["key"]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("Lãnh đạo đơn vị")
    OFFICER = "officer", _("Chuyên viên")


class Membership(models.Model):
    """A person's place in a unit: a leader may delegate and propose, an officer reports."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")
        ordering = ["unit", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_user_and_unit"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_is_known"),
        ]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


# --- Tasks --------------------------------------------------------------------------------------------------


class Standing(models.TextChoices):
    """Where a task stands against its deadline. Computed in SQL by TaskQuerySet.with_standing, never stored."""

    ON_TRACK = "on_track", _("Đang thực hiện trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    ONGOING = "ongoing", _("Thường xuyên")
    CANCELLED = "cancelled", _("Đã hủy")


DUE_SOON_DAYS = 7


class TaskQuerySet(models.QuerySet):
    def with_standing(self, today: datetime.date | None = None):
        """Annotate `standing` (a Standing value) in SQL so lists, filters, counts and charts agree.

        "today" is the local date in Asia/Ho_Chi_Minh; the deadline is the current one (after extensions).
        """
        today = today or local_today()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        return self.annotate(
            standing=Case(
                When(status=Task.Status.CANCELLED, then=Value(Standing.CANCELLED)),
                When(status=Task.Status.DONE, deadline__isnull=True, then=Value(Standing.DONE_ON_TIME)),
                When(
                    status=Task.Status.DONE, completed_at__date__lte=F("deadline"),
                    then=Value(Standing.DONE_ON_TIME),
                ),
                When(status=Task.Status.DONE, then=Value(Standing.DONE_LATE)),
                When(deadline__isnull=True, then=Value(Standing.ONGOING)),
                When(deadline__lt=today, then=Value(Standing.OVERDUE)),
                When(deadline__lte=soon, then=Value(Standing.DUE_SOON)),
                default=Value(Standing.ON_TRACK),
                output_field=models.CharField(max_length=16, choices=Standing.choices),
            )
        )

    def open(self):
        return self.filter(status__in=Task.OPEN_STATUSES)

    def with_lead_unit(self):
        """Annotate `lead_unit_id` (one subquery, so a list never asks per row)."""
        # order_by(): without it the subquery inherits Assignment's ordering (task → deadline, unit → name) and
        # joins two tables per row; a task has one lead (a unique index), so plain index lookups are enough.
        lead = Assignment.objects.filter(task=models.OuterRef("pk"), role=Assignment.Role.LEAD).order_by()
        return self.annotate(lead_unit_id=models.Subquery(lead.values("unit_id")[:1]))


# The expression tasks.filters.sort_tasks orders by (deadline_is_null): the indexes above repeat it exactly, so
# PostgreSQL can match ORDER BY to them.
LIST_ORDER_NULLS_LAST = Case(When(deadline__isnull=True, then=Value(1)), default=Value(0),
                             output_field=models.IntegerField())


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    PROPOSED = "proposed", _("Đề nghị hoàn thành")
    RETURNED = "returned", _("Bị trả lại")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")

class TaskReportCycle(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


class Task(models.Model):
    """The assignable unit of work (nhiệm vụ) made from a directive or entered by hand."""

    Status = TaskStatus

    ReportCycle = TaskReportCycle

    OPEN_STATUSES = (Status.OPEN, Status.PROPOSED, Status.RETURNED)

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
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN)
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
    # Lower case, diacritics removed (tasks.search.search_key) over title, description and the lead unit's name,
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
        """The same rule as TaskQuerySet.with_standing, for one object already in memory."""
        standing = getattr(self, "standing", None)
        if standing and today is None:
            return standing
        today = today or local_today()
        if self.status == self.Status.CANCELLED:
            return Standing.CANCELLED
        if self.status == self.Status.DONE:
            done_on = timezone.localtime(self.completed_at).date()
            if self.deadline is None or done_on <= self.deadline:
                return Standing.DONE_ON_TIME
            return Standing.DONE_LATE
        if self.deadline is None:
            return Standing.ONGOING
        if self.deadline < today:
            return Standing.OVERDUE
        if self.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            return Standing.DUE_SOON
        return Standing.ON_TRACK

    def get_standing_display(self) -> str:
        return Standing(self.compute_standing()).label


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")


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


class ProgressReportKind(models.TextChoices):
    REPORT = "report", _("Báo cáo tiến độ")
    CONTRIBUTION = "contribution", _("Ý kiến phối hợp")


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
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="attachments"
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

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("tasks:attachment", args=[self.pk])


class ExtensionRequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    APPROVED = "approved", _("Đã đồng ý")
    REFUSED = "refused", _("Không đồng ý")


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


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ đánh giá")
    APPROVED = "approved", _("Xác nhận hoàn thành")
    RETURNED = "returned", _("Trả lại")


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


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Được giao nhiệm vụ")
    BEFORE_DEADLINE = "before_deadline", _("Sắp đến hạn")
    DEADLINE_TODAY = "deadline_today", _("Đến hạn hôm nay")
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATION = "escalation", _("Quá hạn kéo dài")
    REPORT_DUE = "report_due", _("Sắp đến kỳ báo cáo")
    REPORT_MISSING = "report_missing", _("Chưa báo cáo theo kỳ")
    COMPLETION_PROPOSED = "completion_proposed", _("Đề nghị hoàn thành")
    COMPLETION_APPROVED = "completion_approved", _("Xác nhận hoàn thành")
    COMPLETION_RETURNED = "completion_returned", _("Trả lại nhiệm vụ")
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
    EXTENSION_APPROVED = "extension_approved", _("Đồng ý gia hạn")
    EXTENSION_REFUSED = "extension_refused", _("Không đồng ý gia hạn")
    LEAD_CHANGED = "lead_changed", _("Thay đổi đơn vị chủ trì")
    CANCELLED = "cancelled", _("Hủy nhiệm vụ")
    DELEGATED = "delegated", _("Giao lại cho đơn vị cấp dưới")

class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    SKIPPED = "skipped", _("Không gửi")


class Notification(models.Model):
    """The reminder ledger: one row per (task, recipient, kind, due date), written before anything is sent.

    The unique constraint, not the scheduler, is what guarantees that nothing is sent twice.
    """

    Kind = NotificationKind

    Status = NotificationStatus

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
        related_name="notifications", null=True, blank=True,
    )
    # A unit's own mailbox (Unit.email) is a recipient of its own: the row has either a person or a unit.
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("hộp thư đơn vị nhận"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="mailbox_notifications",
    )
    # The email that carries (or carried) this notice; set when the day's digest is planned.
    email = models.ForeignKey(
        "OutgoingEmail", verbose_name=_("thư"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="items",
    )
    kind = models.CharField(_("loại thông báo"), max_length=32, choices=Kind.choices)
    due_on = models.DateField(_("ngày gửi"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    detail = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    read_at = models.DateTimeField(_("thời điểm đọc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "recipient", "kind", "due_on"], name="one_notification_per_task_recipient_kind_day"
            ),
            # The same rule for a unit's mailbox (rows for people leave recipient_unit NULL, which never collides).
            models.UniqueConstraint(
                fields=["task", "recipient_unit", "kind", "due_on"],
                name="one_notification_per_task_unit_mailbox_kind_day",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, recipient_unit__isnull=True)
                | Q(recipient__isnull=True, recipient_unit__isnull=False),
                name="notification_has_one_recipient",
            ),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_is_known"),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="notification_status_is_known"
            ),
        ]
        indexes = [
            # The sender's claim: pending rows due up to today.
            models.Index(fields=["status", "due_on"], name="notification_pending_idx"),
            # The bell: a user's unread notifications, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.task} – {self.recipient or self.recipient_unit}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()


# --- Calendar feeds ------------------------------------------------------------------------------------------


class CalendarToken(models.Model):
    """The secret behind a person's calendar feed URL (/calendar/<token>.ics).

    `token` holds only the random part; the URL carries it with an HMAC signature made from SECRET_KEY
    (tasks.calendar_feed). So the page can show the address again at any time, while a copy of the database alone
    (a backup, the admin, an SQL console) does not give anyone a working feed. Regenerating replaces the random
    part: the old address then finds no row and answers 404.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("mã bí mật"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch cá nhân")
        verbose_name_plural = _("lịch cá nhân")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("calendar")


# --- Reminders: the office's policy, the outbox, personal preferences ----------------------------------------


def parse_day_offsets(value: str) -> tuple[int, ...]:
    """"7, 3, 1, 0" -> (7, 3, 1, 0): whole days before a deadline, each between 0 and 90, each once."""
    days = []
    for part in value.replace(";", ",").split(","):
        if part.strip():
            day = int(part.strip())
            if not 0 <= day <= 90:
                raise ValueError(day)
            if day not in days:
                days.append(day)
    return tuple(sorted(days, reverse=True))


def validate_day_offsets(value: str):
    try:
        parse_day_offsets(value)
    except ValueError:
        raise ValidationError(
            _("Nhập các số ngày từ 0 đến 90, cách nhau bởi dấu phẩy, ví dụ: 7, 3, 1, 0."), code="day_offsets"
        )


class ReminderPolicy(models.Model):
    """The reminder policy the office edits in the admin: a single row. tasks.reminders reads it as plain values."""

    lead_days_before = models.CharField(
        _("nhắc đơn vị chủ trì trước hạn (ngày)"), max_length=64, default="7, 3, 1, 0",
        validators=[validate_day_offsets],
        help_text=_("Số ngày trước hạn xử lý, cách nhau bởi dấu phẩy; 0 là đúng ngày đến hạn."),
    )
    coordinating_days_before = models.CharField(
        _("nhắc đơn vị phối hợp trước hạn (ngày)"), max_length=64, default="7", blank=True,
        validators=[validate_day_offsets],
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        _("nhắc lại việc quá hạn sau mỗi (ngày)"), default=7, validators=[MinValueValidator(1)],
        help_text=_("Lần nhắc quá hạn đầu tiên là ngày sau hạn xử lý."),
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("đưa vào báo cáo tuần khi quá hạn hơn (ngày)"), default=14,
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo định kỳ (ngày trong tháng cuối kỳ)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Ví dụ: 15 – báo cáo quý nộp trước ngày 15 của tháng cuối quý."),
    )
    report_reminder_days = models.PositiveSmallIntegerField(
        _("nhắc báo cáo định kỳ trước hạn nộp (ngày)"), default=7, validators=[MaxValueValidator(60)],
    )
    send_time = models.TimeField(
        _("giờ gửi thư hằng ngày"), default=datetime.time(7, 0),
        help_text=_("Giờ Việt Nam, vào các ngày làm việc. Lịch chạy tự động được cập nhật theo giờ này."),
    )
    last_swept_on = models.DateField(_("ngày đã quét gần nhất"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)

    class Meta:
        verbose_name = _("chính sách nhắc hạn")
        verbose_name_plural = _("chính sách nhắc hạn")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="reminder_policy_is_a_single_row"),
            models.CheckConstraint(condition=Q(overdue_repeat_days__gte=1), name="overdue_repeat_at_least_one_day"),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=28), name="report_due_day_in_every_month"
            ),
        ]

    def __str__(self):
        return str(_("Chính sách nhắc hạn"))

    def get_absolute_url(self):
        return reverse("admin:tasks_reminderpolicy_change", args=[self.pk])

    @classmethod
    def load(cls) -> "ReminderPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class OutgoingEmailKind(models.TextChoices):
    DIGEST = "digest", _("Thư tổng hợp hằng ngày")
    WEEKLY = "weekly", _("Báo cáo tuần")


class OutgoingEmailStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    SKIPPED = "skipped", _("Không gửi")


class OutgoingEmail(models.Model):
    """One email to one person (or one unit's mailbox) for one day and kind: the office's outbox.

    Planned before it is sent, claimed by one worker at a time (status "sending", claimed_at), marked sent only
    after the SMTP server accepted it. The Message-ID is derived from (recipient, day, kind), so a message sent
    twice can be recognised as the same message.
    """

    Kind = OutgoingEmailKind
    Status = OutgoingEmailStatus

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="outgoing_emails",
    )
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("hộp thư đơn vị nhận"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    to_address = models.EmailField(_("địa chỉ nhận"), blank=True)
    day = models.DateField(_("ngày"))
    kind = models.CharField(_("loại thư"), max_length=16, choices=Kind.choices, default=Kind.DIGEST)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("thời điểm đưa vào hàng đợi"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("thời điểm bắt đầu gửi"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư đi")
        verbose_name_plural = _("thư đi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day", "kind"], name="one_email_per_person_day_kind"),
            models.UniqueConstraint(
                fields=["recipient_unit", "day", "kind"], name="one_email_per_unit_mailbox_day_kind"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, recipient_unit__isnull=True)
                | Q(recipient__isnull=True, recipient_unit__isnull=False),
                name="outgoing_email_has_one_recipient",
            ),
            models.CheckConstraint(condition=Q(kind__in=OutgoingEmailKind.values), name="outgoing_email_kind_is_known"),
            models.CheckConstraint(
                condition=Q(status__in=OutgoingEmailStatus.values), name="outgoing_email_status_is_known"
            ),
        ]
        indexes = [
            # The sender's sweep: pending rows and claims gone stale.
            models.Index(fields=["status", "claimed_at"], name="outgoing_email_sweep_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.recipient or self.recipient_unit} – {self.day:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("tasks:outbox_detail", args=[self.pk])


class NotificationPreference(models.Model):
    """What a person chose to receive by email. Overdue notices are sent whatever the choice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_digest = models.BooleanField(
        _("nhận thư tổng hợp hằng ngày"), default=True,
        help_text=_("Thư báo nhiệm vụ quá hạn vẫn được gửi dù tắt mục này."),
    )

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("tasks:notifications")
