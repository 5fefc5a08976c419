"""The notification ledger, the reminder policy the office edits (one row), the outbox and personal choices, in
the admin."""
from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.names import person_column
from core.admin import PortalAdminMixin
from core.dates import dmy
from tasks.admin.common import TaskScopedAdmin

from .delivery import resend
from .sweep import sync_beat_schedule
from .models import Notification, NotificationPreference, OutgoingEmail, ReminderPolicy


@admin.register(Notification)
class NotificationAdmin(PortalAdminMixin, TaskScopedAdmin):
    list_display = ("kind", "task", person_column("recipient", _("người nhận")), "due_dmy", "status", "sent_dmy")
    list_filter = ("status", "kind")
    search_fields = ("task__title", "recipient__username", "recipient__email")
    date_hierarchy = "due_on"
    list_select_related = ("task", "recipient")
    autocomplete_fields = ("task", "recipient")
    readonly_fields = ("created_at", "sent_at", "read_at")
    show_full_result_count = False

    @admin.display(description=_("ngày gửi"), ordering="due_on")
    def due_dmy(self, notification):
        return dmy(notification.due_on)

    @admin.display(description=_("thời điểm gửi"), ordering="sent_at")
    def sent_dmy(self, notification):
        return dmy(notification.sent_at)

@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(PortalAdminMixin, admin.ModelAdmin):
    """One row. Saving it moves the daily run (django-celery-beat's crontab) to the send time."""

    fieldsets = [
        (_("Trước và sau hạn xử lý"), {"fields": [
            "lead_days_before", "coordinating_days_before", "overdue_repeat_days", "escalation_after_days",
        ]}),
        (_("Nhiệm vụ thường xuyên"), {"fields": ["report_due_day", "report_reminder_days"]}),
        (_("Thời gian gửi"), {"fields": ["send_time"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:notifications_reminderpolicy_change", ReminderPolicy.load().pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_beat_schedule(obj)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: the office's page for it is /outbox/; here it can also send a selection again."""

    list_display = ("day", "kind", person_column("recipient", _("người nhận")), "recipient_unit", "to_address", "status", "attempts", "sent_at",
                    "last_error")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "recipient__username", "recipient_unit__name", "message_id")
    list_select_related = ("recipient", "recipient_unit")
    date_hierarchy = "day"
    actions = ["resend"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in OutgoingEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các thư đã chọn"), permissions=["change"])
    def resend(self, request, queryset):
        emails = list(queryset.exclude(status=OutgoingEmail.Status.SENDING))
        for email in emails:
            resend(email)
        self.message_user(request, gettext("Đã đưa %(count)d thư vào hàng đợi gửi lại.") % {"count": len(emails)},
                          messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = (person_column("user", _("người dùng")), "email_digest")
    list_filter = ("email_digest",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
