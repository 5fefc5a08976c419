"""The admin pages of the reminders: the policy the office edits (one row), the outbox, the personal choices.

Registered from tasks.apps.TasksConfig.ready(), beside tasks/admin.py. The beat schedule itself
(django-celery-beat's periodic tasks) has its own admin pages; saving the policy moves the daily run to its send
time.
"""
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import mail, reminders
from .models import NotificationPreference, OutgoingEmail, ReminderPolicy


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
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
        # One row: the list is the row.
        return redirect("admin:tasks_reminderpolicy_change", ReminderPolicy.load().pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reminders.sync_beat_schedule(obj)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "recipient", "recipient_unit", "to_address", "status", "attempts", "sent_at",
                    "last_error")
    list_filter = ("status", "kind", "day")
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
            mail.resend(email)
        self.message_user(request, gettext("Đã đưa %(count)d thư vào hàng đợi gửi lại.") % {"count": len(emails)},
                          messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_digest")
    list_filter = ("email_digest",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
