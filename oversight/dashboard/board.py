"""The oversight dashboard's reads: who is late, on what, and is it getting better.

Everything here starts from tasks.access.visible_tasks (the office and the standing committee see every task,
a unit leader the tasks of the unit and its sub-units) and narrows it with tasks.filters.filter_tasks, the task
list's own filter. Each figure and bar carries the list parameters that select exactly its tasks, so a click on
it opens /tasks/ with the same count (tests/tasks/test_dashboard.py checks every link).

Definitions (shown to users on the page and kept here as the reference):

- Period: a quarter, a half-year, a year or two dates. A task belongs to the period when its (current) deadline
  falls in it; an ongoing task (no deadline, periodic reports) when it was assigned (created) in it
  (tasks.filters.in_period). Cancelled tasks are left out of every figure.
- Unit: the lead unit (đơn vị chủ trì), the one accountable. A unit group selects tasks whose lead unit is in it.
- On-time rate: done on time / (done on time + done late + overdue): of the tasks whose deadline has come (or
  that are finished), the share finished by the deadline. Tasks not yet due and ongoing tasks are not counted.
- Overdue at the end of week W (the six-month line): tasks with a deadline before the last day of W, assigned by
  then, and not completed by that day (still open, or completed later, i.e. done late). The last point is the
  current week up to today, so it equals "overdue now". The current deadline is used throughout (an extension
  approved later moves the task out of the weeks before it), and cancelled tasks are left out. The period filter
  does not apply to this chart (it has its own window); document and unit group do.
- Due in the next 14 days: open tasks with today <= deadline <= today + 14, whatever the period.

What is shown, at 1,000 units and 1,600 documents as at ten: the figures over every task; the unit table and the
ranking with their first TOP (20) rows (the most overdue units; the best on-time rates), the rest summed in one
row and the total under them; the TOP latest documents. "Xem tất cả" opens the whole table, a page at a time
(?all=units, ?all=units&sort=rate, ?all=documents). Drawing a row per unit and per document (~20,000 links) took
~1.5 s at 100,000 tasks.

Three aggregates build the board, the same three for twenty tasks or a hundred thousand (see build()), and the
board is cached for a minute per scope, selection, language and day (cached_build()); the page says when its
figures were computed.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import html
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.identity import scope_for
from core.dates import local_today
from resolutions.models import Resolution
from tasks.access import visible_resolutions, visible_tasks
from tasks.filters import filter_tasks, in_period
from tasks.models import Assignment, Task
from tasks.standing import Standing, standing_condition
from units.models import Membership, Unit, UnitGroup

logger = logging.getLogger(__name__)

# --- periods ------------------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUSTOM = "custom"
DUE_AHEAD_DAYS = 14
TREND_WEEKS = 26  # six months
DATE_FORMAT = "%d/%m/%Y"
DOCUMENT_OPTIONS = 50  # the document drop-down without its search endpoint: the latest 50 and the chosen one


@dataclass(frozen=True)
class Period:
    key: str  # "2026-Q3", "2026-H1", "2026" or "custom"
    start: datetime.date
    end: datetime.date
    label: str  # as the report's title says it: "quý III/2026", "6 tháng đầu năm 2026", "năm 2026"

    @property
    def kind(self) -> str:
        if self.key == CUSTOM:
            return "custom"
        return {"Q": "quarter", "H": "half"}.get(self.key[5:6], "year")


def quarter(year: int, number: int) -> Period:
    start = datetime.date(year, 3 * number - 2, 1)
    end = _month_end(year, 3 * number)
    return Period(f"{year}-Q{number}", start, end, _("quý %(q)s/%(y)s") % {"q": ROMAN[number], "y": year})


def half(year: int, number: int) -> Period:
    if number == 1:
        return Period(f"{year}-H1", datetime.date(year, 1, 1), datetime.date(year, 6, 30),
                      _("6 tháng đầu năm %(y)s") % {"y": year})
    return Period(f"{year}-H2", datetime.date(year, 7, 1), datetime.date(year, 12, 31),
                  _("6 tháng cuối năm %(y)s") % {"y": year})


def whole_year(year: int) -> Period:
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31), _("năm %(y)s") % {"y": year})


def custom(start: datetime.date, end: datetime.date) -> Period:
    label = _("từ ngày %(start)s đến ngày %(end)s") % {
        "start": start.strftime(DATE_FORMAT), "end": end.strftime(DATE_FORMAT)}
    return Period(CUSTOM, start, end, label)


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def parse_period_key(key: str) -> Period | None:
    """'2026-Q3', '2026-H1' or '2026' as a Period; None for anything else."""
    try:
        year = int(key[:4])
        if not 2000 <= year <= 2100:
            return None
        rest = key[4:]
        if rest == "":
            return whole_year(year)
        if rest[:2] == "-Q" and rest[2:] in {"1", "2", "3", "4"}:
            return quarter(year, int(rest[2:]))
        if rest[:2] == "-H" and rest[2:] in {"1", "2"}:
            return half(year, int(rest[2:]))
    except (TypeError, ValueError):
        return None
    return None


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The periods offered: this year's and last year's quarters, halves and years, newest first, then custom."""
    choices = []
    for year in (today.year, today.year - 1):
        current_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        periods = [whole_year(year)]
        periods += [half(year, n) for n in (2, 1) if year < today.year or n == 1 or today.month > 6]
        periods += [quarter(year, n) for n in range(current_quarter, 0, -1)]
        choices += [(p.key, p.label[:1].upper() + p.label[1:]) for p in periods]
    choices.append((CUSTOM, _("Tùy chọn ngày")))
    return choices


def current_quarter(today: datetime.date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)


# --- the dashboard's filters --------------------------------------------------------------------------------


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

    def __init__(self, *args, user, today: datetime.date, default_period: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_period = default_period or whole_year(today.year)
        self.fields["period"].widget.choices = period_choices(today)
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
        return Selection(period=period, document=data.get("document"), group=data.get("group"))


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


# --- links to the task list ---------------------------------------------------------------------------------

COUNTED = [s for s in Standing.values if s != Standing.CANCELLED]
DUE = [Standing.DONE_ON_TIME, Standing.DONE_LATE, Standing.OVERDUE]
OPEN_DATED = [Standing.DUE_SOON, Standing.ON_TRACK]
# Stacking order of the standing charts: what needs attention first.
STACK = [Standing.OVERDUE, Standing.DUE_SOON, Standing.ON_TRACK, Standing.ONGOING, Standing.DONE_LATE,
         Standing.DONE_ON_TIME]


def list_params(data: dict) -> dict:
    """Cleaned filter data → the /tasks/ query parameters that TaskFilterForm reads back to the same data."""
    params = {}
    for name, value in data.items():
        if value in (None, "", []):
            continue
        if isinstance(value, datetime.date):
            params[name] = value.strftime(DATE_FORMAT)
        elif hasattr(value, "pk"):
            params[name] = value.pk
        elif isinstance(value, (list, tuple)):
            params[name] = [str(item) for item in value]
        else:
            params[name] = value
    return params


@functools.lru_cache(maxsize=16)
def _path(name: str, script_prefix: str) -> str:
    # The board links every figure, bar and row: ~20,000 links for 1,000 units at 100,000 tasks, where resolving
    # the same URL name each time was half the cost of building the board (docs/benchmarks.md).
    return reverse(name)


def list_url(data: dict) -> str:
    return _path("tasks:list", get_script_prefix()) + "?" + urlencode(list_params(data), doseq=True)


def export_url(data: dict) -> str:
    return _path("oversight:export", get_script_prefix()) + "?" + urlencode(list_params(data), doseq=True)


def list_prefix(data: dict) -> str:
    """list_url(data) ready for more parameters ("...?a=1&" or "...?"): a table's rows share their selection and
    differ by a unit or a document and a standing, so each link is two strings joined, not a new urlencode."""
    url = list_url(data)
    return url if url.endswith("?") else url + "&"


_STANDING_QS = {s: urlencode({"standing": s}) for s in Standing.values}


def standing_links(prefix: str) -> dict:
    """{standing: its list link} for every counted standing, and "total" (all of them) and "due"."""
    links = {s: prefix + _STANDING_QS[s] for s in COUNTED}
    links["total"] = prefix + "&".join(_STANDING_QS[s] for s in COUNTED)
    links["due"] = prefix + "&".join(_STANDING_QS[s] for s in DUE)
    return links


# --- the aggregates -----------------------------------------------------------------------------------------

# The unit and document tables show this many rows; "Xem tất cả" opens the whole table, a page at a time.
TOP = 20
ALL_PAGE_SIZE = 50
# By unit: the most overdue work first (then the most work); the ranking: the best on-time rate first.
UNIT_SORTS = ("overdue", "rate")


def rate(on_time: int, due: int) -> float | None:
    return round(100 * on_time / due, 1) if due else None


@dataclass
class Figure:
    key: str
    label: str
    value: int
    url: str
    note: str = ""
    share: float | None = None


@dataclass
class Dashboard:
    selection: Selection
    today: datetime.date
    figures: list[Figure] = field(default_factory=list)
    # The first TOP rows of each table, with their links.
    units: list[dict] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)
    other_units: dict | None = None
    documents: list[dict] = field(default_factory=list)
    weeks: list[dict] = field(default_factory=list)
    standing_counts: dict = field(default_factory=dict)
    # Every unit in the scope with tasks in the period, most overdue first, as (pk, name, short_name, order,
    # active, *counts in COUNTED order): what the "see all" page pages through. Plain tuples, so that the cached
    # board loads in a few milliseconds.
    unit_table: list[tuple] = field(default_factory=list)
    ranked_count: int = 0  # units with work due (the ranking's rows)
    rest_units: dict | None = None  # the units after the first TOP, summed
    totals: dict | None = None  # every task of the period by standing, with the links of the figures
    more_documents: bool = False
    built_at: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.standing_counts.values())

    @property
    def unit_count(self) -> int:
        return len(self.unit_table)


def base_tasks(user, narrowing: dict, today: datetime.date) -> QuerySet[Task]:
    """The person's tasks narrowed by the task list's filter, cancelled tasks left out, unordered."""
    tasks = filter_tasks(visible_tasks(user, today=today), narrowing, user=user)
    return tasks.exclude(status=Task.Status.CANCELLED).order_by()


def build(user, selection: Selection, today: datetime.date | None = None) -> Dashboard:
    """Three queries, whatever the number of tasks and units: the period's tasks counted by lead unit and
    standing (the figures are their sums), the weekly overdue line with the 14 days ahead, and the latest
    documents' tasks by directive and standing. Each computes the standing once per task (a GROUP BY), not once
    per figure: 19 FILTER (WHERE CASE ...) clauses over every task took ~1 s at 100,000 tasks."""
    today = today or local_today()
    board = Dashboard(selection=selection, today=today, built_at=timezone.now())
    narrowing = selection.narrowing()
    period_data = selection.list_data()
    # The list's own definition of the period, so a figure and its link count the same tasks.
    period_q = in_period(selection.period.start, selection.period.end)
    tasks = base_tasks(user, narrowing, today)

    # The standing as conditions on status and deadline (tasks.standing.standing_condition, tested against the
    # CASE), one COUNT per standing and lead unit: no CASE per row, one row per unit.
    rows = list(
        tasks.filter(period_q)
        .annotate(lead=FilteredRelation("assignments", condition=Q(assignments__role=Assignment.Role.LEAD)))
        .values_list(*UNIT_FIELDS.values())
        .annotate(**{s: Count("id", filter=standing_condition([s], today)) for s in COUNTED})
        .order_by()
    )
    counts = dict.fromkeys(COUNTED, 0)
    width = len(UNIT_FIELDS)
    for row in rows:
        for i, s in enumerate(COUNTED, start=width):
            counts[s] += row[i]
    board.standing_counts = {s: counts[s] for s in COUNTED}
    _figures(board, period_data, narrowing, today)
    _trend(board, tasks, narrowing, today)
    _by_unit(board, user, rows, period_data)
    board.documents, board.more_documents = document_entries(
        tasks, period_q, latest_documents(tasks, period_q).values("pk")[:TOP + 1], period_data, limit=TOP)
    return board


def _figures(board: Dashboard, period_data: dict, narrowing: dict, today: datetime.date):
    counts = board.standing_counts
    due = sum(counts[s] for s in DUE)
    ahead = today + datetime.timedelta(days=DUE_AHEAD_DAYS)
    ahead_data = {**narrowing, "standing": OPEN_DATED, "deadline_from": today, "deadline_to": ahead}
    board.figures = [
        Figure("total", _("Nhiệm vụ trong kỳ"), board.total, list_url({**period_data, "standing": COUNTED}),
               note=_("%(ongoing)s nhiệm vụ thường xuyên") % {"ongoing": counts[Standing.ONGOING]}),
        Figure("done_on_time", _("Hoàn thành đúng hạn"), counts[Standing.DONE_ON_TIME],
               list_url({**period_data, "standing": [Standing.DONE_ON_TIME]}),
               share=rate(counts[Standing.DONE_ON_TIME], due)),
        Figure("done_late", _("Hoàn thành quá hạn"), counts[Standing.DONE_LATE],
               list_url({**period_data, "standing": [Standing.DONE_LATE]})),
        Figure("overdue", _("Quá hạn, chưa hoàn thành"), counts[Standing.OVERDUE],
               list_url({**period_data, "standing": [Standing.OVERDUE]})),
        Figure("due_ahead", _("Đến hạn trong 14 ngày tới"), 0, list_url(ahead_data),
               note=_("đến ngày %(date)s") % {"date": ahead.strftime(DATE_FORMAT)}),
    ]


def _trend(board: Dashboard, tasks: QuerySet[Task], narrowing: dict, today: datetime.date):
    """The weekly overdue line and the 14 days ahead, in one aggregate over the only tasks that can count: those
    due before today and not completed before the first week ended, and the open ones due in the next 14 days.
    The dates are compared as local day boundaries (timestamps), not as `created_at::date` per row and week."""
    ends = week_ends(today)
    ahead = today + datetime.timedelta(days=DUE_AHEAD_DAYS)
    due_ahead = standing_condition(OPEN_DATED, today) & Q(deadline__gte=today, deadline__lte=ahead)
    late_then = Q(deadline__lt=today) & (Q(completed_at__isnull=True) | Q(completed_at__gte=day_end(ends[0])))
    sums = tasks.filter(late_then | due_ahead).aggregate(
        due_ahead=Count("id", filter=due_ahead),
        **{f"w{n}": Count("id", filter=overdue_at(day)) for n, day in enumerate(ends)},
    )
    next(f for f in board.figures if f.key == "due_ahead").value = sums["due_ahead"]
    board.weeks = [
        {"end": day, "start": day - datetime.timedelta(days=day.weekday()), "count": sums[f"w{n}"]}
        for n, day in enumerate(ends)
    ]
    # Today's point is "overdue now" across all periods: the one point a list filter can show.
    board.weeks[-1]["url"] = list_url({**narrowing, "standing": [Standing.OVERDUE]})


UNIT_FIELDS = {"pk": "lead__unit_id", "name": "lead__unit__name", "short_name": "lead__unit__short_name",
               "order": "lead__unit__order", "active": "lead__unit__active"}


@dataclass(frozen=True)
class UnitRef:
    """The few columns of a unit the board shows (a model instance per unit cost ~60 ms at 1,000 units)."""

    pk: int
    name: str
    short_name: str
    order: int
    active: bool

    def __str__(self):
        return self.name
DOCUMENT_FIELDS = {"pk": "directive__resolution_id", "kind": "directive__resolution__kind",
                   "number": "directive__resolution__number", "title": "directive__resolution__title",
                   "issued_on": "directive__resolution__issued_on"}


def _add(into: dict, counts: dict):
    for s in COUNTED:
        into[s] += counts[s]


def _sum(entries) -> dict:
    total = dict.fromkeys(COUNTED, 0)
    for entry in entries:
        _add(total, entry["counts"])
    return total


def sort_units(summaries: list[dict], sort: str) -> list[dict]:
    """`overdue`: the most overdue work first, then the most work; `rate`: the units with work due, best on-time
    rate first (ties: more work due first). Then the units' usual order."""
    if sort == "rate":
        return sorted((u for u in summaries if u["due"]),
                      key=lambda u: (-u["rate"], -u["due"], u["unit"].order, u["unit"].name))
    return sorted(summaries, key=lambda u: (-u["counts"][Standing.OVERDUE], -u["total"], u["unit"].order,
                                            u["unit"].name))


def with_unit_links(summary: dict, prefix: str) -> dict:
    """A unit's row with its links (every standing, the total and the work due, each a filtered list); `prefix`
    is list_prefix() of the board's selection."""
    links = standing_links(f"{prefix}unit={summary['unit'].pk}&role=lead&")
    return {**summary, "links": links, "total_url": links["total"], "due_url": links["due"]}


def unit_summary(row: tuple) -> dict:
    """A row of the unit table (see Dashboard.unit_table) as the tables and charts read it."""
    width = len(UNIT_FIELDS)
    counts = dict(zip(COUNTED, row[width:]))
    due = counts[Standing.DONE_ON_TIME] + counts[Standing.DONE_LATE] + counts[Standing.OVERDUE]
    return {"unit": UnitRef(*row[:width]), "counts": counts, "total": sum(counts.values()), "due": due,
            "rate": rate(counts[Standing.DONE_ON_TIME], due), "row": row}


def _by_unit(board: Dashboard, user, rows: list[tuple], period_data: dict):
    """Standings per lead unit and the on-time ranking drawn from the same counts: every unit summarised, the
    first TOP of each order linked."""
    scope = scope_for(user)
    other = dict.fromkeys(COUNTED, 0)
    summaries = []
    for row in rows:
        unit_id, active = row[0], row[4]
        # A bar of its own only for a unit the list's unit filter accepts (TaskFilterForm: the person's active
        # units), so that every bar's link counts the same tasks; the rest (and a task without a lead, which the
        # services never make) are summed in one unlinked row.
        if unit_id is None or not active or not (scope.all_units or unit_id in scope.unit_ids):
            _add(other, dict(zip(COUNTED, row[len(UNIT_FIELDS):])))
            continue
        summaries.append(unit_summary(tuple(row)))
    prefix = list_prefix(period_data)
    ordered = sort_units(summaries, "overdue")
    ranking = sort_units(summaries, "rate")
    board.unit_table = [u["row"] for u in ordered]
    board.ranked_count = len(ranking)
    board.units = [with_unit_links(u, prefix) for u in ordered[:TOP]]
    board.ranking = [with_unit_links(u, prefix) for u in ranking[:TOP]]
    if any(other.values()):
        board.other_units = {"counts": other, "total": sum(other.values())}
    if len(summaries) > TOP:
        # The rows not drawn, summed, so that the table still adds up to the figures above it.
        rest = _sum(ordered[TOP:])
        board.rest_units = {"counts": rest, "total": sum(rest.values()), "units": len(summaries) - TOP}
    links = standing_links(prefix)
    board.totals = {"counts": board.standing_counts, "total": board.total, "links": links,
                    "total_url": links["total"]}


def latest_documents(tasks: QuerySet[Task], period_q: Q) -> QuerySet[Resolution]:
    """The documents with at least one of these tasks in the period, newest first (the index on issued_on)."""
    in_it = tasks.filter(period_q, directive__resolution=OuterRef("pk"))
    return Resolution.objects.filter(Exists(in_it)).order_by("-issued_on", "-id")


def document_entries(tasks: QuerySet[Task], period_q: Q, documents: QuerySet, period_data: dict,
                     limit: int | None = None) -> tuple[list[dict], bool]:
    """Per document (those whose pk `documents`, a sliced values("pk") queryset, selects: one query in all): its
    tasks by standing and how many of its directives are finished (every task done), newest first. With `limit`,
    the first `limit` of them and whether there were more."""
    rows = (
        tasks.filter(period_q, directive__resolution__in=Subquery(documents))
        .values(*DOCUMENT_FIELDS.values(), "directive_id", "standing")
        .annotate(n=Count("id"))
    )
    per_directive: dict[int, dict] = {}
    found: dict[int, Resolution] = {}
    for row in rows:
        pk = row[DOCUMENT_FIELDS["pk"]]
        if pk not in found:
            found[pk] = Resolution(**{attr: row[name] for attr, name in DOCUMENT_FIELDS.items()})
        counts = per_directive.setdefault(row["directive_id"], {
            "document": row[DOCUMENT_FIELDS["pk"]], **dict.fromkeys(COUNTED, 0)})
        counts[row["standing"]] += row["n"]
    summary = {pk: {"counts": dict.fromkeys(COUNTED, 0), "directives": 0, "directives_done": 0} for pk in found}
    for counts in per_directive.values():
        doc = summary[counts["document"]]
        _add(doc["counts"], counts)
        doc["directives"] += 1
        if sum(counts[s] for s in COUNTED) == counts[Standing.DONE_ON_TIME] + counts[Standing.DONE_LATE]:
            doc["directives_done"] += 1
    ordered = sorted(found.values(), key=lambda d: (-d.issued_on.toordinal(), -d.pk))
    more = limit is not None and len(ordered) > limit
    result = []
    prefix = list_prefix({name: value for name, value in period_data.items() if name != "document"})
    for resolution in ordered[:limit]:
        doc = summary[resolution.pk]
        total = sum(doc["counts"].values())
        done = doc["counts"][Standing.DONE_ON_TIME] + doc["counts"][Standing.DONE_LATE]
        links = standing_links(f"{prefix}document={resolution.pk}&")
        result.append({
            # The label and address as strings: the board is cached per language, and get_kind_display() costs
            # ~0.3 ms a call (it hashes every translated choice).
            "document": resolution, "label": str(resolution), "url": resolution.get_absolute_url(),
            **doc, "total": total, "done": done,
            "done_share": round(100 * done / total) if total else 0,
            "links": links, "total_url": links["total"],
        })
    return result, more


def week_ends(today: datetime.date, weeks: int = TREND_WEEKS) -> list[datetime.date]:
    """The last day counted in each of the last `weeks` weeks (Monday to Sunday), oldest first; the current
    week counts up to today."""
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    ends = [sunday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    ends[-1] = today
    return ends


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the portal's time zone: `created_at__date <= day` is `created_at <` it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def overdue_at(day: datetime.date) -> Q:
    """Overdue at the end of `day`: deadline before it, assigned by then (created_at__date <= day), not completed
    by then (completed_at__date > day); the dates as instants, which the database compares without converting
    every row's timestamp to a local date."""
    end = day_end(day)
    return Q(deadline__lt=day) & Q(created_at__lt=end) & (Q(completed_at__isnull=True) | Q(completed_at__gte=end))


# --- the cache ----------------------------------------------------------------------------------------------

# The board is built at most once a minute for the same scope, selection, language and day (a cached board
# costs no query of its own); the page says when its figures were computed.
CACHE_SECONDS = 60
CACHE_VERSION = 1  # bump when Dashboard's fields change, so that no older pickled board is read back


def cache_key(user, selection: Selection, today: datetime.date) -> str:
    """Keyed by the set of units the person sees (never the person alone: two leaders of the same unit share a
    board, a leader of another unit never gets it), the selection, the language and the day."""
    scope = scope_for(user)
    if scope.all_units:
        who = "all"
    else:
        who = hashlib.sha256(",".join(map(str, sorted(scope.unit_ids))).encode()).hexdigest()[:32]
    period = selection.period
    chosen = (f"{period.key}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:"
              f"{selection.document.pk if selection.document else ''}:{selection.group.pk if selection.group else ''}")
    return f"dashboard:{CACHE_VERSION}:{who}:{chosen}:{translation.get_language()}:{today:%Y%m%d}"


def cached_build(user, selection: Selection, today: datetime.date | None = None) -> Dashboard:
    """build(), or the same board built less than CACHE_SECONDS ago. A cache that fails (Redis down) only costs
    the build: the page never breaks on it."""
    today = today or local_today()
    key = cache_key(user, selection, today)
    try:
        board = cache.get(key)
    except Exception:  # noqa: BLE001 - any backend error: build without the cache
        logger.warning("dashboard cache unavailable (get)", exc_info=True)
        board = None
    if isinstance(board, Dashboard):
        return board
    board = build(user, selection, today)
    try:
        cache.set(key, board, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("dashboard cache unavailable (set)", exc_info=True)
    return board


# --- data for the charts (rendered with json_script, drawn by static/js/dashboard.js) -----------------------

_JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def charts_script(charts: dict) -> str:
    """What `charts|json_script:"dashboard-charts"` writes, with the same escapes, by str.replace: json_script's
    str.translate took ~8 ms on the board's ~40 kB of chart data."""
    text = json.dumps(charts, cls=DjangoJSONEncoder)
    for char, escaped in _JSON_SCRIPT_ESCAPES:
        text = text.replace(char, escaped)
    # <, > and & escaped above, as json_script does: the JSON cannot close the script element.
    return mark_safe(f'<script id="dashboard-charts" type="application/json">{text}</script>')  # nosec B308, B703



def chart_data(board: Dashboard) -> dict:
    labels = {value: str(label) for value, label in Standing.choices}
    units = board.units
    return {
        "i18n": {
            "showTable": str(_("Xem bảng số liệu")),
            "hideTable": str(_("Ẩn bảng số liệu")),
            "openList": str(_("Bấm vào cột để xem danh sách nhiệm vụ")),
        },
        "standingByUnit": {
            "labels": [u["unit"].short_name or u["unit"].name for u in units],
            "titles": [u["unit"].name for u in units],
            "datasets": [
                {"key": s, "label": labels[s], "data": [u["counts"][s] for u in units],
                 "links": [u["links"][s] for u in units]}
                for s in STACK
            ],
        },
        "onTimeByUnit": {
            "labels": [u["unit"].short_name or u["unit"].name for u in board.ranking],
            "titles": [u["unit"].name for u in board.ranking],
            "datasets": [{
                "key": "rate", "label": str(_("Tỷ lệ hoàn thành đúng hạn (%)")),
                "data": [u["rate"] for u in board.ranking],
                "links": [u["links"][Standing.DONE_ON_TIME] for u in board.ranking],
            }],
        },
        "overdueByWeek": {
            "labels": [w["end"].strftime("%d/%m") for w in board.weeks],
            "titles": [
                str(_("Tuần %(start)s – %(end)s") % {"start": w["start"].strftime("%d/%m/%Y"),
                                                   "end": w["end"].strftime("%d/%m/%Y")})
                for w in board.weeks
            ],
            "datasets": [{
                "key": "overdue", "label": str(_("Nhiệm vụ quá hạn cuối tuần")),
                "data": [w["count"] for w in board.weeks],
                "links": [w.get("url") for w in board.weeks],
            }],
        },
        "documentProgress": {
            "labels": [d["label"] for d in board.documents],
            "titles": [d["document"].title for d in board.documents],
            "datasets": [
                {"key": s, "label": labels[s], "data": [d["counts"][s] for d in board.documents],
                 "links": [d["links"][s] for d in board.documents]}
                for s in STACK
            ],
        },
    }


# --- the tables under the charts (one template loop renders all four) ---------------------------------------


@dataclass
class Cell:
    value: object
    url: str = ""
    strong: bool = False


@dataclass
class Row:
    header: str
    cells: list[Cell]
    href: str = ""
    note: str = ""
    summary: bool = False  # a sum of other rows (the rest, the total), set apart


@dataclass
class Section:
    key: str  # the chart's key in chart_data()
    kind: str  # how static/js/dashboard.js draws it: stacked, rate or line
    title: str
    aria: str
    caption: str
    headers: list[str]
    rows: list[Row]
    empty: str
    bars: int  # rows of the chart (the table may have more, unlinked or summing)
    width: str = "col-xl-7"
    shown: str = ""  # "20 of 1,000 units": said when the table holds only the first rows
    more_url: str = ""  # the whole table ("Xem tất cả")

    @property
    def rows_html(self) -> str:
        """The table's body, written here rather than by a template loop: ~100 rows of ~9 linked cells took
        ~60 ms through Django's template engine, most of the cached board's page."""
        if not self.rows:
            return format_html('<tr><td colspan="{}" class="text-body-secondary">{}</td></tr>', len(self.headers),
                               self.empty)
        # Every text and address is escaped by _text() in _row_html.
        return mark_safe("".join(_row_html(row) for row in self.rows))  # nosec B308, B703


def _text(value) -> str:
    # The standard library's escape (the same five characters as Django's, without the lazy-string wrapper):
    # ~500 cells a page.
    return str(value) if isinstance(value, int) else html.escape(str(value))


def _row_html(row: Row) -> str:
    header = f'<a href="{_text(row.href)}">{_text(row.header)}</a>' if row.href else _text(row.header)
    if row.note:
        header += f'<div class="small text-body-secondary">{_text(Truncator(row.note).chars(90))}</div>'
    cells = "".join(
        ('<td class="text-end fw-semibold">' if cell.strong else '<td class="text-end">')
        + (f'<a href="{_text(cell.url)}">{_text(cell.value)}</a>' if cell.url else _text(cell.value))
        + "</td>"
        for cell in row.cells
    )
    if row.summary:
        return (f'<tr class="table-light dashboard-summary-row"><th scope="row" class="fw-semibold">{header}</th>'
                f"{cells}</tr>")
    return f'<tr><th scope="row" class="fw-normal">{header}</th>{cells}</tr>'


def _count_cells(counts: dict, links: dict | None, total_url: str = "") -> list[Cell]:
    # A zero links nowhere: there is no list worth opening.
    cells = [Cell(counts[s], links[s] if links and counts[s] else "") for s in STACK]
    return cells + [Cell(sum(counts.values()), total_url, strong=True)]


def see_all_url(selection: Selection, what: str, **extra) -> str:
    """The dashboard's own page listing a whole table for the same selection: ?all=units (sort=rate for the
    ranking) or ?all=documents."""
    return _path("oversight:dashboard", get_script_prefix()) + "?" + urlencode({**selection.query_params(), "all": what,
                                                                      **extra})


def unit_rows(units: list[dict]) -> list[Row]:
    return [Row(u["unit"].name, _count_cells(u["counts"], u["links"], u["total_url"])) for u in units]


def ranking_rows(units: list[dict], start: int = 1) -> list[Row]:
    return [
        Row(f"{rank}. {u['unit'].name}", [
            Cell(u["counts"][Standing.DONE_ON_TIME], u["links"][Standing.DONE_ON_TIME]),
            Cell(u["due"], u["due_url"]),
            Cell(f"{u['rate']:g}%".replace(".", ","), strong=True),
        ])
        for rank, u in enumerate(units, start=start)
    ]


def document_rows(documents: list[dict]) -> list[Row]:
    return [
        Row(d["label"], [Cell(f"{d['directives_done']}/{d['directives']}"),
                                 *_count_cells(d["counts"], d["links"], d["total_url"])],
            href=d["url"], note=d["document"].title)
        for d in documents
    ]


def unit_summary_rows(board: Dashboard) -> list[Row]:
    """Under the units' rows: the rest summed, the units outside the scope, and the total of the period."""
    rows = []
    if board.rest_units:
        rows.append(Row(str(_("Các đơn vị còn lại (%(n)s đơn vị)") % {"n": board.rest_units["units"]}),
                        _count_cells(board.rest_units["counts"], None), summary=True))
    tail = _tail_rows(board)
    # A total under a single unit's row would only repeat it.
    return rows + tail if rows or len(board.units) > 1 or len(tail) > 1 else []


def unit_headers() -> list[str]:
    return [str(_("Đơn vị chủ trì")), *[str(Standing(s).label) for s in STACK], str(_("Tổng"))]


def ranking_headers() -> list[str]:
    return [str(_("Đơn vị chủ trì")), str(_("Đúng hạn")), str(_("Đã đến hạn")), str(_("Tỷ lệ"))]


def document_headers() -> list[str]:
    return [str(_("Văn bản")), str(_("Nội dung chỉ đạo hoàn thành")), *[str(Standing(s).label) for s in STACK],
            str(_("Tổng"))]


def _shown_units(count: int, total: int) -> str:
    return str(_("%(shown)s trên %(total)s đơn vị") % {"shown": count, "total": total})


def sections(board: Dashboard) -> list[Section]:
    selection = board.selection
    unit_count, ranked = board.unit_count, board.ranked_count
    week_rows = [
        Row(f"{w['start']:%d/%m/%Y} – {w['end']:%d/%m/%Y}", [Cell(w["count"], w.get("url", ""))])
        for w in board.weeks
    ]
    return [
        Section(
            "standingByUnit", "stacked", str(_("Tình trạng nhiệm vụ theo đơn vị chủ trì")),
            str(_("Biểu đồ cột chồng: tình trạng nhiệm vụ của các đơn vị chủ trì có nhiều nhiệm vụ quá hạn nhất. "
                  "Số liệu trong bảng dưới đây.")),
            str(_("Số nhiệm vụ trong kỳ theo đơn vị chủ trì và tình trạng, đơn vị có nhiều nhiệm vụ quá hạn nhất "
                  "lên đầu; mỗi số mở danh sách đúng các nhiệm vụ đó.")),
            unit_headers(), unit_rows(board.units) + unit_summary_rows(board),
            str(_("Không có nhiệm vụ nào trong kỳ.")), bars=len(board.units),
            shown=_shown_units(len(board.units), unit_count) if unit_count > TOP else "",
            more_url=see_all_url(selection, "units") if unit_count > TOP else "",
        ),
        Section(
            "onTimeByUnit", "rate", str(_("Tỷ lệ hoàn thành đúng hạn theo đơn vị")),
            str(_("Biểu đồ cột: tỷ lệ hoàn thành đúng hạn của từng đơn vị, xếp từ cao xuống thấp. Số liệu trong "
                  "bảng dưới đây.")),
            str(_("Hoàn thành đúng hạn trên số nhiệm vụ đã đến hạn (hoàn thành đúng hạn, hoàn thành quá hạn, quá "
                  "hạn), xếp từ cao xuống thấp.")),
            ranking_headers(), ranking_rows(board.ranking),
            str(_("Chưa có nhiệm vụ nào đến hạn trong kỳ.")), bars=len(board.ranking), width="col-xl-5",
            shown=_shown_units(len(board.ranking), ranked) if ranked > TOP else "",
            more_url=see_all_url(selection, "units", sort="rate") if ranked > TOP else "",
        ),
        Section(
            "overdueByWeek", "line", str(_("Số nhiệm vụ quá hạn theo tuần (6 tháng gần nhất)")),
            str(_("Biểu đồ đường: số nhiệm vụ quá hạn vào cuối mỗi tuần trong 6 tháng gần nhất. Số liệu trong "
                  "bảng dưới đây.")),
            str(_("Số nhiệm vụ quá hạn chưa hoàn thành vào cuối mỗi tuần (tuần này: đến hôm nay). Không áp dụng "
                  "bộ lọc kỳ.")),
            [str(_("Tuần")), str(_("Quá hạn cuối tuần"))], week_rows, "", bars=len(board.weeks),
            width="col-xl-5",
        ),
        Section(
            "documentProgress", "stacked", str(_("Tiến độ thực hiện theo văn bản")),
            str(_("Biểu đồ cột chồng: tình trạng các nhiệm vụ của các văn bản mới nhất. Số liệu trong bảng dưới "
                  "đây.")),
            str(_("Nhiệm vụ trong kỳ của từng văn bản theo tình trạng, văn bản mới nhất lên đầu; nội dung chỉ đạo "
                  "hoàn thành là nội dung có mọi nhiệm vụ đã hoàn thành.")),
            document_headers(), document_rows(board.documents),
            str(_("Không có nhiệm vụ nào gắn với văn bản trong kỳ.")), bars=len(board.documents),
            shown=str(_("%(n)s văn bản mới nhất") % {"n": len(board.documents)}) if board.more_documents else "",
            more_url=see_all_url(selection, "documents") if board.more_documents else "",
        ),
    ]


# --- the whole tables ("Xem tất cả"): ?all=units, ?all=units&sort=rate, ?all=documents --------------------


def all_units_table(board: Dashboard, sort: str, page_number) -> tuple[Section, object]:
    """Every unit of the board, a page at a time, with the links of the page's rows only."""
    summaries = [unit_summary(row) for row in board.unit_table]
    if sort == "rate":
        summaries = sort_units(summaries, "rate")
    page = Paginator(summaries, ALL_PAGE_SIZE).get_page(page_number)
    prefix = list_prefix(board.selection.list_data())
    entries = [with_unit_links(u, prefix) for u in page.object_list]
    if sort == "rate":
        section = Section(
            "onTimeByUnit", "rate", str(_("Tỷ lệ hoàn thành đúng hạn theo đơn vị")), "",
            str(_("Tất cả các đơn vị có nhiệm vụ đã đến hạn trong kỳ, xếp theo tỷ lệ hoàn thành đúng hạn từ cao "
                  "xuống thấp.")),
            ranking_headers(), ranking_rows(entries, start=page.start_index()),
            str(_("Chưa có nhiệm vụ nào đến hạn trong kỳ.")), bars=0, width="",
            shown=str(_("%(n)s đơn vị có nhiệm vụ đã đến hạn") % {"n": page.paginator.count}),
        )
    else:
        rows = unit_rows(entries)
        if not page.has_next():
            # The units outside the scope and the total, once, at the end of the last page.
            rows += _tail_rows(board)
        section = Section(
            "standingByUnit", "stacked", str(_("Tình trạng nhiệm vụ theo đơn vị chủ trì")), "",
            str(_("Tất cả các đơn vị chủ trì có nhiệm vụ trong kỳ, đơn vị có nhiều nhiệm vụ quá hạn nhất lên "
                  "đầu.")),
            unit_headers(), rows, str(_("Không có nhiệm vụ nào trong kỳ.")), bars=0, width="",
            shown=str(_("%(n)s đơn vị chủ trì") % {"n": page.paginator.count}),
        )
    return section, page


def _tail_rows(board: Dashboard) -> list[Row]:
    rows = []
    if board.other_units:
        rows.append(Row(str(_("Đơn vị khác chủ trì (ngoài phạm vi theo dõi hoặc đã ngừng hoạt động)")),
                        _count_cells(board.other_units["counts"], None), summary=True))
    if board.totals and board.total:
        rows.append(Row(str(_("Tổng")), _count_cells(board.totals["counts"], board.totals["links"],
                                                     board.totals["total_url"]), summary=True))
    return rows


def all_documents_table(user, selection: Selection, page_number,
                        today: datetime.date | None = None) -> tuple[Section, object]:
    """Every document with tasks in the period, newest first, a page at a time (a count and one aggregate)."""
    today = today or local_today()
    period_q = in_period(selection.period.start, selection.period.end)
    tasks = base_tasks(user, selection.narrowing(), today)
    page = Paginator(latest_documents(tasks, period_q), ALL_PAGE_SIZE).get_page(page_number)
    start = (page.number - 1) * ALL_PAGE_SIZE
    documents = latest_documents(tasks, period_q).values("pk")[start:start + ALL_PAGE_SIZE]
    entries, _more = document_entries(tasks, period_q, documents, selection.list_data())
    section = Section(
        "documentProgress", "stacked", str(_("Tiến độ thực hiện theo văn bản")), "",
        str(_("Tất cả các văn bản có nhiệm vụ trong kỳ, văn bản mới nhất lên đầu; nội dung chỉ đạo hoàn thành là "
              "nội dung có mọi nhiệm vụ đã hoàn thành.")),
        document_headers(), document_rows(entries), str(_("Không có nhiệm vụ nào gắn với văn bản trong kỳ.")),
        bars=0, width="", shown=str(_("%(n)s văn bản") % {"n": page.paginator.count}),
    )
    return section, page
