"""The standing committee's tool: the Django admin, in Vietnamese.

Who gets in is Django's rule (staff only; unit users are not staff). What they may do there comes from the two
role groups (tasks.roles): the office holds every permission, the standing committee only the view permissions,
so Django shows it every page without save, delete or add buttons. Which tasks anyone sees is the portal's rule
(tasks.selectors.visible_tasks), the same as on every other page.

Sections: shared pieces; units and people; tasks; what happens to a task. A module that adds its own models (the
reminder policy, for instance) appends its registration block at the end.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet, ModelForm
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from import_export.tmp_storages import MediaStorage
from simple_history.admin import SimpleHistoryAdmin

from . import mail, notify, reminders, services
from .models import (
    Assignment,
    Attachment,
    ExtensionRequest,
    Membership,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    ProgressReport,
    ReminderPolicy,
    Review,
    Standing,
    Task,
    Unit,
    UnitGroup,
)
from .resources import MembershipResource, UnitResource
from .search import search_words
from .selectors import scope_for, visible_tasks, visible_units

User = get_user_model()

# The lists are wide (long Vietnamese titles, unit names, a badge, filters on the right): on an office screen the
# page needs the room more than a second menu beside the breadcrumbs and the home page's app list.
admin.site.enable_nav_sidebar = False


# --- Shared pieces ------------------------------------------------------------------------------------------


def dmy(value) -> str | None:
    """A date (or a datetime, in Asia/Ho_Chi_Minh) as dd/mm/yyyy, the way the office writes it."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


class PortalAdminMixin:
    """Styles shared by every page of the admin (CSP allows stylesheets from 'self' only, no inline styles)."""

    class Media:
        css = {"all": ["css/portal-admin.css"]}


class HistoryAdmin(PortalAdminMixin, SimpleHistoryAdmin):
    """simple_history's admin, minus one gap: its "revert to this version" page saves on POST after checking only
    the *view* permission. Whoever may not change the object may look at old versions, never restore one."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class OfficeImportExportMixin:
    """Import is a change (the office only); export is reading (whoever may view). Sheets are .xlsx.

    The uploaded sheet waits between "check" and "confirm" in the media storage rather than the web process's
    /tmp, so the two requests may reach different web processes or machines.
    """

    import_formats = [XLSX]
    export_formats = [XLSX]
    tmp_storage_class = MediaStorage

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class TaskScopedAdmin(admin.ModelAdmin):
    """Rows that hang off a task: nobody sees rows of a task they could not see (the office and the standing
    committee see all, so for them this adds nothing to the query)."""

    task_path = "task"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if scope_for(request.user).all_units:
            return queryset
        return queryset.filter(**{f"{self.task_path}__in": visible_tasks(request.user).values("pk")})


# --- Units and people ---------------------------------------------------------------------------------------


class UnitMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "unit"
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("thành viên")
    verbose_name_plural = _("thành viên của đơn vị")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").order_by("role", "user__username")


class ChildUnitInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    fields = ("name", "short_name", "code", "kind", "active", "order")
    show_change_link = True
    extra = 0
    verbose_name = _("đơn vị cấp dưới")
    verbose_name_plural = _("đơn vị cấp dưới")


class ParentUnitFilter(admin.SimpleListFilter):
    """Units that have sub-units, plus "cấp tỉnh" (no parent): picking one lists the units directly under it."""

    title = _("đơn vị cấp trên")
    parameter_name = "parent"
    TOP = "none"

    def lookups(self, request, model_admin):
        parents = Unit.objects.filter(Exists(Unit.objects.filter(parent=OuterRef("pk")))).order_by("order", "name")
        return [(self.TOP, _("(Không có – đơn vị cấp tỉnh)")), *((str(unit.pk), unit.name) for unit in parents)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.TOP:
            return queryset.filter(parent__isnull=True)
        if value and value.isdigit():
            return queryset.filter(parent_id=int(value))
        return queryset


class UnitAdminForm(ModelForm):
    class Meta:
        model = Unit
        fields = "__all__"

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        unit = self.instance
        if parent is not None and unit.pk is not None and (parent.pk == unit.pk or
                                                            parent.pk in unit.descendant_ids()):
            raise ValidationError(
                _("Đơn vị cấp trên không được là chính đơn vị này hoặc một đơn vị cấp dưới của nó."), code="loop"
            )
        return parent


# Tree order without a stored path: units sort by (top ancestor, second level, third level). The directory is
# three levels deep at most (province → district committee → its People's Committee); deeper units still sort
# under their third-level ancestor.
_DEPTH = Case(
    When(parent__isnull=True, then=Value(0)),
    When(parent__parent__isnull=True, then=Value(1)),
    When(parent__parent__parent__isnull=True, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _tree_key(level: int, field: str):
    """The `field` (order or id) of the unit's ancestor at `level` (0 = top), or -1 below the unit's own depth."""
    whens = [When(depth=depth, then=F("parent__" * (depth - level) + field)) for depth in range(level, 4)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


class UnitTreeChangeList(ChangeList):
    """Unless the office sorts by a column, units come in tree order (annotated by UnitAdmin.get_queryset)."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return [f"tree_{level}_{field}" for level in range(3) for field in ("order", "id")]

    def get_ordering_field_columns(self):
        # In tree order no column is "the" sort column: mark none as sorted.
        return super().get_ordering_field_columns() if ORDER_VAR in self.params else {}


@admin.register(Unit)
class UnitAdmin(OfficeImportExportMixin, ImportExportModelAdmin, HistoryAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    list_display = ("tree_name", "short_name", "code", "kind", "member_count", "active")
    list_display_links = ("tree_name",)
    list_filter = (ParentUnitFilter, "kind", "active", "groups")
    search_fields = ("name", "short_name", "code", "aliases")
    list_per_page = 200
    autocomplete_fields = ("parent",)
    inlines = [ChildUnitInline, UnitMembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "code", "kind", "parent", "email", "active", "order")}),
        (_("Nhận diện trong văn bản"), {"fields": ("aliases",)}),
    )

    def get_queryset(self, request):
        queryset = visible_units(request.user).annotate(depth=_DEPTH, member_count=Count("memberships"))
        return queryset.annotate(**{
            f"tree_{level}_{field}": _tree_key(level, field) for level in range(3) for field in ("order", "id")
        })

    def get_changelist(self, request, **kwargs):
        return UnitTreeChangeList

    @admin.display(description=_("tên đơn vị"), ordering="name")
    def tree_name(self, unit):
        depth = min(getattr(unit, "depth", 0), 3)
        marker = "└ " if depth else ""
        return format_html('<span class="unit-depth-{}">{}{}</span>', depth, marker, unit.name)

    @admin.display(description=_("thành viên"), ordering="member_count")
    def member_count(self, unit):
        return unit.member_count


@admin.register(UnitGroup)
class UnitGroupAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "key", "unit_count")
    search_fields = ("name", "key")
    filter_horizontal = ("units",)
    fields = ("key", "name", "units", "phrases")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_count=Count("units"))

    @admin.display(description=_("số đơn vị"), ordering="unit_count")
    def unit_count(self, group):
        return group.unit_count


@admin.register(Membership)
class MembershipAdmin(OfficeImportExportMixin, ImportExportModelAdmin, HistoryAdmin):
    resource_classes = [MembershipResource]
    list_display = ("person", "username", "email", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "unit__name",
                     "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")
    show_full_result_count = False

    @admin.display(description=_("họ và tên"), ordering="user__last_name")
    def person(self, membership):
        return " ".join(p for p in (membership.user.last_name, membership.user.first_name) if p) or "—"

    @admin.display(description=_("tên đăng nhập"), ordering="user__username")
    def username(self, membership):
        return membership.user.username

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, membership):
        return membership.user.email


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("unit", "role")
    autocomplete_fields = ("unit",)
    extra = 0
    verbose_name = _("đơn vị công tác")
    verbose_name_plural = _("đơn vị công tác")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    """Django's user admin, with the units a person belongs to."""

    inlines = [UserMembershipInline]
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")

    @admin.display(description=_("họ và tên"), ordering="last_name")
    def full_name(self, user):
        return " ".join(p for p in (user.last_name, user.first_name) if p)


# --- Tasks --------------------------------------------------------------------------------------------------


class StandingFilter(admin.SimpleListFilter):
    """Where tasks stand against their deadline, as TaskQuerySet.with_standing computes it (in SQL)."""

    title = _("tình trạng thời hạn")
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return Standing.choices

    def queryset(self, request, queryset):
        if self.value() in Standing.values:
            return queryset.filter(standing=self.value())
        return queryset


class LeadUnitFilter(admin.SimpleListFilter):
    """The unit accountable for the task (its lead, chủ trì), among units that lead anything."""

    title = _("đơn vị chủ trì")
    parameter_name = "lead_unit"

    def lookups(self, request, model_admin):
        leads = Assignment.objects.filter(unit=OuterRef("pk"), role=Assignment.Role.LEAD)
        units = Unit.objects.filter(Exists(leads)).order_by("order", "name")
        return [(str(pk), name) for pk, name in units.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            lead = Assignment.objects.filter(task=OuterRef("pk"), unit_id=int(value), role=Assignment.Role.LEAD)
            return queryset.filter(Exists(lead))
        return queryset


class AssignmentFormSet(BaseInlineFormSet):
    """Exactly one lead unit per task; the database refuses a second one, here the office is told why."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        leads = [
            form for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Assignment.Role.LEAD
        ]
        if not leads:
            raise ValidationError(_("Nhiệm vụ cần đúng một đơn vị chủ trì."), code="no_lead")
        if len(leads) > 1:
            raise ValidationError(_("Mỗi nhiệm vụ chỉ có một đơn vị chủ trì; các đơn vị khác là đơn vị phối hợp."),
                                  code="two_leads")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    formset = AssignmentFormSet
    fields = ("unit", "role", "assigned_at")
    readonly_fields = ("assigned_at",)
    autocomplete_fields = ("unit",)
    verbose_name = _("đơn vị thực hiện")
    verbose_name_plural = _("đơn vị chủ trì và phối hợp")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def get_queryset(self, request):
        # The lead first: when the office moves the lead to another row, the old lead is saved (demoted) before
        # the new one is promoted, so the "one lead per task" constraint holds at every step.
        lead_first = Case(When(role=Assignment.Role.LEAD, then=Value(0)), default=Value(1))
        return super().get_queryset(request).select_related("unit").order_by(lead_first, "unit__order", "unit__name")


class TaskAdminForm(ModelForm):
    class Meta:
        model = Task
        fields = "__all__"
        widgets = {"title": Textarea(attrs={"rows": 2, "cols": 90})}  # titles are sentences, not labels

    def clean(self):
        cleaned = super().clean()
        # A task marked done without a completion time would break the rule "done means a completion time";
        # the office means "done now".
        if cleaned.get("status") == Task.Status.DONE and not cleaned.get("completed_at"):
            cleaned["completed_at"] = timezone.now()
        return cleaned


STANDING_CSS = {
    Standing.ON_TRACK: "on-track", Standing.DUE_SOON: "due-soon", Standing.OVERDUE: "overdue",
    Standing.DONE_ON_TIME: "done-on-time", Standing.DONE_LATE: "done-late", Standing.ONGOING: "ongoing",
    Standing.CANCELLED: "cancelled",
}


def standing_badge(standing: str):
    return format_html('<span class="standing-badge standing-{}">{}</span>', STANDING_CSS.get(standing, "unknown"),
                       Standing(standing).label)


@admin.register(Task)
class TaskAdmin(HistoryAdmin):
    form = TaskAdminForm
    inlines = [AssignmentInline]
    list_display = ("short_title", "lead_unit", "deadline_dmy", "standing_display", "status")
    list_filter = (StandingFilter, "status", LeadUnitFilter, "directive__resolution")
    search_fields = ("title", "description", "directive__text")
    date_hierarchy = "deadline"
    list_select_related = ("directive",)
    show_full_result_count = False
    list_per_page = 50
    # The most urgent first; ongoing work (no deadline) after everything that has one, on every database.
    ordering = (F("deadline").asc(nulls_last=True), "id")
    autocomplete_fields = ("directive", "parent")
    readonly_fields = ("standing_display", "created_by", "created_at", "updated_at", "version")
    fieldsets = (
        (None, {"fields": ("title", "description", "directive", "parent")}),
        (_("Thời hạn"), {"fields": ("deadline", "original_deadline", "deadline_text", "report_cycle")}),
        (_("Tình hình thực hiện"), {"fields": ("standing_display", "status", "progress", "completed_at",
                                               "cancel_reason")}),
        (_("Theo dõi"), {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_at", "version")}),
    )

    def get_queryset(self, request):
        lead = Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD)
        tasks = visible_tasks(request.user).annotate(lead_unit_name=Subquery(lead.values("unit__name")[:1]))
        ordering = self.get_ordering(request)
        return tasks.order_by(*ordering) if ordering else tasks

    def get_search_results(self, request, queryset, search_term):
        """The words as typed (title, description, the directive's text), or without accents ("tuyen giao")
        against the task's search key, which also holds the lead unit's name."""
        term = search_term.strip()
        if not term:
            return queryset, False
        typed = Q(title__icontains=term) | Q(description__icontains=term) | Q(directive__text__icontains=term)
        words = search_words(term)
        accent_free = Q(*[Q(search_text__contains=word) for word in words]) if words else Q(pk__in=[])
        return queryset.filter(typed | accent_free), False

    @admin.display(description=_("tên nhiệm vụ"), ordering="title")
    def short_title(self, task):
        return Truncator(task.title).chars(110)

    @admin.display(description=_("đơn vị chủ trì"), ordering="lead_unit_name")
    def lead_unit(self, task):
        return getattr(task, "lead_unit_name", None)

    @admin.display(description=_("hạn xử lý"), ordering="deadline")
    def deadline_dmy(self, task):
        return dmy(task.deadline)

    @admin.display(description=_("tình trạng thời hạn"), ordering="standing")
    def standing_display(self, task):
        if task.pk is None:
            return None
        return standing_badge(task.compute_standing())

    def save_model(self, request, obj, form, change):
        if change:
            if form.has_changed():
                # Someone holding the task's page open in the portal must not overwrite this edit.
                obj.version += 1
            if "deadline" in form.changed_data and obj.original_deadline is None:
                obj.original_deadline = form.initial.get("deadline")
        else:
            obj.created_by = request.user
            if obj.original_deadline is None:
                obj.original_deadline = obj.deadline
        obj._change_reason = gettext("Văn phòng cập nhật trong trang quản trị")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        task = form.instance
        lead_before = task.assignments.filter(role=Assignment.Role.LEAD).values_list("unit_id", flat=True).first()
        super().save_related(request, form, formsets, change)
        services.refresh_search_text(task)
        # The units hear about it as when the task is assigned in the portal.
        assignments = list(task.assignments.select_related("unit"))
        lead_after = next((a.unit for a in assignments if a.role == Assignment.Role.LEAD), None)
        if not change:
            notify.unit_members(task, Notification.Kind.ASSIGNED, [a.unit for a in assignments])
        elif lead_after is not None and lead_before != lead_after.pk:
            notify.unit_members(task, Notification.Kind.LEAD_CHANGED, [lead_after])


@admin.register(Assignment)
class AssignmentAdmin(TaskScopedAdmin, HistoryAdmin):
    list_display = ("task", "unit", "role", "assigned_dmy")
    list_filter = ("role", "unit__kind")
    search_fields = ("task__title", "unit__name", "unit__code")
    list_select_related = ("task", "unit")
    autocomplete_fields = ("task", "unit")
    show_full_result_count = False

    @admin.display(description=_("ngày giao"), ordering="assigned_at")
    def assigned_dmy(self, assignment):
        return dmy(assignment.assigned_at)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_search_text(obj.task)


# --- What happens to a task ---------------------------------------------------------------------------------


class AttachmentInline(admin.TabularInline):
    """Files are added with a report in the portal; here they are listed, opened (through the permission check
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
    list_display = ("task", "unit", "author", "kind", "percent", "created_dmy")
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
    readonly_fields = ("status", "decided_by", "decided_at", "created_at")
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
    list_display = ("task", "proposed_by", "proposed_dmy", "outcome", "reviewer")
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


@admin.register(Notification)
class NotificationAdmin(PortalAdminMixin, TaskScopedAdmin):
    list_display = ("kind", "task", "recipient", "due_dmy", "status", "sent_dmy")
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


# --- Reminders: the policy the office edits (one row), the outbox, personal choices (tasks.reminders, tasks.mail)


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
        return redirect("admin:tasks_reminderpolicy_change", ReminderPolicy.load().pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reminders.sync_beat_schedule(obj)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: the office's page for it is /outbox/; here it can also send a selection again."""

    list_display = ("day", "kind", "recipient", "recipient_unit", "to_address", "status", "attempts", "sent_at",
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
            mail.resend(email)
        self.message_user(request, gettext("Đã đưa %(count)d thư vào hàng đợi gửi lại.") % {"count": len(emails)},
                          messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ("user", "email_digest")
    list_filter = ("email_digest",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
