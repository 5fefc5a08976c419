"""The person's exported files (/files/), one job's page with its progress (/files/<id>/, also JSON for
`Accept: application/json` and a fragment for htmx's polling), the download and "try again".

A job is its owner's only: anyone else gets 404, whatever the job's state.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.downloads import private_download
from core.paging import page_links

from . import services
from .selectors import job_of, jobs_of
from .web import answer_with_job

PAGE_SIZE = 20


@never_cache
@login_required
@require_GET
def job_list(request):
    """/files/: "Tệp đã xuất", newest first, a page at a time."""
    page = Paginator(jobs_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {
        "page_obj": page, "jobs": page.object_list, "page_links": page_links(page, request.GET),
        "base_url": request.path, "keep_hours": settings.PORTAL_JOBS_KEEP_HOURS,
    })


def job_state(request, job) -> dict:
    """The JSON contract of a job's page: state, progress 0..1 and the download's address once there is one."""
    return {
        "state": job.state,
        "progress": round(job.progress, 4),
        "download_url": request.build_absolute_uri(job.download_url) if job.download_url else None,
        # A job that makes no download (reading a document for import) leads to a page instead.
        "next_url": request.build_absolute_uri(job.open_url) if job.open_url else None,
        "done": job.done,
        "total": job.total,
        "error": _(job.error) if job.error else None,
    }


@never_cache
@login_required
@require_GET
def job_detail(request, pk):
    job = job_of(request.user, pk)
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        return JsonResponse(job_state(request, job))
    if request.headers.get("HX-Request"):
        if job.open_url:  # done, and what it made is a page to go on with: the browser goes there
            return HttpResponseClientRedirect(job.open_url)
        # The page's polling: the state alone, and once the file is ready the bell too, which now counts it.
        return render(request, "jobs/partials/job_status.html", {"job": job, "polled": True})
    return render(request, "jobs/job_detail.html", {"job": job})


@never_cache
@login_required
@require_GET
def job_download(request, pk):
    job = job_of(request.user, pk)
    if not job.downloadable or (job.expires_at and job.expires_at <= timezone.now()):
        raise Http404("The file is not ready, or has expired.")
    response = private_download(job.file, job.filename, job.content_type)
    services.mark_seen(job)
    return response


@login_required
@require_POST
def job_retry(request, pk):
    """The same document again, with the same parameters (a failed or expired job)."""
    job = job_of(request.user, pk)
    if not job.finished:
        return redirect(job)
    return answer_with_job(request, kind=job.kind, title=job.title, params=job.params)
