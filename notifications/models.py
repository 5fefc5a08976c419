"""The notification ledger (one row per task, recipient, kind and day, written before anything is sent), the
outbox of emails that carry it, the reminder policy the office edits, and each person's choice of emails."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tasks.events import TaskEvent
from tasks.models import Task
from units.models import Unit


# The reminders the daily sweep writes (notifications.reminders).
REMINDERS = [
    ("BEFORE_DEADLINE", ("before_deadline", _("Sắp đến hạn"))),
    ("DEADLINE_TODAY", ("deadline_today", _("Đến hạn hôm nay"))),
    ("OVERDUE", ("overdue", _("Quá hạn"))),
    ("ESCALATION", ("escalation", _("Quá hạn kéo dài"))),
    ("REPORT_DUE", ("report_due", _("Sắp đến kỳ báo cáo"))),
    ("REPORT_MISSING", ("report_missing", _("Chưa báo cáo theo kỳ"))),
]
# What a notice is about: a reminder, or one of the task's events (tasks.events, which names and words them).
# Assignment first, as the ledger has always listed it.
_events = [(event.name, (event.value, event.label)) for event in TaskEvent]
NotificationKind = models.TextChoices("NotificationKind", [_events[0], *REMINDERS, *_events[1:]])


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
        # The tables keep the names they had when the ledger lived in the tasks app.
        db_table = "tasks_notification"
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
    """The reminder policy the office edits in the admin: a single row. notifications.reminders reads it as plain values."""

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
        db_table = "tasks_reminderpolicy"
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
        return reverse("admin:notifications_reminderpolicy_change", args=[self.pk])

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
        db_table = "tasks_outgoingemail"
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
        return reverse("notifications:outbox_detail", args=[self.pk])


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
        db_table = "tasks_notificationpreference"
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("notifications:inbox")
