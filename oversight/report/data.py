"""What the implementation report says, read in a fixed handful of grouped queries whatever the number of tasks.

The selection is the dashboard's (oversight.dashboard: the person's visible tasks, the period, the document and
the unit group; cancelled tasks left out), so the report and the board count the same tasks the same way. The
queries, each one whatever the size of the period:

1. the period's tasks, one row of plain values each: the standing (tasks.standing's CASE), the lead unit
   (Task.objects.with_lead_unit), the date of the latest progress report; what every section and the appendix
   are counted from;
2. the directives and documents those tasks come from (short titles, places, names), one row per directive;
3. the lead units' places in the directory and their unit groups, one row per unit and group;
4. one aggregate for "what changed": the previous period's tasks by standing, the tasks completed during the
   period (whatever their deadline) and the overdue work carried over from before it.

Figures of both periods are as they stand on the report's date (`today`): the previous period's overdue tasks
are those still open now, as the dashboard counts them.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.identity import scope_for
from resolutions.models import Directive
from tasks.filters import in_period
from tasks.models import Assignment, ProgressReport, Task
from tasks.standing import Standing, standing_condition
from units.models import Unit

from ..dashboard.board import base_tasks, rate
from ..dashboard.forms import Selection
from ..dashboard.links import COUNTED, DUE
from ..dashboard.periods import Period, custom, half, quarter, whole_year, years

IN_PROGRESS = (Standing.ON_TRACK, Standing.DUE_SOON)
TOP_UNITS = 10  # section IV: the units most behind
OVERDUE_DIRECTIVES = 25  # section III lists this many overdue directives, the rest are counted in one line
NAMED_UNITS = 5  # the lead units named in a row of section III; the others are counted


class Counts(dict):
    """Tasks by standing (every counted standing present), with the sums the report prints."""

    def __init__(self, values=None):
        super().__init__(dict.fromkeys(COUNTED, 0))
        if values:
            self.update(values)

    @property
    def total(self) -> int:
        return sum(self.values())

    @property
    def in_progress(self) -> int:
        return sum(self[s] for s in IN_PROGRESS)

    @property
    def due(self) -> int:
        return sum(self[s] for s in DUE)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self[Standing.DONE_ON_TIME], self.due)

    def add(self, standing: str, n: int = 1):
        self[standing] += n


@dataclass
class TaskRow:
    pk: int
    title: str
    deadline: datetime.date | None
    standing: str
    unit_id: int | None
    unit_name: str
    directive_id: int | None
    reported_on: datetime.date | None


@dataclass
class DirectiveBlock:
    """A directive of the period (or a task entered by hand, which stands alone) and its tasks."""

    key: tuple
    title: str
    place: str
    document: object | None  # a Resolution
    order: tuple
    tasks: list[TaskRow] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    @property
    def overdue(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.standing == Standing.OVERDUE]


@dataclass
class Line:
    """A row of a summary table: a unit group, a document or a unit, and its tasks by standing."""

    key: object
    name: str
    order: tuple = ()
    counts: Counts = field(default_factory=Counts)
    directives: set = field(default_factory=set)


@dataclass
class Changes:
    previous: Period
    previous_counts: Counts
    completed_on_time: int
    completed_late: int
    completed_from_before: int  # of those completed in the period, how many were due before it
    carried_overdue: int  # open tasks due before the period, still overdue

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late


@dataclass
class ReportData:
    selection: Selection
    today: datetime.date
    issuer: str  # second line of the issuing body ("VĂN PHÒNG" or the unit's name in capitals)
    issuer_name: str  # the same as the body text names it ("Văn phòng Tỉnh ủy")
    number_suffix: str  # "-BC/VPTU"
    signer_title: str
    counts: Counts = field(default_factory=Counts)
    directives: list[DirectiveBlock] = field(default_factory=list)  # the document's order
    documents: list[Line] = field(default_factory=list)
    groups: list[Line] = field(default_factory=list)
    units: list[Line] = field(default_factory=list)
    changes: Changes | None = None

    @property
    def tasks(self) -> list[TaskRow]:
        return [task for block in self.directives for task in block.tasks]

    @property
    def overdue_directives(self) -> list[DirectiveBlock]:
        """Directives with overdue work, the longest overdue first, then the most units behind."""
        blocks = [b for b in self.directives if b.counts[Standing.OVERDUE]]
        return sorted(blocks, key=lambda b: (min(t.deadline for t in b.overdue), -len(b.overdue), b.order))

    @property
    def units_behind(self) -> list[Line]:
        """The units with overdue or late work, most overdue first, then the lowest on-time rate."""
        behind = [u for u in self.units if u.counts[Standing.OVERDUE] or u.counts[Standing.DONE_LATE]]
        return sorted(behind, key=lambda u: (-u.counts[Standing.OVERDUE], u.counts.on_time_rate or 0,
                                             -u.counts[Standing.DONE_LATE], u.order))[:TOP_UNITS]

    @property
    def newly_overdue(self) -> int:
        """Due in the period and not done by the deadline: still open, or finished late."""
        return self.counts[Standing.OVERDUE] + self.counts[Standing.DONE_LATE]

    @property
    def directives_done(self) -> int:
        return sum(1 for b in self.directives if b.counts.total and b.counts.total == (
            b.counts[Standing.DONE_ON_TIME] + b.counts[Standing.DONE_LATE]))


def previous_period(period: Period) -> Period:
    """The period before: the previous quarter, half-year or year, as many years before a run of years; for two
    dates, as many days just before."""
    year = period.start.year
    if period.kind == "quarter":
        number = (period.start.month - 1) // 3 + 1
        return quarter(year, number - 1) if number > 1 else quarter(year - 1, 4)
    if period.kind == "half":
        return half(year, 1) if period.start.month > 6 else half(year - 1, 2)
    if period.kind == "year":
        return whole_year(year - 1)
    if period.kind == "years":
        count = period.end.year - year + 1
        return years(year - count, year - 1)
    length = period.end - period.start
    end = period.start - datetime.timedelta(days=1)
    return custom(end - length, end)


def selected_tasks(user, selection: Selection, today: datetime.date) -> tuple[QuerySet[Task], QuerySet[Task]]:
    """The tasks the report reads: the person's, narrowed by the selection (all periods: "what changed" looks
    before the period too), and those of the period (every section and the appendix)."""
    tasks = base_tasks(user, selection.narrowing(), today)
    return tasks, tasks.filter(in_period(selection.period.start, selection.period.end))


def size(user, selection: Selection, today: datetime.date | None = None) -> int:
    """How many tasks the report covers (its appendix's rows), in one COUNT: enough to decide whether the
    report is written while the person waits or as a background job."""
    return selected_tasks(user, selection, today or timezone.localdate())[1].count()


def collect(user, selection: Selection, today: datetime.date | None = None) -> ReportData:
    today = today or timezone.localdate()
    period = selection.period
    tasks, in_the_period = selected_tasks(user, selection, today)
    issuer, issuer_name, suffix, signer = _issuer(user)
    data = ReportData(selection=selection, today=today, issuer=issuer, issuer_name=issuer_name,
                      number_suffix=suffix, signer_title=signer)

    rows = _task_rows(in_the_period, today)
    directives = _directives(in_the_period)
    units = _units(in_the_period)
    data.changes = _changes(tasks, period, today)

    blocks: dict[tuple, DirectiveBlock] = {}
    documents: dict[object, Line] = {}
    groups: dict[object, Line] = {}
    unit_lines: dict[object, Line] = {}
    others = _("Các đơn vị khác")
    for row in rows:
        directive = directives.get(row.directive_id)
        if directive is not None:
            key = ("d", directive.pk)
            block = blocks.get(key) or blocks.setdefault(key, DirectiveBlock(
                key, directive.title, directive.place, directive.resolution,
                (0, -directive.resolution.issued_on.toordinal(), -directive.resolution_id, directive.order)))
        else:
            key = ("t", row.pk)
            block = blocks.setdefault(key, DirectiveBlock(key, row.title, "", None, (1, 0, 0, row.pk)))
        block.tasks.append(row)
        block.counts.add(row.standing)
        data.counts.add(row.standing)

        resolution = block.document
        doc_key = resolution.pk if resolution else None
        doc = documents.get(doc_key) or documents.setdefault(doc_key, Line(
            doc_key, resolution.display_name if resolution else _("Nhiệm vụ không gắn với văn bản"),
            block.order[:3]))
        doc.counts.add(row.standing)
        doc.directives.add(key)

        order, unit_groups = units.get(row.unit_id, (0, []))
        unit = unit_lines.get(row.unit_id) or unit_lines.setdefault(row.unit_id, Line(
            row.unit_id, row.unit_name or _("(chưa có đơn vị chủ trì)"), (order, row.unit_name or "")))
        unit.counts.add(row.standing)
        for group_key, group_name in unit_groups or [(None, others)]:
            group = groups.get(group_key) or groups.setdefault(group_key, Line(
                group_key, group_name, (group_key is None, group_name)))
            group.counts.add(row.standing)
            group.directives.add(key)
        unit.directives.add(key)

    for block in blocks.values():
        block.tasks.sort(key=lambda t: (units.get(t.unit_id, (0,))[0], t.unit_name, t.pk))
    data.directives = sorted(blocks.values(), key=lambda b: b.order)
    data.documents = sorted(documents.values(), key=lambda d: d.order)
    data.groups = sorted(groups.values(), key=lambda g: g.order)
    data.units = sorted(unit_lines.values(), key=lambda u: u.order)
    return data


def _task_rows(tasks, today: datetime.date) -> list[TaskRow]:
    """Query 1: the period's tasks as plain values (no model instance per task)."""
    latest_report = Subquery(ProgressReport.objects.filter(task=OuterRef("pk"), kind=ProgressReport.Kind.REPORT)
                             .order_by("-created_at").values("created_at")[:1])
    values = (
        tasks.with_standing(today).with_lead_unit()
        .annotate(reported_at=latest_report)
        .values_list("pk", "title", "deadline", "standing", "lead_unit_id", "lead_unit_name", "directive_id",
                     "reported_at")
        .order_by("deadline", "pk")
    )
    return [
        TaskRow(pk, title, deadline, standing, unit_id, unit_name or "", directive_id,
                timezone.localtime(reported_at).date() if reported_at else None)
        for pk, title, deadline, standing, unit_id, unit_name, directive_id, reported_at in values
    ]


def _directives(tasks) -> dict[int, Directive]:
    """Query 2: the period's directives with their documents (without the documents' full text), each document
    kept once however many directives it has (the query brings a copy with every directive)."""
    directives, documents = {}, {}
    for directive in (Directive.objects.filter(pk__in=tasks.values("directive_id"))
                      .select_related("resolution").defer("resolution__body").iterator(chunk_size=2000)):
        directive.resolution = documents.setdefault(directive.resolution_id, directive.resolution)
        directives[directive.pk] = directive
    return directives


def _units(tasks) -> dict[int, tuple[int, list[tuple[int, str]]]]:
    """Query 3: {lead unit pk: (its place in the directory, [(group pk, group name), ...])}."""
    leads = Assignment.objects.filter(task__in=tasks.values("pk"), role=Assignment.Role.LEAD).values("unit_id")
    units: dict[int, tuple[int, list]] = {}
    for pk, order, group_pk, group_name in (Unit.objects.filter(pk__in=leads)
                                            .values_list("pk", "order", "groups__pk", "groups__name")
                                            .order_by("pk", "groups__name")):
        entry = units.setdefault(pk, (order, []))
        if group_pk is not None:
            entry[1].append((group_pk, group_name))
    return units


def _changes(tasks, period: Period, today: datetime.date) -> Changes:
    """Query 4: what changed, in one aggregate over the person's tasks."""
    previous = previous_period(period)
    before = in_period(previous.start, previous.end)
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    completed = Q(status=Task.Status.DONE, completed_at__gte=start, completed_at__lt=end)
    sums = tasks.aggregate(
        **{f"prev_{s}": Count("id", filter=before & standing_condition([s], today)) for s in COUNTED},
        on_time=Count("id", filter=completed & standing_condition([Standing.DONE_ON_TIME], today)),
        late=Count("id", filter=completed & standing_condition([Standing.DONE_LATE], today)),
        from_before=Count("id", filter=completed & Q(deadline__lt=period.start)),
        carried=Count("id", filter=standing_condition([Standing.OVERDUE], today) & Q(deadline__lt=period.start)),
    )
    return Changes(
        previous=previous,
        previous_counts=Counts({s: sums[f"prev_{s}"] for s in COUNTED}),
        completed_on_time=sums["on_time"], completed_late=sums["late"], completed_from_before=sums["from_before"],
        carried_overdue=sums["carried"],
    )


def _issuer(user) -> tuple[str, str, str, str]:
    """Who issues the report: the Party Office for the office and the standing committee, otherwise the unit the
    person leads (the office edits the header anyway before signing)."""
    scope = scope_for(user)
    if scope.all_units:
        return _("VĂN PHÒNG"), _("Văn phòng Tỉnh ủy"), "-BC/VPTU", _("CHÁNH VĂN PHÒNG")
    unit = Unit.objects.filter(pk__in=scope.led_unit_ids).order_by("order", "name").first()
    name = unit.name if unit else _("Đơn vị")
    return name.upper(), name, "-BC", _("THỦ TRƯỞNG ĐƠN VỊ")

