"""Documents (văn bản) and their directives, as each person may see them.

The office and the standing committee see every document; a unit sees the documents that gave it a task, and in
them only the directives behind its own tasks (tasks.access.visible_resolutions and visible_tasks). The pages live
with the tasks because what a person may see of a document follows from the tasks it gave them.
"""
from __future__ import annotations

import mimetypes
import posixpath

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from accounts.identity import scope_for
from core.downloads import private_download
from core.paging import LenientPaginationMixin
from core.text import search_key, search_words
from resolutions.models import Directive

from ..access import visible_resolutions, visible_tasks
from ..selectors.documents import directive_rollups, document_rollups

PAGE_SIZE = 20


class ResolutionListView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "tasks/resolution_list.html"
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
        rollups = document_rollups(self.request.user, page_ids)
        for resolution in context["resolutions"]:
            resolution.rollup = rollups.get(resolution.pk)
        return context


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
    return render(request, "tasks/resolution_detail.html", {
        "resolution": resolution,
        "directives": directives,
        "sees_all": sees_all,
        "original_name": posixpath.basename(resolution.original_file.name) if resolution.original_file else "",
    })


@login_required
def original_file(request, pk):
    """The file the document was imported from, to those who may see the document (404 to others, as for a
    document they may not open), always as a download, never from a public media address: like an attachment,
    it is never rendered by the browser in the portal's origin."""
    resolution = get_object_or_404(visible_resolutions(request.user).exclude(original_file=""), pk=pk)
    name = posixpath.basename(resolution.original_file.name)
    return private_download(resolution.original_file, name, mimetypes.guess_type(name)[0] or "")
