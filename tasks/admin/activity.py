"""What happens to a task, in the admin: progress reports with their files, extension requests and completion
reviews (the office decides through the services, never by editing a status)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.names import person_column
from core.admin import HistoryAdmin, PortalAdminMixin
from core.dates import dmy

from .. import services
from ..models import Attachment, ExtensionRequest, ProgressReport, Review
from .common import TaskScopedAdmin


class AttachmentInline(admin.TabularInline):
    """Files are added with a report or a completion proposal in the portal; here they are listed, opened (through the permission check
    of the download page) and, by the office, removed."""

    model = Attachment
    fields = ("download", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("tệp"))
    def download(self, attachment):
        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.original_name)


def decide_each(model_admin, request, items, decide, done_message: str):
    """An admin action that takes the office's decision through the service, item by item; a refusal (already
    decided, no longer allowed) is reported for that item and the others go on."""
    done = 0
    for item in items:
        try:
            decide(item)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            model_admin.message_user(request, f"{item}: {reason}", messages.ERROR)
    model_admin.message_user(request, done_message % {"count": done})


@admin.register(ProgressReport)
class ProgressReportAdmin(PortalAdminMixin, TaskScopedAdmin):
    inlines = [AttachmentInline]
    list_display = ("task", "unit", person_column("author", _("người báo cáo")), "kind", "percent", "created_dmy")
    list_filter = ("kind",)
    search_fields = ("task__title", "text", "unit__name")
    date_hierarchy = "created_at"
    list_select_related = ("task", "unit", "author")
    autocomplete_fields = ("task", "unit", "author")
    show_full_result_count = False

    @admin.display(description=_("thời điểm báo cáo"), ordering="created_at")
    def created_dmy(self, report):
        return dmy(report.created_at)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(TaskScopedAdmin, HistoryAdmin):
    list_display = ("task", "unit", "current_dmy", "requested_dmy", "status", "created_dmy")
    list_filter = ("status",)
    search_fields = ("task__title", "reason", "unit__name")
    list_select_related = ("task", "unit")
    autocomplete_fields = ("task", "unit", "requested_by")
    # The decision moves the task's deadline: it is taken with the action below (or on the task's page), never by
    # editing the status, which would leave the deadline where it was.
    readonly_fields = ("status", "granted_deadline", "decided_by", "decided_at", "created_at")
    actions = ["approve"]

    @admin.display(description=_("hạn hiện tại"), ordering="current_deadline")
    def current_dmy(self, extension):
        return dmy(extension.current_deadline)

    @admin.display(description=_("hạn đề nghị"), ordering="requested_deadline")
    def requested_dmy(self, extension):
        return dmy(extension.requested_deadline)

    @admin.display(description=_("thời điểm đề nghị"), ordering="created_at")
    def created_dmy(self, extension):
        return dmy(extension.created_at)

    @admin.action(description=_("Đồng ý gia hạn các đề nghị đã chọn"), permissions=["change"])
    def approve(self, request, queryset):
        decide_each(self, request, queryset.filter(status=ExtensionRequest.Status.PENDING),
                    lambda extension: services.decide_extension(extension=extension, user=request.user, approve=True),
                    gettext("Đã đồng ý gia hạn %(count)d đề nghị."))


@admin.register(Review)
class ReviewAdmin(TaskScopedAdmin, HistoryAdmin):
    inlines = [AttachmentInline]  # the documents sent with the proposal
    list_display = ("task", person_column("proposed_by", _("người đề nghị")), "proposed_dmy", "outcome",
                    person_column("reviewer", _("người đánh giá")))
    list_filter = ("outcome",)
    search_fields = ("task__title", "result", "comment")
    list_select_related = ("task", "proposed_by", "reviewer")
    autocomplete_fields = ("task", "proposed_by")
    # As for extensions: confirming completion closes the task, so it goes through the service.
    readonly_fields = ("outcome", "reviewer", "reviewed_at", "proposed_at")
    actions = ["approve"]

    @admin.display(description=_("thời điểm đề nghị"), ordering="proposed_at")
    def proposed_dmy(self, review):
        return dmy(review.proposed_at)

    @admin.action(description=_("Xác nhận hoàn thành các đề nghị đã chọn"), permissions=["change"])
    def approve(self, request, queryset):
        decide_each(self, request, queryset.filter(outcome=Review.Outcome.PENDING).select_related("task"),
                    lambda review: services.decide_completion(task=review.task, user=request.user, approve=True),
                    gettext("Đã xác nhận hoàn thành %(count)d nhiệm vụ."))
