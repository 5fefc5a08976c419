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
- Overdue at the end of a week (the trend line): tasks whose deadline is before that day and that were not
  completed by it (still open, or completed later, i.e. done late), read from deadlines and completion dates
  only, never from when the task was recorded (a document recorded late still had its deadlines). The points are
  the weeks of the chosen period (its months beyond 60 weeks, its quarters beyond 72 months) up to today; a
  point on today equals "overdue now". The current deadline is used throughout (an extension approved later
  moves the task out of the weeks before it), and cancelled tasks are left out. Document and unit group apply;
  the period gives the chart its span, not its tasks.
- Overdue now, every period: open tasks with a deadline before today, whatever the period: the home page's
  "Quá hạn", said under the period's own overdue figure so the two are never read as one.
- Due in the next 14 days: open tasks with today <= deadline <= today + 14, whatever the period.

What is shown, at 1,000 units and 1,600 documents as at ten: the figures over every task; the unit table and the
ranking with their first TOP (20) rows (the most overdue units; the best on-time rates), the rest summed in one
row and the total under them; the TOP latest documents. "Xem tất cả" opens the whole table, a page at a time
(?all=units, ?all=units&sort=rate, ?all=documents). Drawing a row per unit and per document (~20,000 links) took
~1.5 s at 100,000 tasks.

Three aggregates build the board, the same three for twenty tasks or a hundred thousand (see build()), and the
board is cached for a minute per scope, selection, language and day (oversight.dashboard.cache); the page says
when its figures were computed.
"""
from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identity import scope_for
from core.dates import local_today
from resolutions.models import Resolution
from tasks.access import visible_tasks
from tasks.filters import filter_tasks, in_period
from tasks.models import Assignment, Task
from tasks.choices import OPEN_STATUSES
from tasks.standing import Standing, standing_condition, standing_of

from .forms import Selection
from .links import COUNTED, DUE, OPEN_DATED, list_prefix, list_url, standing_links
from .periods import DATE_FORMAT, ROMAN, Period

DUE_AHEAD_DAYS = 14
# The trend's points: the weeks of the period, or its months when it has more weeks than this, or its quarters
# when it has more months than MONTHS_AT_MOST.
WEEKS_AT_MOST = 60
MONTHS_AT_MOST = 72

# The unit and document tables show this many rows; "Xem tất cả" opens the whole table (oversight.dashboard.tables).
TOP = 20


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
    weeks: list[dict] = field(default_factory=list)  # the trend's points: {"start", "end", "count", "url"?}
    trend_step: str = "week"  # "week", "month" or "quarter": what each point of the trend closes
    overdue_now: int = 0  # open and past the deadline today, whatever the period (the home page's figure)
    overdue_now_url: str = ""
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
    # The key the board is cached under (oversight.dashboard.cache), empty when the cache did not answer: the
    # page's cached fragments are keyed by it and its build time, and not cached without it.
    cache_key: str = ""

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
    standing (the figures are their sums), the overdue trend with overdue now and the 14 days ahead (tasks counted
    by deadline and completion day), and the latest
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
    # Done on time is counted as every finished task, less those finished late (fixed below): telling the two apart
    # compares each completion's local date with the deadline, which SQLite does in Python, once per finished task
    # instead of twice (~0.5 s at 100,000 tasks over several years).
    conditions = {s: standing_condition([s], today) for s in COUNTED}
    conditions[Standing.DONE_ON_TIME] = Q(status=Task.Status.DONE)
    width = len(UNIT_FIELDS)
    on_time, late = width + COUNTED.index(Standing.DONE_ON_TIME), width + COUNTED.index(Standing.DONE_LATE)
    rows = [
        (*row[:on_time], row[on_time] - row[late], *row[on_time + 1:])
        for row in tasks.filter(period_q)
        .annotate(lead=FilteredRelation("assignments", condition=Q(assignments__role=Assignment.Role.LEAD)))
        .values_list(*UNIT_FIELDS.values())
        .annotate(**{s: Count("id", filter=conditions[s]) for s in COUNTED})
        .order_by()
    ]
    counts = dict.fromkeys(COUNTED, 0)
    for row in rows:
        for i, s in enumerate(COUNTED, start=width):
            counts[s] += row[i]
    board.standing_counts = {s: counts[s] for s in COUNTED}
    _figures(board, period_data, narrowing, today)
    _trend(board, tasks, narrowing, selection.period, today)
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
               list_url({**period_data, "standing": [Standing.OVERDUE]}), note=_("có hạn trong kỳ")),
        Figure("due_ahead", _("Đến hạn trong 14 ngày tới"), 0, list_url(ahead_data),
               note=_("đến ngày %(date)s") % {"date": ahead.strftime(DATE_FORMAT)}),
    ]


def _trend(board: Dashboard, tasks: QuerySet[Task], narrowing: dict, period: Period, today: datetime.date):
    """The overdue trend, overdue now and the 14 days ahead from one grouped query: the tasks that can count (open
    ones due up to 14 days ahead; those done late after the trend's first point) counted by deadline, status and
    the first point they were completed by. Each group then adds its count to the points it was overdue at (after
    its deadline, before its completion: a bisection), so the work grows with the distinct deadlines, not with
    points times tasks. Completion is compared as instants (the points' day ends), never converted to a local
    date row by row (SQLite does that in Python: half a second at 100,000 tasks)."""
    points = trend_points(period, today)
    ends = [end for _start, end in points]
    ahead = today + datetime.timedelta(days=DUE_AHEAD_DAYS)
    could_count = Q(status__in=OPEN_STATUSES, deadline__isnull=False, deadline__lte=ahead)
    if ends:
        # Done after the first point (done on time too: they add nothing, and telling them apart costs a local date
        # per row).
        could_count |= Q(status=Task.Status.DONE, deadline__lt=ends[-1], completed_at__gte=day_end(ends[0]))
        # The first point whose day had ended after the task was completed: it is not overdue from that point on.
        completed_by = Case(*(When(completed_at__lt=day_end(end), then=Value(n)) for n, end in enumerate(ends)),
                            default=Value(len(ends)), output_field=IntegerField())
    else:
        completed_by = Value(0, output_field=IntegerField())
    rows = (tasks.filter(could_count).annotate(completed_by=completed_by)
            .values_list("deadline", "status", "completed_by").annotate(n=Count("id")).order_by())
    change = [0] * (len(ends) + 1)
    overdue_now = due_ahead = 0
    for deadline, status, stop, n in rows:
        if status in OPEN_STATUSES:
            if standing_of(status=status, deadline=deadline, completed_at=None, today=today) == Standing.OVERDUE:
                overdue_now += n  # the standing's own rule, as the home page and the list count it
            elif deadline <= ahead:
                due_ahead += n
        # Overdue at the points after its deadline and before the one it was completed by.
        first = bisect_right(ends, deadline)
        if first < stop:
            change[first] += n
            change[stop] -= n
    next(f for f in board.figures if f.key == "due_ahead").value = due_ahead
    board.overdue_now = overdue_now
    board.overdue_now_url = list_url({**narrowing, "standing": [Standing.OVERDUE]})
    board.trend_step = trend_step(period, today)
    running = 0
    board.weeks = []
    for n, (start, end) in enumerate(points):
        running += change[n]
        board.weeks.append({"start": start, "end": end, "count": running})
    if ends and ends[-1] == today:
        # Today's point is "overdue now": the one point a list filter can show.
        board.weeks[-1]["url"] = board.overdue_now_url


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


def trend_step(period: Period, today: datetime.date) -> str:
    """What each point of the trend closes: a week, or a month or a quarter over a long period."""
    last = min(period.end, today)
    if (last - period.start).days < 7 * WEEKS_AT_MOST:
        return "week"
    months = (last.year - period.start.year) * 12 + last.month - period.start.month + 1
    return "month" if months <= MONTHS_AT_MOST else "quarter"


def _step_end(day: datetime.date, step: str) -> datetime.date:
    """The last day of the week (Sunday), month or quarter holding `day`."""
    if step == "week":
        return day + datetime.timedelta(days=6 - day.weekday())
    month = day.month if step == "month" else 3 * ((day.month - 1) // 3 + 1)
    following = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def trend_points(period: Period, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The trend's points as (first day, last day counted), oldest first: each week (Monday to Sunday), month or
    quarter of the period up to today, cut to the period; the last one ends today when the period is current.
    None (an empty list) for a period that has not begun."""
    last = min(period.end, today)
    step = trend_step(period, today)
    points = []
    start = period.start
    while start <= last:
        end = min(_step_end(start, step), last)
        points.append((start, end))
        start = end + datetime.timedelta(days=1)
    return points


def point_names(point: dict, step: str) -> tuple[str, str]:
    """(the axis label, the full name) of a trend point: "06/12" and "Tuần 30/11/2026 – 06/12/2026", "12/2026"
    and "Tháng 12/2026 (đến 06/12/2026)", "Q4/2026" and "Quý IV/2026"."""
    start, end = point["start"], point["end"]
    if step == "week":
        return end.strftime("%d/%m/%y"), str(_("Tuần %(start)s – %(end)s") % {
            "start": start.strftime(DATE_FORMAT), "end": end.strftime(DATE_FORMAT)})
    number = (end.month - 1) // 3 + 1
    if step == "month":
        name = str(_("Tháng %(month)s") % {"month": end.strftime("%m/%Y")})
        short = end.strftime("%m/%Y")
    else:
        name = str(_("Quý %(q)s/%(y)s") % {"q": ROMAN[number], "y": end.year})
        short = f"Q{number}/{end.year}"
    whole_start = end.replace(day=1) if step == "month" else datetime.date(end.year, 3 * (number - 1) + 1, 1)
    if start != whole_start or end != _step_end(end, step):  # cut by the period or by today
        name += " " + str(_("(từ %(start)s đến %(end)s)") % {
            "start": start.strftime(DATE_FORMAT), "end": end.strftime(DATE_FORMAT)})
    return short, name


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the portal's time zone: `created_at__date <= day` is `created_at <` it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
