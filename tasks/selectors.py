"""Every read that depends on who asks. Views, exports, counts and the admin all start here.

The rule (DESIGN.md, "Who uses it"): the office and the standing committee see every task; a unit leader sees the
tasks of the unit and its sub-units; a unit officer sees the unit's tasks. A task is "of a unit" when the unit holds
an assignment on it (lead or coordinating). Whoever may not see a task gets 404, never 403.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from . import roles
from .models import (
    Assignment,
    Attachment,
    ExtensionRequest,
    Membership,
    ProgressReport,
    Review,
    Standing,
    Task,
    Unit,
)


@dataclass(frozen=True)
class Scope:
    """What one person may see: everything, or the tasks of a set of units."""

    all_units: bool
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # The units where the person is a member, with the role held there (leader or officer).
    memberships: dict[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.all_units and not self.unit_ids


def scope_for(user) -> Scope:
    """The person's scope, computed once per request and cached on the user object."""
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if user and user.is_authenticated and user.is_active:
        return load_identity(user)
    scope = Scope(all_units=False)
    if user is not None and getattr(user, "pk", None):
        user._portal_scope = scope
    return scope


def load_identity(user) -> Scope:
    """Who the person is, in one query: their groups (roles._group_names) and their scope, cached on the user.

    Every signed-in page needs both (the menu asks for the roles, every read for the scope): one round trip
    instead of three (groups, memberships, the led units' subtree).
    """
    group_names, memberships, below_led = _identity_rows(user.pk)
    user._portal_group_names = frozenset(group_names)
    if not (user.is_authenticated and user.is_active):
        scope = Scope(all_units=False)
    elif roles.sees_all_units(user):
        scope = Scope(all_units=True, memberships=memberships)
    else:
        scope = Scope(all_units=False, unit_ids=frozenset(set(memberships) | below_led), memberships=memberships)
    user._portal_scope = scope
    return scope


def _identity_rows(user_id) -> tuple[set[str], dict[int, str], set[int]]:
    """(group names, {unit id: membership role} in active units, the units a person leads and all below them).

    The same rules as the queries it replaces: memberships count only in active units; below a led unit every
    unit counts, active or not (Unit.objects.subtree_ids), so a leader still sees the tasks of a closed sub-unit.
    """
    user_model = get_user_model()
    through = user_model.groups.through
    q = connection.ops.quote_name
    membership, unit, group = (q(model._meta.db_table) for model in (Membership, Unit, Group))
    user_groups = q(through._meta.db_table)
    group_user = q(through._meta.get_field(user_model._meta.model_name).column)
    group_group = q(through._meta.get_field("group").column)
    # Only quoted table and column names are formatted into the SQL; every value is a parameter.
    sql = (
        f"WITH RECURSIVE below_led(id) AS ("  # nosec B608
        f"SELECT m.unit_id FROM {membership} m JOIN {unit} u ON u.id = m.unit_id "
        f"WHERE m.user_id = %s AND u.active = %s AND m.role = %s "
        f"UNION SELECT child.id FROM {unit} child JOIN below_led ON child.parent_id = below_led.id) "
        f"SELECT 'group', g.name, NULL, NULL FROM {user_groups} ug JOIN {group} g ON g.id = ug.{group_group} "
        f"WHERE ug.{group_user} = %s "
        f"UNION ALL SELECT 'member', NULL, m.unit_id, m.role FROM {membership} m JOIN {unit} u ON u.id = m.unit_id "
        f"WHERE m.user_id = %s AND u.active = %s "
        f"UNION ALL SELECT 'below', NULL, below_led.id, NULL FROM below_led"
    )
    group_names, memberships, below_led = set(), {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, True, Membership.Role.LEADER.value, user_id, user_id, True])
        for kind, name, unit_id, role in cursor.fetchall():
            if kind == "group":
                group_names.add(name)
            elif kind == "member":
                memberships[unit_id] = role
            else:
                below_led.add(unit_id)
    return group_names, memberships, below_led


def visible_tasks(user, *, today: datetime.date | None = None, with_standing: bool = True) -> QuerySet[Task]:
    """The tasks this person may see, with the deadline standing annotated.

    with_standing=False: the same tasks without the `standing` annotation, for callers that never read it (a
    subquery of ids, a list that computes the standing in Python): building and compiling the CASE costs ~2 ms of
    CPU per call, and a filter on the standing should use filters.standing_condition anyway.
    """
    scope = scope_for(user)
    tasks = Task.objects.with_standing(today) if with_standing else Task.objects.all()
    if scope.all_units:
        return tasks
    if scope.is_empty:
        return tasks.none()
    return tasks.filter(sees_task(scope, "pk"))


def sees_task(scope: Scope, task_ref: str) -> Exists:
    """The visibility rule of a task scope (not all_units, not empty) as a condition on another row: one of the
    scope's units holds an assignment on the task `task_ref` names (OuterRef("pk") for a task, "task_id" for a row
    pointing at one). visible_tasks and the bell's count share it."""
    return Exists(Assignment.objects.filter(task=OuterRef(task_ref), unit_id__in=scope.unit_ids))


def get_visible_task(user, pk) -> Task:
    """The task, or 404 when it does not exist or this person may not see it (no difference is shown)."""
    try:
        return visible_tasks(user).select_related("directive__resolution", "parent").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("No task matches the given query.")


def visible_units(user) -> QuerySet[Unit]:
    scope = scope_for(user)
    if scope.all_units:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=scope.unit_ids)


def visible_resolutions(user):
    """Documents: all for the office and the standing committee; for a unit, those that gave it a task."""
    from resolutions.models import Resolution

    scope = scope_for(user)
    if scope.all_units:
        return Resolution.objects.all()
    if scope.is_empty:
        return Resolution.objects.none()
    tasks = visible_tasks(user).filter(directive__resolution=OuterRef("pk"))
    return Resolution.objects.filter(Exists(tasks))


def get_visible_attachment(user, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("report__task").get(
            pk=pk, report__task__in=visible_tasks(user).values("pk")
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No attachment matches the given query.")


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


def directive_rollups(user, directive_ids) -> dict[int, dict[str, int]]:
    """Per directive: how many of its visible tasks stand where ("9 of 14 units done, 2 overdue")."""
    rows = (
        visible_tasks(user)
        .filter(directive_id__in=directive_ids, parent__isnull=True)
        .order_by()
        .values("directive_id")
        .annotate(
            total=Count("id", filter=~Q(standing=Standing.CANCELLED)),
            done=Count("id", filter=Q(standing__in=[Standing.DONE_ON_TIME, Standing.DONE_LATE])),
            overdue=Count("id", filter=Q(standing=Standing.OVERDUE)),
            due_soon=Count("id", filter=Q(standing=Standing.DUE_SOON)),
            ongoing=Count("id", filter=Q(standing=Standing.ONGOING)),
        )
    )
    return {row.pop("directive_id"): row for row in rows}


def contributions_for_lead(task: Task) -> QuerySet[ProgressReport]:
    """What the coordinating units contributed, for the lead unit writing its consolidated report."""
    return task.reports.filter(kind=ProgressReport.Kind.CONTRIBUTION).select_related("unit", "author")
