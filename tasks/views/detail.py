"""A task's page: its units, its family (parent and delegated sub-tasks), its timeline and what the person may do."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import policy
from ..selectors.tasks import load_assignments, pending_extension, pending_review, task_family, task_units
from ..timeline import prefetch_events, task_timeline


@login_required
def task_detail(request, pk):
    user = request.user
    task, parent, children = task_family(user, pk)
    # The assignments of the task (its units, the person's roles on it) and of its parent (who decides on a
    # delegated task), in one query; the reports, extension requests and reviews once, for the timeline and the rest.
    load_assignments(task, task.parent if task.parent_id else None)
    prefetch_events(task)
    lead, coordinating = task_units(task)
    context = {
        "task": task,
        "lead": lead,
        "coordinating": coordinating,
        "parent_task": parent,
        "children": children,
        "timeline": task_timeline(task),
        "permissions": policy.permissions(user, task),
        "pending_extension": pending_extension(task),
        "pending_review": pending_review(task),
    }
    return render(request, "tasks/task_detail.html", context)
