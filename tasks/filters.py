"""The task list's filters, shared by /tasks/, the dashboard's links and /tasks/export.xlsx.

Usage (the queryset must already be limited to what the person may see):

    form = TaskFilterForm(request.GET, user=request.user)
    form.is_valid()                      # a bad field is dropped, the others still apply
    tasks = filter_tasks(visible_tasks(request.user), form.cleaned_data, user=request.user)

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

import functools
from html import escape  # django.utils.html.escape without its lazy-string wrapper

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resolutions.models import Resolution

from accounts.identity import scope_for
from core.text import search_words

from .access import visible_resolutions, visible_units
from .models import LIST_ORDER_NULLS_LAST, Assignment, Task
from .standing import ATTENTION_ORDER, Standing, standing_condition

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


SORTS = {
    "deadline": (_("Hạn xử lý (gần nhất trước)"), ["deadline_is_null", "deadline", "id"]),
    "-deadline": (_("Hạn xử lý (xa nhất trước)"), ["deadline_is_null", "-deadline", "-id"]),
    "standing": (_("Tình trạng (quá hạn trước)"), ["standing_rank", "deadline_is_null", "deadline", "id"]),
    "title": (_("Tên nhiệm vụ (A–Z)"), ["title", "id"]),
    "-created": (_("Ngày giao (mới nhất trước)"), ["-created_at", "-id"]),
    "created": (_("Ngày giao (cũ nhất trước)"), ["created_at", "id"]),
}
DEFAULT_SORT = "deadline"

ROLE_CHOICES = [
    ("", _("Chủ trì hoặc phối hợp")),
    (Assignment.Role.LEAD, _("Chủ trì")),
    (Assignment.Role.COORDINATING, _("Phối hợp")),
]
ONGOING_CHOICES = [("", _("Tất cả")), ("yes", _("Thường xuyên")), ("no", _("Có hạn xử lý"))]


# The unit drop-down lists the person's units in the page when they are few (a unit leader's own, ~25); the office's
# (every unit, 1,000 in the load test) come from the search endpoint instead (tasks/views/choices.py), as the
# documents always do.
UNIT_CHOICES_INLINE = 100


class ChosenOnly(BaseChoiceIterator):
    """A ModelChoiceField's choices as the page shows them when the rest is searched for (tasks/views/choices.py):
    the empty choice and the chosen row, if it was valid. Never a query: the row is the one the field validated.
    A BaseChoiceIterator, so that a widget rendering it does not list the field's whole queryset."""

    def __init__(self, form, name):
        self.form, self.name = form, name

    def __iter__(self):
        field = self.form.fields[self.name]
        if field.empty_label is not None:
            yield ("", field.empty_label)
        chosen = getattr(self.form, "cleaned_data", {}).get(self.name)
        if chosen is not None:
            yield (forms.models.ModelChoiceIteratorValue(chosen.pk, chosen), field.label_from_instance(chosen))


def options_html(choices, selected) -> str:
    """<option>s for a <select>, written here: the filter bar renders its drop-downs once per page view, and
    Django's widget templates cost about 0.1 ms per option (docs/benchmarks.md). `selected`: a set of str values."""
    options = []
    for value, label in choices:
        value = str(value)  # the labels are lazy translations: str() once, before escaping
        options.append(f'<option value="{escape(value)}"{" selected" if value in selected else ""}>'
                       f'{escape(str(label))}</option>')
    return mark_safe("".join(options))  # nosec B308, B703: every value and label escaped just above


MAX_ID = 2**63 - 1  # the largest primary key either database stores


class TaskFilterForm(forms.Form):
    """The filters of the task list. Pass the user: the document and unit choices are limited to what they see."""

    q = forms.CharField(
        label=_("Tìm kiếm"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên nhiệm vụ, nội dung, đơn vị…")}),
    )
    standing = forms.MultipleChoiceField(
        label=_("Tình trạng"), required=False, choices=Standing.choices, widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + list(Task.Status.choices),
    )
    document = forms.ModelChoiceField(label=_("Văn bản"), required=False, queryset=None,
                                      empty_label=_("Tất cả văn bản"))
    # max_value: an id beyond 64 bits is an invalid value, not an OverflowError from SQLite's driver (a 500).
    directive = forms.IntegerField(label=_("Nội dung chỉ đạo"), required=False, min_value=1, max_value=MAX_ID,
                                   widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), required=False, queryset=None,
                                  empty_label=_("Tất cả đơn vị"))
    role = forms.ChoiceField(label=_("Vai trò của đơn vị"), required=False, choices=ROLE_CHOICES)
    deadline_from = forms.DateField(
        label=_("Hạn từ ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                          "autocomplete": "off"}),
    )
    deadline_to = forms.DateField(
        label=_("Hạn đến ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                          "autocomplete": "off"}),
    )
    ongoing = forms.ChoiceField(label=_("Loại nhiệm vụ"), required=False, choices=ONGOING_CHOICES)
    # Set by the dashboard's links (oversight/dashboard), so that its figures and the list count the same tasks.
    period_from = forms.DateField(label=_("Kỳ từ ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
                                  widget=forms.HiddenInput)
    period_to = forms.DateField(label=_("Kỳ đến ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
                                widget=forms.HiddenInput)
    group = forms.IntegerField(label=_("Nhóm đơn vị"), required=False, min_value=1, max_value=MAX_ID,
                               widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"), required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()],
    )

    # The drop-downs of the filter bar, in the order of templates/tasks/partials/filter_bar.html.
    SELECTS = ("sort", "status", "ongoing", "document", "unit", "role")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The visible documents are only read to check a chosen one (the drop-down is searched through
        # tasks/views/choices.py): without a choice, the page does not even build that query.
        self.fields["document"].queryset = (
            visible_resolutions(user).order_by("-issued_on", "-id") if self._submitted("document")
            else Resolution.objects.none()
        )
        self.fields["document"].widget.choices = ChosenOnly(self, "document")
        self.fields["unit"].queryset = visible_units(user).filter(active=True).order_by("order", "name")
        if self.remote_units:
            self.fields["unit"].widget.choices = ChosenOnly(self, "unit")

    def _submitted(self, name) -> bool:
        return self.is_bound and bool(self.data.get(self.add_prefix(name)))

    @functools.cached_property
    def remote_units(self) -> bool:
        """Whether the unit drop-down is searched (the office: every unit) rather than listed in the page."""
        scope = scope_for(self.user)
        return scope.all_units or len(scope.unit_ids) > UNIT_CHOICES_INLINE

    @functools.cached_property
    def options(self) -> dict[str, str]:
        """The <option>s of each drop-down of the filter bar, the submitted value selected as Django's Select
        would (none submitted: the empty choice). The units listed in the page: one query of ids and names."""
        options = {}
        for name in self.SELECTS:
            value = self[name].value()
            value = "" if value is None else str(value)
            if name in FIXED_SELECTS:
                options[name] = fixed_options(name, value)
                continue
            if name == "unit" and not self.remote_units:
                field = self.fields["unit"]
                choices = [("", field.empty_label), *field.queryset.values_list("pk", "name")]
            else:
                choices = self.fields[name].widget.choices
            options[name] = options_html(choices, {value})
        return options

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", forms.ValidationError(
                _("Ngày kết thúc phải sau ngày bắt đầu."), code="date_order"))
        return cleaned

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (the search box and the sort do not count): shown on the toggle."""
        data = getattr(self, "cleaned_data", {})
        names = ("standing", "status", "document", "directive", "unit", "role", "deadline_from", "deadline_to",
                 "ongoing", "period_from", "period_to", "group")
        return sum(1 for name in names if data.get(name))


# The drop-downs whose choices never change: their <option>s are written once per language and chosen value.
FIXED_SELECTS = ("sort", "status", "ongoing", "role")


def fixed_options(name: str, value: str) -> str:
    """The <option>s of a FIXED_SELECTS drop-down with `value` selected; a value that is not a choice selects
    nothing, as Django's Select does. Written once per language and choice, then reused."""
    choices = TaskFilterForm.base_fields[name].choices
    chosen = value if any(str(choice) == value for choice, _label in choices) else None
    return _fixed_options(name, get_language(), chosen)


@functools.lru_cache(maxsize=128)
def _fixed_options(name: str, language: str, chosen: str | None) -> str:
    return options_html(TaskFilterForm.base_fields[name].choices, set() if chosen is None else {chosen})


def filter_tasks(queryset: QuerySet[Task], cleaned_data: dict, *, user=None) -> QuerySet[Task]:
    """Apply the filters and the sort of a TaskFilterForm's cleaned_data to a queryset of visible tasks.

    The queryset must come from tasks.access.visible_tasks (already limited to what the person may see: the
    filters only narrow it). None of the filters reads the `standing` annotation (standing_condition works on the
    columns), and the standing sort adds it when missing: visible_tasks(user, with_standing=False) gives the same
    rows for a caller that shows the standing without reading the annotation (the list computes it per row).
    Missing keys mean "no filter", so a partly valid form still filters by what was valid. `user` is needed for one case only: `role`
    without `unit` means "where my units have that role".
    """
    data = cleaned_data or {}
    tasks = queryset

    for word in search_words(data.get("q")):
        # search_text is the accent-free key; the raw title is a fallback for rows written outside the services.
        tasks = tasks.filter(Q(search_text__contains=word) | Q(title__icontains=word))

    if data.get("standing"):
        tasks = tasks.filter(standing_condition(data["standing"]))
    if data.get("status"):
        tasks = tasks.filter(status=data["status"])
    if data.get("document"):
        tasks = tasks.filter(directive__resolution=data["document"])
    if data.get("directive"):
        tasks = tasks.filter(directive_id=data["directive"])

    unit, role = data.get("unit"), data.get("role")
    unit_ids = None
    if unit:
        unit_ids = [unit.pk]
    elif role and user is not None:
        scope = scope_for(user)
        if not scope.all_units:
            unit_ids = list(scope.unit_ids)
    if unit_ids is not None:
        assignments = Assignment.objects.filter(task=OuterRef("pk"), unit_id__in=unit_ids)
        if role:
            assignments = assignments.filter(role=role)
        tasks = tasks.filter(Exists(assignments))

    if data.get("deadline_from"):
        tasks = tasks.filter(deadline__gte=data["deadline_from"])
    if data.get("deadline_to"):
        tasks = tasks.filter(deadline__lte=data["deadline_to"])
    if data.get("ongoing") == "yes":
        tasks = tasks.filter(deadline__isnull=True)
    elif data.get("ongoing") == "no":
        tasks = tasks.filter(deadline__isnull=False)
    if data.get("period_from") or data.get("period_to"):
        tasks = tasks.filter(in_period(data.get("period_from"), data.get("period_to")))
    if data.get("group"):
        lead_in_group = Assignment.objects.filter(
            task=OuterRef("pk"), role=Assignment.Role.LEAD, unit__groups=data["group"])
        tasks = tasks.filter(Exists(lead_in_group))

    return sort_tasks(tasks, data.get("sort") or DEFAULT_SORT)


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
