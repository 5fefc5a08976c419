"""The task list's filters, shared by /tasks/, the dashboard's links and /tasks/export.xlsx.

Usage (the queryset must already be limited to what the person may see: the filters only narrow it):

    tasks = TaskFilter(request.GET, visible_tasks(request.user), user=request.user).qs
    # a bad field is shown with its error (filterset.form) and ignored; the others still filter

    tasks = filter_tasks(visible_tasks(user), cleaned_data, user=user)   # from data already cleaned (the dashboard)

Every filter is a GET parameter, so a filtered list is a link that can be bookmarked or sent:

    q             words to find in the title, description and lead unit; without diacritics is fine
    standing      one or more tasks.Standing values (standing=overdue&standing=due_soon)
    status        one tasks.Task.Status value
    document      a Resolution pk;  directive  a Directive pk
    unit          a Unit pk;  role  "lead", "coordinating" or empty (any part in the task)
    deadline_from, deadline_to    dd/mm/yyyy (or yyyy-mm-dd)
    ongoing       "yes" (no deadline, periodic reports) or "no"
    sort          one of SORTS (default: deadline, soonest first)
    period_from, period_to    the dashboard's reporting period (see in_period); no control of the panel sets it
    group         a UnitGroup pk: tasks whose lead unit is in the group (the dashboard's unit group)
"""
from __future__ import annotations

import copy
import functools

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.identity import scope_for
from core.forms import DATE_INPUT_FORMATS
from core.text import search_words
from resolutions.models import Resolution
from units.models import Unit

from .access import visible_resolutions, visible_units
from .choices import STATUS_HEADING
from .models import LIST_ORDER_NULLS_LAST, Assignment, Task
from .standing import ATTENTION_ORDER, STANDING_HEADING, Standing, standing_condition
from .widgets import Checkboxes, FilterBoundField, FilterSelect, SearchedSelect, field_group

SORTS = {
    "deadline": (_("Hạn xử lý (gần nhất trước)"), ["deadline_is_null", "deadline", "id"]),
    "-deadline": (_("Hạn xử lý (xa nhất trước)"), ["deadline_is_null", "-deadline", "-id"]),
    "standing": (_("Tình hình thực hiện (quá hạn trước)"), ["standing_rank", "deadline_is_null", "deadline", "id"]),
    "title": (_("Tên nhiệm vụ (A–Z)"), ["title", "id"]),
    "-created": (_("Ngày giao (mới nhất trước)"), ["-created_at", "-id"]),
    "created": (_("Ngày giao (cũ nhất trước)"), ["created_at", "id"]),
}
DEFAULT_SORT = "deadline"

# The unit drop-down lists the person's units in the page when they are few (a unit leader's own, ~25); the office's
# (every unit, 1,000 in the load test) come from the search endpoint instead (tasks/views/choices.py), as the
# documents always do.
UNIT_CHOICES_INLINE = 100

MAX_ID = 2**63 - 1  # the largest primary key either database stores

# The filters that narrow the list (the search box and the sort do not): counted on the "Lọc thêm" toggle.
NARROWING = ("standing", "status", "document", "directive", "unit", "role", "deadline_from", "deadline_to",
             "ongoing", "period_from", "period_to", "group")


class TaskFilterForm(forms.Form):
    """The form under TaskFilter (its fields come from the filters): what is checked across fields, and what the
    filter bar says about itself."""

    bound_field_class = FilterBoundField

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", forms.ValidationError(
                _("Ngày kết thúc phải sau ngày bắt đầu."), code="date_order"))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # A searched drop-down shows the row its field has just validated, no other: no query lists the rest.
        for name, field in self.fields.items():
            if isinstance(field.widget, SearchedSelect):
                field.widget.offer(field, self.cleaned_data.get(name))

    @property
    def active_count(self) -> int:
        """How many filters narrow the list: shown on the toggle that opens them."""
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in NARROWING if data.get(name))


class ListedUnits(BaseChoiceIterator):
    """The unit drop-down of a person with few units: their units read as (id, name) in one query, when first asked
    for (the key of the drop-down's markup, or its rendering), rather than whole rows through ModelChoiceIterator's
    server-side cursor (three round trips on PostgreSQL)."""

    def __init__(self, field: forms.ModelChoiceField):
        self.field = field

    @functools.cached_property
    def rows(self) -> list:
        return [("", self.field.empty_label), *self.field.queryset.values_list("pk", "name")]

    def __iter__(self):
        return iter(self.rows)


class LightCopy:
    """A filter that a FilterSet copies cheaply: django-filter deep-copies every filter of the class for each
    FilterSet (0.18 ms of CPU per request for these 14). The copy shares the filter's settings (label, widget,
    choices), which nothing changes once the form class is built (TaskFilter.get_form_class), and gets its own
    FilterMethod, bound to the copy and so to this request's FilterSet."""

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        if self.method is not None:
            clone.method = self.method
        memo[id(self)] = clone
        return clone


# django-filter's filters, copied lightly.
class CharFilter(LightCopy, django_filters.CharFilter):
    pass


class ChoiceFilter(LightCopy, django_filters.ChoiceFilter):
    pass


class MultipleChoiceFilter(LightCopy, django_filters.MultipleChoiceFilter):
    pass


class ModelChoiceFilter(LightCopy, django_filters.ModelChoiceFilter):
    pass


class DateFilter(LightCopy, django_filters.DateFilter):
    pass


class IdFilter(LightCopy, django_filters.Filter):
    """A primary key in the query string. An id beyond 64 bits is an invalid value, not an OverflowError from
    SQLite's driver (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class SortFilter(ChoiceFilter):
    """The order of the list: always applied, the default one when none (or a bad one) was asked for."""

    def filter(self, qs, value):
        return sort_tasks(qs, value or DEFAULT_SORT)


def date_filter(label, **kwargs) -> DateFilter:
    return DateFilter(label=label, input_formats=DATE_INPUT_FORMATS, **kwargs)


def date_box():
    return forms.DateInput(format="%d/%m/%Y", attrs={
        "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "dateinput form-control"})


class TaskFilter(django_filters.FilterSet):
    """The filters of the task list over the tasks a person may see. Pass the user: the document and unit choices
    are limited to what they see, and `role` without a unit means the person's own units."""

    q = CharFilter(
        label=_("Tìm kiếm"), max_length=200, method="search", template_name=field_group,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control",
                                      "placeholder": _("Tên nhiệm vụ, nội dung, đơn vị… (gõ không dấu cũng được)")}),
    )
    standing = MultipleChoiceFilter(label=STANDING_HEADING, choices=Standing.choices, method="in_standing",
                                    widget=Checkboxes, template_name=field_group)
    status = ChoiceFilter(label=STATUS_HEADING, choices=Task.Status.choices, empty_label=_("Tất cả"),
                          widget=FilterSelect, template_name=field_group)
    document = ModelChoiceFilter(
        label=_("Văn bản"), field_name="directive__resolution", queryset=Resolution.objects.none(),
        empty_label=_("Tất cả văn bản"), widget=SearchedSelect("tasks:document_choices"), template_name=field_group,
    )
    directive = IdFilter(label=_("Nội dung chỉ đạo"), field_name="directive_id")
    # Listed in the page, or searched (the office: every unit): see limit_choices.
    unit = ModelChoiceFilter(label=_("Đơn vị"), queryset=Unit.objects.none(), method="assigned_to",
                             empty_label=_("Tất cả đơn vị"), widget=FilterSelect, template_name=field_group)
    role = ChoiceFilter(label=_("Vai trò của đơn vị"), choices=Assignment.Role.choices,
                        empty_label=_("Chủ trì hoặc phối hợp"), method="assigned_as", widget=FilterSelect,
                        template_name=field_group)
    deadline_from = date_filter(_("Hạn từ ngày"), field_name="deadline", lookup_expr="gte", widget=date_box(),
                                template_name=field_group)
    deadline_to = date_filter(_("Hạn đến ngày"), field_name="deadline", lookup_expr="lte", widget=date_box(),
                              template_name=field_group)
    ongoing = ChoiceFilter(
        label=_("Loại nhiệm vụ"), choices=[("yes", _("Thường xuyên")), ("no", _("Có hạn xử lý"))],
        empty_label=_("Tất cả"), method="by_ongoing", widget=FilterSelect, template_name=field_group,
    )
    # Set by the dashboard's links (oversight/dashboard), so that its figures and the list count the same tasks.
    period_from = date_filter(_("Kỳ từ ngày"), method="in_reporting_period", widget=forms.HiddenInput)
    period_to = date_filter(_("Kỳ đến ngày"), method="in_reporting_period", widget=forms.HiddenInput)
    group = IdFilter(label=_("Nhóm đơn vị"), method="led_in_group")
    # Last: the filters apply in this order, and the sort orders what they leave.
    sort = SortFilter(label=_("Sắp xếp"), choices=[(key, label) for key, (label, _order) in SORTS.items()],
                      empty_label=None, widget=FilterSelect, template_name=field_group)

    class Meta:
        model = Task
        fields = []  # only the filters declared above
        form = TaskFilterForm

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.values: dict = {}

    @functools.cached_property
    def remote_units(self) -> bool:
        """Whether the unit drop-down is searched (the office: every unit) rather than listed in the page."""
        scope = scope_for(self.user)
        return scope.all_units or len(scope.unit_ids) > UNIT_CHOICES_INLINE

    def get_form_class(self):
        # The same fields for everyone (the person's choices are set on each form, below): the class is built once
        # per process rather than on every request.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self.limit_choices(super().form)
        return self._form

    def limit_choices(self, form: TaskFilterForm) -> None:
        """The choices this person may make: the documents and units they see (another id is an invalid choice)."""
        documents = form.fields["document"]
        # Read only to check a chosen document (the drop-down is searched): without one, not even built.
        if form.data.get(form.add_prefix("document")):
            documents.queryset = visible_resolutions(self.user)
        units = form.fields["unit"]
        units.queryset = visible_units(self.user).filter(active=True).order_by("order", "name")
        if self.remote_units:
            units.widget = SearchedSelect("tasks:unit_choices")
        else:
            units.widget.choices = ListedUnits(units)

    def filter_queryset(self, queryset):
        return self.filter_values(queryset, self.form.cleaned_data)

    def filter_values(self, queryset: QuerySet[Task], values: dict) -> QuerySet[Task]:
        """Every filter applied with its value in `values` (cleaned values by name; a missing or empty one does
        not narrow), the sort last."""
        self.values = values
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, values.get(name))
        return queryset

    # --- the filters that are more than a lookup (each called only with a value) ----------------------------

    def search(self, tasks, name, value):
        for word in search_words(value):
            # search_text is the accent-free key; the raw title is a fallback for rows written outside the services.
            tasks = tasks.filter(Q(search_text__contains=word) | Q(title__icontains=word))
        return tasks

    def in_standing(self, tasks, name, value):
        # On the columns (index-friendly), never on the standing CASE: see tasks.standing.
        return tasks.filter(standing_condition(value))

    def by_ongoing(self, tasks, name, value):
        return tasks.filter(deadline__isnull=(value == "yes"))

    def assigned_to(self, tasks, name, unit):
        return self._assigned(tasks, [unit.pk], self.values.get("role"))

    def assigned_as(self, tasks, name, role):
        """`role` alone: where the person's own units have that role (everyone's, for the office)."""
        if self.values.get("unit") or self.user is None:
            return tasks  # with a unit, assigned_to applies the role
        scope = scope_for(self.user)
        return tasks if scope.all_units else self._assigned(tasks, list(scope.unit_ids), role)

    @staticmethod
    def _assigned(tasks, unit_ids, role):
        assignments = Assignment.objects.filter(task=OuterRef("pk"), unit_id__in=unit_ids)
        if role:
            assignments = assignments.filter(role=role)
        return tasks.filter(Exists(assignments))

    def in_reporting_period(self, tasks, name, value):
        # Both ends make one condition, applied once: with period_from, or with period_to when it stands alone.
        start, end = self.values.get("period_from"), self.values.get("period_to")
        if name == "period_to" and start:
            return tasks
        return tasks.filter(in_period(start, end))

    def led_in_group(self, tasks, name, group_id):
        lead_in_group = Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD,
                                                  unit__groups=group_id)
        return tasks.filter(Exists(lead_in_group))


def filter_tasks(queryset: QuerySet[Task], cleaned_data: dict, *, user=None) -> QuerySet[Task]:
    """Apply filters and the sort from data already cleaned (a TaskFilter form's cleaned_data, or the dashboard's
    own selection) to a queryset of visible tasks.

    The queryset must come from tasks.access.visible_tasks (already limited to what the person may see: the
    filters only narrow it). None of the filters reads the `standing` annotation (standing_condition works on the
    columns), and the standing sort adds it when missing: visible_tasks(user, with_standing=False) gives the same
    rows for a caller that shows the standing without reading the annotation. Missing keys mean "no filter".
    `user` is needed for one case only: `role` without `unit` means "where my units have that role".
    """
    return TaskFilter(queryset=queryset, user=user).filter_values(queryset, cleaned_data or {})


def in_period(start, end) -> Q:
    """A reporting period (the dashboard's): the deadline falls in it, or ongoing work was assigned in it."""
    dated, ongoing = Q(deadline__isnull=False), Q(deadline__isnull=True)
    if start:
        dated &= Q(deadline__gte=start)
        ongoing &= Q(created_at__date__gte=start)
    if end:
        dated &= Q(deadline__lte=end)
        ongoing &= Q(created_at__date__lte=end)
    return dated | ongoing


def sort_tasks(tasks: QuerySet[Task], sort: str) -> QuerySet[Task]:
    _label, ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    # Tasks without a deadline (ongoing) after those with one, on SQLite and PostgreSQL alike.
    tasks = tasks.annotate(deadline_is_null=LIST_ORDER_NULLS_LAST)
    if "standing_rank" in ordering:
        if "standing" not in tasks.query.annotations:  # from visible_tasks(user, with_standing=False)
            tasks = tasks.with_standing()
        # Only when sorting by it: each When repeats the whole standing CASE, which made the list's query 6,500
        # characters long (compiled in Python, then parsed again by the driver, on every request).
        tasks = tasks.annotate(standing_rank=Case(
            *[When(standing=value, then=Value(rank)) for rank, value in enumerate(ATTENTION_ORDER)],
            default=Value(len(ATTENTION_ORDER)), output_field=IntegerField(),
        ))
    return tasks.order_by(*ordering)
