"""What a person's home page shows (/): their tasks counted by standing, and

- for a unit: the first overdue and due-soon tasks, what waits for a decision, and the latest activity on the
  unit's tasks;
- for the office: the decision queue (completion proposals and extension requests, oldest first);
- for the office and the standing committee: overdue work by lead unit and the latest documents.

Each part is shaped for 100,000 tasks and a leader of 25 units (docs/benchmarks.md): a fixed number of queries, each
walking an index rather than every task.
"""
from __future__ import annotations

import datetime
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber

from accounts import roles
from accounts.identity import scope_for
from accounts.names import person
from resolutions.models import Directive, Resolution

from ..access import visible_tasks
from ..models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from ..standing import Standing, standing_condition
from .tasks import standing_counts

HOME_LIST_SIZE = 10


def home_page(user) -> dict:
    """The home page's context for this person."""
    tasks = visible_tasks(user)
    context = {"counts": standing_counts(tasks), "sees_all": roles.sees_all_units(user)}
    if roles.is_office(user):
        context.update(_decision_queue(Q(task__parent__isnull=True)))
    elif not context["sees_all"]:
        context.update(_unit_home(user, tasks, context["counts"]))
    if context["sees_all"]:
        context["overdue_by_unit"] = _overdue_by_lead_unit(tasks)
        context["recent_documents"] = _recent_documents()
    return context


def _unit_home(user, tasks, counts):
    open_tasks = tasks.filter(status__in=Task.OPEN_STATUSES)
    # What waits for a decision, found from the few proposed tasks and pending requests of all units (indexes on
    # them) rather than by testing each of the person's tasks (4,800 rows read for a leader of 25 units: 15 ms).
    waiting_ids = Task.objects.filter(status=Task.Status.PROPOSED).order_by().values("pk").union(
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).order_by().values("task_id"), all=True)
    waiting = list(
        open_tasks.filter(pk__in=waiting_ids).with_list_columns()
        .annotate(total=Window(Count("id"))).order_by("deadline", "id")[:HOME_LIST_SIZE]
    )
    # Overdue and due soon: the first HOME_LIST_SIZE of each in one query (numbered per standing). Their totals are
    # the standing counts (only an open task can be overdue or due soon).
    urgent = {Standing.OVERDUE: [], Standing.DUE_SOON: []}
    first_of_each = (
        # standing_condition: on status and deadline, so the index on them finds the few overdue or due soon tasks
        # (filtering on the standing CASE read every task of a leader's 25 units: 25 ms at 100,000 tasks). Numbered
        # on ids alone (task_standing_idx), then only the ones shown are read whole: numbering whole rows read
        # all 4,300 open tasks due within a week of every unit from the table (18 ms).
        open_tasks.filter(standing_condition(list(urgent)))
        .annotate(rank=Window(RowNumber(), partition_by=F("standing"), order_by=[F("deadline").asc(), F("id").asc()]))
        .filter(rank__lte=HOME_LIST_SIZE).values("pk")
    )
    ranked = tasks.filter(pk__in=first_of_each).with_list_columns().order_by("deadline", "id")
    for task in ranked:
        urgent[task.standing].append(task)
    context = {
        "overdue": urgent[Standing.OVERDUE], "overdue_total": counts[Standing.OVERDUE],
        "due_soon": urgent[Standing.DUE_SOON], "due_soon_total": counts[Standing.DUE_SOON],
        "waiting": waiting, "waiting_total": waiting[0].total if waiting else 0,
    }
    # A leader decides on what the unit delegated to its sub-units: those proposals wait for them, not the office.
    led = scope_for(user).led_unit_ids
    queue_condition = None
    if led:
        queue_condition = Q(Exists(Assignment.objects.filter(
            task=OuterRef("task__parent"), role=Assignment.Role.LEAD, unit_id__in=led)))
    # The latest reviews and extension requests (recent activity) and the leader's queue: one query for each model.
    task_ids = _task_ids(tasks, count=sum(counts.values()))
    queue, latest = _reviews_and_extensions(queue_condition, latest_of=task_ids)
    context["recent_activity"] = _recent_activity(task_ids, latest)
    if queue["queue_total"]:
        context.update(queue)
    return context


QUEUE_SIZE = 50


def _decision_queue(condition: Q):
    """Completion proposals and extension requests waiting for a decision, oldest first."""
    return _reviews_and_extensions(condition)[0]


def _reviews_and_extensions(queue_condition: Q | None, *, latest_of=None, limit: int = HOME_LIST_SIZE):
    """The decision queue for the pending proposals and requests on tasks matching `queue_condition` (None: no
    queue), and the `limit` latest reviews and extension requests on the tasks `latest_of` (None: none).

    Returns ({"proposals", "extensions", "queue_total", "shows_queue"}, {"reviews", "extensions"}): one query per
    model for both (each row tells which part it belongs to).
    """
    proposals, reviews = _pending_and_latest(
        Review,
        pending=None if queue_condition is None else Q(
            queue_condition, outcome=Review.Outcome.PENDING, task__status=Task.Status.PROPOSED),
        latest_of=latest_of, oldest_first=("proposed_at", "id"), related=("task", "proposed_by", "reviewer"),
        limit=limit,
    )
    extensions, latest_extensions = _pending_and_latest(
        ExtensionRequest,
        pending=None if queue_condition is None else Q(queue_condition, status=ExtensionRequest.Status.PENDING),
        latest_of=latest_of, oldest_first=("created_at", "id"),
        related=("task", "unit", "requested_by", "decided_by"), limit=limit,
    )
    queue = {"proposals": proposals, "extensions": extensions, "queue_total": len(proposals) + len(extensions),
             "shows_queue": True}
    return queue, {"reviews": reviews, "extensions": latest_extensions}


def _pending_and_latest(model, *, pending: Q | None, latest_of, oldest_first, related, limit):
    """Up to QUEUE_SIZE rows matching `pending`, oldest first, and the `limit` newest on the tasks `latest_of`
    (_task_ids), newest first, read in one query: UNION ALL of the parts, each row labelled with its part. (Each
    part selects the rows whose id is in its own LIMITed subquery, which both SQLite and PostgreSQL plan as a small
    lookup; an OR of the subqueries made PostgreSQL scan every task at 100,000.)"""
    parts = []
    if pending is not None:
        parts.append(("queue", model.objects.filter(pending).order_by(*oldest_first)[:QUEUE_SIZE]))
    if latest_of is not None:
        parts += [("latest", rows) for rows in _newest_parts(model, latest_of, oldest_first, limit)]
    rows = _read_parts(model, parts, oldest_first, related)
    queue = [row for row in rows if row.part == "queue"]
    return queue, _newest_first([row for row in rows if row.part == "latest"], limit)


def _read_parts(model, parts, oldest_first, related) -> list:
    """The rows of each (name, LIMITed queryset) part in one UNION ALL, each labelled `part`, oldest first.

    Each part's ids are compiled on their own (_compiled_ids): nesting the querysets resolved and relabelled their
    subqueries again (~30 ms of Python for a leader's home)."""
    if not parts:
        return []
    labelled = [
        model.objects.filter(pk__in=_compiled_ids(rows)).annotate(part=Value(name, output_field=CharField()))
        .select_related(*related).order_by()
        for name, rows in parts
    ]
    return sorted(labelled[0].union(*labelled[1:], all=True) if len(labelled) > 1 else labelled[0],
                  key=lambda row: tuple(getattr(row, name) for name in oldest_first))


def _newest_first(rows, limit) -> list:
    """The `limit` newest of rows sorted oldest first, each once (the parts of _newest_parts may share rows)."""
    seen, newest = set(), []
    for row in reversed(rows):
        if row.pk not in seen:
            seen.add(row.pk)
            newest.append(row)
    return newest[:limit]


# The recent activity (_newest_parts): how many of the newest reports, reviews or extension requests of all tasks
# it looks through first, and below how many tasks it asks task by task straight away.
NEWEST_WINDOW = 1000
FEW_TASKS = 1000


class TaskIds(NamedTuple):
    """A set of tasks for the recent activity: their ids as SQL compiled once, and whether there are many."""

    sql: RawSQL
    many: bool


def _compiled_ids(rows) -> RawSQL:
    """The ids of a queryset's rows as SQL compiled once, to nest in other queries without resolving it again."""
    try:
        sql, params = rows.values("pk").query.sql_with_params()
    except EmptyResultSet:  # rows.none(): a person without a unit sees no task
        sql, params = rows.model.objects.filter(pk__in=[-1]).values("pk").query.sql_with_params()
    # SQL that Django compiled from a queryset (its values are parameters), not text from a request.
    return RawSQL(sql, params)  # nosec B611


def _task_ids(tasks, count: int) -> TaskIds:
    """The recent activity nests the ids in up to nine subqueries; nesting the queryset itself cloned and relabelled
    its standing CASE each time (~15 ms of Python per request). order_by(): nested, Django drops the default order
    itself; compiled alone it keeps it, and the database would sort the ids first."""
    return TaskIds(_compiled_ids(tasks.order_by()), many=count >= FEW_TASKS)


def _newest_parts(model, tasks: TaskIds, oldest_first, limit):
    """LIMITed querysets whose rows together include the `limit` newest rows of `model` on `tasks` (newest by
    `oldest_first` reversed, e.g. created_at then id).

    - The rows of the `limit` tasks whose newest row is the newest: every one of the `limit` newest rows is on one
      of them. One index probe per task: ~2-5 ms for a unit's 200-400 tasks, 30-50 ms for a leader's 4,800.
    - So for many tasks, first those among the NEWEST_WINDOW newest rows of all tasks: a short walk of the
      newest-first index (tasks/models.py), enough when the tasks hold a fair share of the activity (~4 ms for a
      leader of 25 units at 100,000 tasks); the task-by-task part runs only when the window holds fewer than
      `limit` of them (PostgreSQL and SQLite skip it otherwise).

    Asking for the newest rows on the tasks directly was slow at 100,000 tasks: PostgreSQL walked the newest-first
    index of every report testing each row until it found ten (0.3-0.56 s for a unit whose tasks are quiet).
    """
    time_field = oldest_first[0]
    newest = [f"-{name}" for name in oldest_first]
    parts = []
    busiest = Task.objects.filter(pk__in=tasks.sql)
    if tasks.many:
        # The window: every row from the NEWEST_WINDOW-th newest (the oldest when there are fewer) to the newest.
        # Both ends: with the lower one alone PostgreSQL guessed a third of the table and started parallel workers
        # (10-15 ms to start on a busy machine for a 1 ms walk); a range between two unknowns it guesses small.
        newest_rows = model.objects.order_by(*newest).values(time_field)
        window_start = Coalesce(Subquery(newest_rows[NEWEST_WINDOW - 1:NEWEST_WINDOW]),
                                Value(datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)))
        in_window = (model.objects.filter(**{f"{time_field}__gte": window_start,
                                             f"{time_field}__lte": Subquery(newest_rows[:1])}, task__in=tasks.sql)
                     .order_by(*newest)[:limit])
        parts.append(in_window)
        # The `limit`-th of them (None when the window holds fewer): a scalar subquery keeps its order, so
        # PostgreSQL walks the window as above (an EXISTS, unordered, was planned as a merge over every report).
        last_in_window = Subquery(in_window.values("pk")[limit - 1:limit])
        busiest = busiest.alias(last_in_window=last_in_window).filter(last_in_window__isnull=True)
    task_newest = model.objects.filter(task=OuterRef("pk")).order_by(f"-{time_field}").values(time_field)[:1]
    busiest = (busiest.annotate(newest_row_at=Subquery(task_newest)).filter(newest_row_at__isnull=False)
               .order_by("-newest_row_at", "-pk").values("pk")[:limit])
    parts.append(model.objects.filter(task__in=busiest).order_by(*newest)[:limit])
    return parts


def _recent_documents(limit: int = 5):
    """The latest documents with their number of directives, counted for those only (a Count over the join
    grouped every document's directives first: 20-26 ms at 1,660 documents and 33,000 directives)."""
    directives = (Directive.objects.filter(resolution=OuterRef("pk")).order_by().values("resolution")
                  .annotate(n=Count("pk")).values("n"))
    return (Resolution.objects.annotate(directive_count=Coalesce(Subquery(directives), 0))
            .order_by("-created_at", "-id")[:limit])


def _overdue_by_lead_unit(tasks):
    # standing_condition: the overdue tasks from the index on status and deadline (filtering on the standing CASE
    # computed it for every task: 31 ms at 100,000 tasks, with parallel workers).
    overdue = tasks.filter(standing_condition([Standing.OVERDUE])).values("pk")
    return list(
        Assignment.objects.filter(role=Assignment.Role.LEAD, task__in=overdue)
        .values("unit_id", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__name")
    )


def _recent_activity(task_ids: TaskIds, latest, limit: int = HOME_LIST_SIZE):
    """The latest reports, proposals, reviews and extension decisions on these tasks (_task_ids), newest first.

    `latest`: the latest reviews and extension requests on them ({"reviews", "extensions"}, newest first), read
    together with the decision queue (_reviews_and_extensions).
    """
    items = []
    oldest_first = ("created_at", "id")
    parts = [("latest", rows) for rows in _newest_parts(ProgressReport, task_ids, oldest_first, limit)]
    reports = _read_parts(ProgressReport, parts, oldest_first, related=("task", "author", "unit"))
    for report in _newest_first(reports, limit):
        items.append({"when": report.created_at, "task": report.task, "who": person(report.author),
                      "what": report.get_kind_display(), "url": report.get_absolute_url(), "icon": "bi-journal-text"})
    for review in latest["reviews"]:
        if review.reviewed_at:
            items.append({"when": review.reviewed_at, "task": review.task, "who": person(review.reviewer),
                          "what": review.get_outcome_display(), "url": review.get_absolute_url(),
                          "icon": "bi-check2-circle"})
        items.append({"when": review.proposed_at, "task": review.task, "who": person(review.proposed_by),
                      "what": Task.Status.PROPOSED.label,
                      "url": review.get_absolute_url(), "icon": "bi-flag"})
    for extension in latest["extensions"]:
        if extension.decided_at:
            items.append({"when": extension.decided_at, "task": extension.task, "who": person(extension.decided_by),
                          "what": extension.get_status_display(), "url": extension.get_absolute_url(),
                          "icon": "bi-calendar-check"})
        items.append({"when": extension.created_at, "task": extension.task, "who": person(extension.requested_by),
                      "what": ExtensionRequest._meta.verbose_name.capitalize(), "url": extension.get_absolute_url(),
                      "icon": "bi-calendar-plus"})
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]
