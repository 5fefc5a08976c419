"""Tasks and their assignments in the admin.

The office writes here what it writes in the portal, through the same services: a task added here is created by
services.create_task, a change (fields, status, the lead and coordinating units of the inline) is one
services.edit_task. So the portal's rules hold here too (the first deadline kept, the version that stops an older
page from overwriting, the history entry, the units told, a lead moved only on an open task, a reason to cancel),
and a rule the services refuse is shown on the form with nothing saved. Assignments are changed in the task's
inline only: one lead per task and the events of a change concern the whole task.
"""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet, ModelForm
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from core.dates import dmy
from core.text import search_words
from units.models import Unit

from .. import services
from ..access import visible_tasks
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
        if not self._leads():
            raise ValidationError(_("Nhiệm vụ cần đúng một đơn vị chủ trì."), code="no_lead")
        if len(self._leads()) > 1:
            raise ValidationError(_("Mỗi nhiệm vụ chỉ có một đơn vị chủ trì; các đơn vị khác là đơn vị phối hợp."),
                                  code="two_leads")

    def _kept(self) -> list[dict]:
        """The rows the office left on the page (not deleted, not empty)."""
        return [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("unit")]

    def _leads(self) -> list[Unit]:
        return [row["unit"] for row in self._kept() if row.get("role") == Assignment.Role.LEAD]

    def chosen_units(self) -> tuple[Unit, list[Unit]]:
        """The lead and the coordinating units as the office left them (on a valid formset). A unit that was not
        on the page (added by someone else since it was shown) stays, as Django's own formset would leave it."""
        shown = {form.instance.pk for form in self.initial_forms}
        coordinating = [row["unit"] for row in self._kept() if row.get("role") != Assignment.Role.LEAD]
        coordinating += [assignment.unit for assignment in self.get_queryset()
                         if assignment.pk not in shown and assignment.role != Assignment.Role.LEAD]
        return self._leads()[0], coordinating


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
        # The lead first, then the coordinating units in the directory's order.
        lead_first = Case(When(role=Assignment.Role.LEAD, then=Value(0)), default=Value(1))
        return super().get_queryset(request).select_related("unit").order_by(lead_first, "unit__order", "unit__name")


class TaskAdminForm(ModelForm):
    # A refusal of the services on an earlier try of this very save (TaskAdmin.show_refusals), shown as the form's
    # error so that nothing is saved and the office sees what they typed with the reason.
    refusal: ValidationError | None = None

    class Meta:
        model = Task
        fields = "__all__"
        widgets = {"title": Textarea(attrs={"rows": 2, "cols": 90})}  # titles are sentences, not labels

    def clean(self):
        cleaned = super().clean()
        if self.refusal is not None:
            raise self.refusal
        # Marked done with the time left blank: done when the services would say (the unit's waiting proposal, or
        # now). Filled here because the model refuses a done task without a completion time before any service.
        if cleaned.get("status") == Task.Status.DONE and not cleaned.get("completed_at"):
            cleaned["completed_at"] = services.completion_time(self.instance)
        return cleaned


# A new task starts open, with its first deadline as its deadline: services.create_task sets those.
ADD_FIELDSETS = (
    (None, {"fields": ("title", "description", "directive", "parent")}),
    (_("Thời hạn"), {"fields": ("deadline", "deadline_text", "report_cycle")}),
)


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

    def get_fieldsets(self, request, obj=None):
        return ADD_FIELDSETS if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "task_refusal", None)
        return form if refusal is None else type(form.__name__, (form,), {"refusal": refusal})

    def show_refusals(self, view, request, *args):
        """Run an admin page; when a service refuses the save (after the form was valid: a rule such as "a lead
        moves only on an open task"), its transaction has rolled back, and the page runs again with the reason
        on the form instead of a server error."""
        try:
            return view(request, *args)
        except ValidationError as refusal:  # services.ServiceError, or a model check inside a service
            request.task_refusal = refusal
            return view(request, *args)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self.show_refusals(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's "restore this version" saves with save_model alone (the page has no inline).
        request.task_restoring_version = True
        return self.show_refusals(super().history_form_view, request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """The change page writes in save_related, where the inline's units are at hand: one service call for the
        task and its units. A restored version has no inline: its fields go through the same service, the units
        (with their own history) as they are."""
        if getattr(request, "task_restoring_version", False):
            # Every field of the old version, compared with the task as it is now (the form's "changed" compares
            # with the old version).
            self._edit(request, form, fields=form.cleaned_data, units=(None, None))

    def save_related(self, request, form, formsets, change):
        units = (None, None)
        for formset in formsets:
            formset.save(commit=False)  # what changed, for the admin's log of this save; nothing is written
            if isinstance(formset, AssignmentFormSet):
                units = formset.chosen_units()
        if change:
            self._edit(request, form, fields=form.changed_data, units=units)
        else:
            lead, coordinating = units
            task = services.create_task(created_by=request.user, lead_unit=lead, coordinating_units=coordinating,
                                        **form.cleaned_data)
            self._carry_on_with(form.instance, task.pk)

    def _edit(self, request, form, *, fields, units):
        lead, coordinating = units
        services.edit_task(task=form.instance, user=request.user, lead_unit=lead, coordinating_units=coordinating,
                           changes={name: form.cleaned_data[name] for name in fields})
        self._carry_on_with(form.instance, form.instance.pk)

    @staticmethod
    def _carry_on_with(task: Task, pk: int) -> None:
        """The admin goes on with the form's object (its log entry, its message, the next page): make it the task
        as the services left it."""
        task.pk = pk
        task.refresh_from_db()


@admin.register(Assignment)
class AssignmentAdmin(TaskScopedAdmin, HistoryAdmin):
    """Who does what, across tasks, to read. A unit is added to, moved on or removed from a task in the task's
    own inline: one lead per task, and every such change is the task's (its version, history and the units told,
    services.edit_task), which a row edited alone here would bypass."""

    list_display = ("task", "unit", "role", "assigned_dmy")
    list_filter = ("role", "unit__kind")
    search_fields = ("task__title", "unit__name", "unit__code")
    list_select_related = ("task", "unit")
    show_full_result_count = False

    @admin.display(description=_("ngày giao"), ordering="assigned_at")
    def assigned_dmy(self, assignment):
        return dmy(assignment.assigned_at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
