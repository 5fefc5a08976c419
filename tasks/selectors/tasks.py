"""Reads about tasks the person may already see (tasks.access decided that): their units, the person's part in
them, what waits for a decision, counts by standing, and what coordinating units contributed."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.identity import scope_for
from units.models import Membership, Unit

from ..access import visible_tasks
from ..models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from ..standing import Standing


def load_assignments(*tasks: Task) -> None:
    """Read the assignments (with their units) of these tasks in one query, and keep them on each task object for
    task_units, roles_on_task and the policy (the task page asks about the task and its parent many times)."""
    tasks = [task for task in tasks if task is not None]
    by_task = {task.pk: [] for task in tasks}
    # Whether each unit has an active sub-unit (where a task can be delegated), read with it.
    sub_units = Unit.objects.filter(parent=OuterRef("unit"), active=True)
    for assignment in (Assignment.objects.filter(task_id__in=list(by_task)).select_related("unit")
                       .annotate(unit_has_active_sub_unit=Exists(sub_units)).order_by("unit__order", "unit__name")):
        by_task[assignment.task_id].append(assignment)
    for task in tasks:
        task.__dict__["_portal_assignments"] = by_task[task.pk]


def loaded_assignments(task: Task) -> list[Assignment] | None:
    """The task's assignments with their units, when load_assignments read them; None otherwise."""
    return task.__dict__.get("_portal_assignments")


def task_units(task: Task) -> tuple[Unit | None, list[Unit]]:
    """(lead unit, coordinating units) of one task."""
    assignments = loaded_assignments(task)
    if assignments is None:
        assignments = task.assignments.select_related("unit").order_by("unit__order", "unit__name")
    lead, coordinating = None, []
    for assignment in assignments:
        if assignment.role == Assignment.Role.LEAD:
            lead = assignment.unit
        else:
            coordinating.append(assignment.unit)
    return lead, coordinating


def roles_on_task(user, task: Task) -> dict[str, set[int]]:
    """The units through which this person takes part in the task, by assignment role and membership role.

    Returns {"lead_leader": {...}, "lead_member": {...}, "coordinating_member": {...}} of unit ids.
    """
    scope = scope_for(user)
    # The task page asks once per possible action (report, propose, extend, delegate...): read the task's
    # assignments once per task object (services re-read the task under lock, so they never see a stale copy).
    assignments = task.__dict__.get("_portal_assignment_roles")
    if assignments is None:
        loaded = loaded_assignments(task)
        if loaded is not None:
            assignments = [(assignment.unit_id, assignment.role) for assignment in loaded]
        else:
            assignments = list(task.assignments.values_list("unit_id", "role"))
        task.__dict__["_portal_assignment_roles"] = assignments
    result = {"lead_leader": set(), "lead_member": set(), "coordinating_member": set()}
    for unit_id, role in assignments:
        membership = scope.memberships.get(unit_id)
        if membership is None:
            continue
        if role == Assignment.Role.LEAD:
            result["lead_member"].add(unit_id)
            if membership == Membership.Role.LEADER:
                result["lead_leader"].add(unit_id)
        else:
            result["coordinating_member"].add(unit_id)
    return result


def pending_extension(task: Task) -> ExtensionRequest | None:
    """The extension request waiting for a decision (at most one), from the task's prefetched requests if read."""
    if "extension_requests" in getattr(task, "_prefetched_objects_cache", {}):
        return next((request for request in task.extension_requests.all()
                     if request.status == ExtensionRequest.Status.PENDING), None)
    return task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()


def pending_review(task: Task) -> Review | None:
    """The completion proposal waiting for a decision (at most one), from the task's prefetched reviews if read."""
    if "reviews" in getattr(task, "_prefetched_objects_cache", {}):
        return next((review for review in task.reviews.all() if review.outcome == Review.Outcome.PENDING), None)
    return task.reviews.filter(outcome=Review.Outcome.PENDING).first()


def standing_counts(tasks: QuerySet[Task]) -> dict[str, int]:
    """Counts per standing in one query: {standing: n} with every Standing present."""
    counts = dict.fromkeys(Standing.values, 0)
    for row in tasks.order_by().values("standing").annotate(n=Count("id")):
        counts[row["standing"]] = row["n"]
    return counts


def contributions_for_lead(task: Task) -> QuerySet[ProgressReport]:
    """What the coordinating units contributed, for the lead unit writing its consolidated report."""
    return task.reports.filter(kind=ProgressReport.Kind.CONTRIBUTION).select_related("unit", "author")


def task_family(user, pk) -> tuple[Task, Task | None, list[Task]]:
    """(the task, its parent when this person may see it, its sub-tasks this person may see), in one query; 404
    when the task does not exist or this person may not see it (tasks.access.get_visible_task)."""
    if pk > 2**63 - 1:  # no such id; SQLite's driver would raise OverflowError on it
        raise Http404("No task matches the given query.")
    parent_of = Task.objects.filter(pk=pk).values("parent_id")[:1]
    family = (
        visible_tasks(user).filter(Q(pk=pk) | Q(parent_id=pk) | Q(pk=Subquery(parent_of))).with_list_columns()
        .select_related("directive__resolution", "parent").order_by("deadline", "id")
    )
    rows = list(family)
    task = next((row for row in rows if row.pk == pk), None)
    if task is None:
        raise Http404("No task matches the given query.")
    parent = next((row for row in rows if task.parent_id and row.pk == task.parent_id), None)
    return task, parent, [row for row in rows if row.parent_id == task.pk]
