"""Tasks and their assignments in the admin."""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from core.dates import dmy
from core.text import search_words
from units.models import Unit

from .. import services
from ..access import visible_tasks
from ..events import TaskEvent, announce
from ..models import Assignment, Task
from ..standing import Standing, standing_condition
from .common import TaskScopedAdmin, standing_badge


class StandingFilter(admin.SimpleListFilter):
    """Where tasks stand against their deadline (tasks.standing), on the columns so the indexes serve it."""

    title = _("tình trạng thời hạn")
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return Standing.choices

    def queryset(self, request, queryset):
        if self.value() in Standing.values:
            return queryset.filter(standing_condition([self.value()]))
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
        tasks = visible_tasks(request.user).with_lead_unit()
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
            announce(task, TaskEvent.ASSIGNED, units=[a.unit for a in assignments])
        elif lead_after is not None and lead_before != lead_after.pk:
            announce(task, TaskEvent.LEAD_CHANGED, units=[lead_after])


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
