"""The task list (/tasks/): the person's tasks, filtered and sorted from the query string."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.cache import patch_vary_headers
from django.views.generic import ListView

from core.paging import LenientPaginationMixin
from units.models import UnitGroup

from ..access import visible_tasks
from ..filters import TaskFilterForm, filter_tasks
from ..listing import LIST_COLUMNS, pager, prepare_rows

PAGE_SIZE = 25


class TaskListView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    """/tasks/: the filters live in the URL; an htmx request gets only the results partial."""

    template_name = "tasks/task_list.html"
    partial_template_name = "tasks/partials/task_rows.html"
    context_object_name = "tasks"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = TaskFilterForm(self.request.GET, user=self.request.user)
        self.form.is_valid()  # an invalid field is shown with its error and ignored; the others still filter
        # Without the standing annotation: the rows compute it (tasks/listing.py), the filter uses the columns, the
        # standing sort adds it (~2 ms of CPU per request to build and compile the CASE otherwise).
        tasks = filter_tasks(visible_tasks(self.request.user, with_standing=False), self.form.cleaned_data,
                             user=self.request.user)
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
