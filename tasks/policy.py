"""Who may do what to a task they can see. (Who may see it at all is tasks.access.)"""
from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts import roles
from accounts.identity import scope_for
from accounts.roles import is_office
from units.models import Membership, Unit

from .models import Assignment, Task
from .selectors.tasks import loaded_assignments, pending_extension, roles_on_task


def can_create_task(user) -> bool:
    return is_office(user)


def lead_unit_of(task: Task) -> Unit | None:
    loaded = loaded_assignments(task)
    if loaded is not None:  # the task page read them already (selectors.load_assignments)
        return next((assignment.unit for assignment in loaded if assignment.role == Assignment.Role.LEAD), None)
    assignment = task.assignments.select_related("unit").filter(role=Assignment.Role.LEAD).first()
    return assignment.unit if assignment else None


def _unit(task: Task, unit_id: int) -> Unit:
    """One of the task's units: from its assignments when already read, else from the database."""
    loaded = loaded_assignments(task)
    if loaded is not None:
        return next(assignment.unit for assignment in loaded if assignment.unit_id == unit_id)
    return Unit.objects.get(pk=unit_id)


def reporting_unit(user, task: Task) -> Unit | None:
    """The lead unit, when this person belongs to it (officers and leaders both report)."""
    roles = roles_on_task(user, task)
    if roles["lead_member"]:
        return _unit(task, next(iter(roles["lead_member"])))
    return None


def contributing_unit(user, task: Task) -> Unit | None:
    roles = roles_on_task(user, task)
    if roles["coordinating_member"]:
        return _unit(task, sorted(roles["coordinating_member"])[0])
    return None


def is_lead_leader(user, task: Task) -> bool:
    return bool(roles_on_task(user, task)["lead_leader"])


def can_propose_completion(user, task: Task) -> bool:
    return task.status in (Task.Status.OPEN, Task.Status.RETURNED) and is_lead_leader(user, task)


def _decides_for(user, task: Task) -> bool:
    """The office decides on tasks it assigned; a delegated sub-task is decided by the parent's lead leader."""
    if task.parent_id:
        parent_lead = lead_unit_of(task.parent)
        return bool(parent_lead) and scope_for(user).memberships.get(parent_lead.pk) == Membership.Role.LEADER
    return is_office(user)


def deciders(task: Task):
    """The people who decide on the task's completion and extensions (the rule of _decides_for, as accounts): the
    office, or for a delegated sub-task the leaders of the parent's lead unit."""
    if task.parent_id:
        lead = Assignment.objects.filter(task_id=task.parent_id, role=Assignment.Role.LEAD).values("unit_id")
        leaders = Membership.objects.filter(unit_id__in=lead, role=Membership.Role.LEADER)
        return get_user_model().objects.filter(is_active=True, pk__in=leaders.values("user_id"))
    return roles.people_in(roles.OFFICE_GROUP)


def is_decider(user, task: Task) -> bool:
    """Whether this person decides on the task's completion and extensions, whatever its status now."""
    return _decides_for(user, task)


def can_decide_completion(user, task: Task) -> bool:
    return task.status == Task.Status.PROPOSED and _decides_for(user, task)


def can_request_extension(user, task: Task) -> bool:
    """A lead leader, on an open task with a deadline, when no request is already waiting for a decision."""
    return (task.is_open and task.deadline is not None and is_lead_leader(user, task)
            and pending_extension(task) is None)


def can_decide_extension(user, task: Task) -> bool:
    return _decides_for(user, task)


def can_delegate(user, task: Task) -> bool:
    if not (task.is_open and task.status != Task.Status.PROPOSED):
        return False
    lead_leader = roles_on_task(user, task)["lead_leader"]
    loaded = loaded_assignments(task)
    if loaded is not None:  # read with the assignments (selectors.load_assignments)
        return any(assignment.unit_has_active_sub_unit for assignment in loaded if assignment.unit_id in lead_leader)
    return bool(lead_leader) and Unit.objects.filter(parent_id__in=lead_leader, active=True).exists()


def can_change_lead(user, task: Task) -> bool:
    return task.is_open and is_office(user)


def can_cancel(user, task: Task) -> bool:
    return task.is_open and is_office(user)


def can_edit(user, task: Task) -> bool:
    return is_office(user)


def can_report(user, task: Task) -> bool:
    return task.is_open and reporting_unit(user, task) is not None


def can_contribute(user, task: Task) -> bool:
    return task.is_open and contributing_unit(user, task) is not None


def permissions(user, task: Task) -> dict[str, bool]:
    """What this person may do on this task, for the action forms (tasks/partials/actions.html)."""
    return {
        "can_report": can_report(user, task),
        "can_contribute": can_contribute(user, task),
        "can_propose_completion": can_propose_completion(user, task),
        "can_request_extension": can_request_extension(user, task),
        "can_delegate": can_delegate(user, task),
        "can_decide_completion": can_decide_completion(user, task),
        "can_decide_extension": can_decide_extension(user, task),
        "is_office": is_office(user),
    }
