"""The oversight dashboard's reads: who is late, on what, and is it getting better.

Everything here starts from tasks.selectors.visible_tasks (the office and the standing committee see every task,
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

Every aggregate is one SQL query over the standing annotation (tasks.models.TaskQuerySet.with_standing), so the
page costs the same handful of queries for twenty tasks or twenty thousand.
"""
from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Q, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from resolutions.models import Resolution

from . import roles
from .filters import filter_tasks, in_period
from .models import Assignment, Membership, Standing, Task, Unit, UnitGroup, local_today
from .selectors import scope_for, visible_resolutions, visible_tasks

# --- who sees it --------------------------------------------------------------------------------------------


def may_see_dashboard(user) -> bool:
    """The office, the standing committee and unit leaders (for their units); officers have the task list."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return roles.sees_all_units(user) or Membership.Role.LEADER in scope_for(user).memberships.values()


# --- periods ------------------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUSTOM = "custom"
DUE_AHEAD_DAYS = 14
TREND_WEEKS = 26  # six months
DATE_FORMAT = "%d/%m/%Y"


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
    return _path("tasks:export", get_script_prefix()) + "?" + urlencode(list_params(data), doseq=True)


# --- the aggregates -----------------------------------------------------------------------------------------


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
    units: list[dict] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)
    other_units: dict | None = None
    documents: list[dict] = field(default_factory=list)
    weeks: list[dict] = field(default_factory=list)
    standing_counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.standing_counts.values())


def base_tasks(user, narrowing: dict, today: datetime.date) -> QuerySet[Task]:
    """The person's tasks narrowed by the task list's filter, cancelled tasks left out, unordered."""
    tasks = filter_tasks(visible_tasks(user, today=today), narrowing, user=user)
    return tasks.exclude(status=Task.Status.CANCELLED).order_by()


def build(user, selection: Selection, today: datetime.date | None = None) -> Dashboard:
    """Two queries: one aggregate for the figures and the weekly line, one grouped by lead unit and directive
    for the unit and document charts."""
    today = today or local_today()
    board = Dashboard(selection=selection, today=today)
    narrowing = selection.narrowing()
    period_data = selection.list_data()
    # The list's own definition of the period, so a figure and its link count the same tasks.
    period_q = in_period(selection.period.start, selection.period.end)
    tasks = base_tasks(user, narrowing, today)

    ahead = today + datetime.timedelta(days=DUE_AHEAD_DAYS)
    ahead_data = {**narrowing, "standing": OPEN_DATED, "deadline_from": today, "deadline_to": ahead}
    ends = week_ends(today)
    sums = tasks.aggregate(
        **{s: Count("id", filter=Q(standing=s) & period_q) for s in COUNTED},
        due_ahead=Count("id", filter=Q(standing__in=OPEN_DATED, deadline__gte=today, deadline__lte=ahead)),
        **{f"w{n}": Count("id", filter=overdue_at(day)) for n, day in enumerate(ends)},
    )
    counts = {s: sums[s] for s in COUNTED}
    board.standing_counts = counts
    due = sum(counts[s] for s in DUE)
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
        Figure("due_ahead", _("Đến hạn trong 14 ngày tới"), sums["due_ahead"], list_url(ahead_data),
               note=_("đến ngày %(date)s") % {"date": ahead.strftime(DATE_FORMAT)}),
    ]
    board.weeks = [
        {"end": day, "start": day - datetime.timedelta(days=day.weekday()), "count": sums[f"w{n}"]}
        for n, day in enumerate(ends)
    ]
    # Today's point is "overdue now" across all periods: the one point a list filter can show.
    board.weeks[-1]["url"] = list_url({**narrowing, "standing": [Standing.OVERDUE]})

    # One row per (lead unit, directive): the units' bars sum over directives, the documents' over units. The
    # unit and document columns depend on the grouped ids, so they add no rows.
    rows = list(
        tasks.filter(period_q, assignments__role=Assignment.Role.LEAD)
        .values(*UNIT_FIELDS.values(), *DOCUMENT_FIELDS.values(), "directive_id")
        .annotate(**{s: Count("id", filter=Q(standing=s)) for s in COUNTED})
    )
    _by_unit(board, user, rows, period_data)
    _by_document(board, rows, period_data)
    return board


UNIT_FIELDS = {"pk": "assignments__unit_id", "name": "assignments__unit__name",
               "short_name": "assignments__unit__short_name", "order": "assignments__unit__order",
               "active": "assignments__unit__active"}
DOCUMENT_FIELDS = {"pk": "directive__resolution_id", "kind": "directive__resolution__kind",
                   "number": "directive__resolution__number", "title": "directive__resolution__title",
                   "issued_on": "directive__resolution__issued_on"}


def _add(into: dict, counts: dict):
    for s in COUNTED:
        into[s] += counts[s]


def _by_unit(board: Dashboard, user, rows: list[dict], period_data: dict):
    """Standings per lead unit and the on-time ranking drawn from the same counts."""
    scope = scope_for(user)
    per_unit: dict[int, tuple[Unit, dict]] = {}
    for row in rows:
        unit_id = row[UNIT_FIELDS["pk"]]
        if unit_id not in per_unit:
            unit = Unit(**{attr: row[name] for attr, name in UNIT_FIELDS.items()})
            per_unit[unit_id] = (unit, dict.fromkeys(COUNTED, 0))
        _add(per_unit[unit_id][1], row)
    other = dict.fromkeys(COUNTED, 0)
    units = []
    for unit, counts in per_unit.values():
        # A bar of its own only for a unit the list's unit filter accepts (TaskFilterForm: the person's active
        # units), so that every bar's link counts the same tasks; the rest are summed in one unlinked row.
        if not unit.active or not (scope.all_units or unit.pk in scope.unit_ids):
            _add(other, counts)
            continue
        unit_data = {**period_data, "unit": unit, "role": "lead"}
        due = sum(counts[s] for s in DUE)
        links = {s: list_url({**unit_data, "standing": [s]}) for s in COUNTED}
        units.append({
            "unit": unit, "counts": counts, "total": sum(counts.values()), "due": due,
            "rate": rate(counts[Standing.DONE_ON_TIME], due), "links": links,
            "total_url": list_url({**unit_data, "standing": COUNTED}),
            "due_url": list_url({**unit_data, "standing": DUE}),
        })
    units.sort(key=lambda u: (-u["counts"][Standing.OVERDUE], -u["total"], u["unit"].order, u["unit"].name))
    board.units = units
    board.ranking = sorted(
        (u for u in units if u["due"]), key=lambda u: (-u["rate"], -u["due"], u["unit"].order, u["unit"].name)
    )
    if any(other.values()):
        board.other_units = {"counts": other, "total": sum(other.values())}


def _by_document(board: Dashboard, rows: list[dict], period_data: dict):
    """Per document: its tasks by standing, and how many of its directives are finished (every task done)."""
    per_directive: dict[int, dict] = {}
    documents: dict[int, Resolution] = {}
    for row in rows:
        if row["directive_id"] is None:
            continue
        documents.setdefault(row[DOCUMENT_FIELDS["pk"]], Resolution(
            **{attr: row[name] for attr, name in DOCUMENT_FIELDS.items()}))
        counts = per_directive.setdefault(row["directive_id"], {
            "document": row[DOCUMENT_FIELDS["pk"]], **dict.fromkeys(COUNTED, 0)})
        _add(counts, row)
    summary = {pk: {"counts": dict.fromkeys(COUNTED, 0), "directives": 0, "directives_done": 0}
               for pk in documents}
    for counts in per_directive.values():
        doc = summary[counts["document"]]
        _add(doc["counts"], counts)
        doc["directives"] += 1
        if sum(counts[s] for s in COUNTED) == counts[Standing.DONE_ON_TIME] + counts[Standing.DONE_LATE]:
            doc["directives_done"] += 1
    result = []
    for pk, doc in summary.items():
        resolution = documents[pk]
        data = {**period_data, "document": resolution}
        total = sum(doc["counts"].values())
        done = doc["counts"][Standing.DONE_ON_TIME] + doc["counts"][Standing.DONE_LATE]
        links = {s: list_url({**data, "standing": [s]}) for s in COUNTED}
        result.append({
            "document": resolution, **doc, "total": total, "done": done,
            "done_share": round(100 * done / total) if total else 0,
            "links": links,
            "total_url": list_url({**data, "standing": COUNTED}),
        })
    result.sort(key=lambda d: (-d["document"].issued_on.toordinal(), -d["document"].pk))
    board.documents = result


def week_ends(today: datetime.date, weeks: int = TREND_WEEKS) -> list[datetime.date]:
    """The last day counted in each of the last `weeks` weeks (Monday to Sunday), oldest first; the current
    week counts up to today."""
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    ends = [sunday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    ends[-1] = today
    return ends


def overdue_at(day: datetime.date) -> Q:
    """Overdue at the end of `day`: deadline before it, assigned by then, not completed by then."""
    return (
        Q(deadline__lt=day) & Q(created_at__date__lte=day)
        & (Q(completed_at__isnull=True) | Q(completed_at__date__gt=day))
    )


# --- data for the charts (rendered with json_script, drawn by static/js/dashboard.js) -----------------------


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
            "labels": [str(d["document"]) for d in board.documents],
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
    bars: int  # rows of the chart (the table may have one more, unlinked)
    width: str = "col-xl-7"


def _count_cells(counts: dict, links: dict | None, total_url: str = "") -> list[Cell]:
    # A zero links nowhere: there is no list worth opening.
    cells = [Cell(counts[s], links[s] if links and counts[s] else "") for s in STACK]
    return cells + [Cell(sum(counts.values()), total_url, strong=True)]


def sections(board: Dashboard) -> list[Section]:
    stack = [str(Standing(s).label) for s in STACK]
    unit_rows = [Row(u["unit"].name, _count_cells(u["counts"], u["links"], u["total_url"])) for u in board.units]
    if board.other_units:
        unit_rows.append(Row(str(_("Đơn vị khác chủ trì (ngoài phạm vi theo dõi hoặc đã ngừng hoạt động)")),
                             _count_cells(board.other_units["counts"], None)))
    ranking_rows = [
        Row(f"{rank}. {u['unit'].name}", [
            Cell(u["counts"][Standing.DONE_ON_TIME], u["links"][Standing.DONE_ON_TIME]),
            Cell(u["due"], u["due_url"]),
            Cell(f"{u['rate']:g}%".replace(".", ","), strong=True),
        ])
        for rank, u in enumerate(board.ranking, start=1)
    ]
    week_rows = [
        Row(f"{w['start']:%d/%m/%Y} – {w['end']:%d/%m/%Y}", [Cell(w["count"], w.get("url", ""))])
        for w in board.weeks
    ]
    document_rows = [
        Row(str(d["document"]), [Cell(f"{d['directives_done']}/{d['directives']}"),
                                 *_count_cells(d["counts"], d["links"], d["total_url"])],
            href=d["document"].get_absolute_url(), note=d["document"].title)
        for d in board.documents
    ]
    total = str(_("Tổng"))
    return [
        Section(
            "standingByUnit", "stacked", str(_("Tình trạng nhiệm vụ theo đơn vị chủ trì")),
            str(_("Biểu đồ cột chồng: tình trạng nhiệm vụ của từng đơn vị chủ trì. Số liệu trong bảng dưới đây.")),
            str(_("Số nhiệm vụ trong kỳ theo đơn vị chủ trì và tình trạng; mỗi số mở danh sách đúng các nhiệm vụ "
                  "đó.")),
            [str(_("Đơn vị chủ trì")), *stack, total], unit_rows, str(_("Không có nhiệm vụ nào trong kỳ.")),
            bars=len(board.units),
        ),
        Section(
            "onTimeByUnit", "rate", str(_("Tỷ lệ hoàn thành đúng hạn theo đơn vị")),
            str(_("Biểu đồ cột: tỷ lệ hoàn thành đúng hạn của từng đơn vị, xếp từ cao xuống thấp. Số liệu trong "
                  "bảng dưới đây.")),
            str(_("Hoàn thành đúng hạn trên số nhiệm vụ đã đến hạn (hoàn thành đúng hạn, hoàn thành quá hạn, quá "
                  "hạn), xếp từ cao xuống thấp.")),
            [str(_("Đơn vị chủ trì")), str(_("Đúng hạn")), str(_("Đã đến hạn")), str(_("Tỷ lệ"))], ranking_rows,
            str(_("Chưa có nhiệm vụ nào đến hạn trong kỳ.")), bars=len(board.ranking), width="col-xl-5",
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
            str(_("Biểu đồ cột chồng: tình trạng các nhiệm vụ của từng văn bản. Số liệu trong bảng dưới đây.")),
            str(_("Nhiệm vụ trong kỳ của từng văn bản theo tình trạng; nội dung chỉ đạo hoàn thành là nội dung có "
                  "mọi nhiệm vụ đã hoàn thành.")),
            [str(_("Văn bản")), str(_("Nội dung chỉ đạo hoàn thành")), *stack, total], document_rows,
            str(_("Không có nhiệm vụ nào gắn với văn bản trong kỳ.")), bars=len(board.documents),
        ),
    ]
