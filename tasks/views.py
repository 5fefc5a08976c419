"""The read pages of the units' workspace: home, the task list and a task's page.

Who may see what is decided in tasks.selectors (visible_tasks, get_visible_task); who may do what in
tasks.policy. The action views (forms that change a task) live in tasks/views_actions.py.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.generic import ListView

from resolutions.models import Resolution

from . import policy, roles
from .filters import TaskFilterForm, filter_tasks, with_list_columns
from .listing import LIST_COLUMNS, pager, prepare_rows
from .models import Assignment, ExtensionRequest, Membership, ProgressReport, Review, Standing, Task, UnitGroup
from .paging import LenientPaginationMixin
from .selectors import (
    load_assignments,
    pending_extension,
    pending_review,
    scope_for,
    standing_counts,
    task_units,
    visible_tasks,
)
from .timeline import person, prefetch_events, task_timeline

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
        context.update(_unit_home(user, tasks, context["counts"]))
    if context["sees_all"]:
        context["overdue_by_unit"] = _overdue_by_lead_unit(tasks)
        context["recent_documents"] = (
            Resolution.objects.annotate(directive_count=Count("directives")).order_by("-created_at", "-id")[:5]
        )
    return render(request, "tasks/home.html", context)


def _unit_home(user, tasks, counts):
    open_tasks = tasks.filter(status__in=Task.OPEN_STATUSES)
    pending_request = ExtensionRequest.objects.filter(task=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
    waiting = list(
        with_list_columns(open_tasks.filter(Q(status=Task.Status.PROPOSED) | Exists(pending_request)))
        .annotate(total=Window(Count("id"))).order_by("deadline", "id")[:HOME_LIST_SIZE]
    )
    # Overdue and due soon: the first HOME_LIST_SIZE of each in one query (numbered per standing). Their totals are
    # the standing counts (only an open task can be overdue or due soon).
    urgent = {Standing.OVERDUE: [], Standing.DUE_SOON: []}
    ranked = (
        with_list_columns(open_tasks.filter(standing__in=list(urgent)))
        .annotate(rank=Window(RowNumber(), partition_by=F("standing"), order_by=[F("deadline").asc(), F("id").asc()]))
        .filter(rank__lte=HOME_LIST_SIZE).order_by("deadline", "id")
    )
    for task in ranked:
        urgent[task.standing].append(task)
    context = {
        "overdue": urgent[Standing.OVERDUE], "overdue_total": counts[Standing.OVERDUE],
        "due_soon": urgent[Standing.DUE_SOON], "due_soon_total": counts[Standing.DUE_SOON],
        "waiting": waiting, "waiting_total": waiting[0].total if waiting else 0,
    }
    # A leader decides on what the unit delegated to its sub-units: those proposals wait for them, not the office.
    led = [unit_id for unit_id, role in scope_for(user).memberships.items() if role == Membership.Role.LEADER]
    queue_condition = None
    if led:
        queue_condition = Q(Exists(Assignment.objects.filter(
            task=OuterRef("task__parent"), role=Assignment.Role.LEAD, unit_id__in=led)))
    # The latest reviews and extension requests (recent activity) and the leader's queue: one query for each model.
    queue, latest = _reviews_and_extensions(queue_condition, latest_of=tasks.values("pk"))
    context["recent_activity"] = _recent_activity(tasks, latest)
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
        latest=None if latest_of is None else Q(task__in=latest_of),
        oldest_first=("proposed_at", "id"), related=("task", "proposed_by", "reviewer"), limit=limit,
    )
    extensions, latest_extensions = _pending_and_latest(
        ExtensionRequest,
        pending=None if queue_condition is None else Q(queue_condition, status=ExtensionRequest.Status.PENDING),
        latest=None if latest_of is None else Q(task__in=latest_of),
        oldest_first=("created_at", "id"), related=("task", "unit", "requested_by", "decided_by"), limit=limit,
    )
    queue = {"proposals": proposals, "extensions": extensions, "queue_total": len(proposals) + len(extensions),
             "shows_queue": True}
    return queue, {"reviews": reviews, "extensions": latest_extensions}


def _pending_and_latest(model, *, pending: Q | None, latest: Q | None, oldest_first, related, limit):
    """Up to QUEUE_SIZE rows matching `pending`, oldest first, and the `limit` newest matching `latest`, newest
    first, read in one query: UNION ALL of the two parts, each row labelled with its part. (Each part selects the
    rows whose id is in its own LIMITed subquery, which both SQLite and PostgreSQL plan as a small lookup; an OR of
    the two subqueries made PostgreSQL scan every task at 100,000.)"""
    parts = []
    if pending is not None:
        parts.append(("queue", model.objects.filter(pending).order_by(*oldest_first)[:QUEUE_SIZE]))
    if latest is not None:
        newest_first = [f"-{name}" for name in oldest_first]
        parts.append(("latest", model.objects.filter(latest).order_by(*newest_first)[:limit]))
    if not parts:
        return [], []
    labelled = [
        model.objects.filter(pk__in=rows.values("pk")).annotate(part=Value(name, output_field=CharField()))
        .select_related(*related).order_by()
        for name, rows in parts
    ]
    rows = sorted(labelled[0].union(*labelled[1:], all=True) if len(labelled) > 1 else labelled[0],
                  key=lambda row: tuple(getattr(row, name) for name in oldest_first))
    queue = [row for row in rows if row.part == "queue"]
    latest_rows = [row for row in reversed(rows) if row.part == "latest"]
    return queue, latest_rows


def _overdue_by_lead_unit(tasks):
    overdue = tasks.filter(standing=Standing.OVERDUE).values("pk")
    return list(
        Assignment.objects.filter(role=Assignment.Role.LEAD, task__in=overdue)
        .values("unit_id", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__name")
    )


def _recent_activity(tasks, latest, limit: int = HOME_LIST_SIZE):
    """The latest reports, proposals, reviews and extension decisions on these tasks, newest first.

    `latest`: the latest reviews and extension requests on them ({"reviews", "extensions"}, newest first), read
    together with the decision queue (_reviews_and_extensions).
    """
    visible = tasks.values("pk")
    items = []
    for report in (ProgressReport.objects.filter(task__in=visible).select_related("task", "author", "unit")
                   .order_by("-created_at")[:limit]):
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
        # The columns a row shows; its units come with the page's rows (tasks/listing.py).
        return tasks.only(*LIST_COLUMNS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's rows, read once and written out (tasks/listing.py).
        rows = prepare_rows(context["page_obj"].object_list)
        context["page_obj"].object_list = context["object_list"] = context[self.context_object_name] = rows
        context["pager"] = pager(self.request.GET, context["page_obj"], context["page_links"], "#task-results")
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
    task, parent, children = _task_family(user, pk)
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
        "permissions": task_permissions(user, task),
        "pending_extension": pending_extension(task),
        "pending_review": pending_review(task),
    }
    return render(request, "tasks/task_detail.html", context)


def _task_family(user, pk) -> tuple[Task, Task | None, list[Task]]:
    """(the task, its parent when this person may see it, its sub-tasks this person may see), in one query; 404
    when the task does not exist or this person may not see it (selectors.get_visible_task)."""
    if pk > 2**63 - 1:  # no such id; SQLite's driver would raise OverflowError on it
        raise Http404("No task matches the given query.")
    parent_of = Task.objects.filter(pk=pk).values("parent_id")[:1]
    family = (
        with_list_columns(visible_tasks(user).filter(Q(pk=pk) | Q(parent_id=pk) | Q(pk=Subquery(parent_of))))
        .select_related("directive__resolution", "parent").order_by("deadline", "id")
    )
    rows = list(family)
    task = next((row for row in rows if row.pk == pk), None)
    if task is None:
        raise Http404("No task matches the given query.")
    parent = next((row for row in rows if task.parent_id and row.pk == task.parent_id), None)
    return task, parent, [row for row in rows if row.parent_id == task.pk]


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
