"""The read pages of the units' workspace: home, the task list and a task's page.

Who may see what is decided in tasks.selectors (visible_tasks, get_visible_task); who may do what in
tasks.policy. The action views (forms that change a task) live in tasks/views_actions.py.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.generic import ListView

from resolutions.models import Resolution

from . import policy, roles
from .filters import TaskFilterForm, filter_tasks, with_list_columns
from .models import Assignment, ExtensionRequest, Membership, ProgressReport, Review, Standing, Task, UnitGroup
from .paging import LenientPaginationMixin
from .selectors import (
    get_visible_task,
    scope_for,
    standing_counts,
    task_units,
    visible_tasks,
)
from .timeline import person, task_timeline

HOME_LIST_SIZE = 10
PAGE_SIZE = 25


# --- home ---------------------------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    tasks = visible_tasks(user)
    context = {"counts": standing_counts(tasks), "sees_all": roles.sees_all_units(user)}
    if roles.is_office(user):
        context.update(_decision_queue(Q(task__parent__isnull=True)))
    elif not context["sees_all"]:
        context.update(_unit_home(user, tasks))
    if context["sees_all"]:
        context["overdue_by_unit"] = _overdue_by_lead_unit(tasks)
        context["recent_documents"] = (
            Resolution.objects.annotate(directive_count=Count("directives")).order_by("-created_at", "-id")[:5]
        )
    return render(request, "tasks/home.html", context)


def _unit_home(user, tasks):
    open_tasks = tasks.filter(status__in=Task.OPEN_STATUSES)
    pending_extension = ExtensionRequest.objects.filter(task=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
    waiting = open_tasks.filter(Q(status=Task.Status.PROPOSED) | Exists(pending_extension))
    context = {
        "overdue": with_list_columns(open_tasks.filter(standing=Standing.OVERDUE)).order_by("deadline", "id"),
        "due_soon": with_list_columns(open_tasks.filter(standing=Standing.DUE_SOON)).order_by("deadline", "id"),
        "waiting": with_list_columns(waiting).order_by("deadline", "id"),
        "recent_activity": _recent_activity(tasks),
    }
    for name in ("overdue", "due_soon", "waiting"):
        context[f"{name}_total"] = context[name].count()
        context[name] = list(context[name][:HOME_LIST_SIZE])
    # A leader decides on what the unit delegated to its sub-units: those proposals wait for them, not the office.
    led = [unit_id for unit_id, role in scope_for(user).memberships.items() if role == Membership.Role.LEADER]
    if led:
        parent_led = Exists(Assignment.objects.filter(
            task=OuterRef("task__parent"), role=Assignment.Role.LEAD, unit_id__in=led))
        queue = _decision_queue(Q(parent_led))
        if queue["queue_total"]:
            context.update(queue)
    return context


def _decision_queue(condition: Q):
    """Completion proposals and extension requests waiting for a decision, oldest first."""
    proposals = (
        Review.objects.filter(condition, outcome=Review.Outcome.PENDING, task__status=Task.Status.PROPOSED)
        .select_related("task", "proposed_by").order_by("proposed_at", "id")
    )
    extensions = (
        ExtensionRequest.objects.filter(condition, status=ExtensionRequest.Status.PENDING)
        .select_related("task", "unit", "requested_by").order_by("created_at", "id")
    )
    proposals, extensions = list(proposals[:50]), list(extensions[:50])
    return {"proposals": proposals, "extensions": extensions, "queue_total": len(proposals) + len(extensions),
            "shows_queue": True}


def _overdue_by_lead_unit(tasks):
    overdue = tasks.filter(standing=Standing.OVERDUE).values("pk")
    return list(
        Assignment.objects.filter(role=Assignment.Role.LEAD, task__in=overdue)
        .values("unit_id", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__name")
    )


def _recent_activity(tasks, limit: int = HOME_LIST_SIZE):
    """The latest reports, proposals, reviews and extension decisions on these tasks, newest first."""
    visible = tasks.values("pk")
    items = []
    for report in (ProgressReport.objects.filter(task__in=visible).select_related("task", "author", "unit")
                   .order_by("-created_at")[:limit]):
        items.append({"when": report.created_at, "task": report.task, "who": person(report.author),
                      "what": report.get_kind_display(), "url": report.get_absolute_url(), "icon": "bi-journal-text"})
    for review in (Review.objects.filter(task__in=visible).select_related("task", "proposed_by", "reviewer")
                   .order_by("-proposed_at")[:limit]):
        if review.reviewed_at:
            items.append({"when": review.reviewed_at, "task": review.task, "who": person(review.reviewer),
                          "what": review.get_outcome_display(), "url": review.get_absolute_url(),
                          "icon": "bi-check2-circle"})
        items.append({"when": review.proposed_at, "task": review.task, "who": person(review.proposed_by),
                      "what": Task.Status.PROPOSED.label,
                      "url": review.get_absolute_url(), "icon": "bi-flag"})
    for extension in (ExtensionRequest.objects.filter(task__in=visible)
                      .select_related("task", "requested_by", "decided_by").order_by("-created_at")[:limit]):
        if extension.decided_at:
            items.append({"when": extension.decided_at, "task": extension.task, "who": person(extension.decided_by),
                          "what": extension.get_status_display(), "url": extension.get_absolute_url(),
                          "icon": "bi-calendar-check"})
        items.append({"when": extension.created_at, "task": extension.task, "who": person(extension.requested_by),
                      "what": ExtensionRequest._meta.verbose_name.capitalize(), "url": extension.get_absolute_url(),
                      "icon": "bi-calendar-plus"})
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]


# --- the task list ------------------------------------------------------------------------------------------


class TaskListView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    """/tasks/: the filters live in the URL; an htmx request gets only the results partial."""

    template_name = "tasks/task_list.html"
    partial_template_name = "tasks/partials/task_rows.html"
    context_object_name = "tasks"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = TaskFilterForm(self.request.GET, user=self.request.user)
        self.form.is_valid()  # an invalid field is shown with its error and ignored; the others still filter
        tasks = filter_tasks(visible_tasks(self.request.user), self.form.cleaned_data, user=self.request.user)
        return with_list_columns(tasks)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["directive"] = self._directive()
        group_id = self.form.cleaned_data.get("group")
        context["unit_group"] = UnitGroup.objects.filter(pk=group_id).first() if group_id else None
        context["filtered"] = bool(self.form.active_count or self.form.cleaned_data.get("q"))
        return context

    def _directive(self):
        directive_id = self.form.cleaned_data.get("directive")
        if not directive_id:
            return None
        # Named only when one of the person's own tasks comes from it: a foreign id names nothing.
        task = visible_tasks(self.request.user).filter(directive_id=directive_id).select_related(
            "directive__resolution").first()
        return task.directive if task else None

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return [self.template_name]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response


# --- one task -----------------------------------------------------------------------------------------------


@login_required
def task_detail(request, pk):
    user = request.user
    task = get_visible_task(user, pk)
    lead, coordinating = task_units(task)
    visible = visible_tasks(user)
    parent = None
    if task.parent_id:
        parent = with_list_columns(visible.filter(pk=task.parent_id)).first()
    children = list(with_list_columns(visible.filter(parent=task)).order_by("deadline", "id"))
    context = {
        "task": task,
        "lead": lead,
        "coordinating": coordinating,
        "parent_task": parent,
        "children": children,
        "timeline": task_timeline(task),
        "permissions": task_permissions(user, task),
        "pending_extension": task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first(),
        "pending_review": task.reviews.filter(outcome=Review.Outcome.PENDING).first(),
    }
    return render(request, "tasks/task_detail.html", context)


def task_permissions(user, task: Task) -> dict[str, bool]:
    """What this person may do on this task, for the action forms (tasks/partials/actions.html)."""
    return {
        "can_report": policy.can_report(user, task),
        "can_contribute": policy.can_contribute(user, task),
        "can_propose_completion": policy.can_propose_completion(user, task),
        "can_request_extension": policy.can_request_extension(user, task),
        "can_delegate": policy.can_delegate(user, task),
        "can_decide_completion": policy.can_decide_completion(user, task),
        "can_decide_extension": policy.can_decide_extension(user, task),
        "is_office": policy.is_office(user),
    }
