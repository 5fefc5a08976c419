"""Documents (văn bản) and their directives, as each person may see them.

The office and the standing committee see every document; a unit sees the documents that gave it a task, and in
them only the directives behind its own tasks (tasks.selectors.visible_resolutions and visible_tasks).
"""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from tasks.models import Standing
from tasks.paging import LenientPaginationMixin
from tasks.search import search_key, search_words
from tasks.selectors import directive_rollups, scope_for, visible_resolutions, visible_tasks

from .models import Directive

PAGE_SIZE = 20


class ResolutionListView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "resolutions/resolution_list.html"
    context_object_name = "resolutions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        resolutions = visible_resolutions(self.request.user)
        words = search_words(self.query)
        if words:
            # Documents are few (hundreds): match the accent-free key in Python, the same on every database.
            rows = resolutions.values_list("pk", "number", "title", "signer", "issuing_body")
            matching = [row[0] for row in rows if all(word in search_key(*row[1:]) for word in words)]
            resolutions = resolutions.filter(pk__in=matching)
        return resolutions.annotate(directive_count=Count("directives")).order_by("-issued_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        page_ids = [resolution.pk for resolution in context["resolutions"]]
        rollups = _document_rollups(self.request.user, page_ids)
        for resolution in context["resolutions"]:
            resolution.rollup = rollups.get(resolution.pk)
        return context


def _document_rollups(user, resolution_ids):
    rows = (
        visible_tasks(user)
        .filter(directive__resolution_id__in=resolution_ids, parent__isnull=True)
        .order_by().values("directive__resolution_id")
        .annotate(
            total=Count("id", filter=~Q(standing=Standing.CANCELLED)),
            done=Count("id", filter=Q(standing__in=[Standing.DONE_ON_TIME, Standing.DONE_LATE])),
            overdue=Count("id", filter=Q(standing=Standing.OVERDUE)),
        )
    )
    return {row.pop("directive__resolution_id"): row for row in rows}


@login_required
def resolution_detail(request, pk):
    user = request.user
    resolution = get_object_or_404(visible_resolutions(user), pk=pk)
    sees_all = scope_for(user).all_units
    directives = Directive.objects.filter(resolution=resolution).order_by("order")
    if not sees_all:
        directives = directives.filter(pk__in=visible_tasks(user).filter(directive__resolution=resolution)
                                       .values("directive_id"))
    directives = list(directives)
    rollups = directive_rollups(user, [directive.pk for directive in directives])
    for directive in directives:
        directive.rollup = rollups.get(directive.pk)
    return render(request, "resolutions/resolution_detail.html", {
        "resolution": resolution,
        "directives": directives,
        "sees_all": sees_all,
    })
