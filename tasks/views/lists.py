"""The task list (/tasks/): the person's tasks, filtered (tasks.filters.TaskFilter) and sorted from the query string."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django_filters.views import FilterView

from core.dates import dmy, local_today
from core.paging import LenientPaginationMixin
from units.models import UnitGroup

from ..access import visible_tasks
from ..filters import TaskFilter
from ..models import Task
from ..standing import Standing

PAGE_SIZE = 25
# What a row needs from the task itself; its units come from with_list_columns, its standing from these columns.
ROW_COLUMNS = ("id", "title", "parent", "deadline", "original_deadline", "report_cycle", "status", "completed_at",
               # where it comes from, under the title: two tasks of the same title from two documents differ there
               "directive__section_path", "directive__label", "directive__resolution__kind",
               "directive__resolution__number", "directive__resolution__title")
TITLE_LENGTH = 150


class TaskListView(LoginRequiredMixin, LenientPaginationMixin, FilterView):
    """/tasks/: the filters live in the URL; an htmx request gets only the results partial."""

    template_name = "tasks/task_list.html"
    partial_template_name = "tasks/partials/task_rows.html"
    filterset_class = TaskFilter
    strict = False  # an invalid field is shown with its error and ignored; the others still filter
    context_object_name = "tasks"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        # Without the standing annotation (~2 ms of CPU per request to build and compile the CASE): the rows compute
        # it from their columns, the standing filter works on the columns, the standing sort adds it.
        return (visible_tasks(self.request.user, with_standing=False).select_related("directive__resolution")
                .only(*ROW_COLUMNS).with_list_columns())

    def get_filterset_kwargs(self, filterset_class):
        # Bound even to an empty query string, so that the plain /tasks/ is sorted the default way too.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET, "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["form"] = form
        context["rows"] = task_rows(context["page_obj"].object_list)
        context["directive"] = self._directive(form.cleaned_data.get("directive"))
        group_id = form.cleaned_data.get("group")
        context["unit_group"] = UnitGroup.objects.filter(pk=group_id).first() if group_id else None
        context["filtered"] = bool(form.active_count or form.cleaned_data.get("q"))
        return context

    def _directive(self, directive_id):
        if not directive_id:
            return None
        # Named only when one of the person's own tasks comes from it: a foreign id names nothing.
        task = visible_tasks(self.request.user, with_standing=False).filter(directive_id=directive_id).select_related(
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


def task_rows(tasks) -> list[dict]:
    """The page's tasks (from with_list_columns) as the rows of templates/tasks/partials/task_rows.html show them.

    Every value is worked out here, once, and handed over as plain text: the template only writes it out (and
    escapes it). Looked up from the template, the task's URL (a reverse() per row), its dates (the `date` filter),
    its standing and its labels cost ~5 ms a page, as much as the rest of the request (docs/benchmarks.md)."""
    # The detail URL of every row: reversed once, the id put in its place.
    prefix, _sentinel, suffix = reverse("tasks:detail", args=[987654321]).partition("987654321")
    standing_labels = {value: str(label) for value, label in Standing.choices}
    status_labels = {value: str(label) for value, label in Task.Status.choices}
    reports = {value: f"{gettext('báo cáo')} {str(label).lower()}" for value, label in Task.ReportCycle.choices}
    due, ongoing = gettext("Hạn"), gettext("Thường xuyên")
    today = local_today()
    rows = []
    for task in tasks:
        standing = task.compute_standing(today)
        deadline = dmy(task.deadline)
        lead = task.lead_unit_name or "—"
        if deadline and task.deadline_moved:
            note = gettext("gia hạn từ %(date)s") % {"date": dmy(task.original_deadline)}
        else:
            note = "" if deadline else reports.get(task.report_cycle, "")
        count = task.coordinating_count
        directive = task.directive
        rows.append({
            "url": f"{prefix}{task.pk}{suffix}",
            # Truncator counts a combining mark as nothing, so a title of at most 150 code points is never cut.
            "title": Truncator(task.title).chars(TITLE_LENGTH) if len(task.title) > TITLE_LENGTH else task.title,
            "delegated": task.parent_id is not None,
            # The document (named once) and the clause: "Kết luận số 15-KL/TU · I.3 (4)".
            "source": " · ".join(part for part in (directive.resolution.display_name, directive.place) if part)
            if directive else "",
            "lead": lead,
            "coordinating": ngettext("+ %(counter)s đơn vị phối hợp", "+ %(counter)s đơn vị phối hợp", count)
            % {"counter": count} if count else "",
            # What a phone shows under the title, where the unit and deadline columns are hidden.
            "summary": f"{lead} · {due} {deadline}" if deadline else f"{lead} · {ongoing}",
            "deadline": deadline,
            "deadline_iso": task.deadline.isoformat() if deadline else "",
            "note": note,
            "standing": standing,
            "standing_label": standing_labels.get(standing, standing),
            "status": status_labels.get(task.status, task.status),
        })
    return rows
