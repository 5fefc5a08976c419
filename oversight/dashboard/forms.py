"""The dashboard's filters: the form (period, document, unit group) and the Selection it makes, which the board,
its links, the report and the cache key all read."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Case, IntegerField, Q, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from resolutions.models import Resolution
from tasks.access import visible_resolutions, visible_tasks
from tasks.models import Task
from units.models import UnitGroup

from .periods import CUSTOM, Period, custom, parse_period_key, period_choices, whole_year

# What a person chose on the dashboard, kept in their session so that the next visit opens on it.
FIELDS = ("period", "date_from", "date_to", "document", "group")

DOCUMENT_OPTIONS = 50  # the document drop-down without its search endpoint: the latest 50 and the chosen one


@dataclass(frozen=True)
class Selection:
    """The dashboard's filters as chosen: a period, optionally one document and one unit group."""

    period: Period
    document: Resolution | None = None
    group: UnitGroup | None = None

    def narrowing(self) -> dict:
        """Document and unit group as the task list's cleaned filter data."""
        data = {}
        if self.document:
            data["document"] = self.document
        if self.group:
            data["group"] = self.group.pk
        return data

    def list_data(self) -> dict:
        """The whole selection (with the period) as the task list's cleaned filter data."""
        return {**self.narrowing(), "period_from": self.period.start, "period_to": self.period.end}

    def query_params(self) -> dict:
        """The dashboard's own query string for this selection (for the report link and the form)."""
        params = {"period": self.period.key}
        if self.period.key == CUSTOM:
            params["date_from"] = self.period.start.isoformat()
            params["date_to"] = self.period.end.isoformat()
        if self.document:
            params["document"] = self.document.pk
        if self.group:
            params["group"] = self.group.pk
        return params


class DashboardFilterForm(forms.Form):
    """Period, document and unit group. Pass the user: documents are limited to what they see."""

    # A select offering recent periods; any period key is accepted (a report link may name an older one).
    period = forms.CharField(label=_("Kỳ"), required=False, widget=forms.Select)
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document = forms.ModelChoiceField(label=_("Văn bản"), required=False, queryset=None,
                                      empty_label=_("Tất cả văn bản"))
    group = forms.ModelChoiceField(label=_("Nhóm đơn vị"), required=False, queryset=UnitGroup.objects.all(),
                                   empty_label=_("Tất cả nhóm đơn vị"))

    def __init__(self, *args, user, today: datetime.date, default_period: Period | None = None,
                 work_years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.work_years = work_years
        self.default_period = default_period or whole_year(today.year)
        self.fields["period"].widget.choices = period_choices(today, work_years)
        self.fields["document"].queryset = visible_resolutions(user).order_by("-issued_on", "-id")

    def document_options(self, *, searched: bool, selection: Selection) -> list[tuple[int, str]]:
        """The document drop-down's entries besides "all documents": the chosen one, and unless the drop-down is
        searched on the server (static/js/remote-choices.js) the DOCUMENT_OPTIONS latest. Listing every document
        (1,600 at 100,000 tasks) cost more than the board itself."""
        chosen = selection.document
        documents = [] if searched else list(self.fields["document"].queryset[:DOCUMENT_OPTIONS])
        if chosen is not None and all(d.pk != chosen.pk for d in documents):
            documents.insert(0, chosen)
        return [(d.pk, str(d)) for d in documents]

    def clean_period(self):
        key = self.cleaned_data.get("period") or self.default_period.key
        if key != CUSTOM and parse_period_key(key) is None:
            raise forms.ValidationError(_("Kỳ báo cáo không hợp lệ."), code="period")
        return key

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == CUSTOM:
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if not start or not end:
                raise forms.ValidationError(_("Kỳ tùy chọn cần cả ngày bắt đầu và ngày kết thúc."),
                                            code="custom_dates")
            if start > end:
                raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."), code="date_order")
        return cleaned

    def selection(self) -> Selection:
        """What the form selects. As in the task list, a field that does not validate is left out (an unbound
        form or a bad period means the default period)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        key = data.get("period") or self.default_period.key
        start, end = data.get("date_from"), data.get("date_to")
        if key == CUSTOM and start and end and start <= end:
            period = custom(start, end)
        else:
            period = parse_period_key(key) or self.default_period
        selection = Selection(period=period, document=data.get("document"), group=data.get("group"))
        # A period named by a link (or kept from an earlier visit) stays selectable in the drop-down.
        self.fields["period"].widget.choices = period_choices(self.today, self.work_years, selected=period)
        return selection


def years_with_work(user) -> list[int]:
    """The years that hold this person's work, oldest first: the years of the deadlines of the tasks they see, and
    for ongoing work (no deadline) the year it was assigned, as the period's own rule reads them
    (tasks.filters.in_period); cancelled tasks left out. One query over the distinct deadlines (a year taken from
    every deadline costs a Python call per task on SQLite: 200 ms at 100,000 tasks)."""
    tasks = visible_tasks(user, with_standing=False).filter(~Q(status=Task.Status.CANCELLED)).order_by()
    assigned_in = Case(When(deadline__isnull=True, then=ExtractYear("created_at")), default=None,
                       output_field=IntegerField())
    found = tasks.annotate(assigned_in=assigned_in).values_list("deadline", "assigned_in").distinct()
    return sorted({deadline.year if deadline else year for deadline, year in found} - {None})


def chosen_data(query, remembered: dict | None) -> tuple[dict | None, dict | None]:
    """(the filter data to read, what to remember): the query's own filters when it names any (and those are
    remembered), else the filters remembered from an earlier visit, else none (the default period)."""
    asked = {name: query.get(name) for name in FIELDS if query.get(name)}
    if asked:
        return asked, asked
    if remembered:
        return {name: value for name, value in remembered.items() if name in FIELDS}, None
    return None, None
