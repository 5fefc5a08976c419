"""Who may see which task: the one visibility rule of the portal. Every page, count, export, feed, email link and
admin list that shows tasks (or rows about a task) starts here.

The rule (DESIGN.md, "Who uses it"): the office and the standing committee see every task; anyone else sees the
tasks on which one of the units of their scope (accounts.identity: their units, and for a leader every unit below)
holds an assignment, lead or coordinating. Whoever may not see a task gets 404, never 403.
"""
from __future__ import annotations

import datetime

from django.db.models import Exists, F, Lookup, OuterRef, QuerySet
from django.http import Http404

from accounts.identity import Scope, scope_for, visible_units  # noqa: F401 (the scope's units, for the pages)
from resolutions.models import Resolution

from .models import Assignment, Attachment, Task


class _AmongIds(Lookup):
    """`column IN (ids)` written for the database: on PostgreSQL `column = ANY(%s)` with the ids as one array
    parameter. A leader's scope can hold hundreds of units and every page passes it to a few queries: as an IN list
    of 200 ids the ORM and psycopg spend ~0.7 ms of CPU per query preparing the parameters, as one array ~0.1 ms
    (the bell's count at 100,000 tasks: 1.23 -> 0.83 ms of CPU, 1.7 -> 1.1 ms wall; docs/benchmarks.md)."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return sorted(int(pk) for pk in self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


def sees_task(scope: Scope, task_ref: str = "pk") -> Exists:
    """The rule as a condition on a row: one of the scope's units holds an assignment on the task that `task_ref`
    names ("pk" on a task, "task" on a row pointing at one, "report__task" further away). Only for a scope that is
    neither everything nor empty (visible() handles those)."""
    return Exists(Assignment.objects.filter(_AmongIds(F("unit_id"), scope.unit_ids), task=OuterRef(task_ref)))


def visible(rows: QuerySet, user, *, task_ref: str = "task") -> QuerySet:
    """`rows` (tasks, or rows about a task through `task_ref`) narrowed to what this person may see."""
    scope = scope_for(user)
    if scope.all_units:
        return rows
    if scope.is_empty:
        return rows.none()
    return rows.filter(sees_task(scope, task_ref))


def visible_tasks(user, *, today: datetime.date | None = None, with_standing: bool = True) -> QuerySet[Task]:
    """The tasks this person may see, with the deadline standing annotated.

    with_standing=False: the same tasks without the `standing` annotation, for callers that never read it (a
    subquery of ids, a list that computes the standing per row): building and compiling the CASE costs ~2 ms of
    CPU per call, and a filter on the standing uses tasks.standing.standing_condition anyway.
    """
    tasks = Task.objects.with_standing(today) if with_standing else Task.objects.all()
    return visible(tasks, user, task_ref="pk")


def get_visible_task(user, pk) -> Task:
    """The task, or 404 when it does not exist or this person may not see it (no difference is shown)."""
    try:
        return visible_tasks(user).select_related("directive__resolution", "parent").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No task matches the given query.")


def visible_resolutions(user) -> QuerySet[Resolution]:
    """Documents: all for the office and the standing committee; for a unit, those that gave it a task."""
    scope = scope_for(user)
    if scope.all_units:
        return Resolution.objects.all()
    if scope.is_empty:
        return Resolution.objects.none()
    return Resolution.objects.filter(Exists(
        Task.objects.filter(directive__resolution=OuterRef("pk")).filter(sees_task(scope, "pk"))))


def get_visible_attachment(user, pk) -> Attachment:
    """An attachment of a report or of a completion proposal, to whoever may see its task."""
    rows = Attachment.objects.select_related("report__task", "review__task")
    try:
        return (visible(rows.filter(report__isnull=False), user, task_ref="report__task")
                | visible(rows.filter(review__isnull=False), user, task_ref="review__task")).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No attachment matches the given query.")
