"""What a person sees of their jobs: their list, one job, and the bell's count of files ready and not yet seen.

A job is its owner's only (everyone else gets 404, as for anything they may not see). The bell asks the database only
for a person who started a job in this session (SESSION_KEY): every other page view costs no query.
"""
from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from .models import Job

# Set in the session when the person starts a job; cleared by the bell once nothing is left to tell.
SESSION_KEY = "portal_jobs_watch"


def jobs_of(user):
    return Job.objects.filter(owner=user).order_by("-created_at")


def job_of(user, pk) -> Job:
    """The person's own job, or 404."""
    job = Job.objects.filter(owner=user, pk=pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404("No such job.")
    return job


def ready_files(user):
    """Files ready and not yet downloaded, newest first (the bell's and the inbox's list)."""
    return jobs_of(user).filter(state=Job.State.DONE, seen_at__isnull=True)


def files_for_bell(request) -> int:
    """How many of the person's files are ready and not yet seen; 0 without a query unless they started a job in
    this session. Forgets the session's mark once nothing is ready or still being made."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or not session.get(SESSION_KEY) or not (user and user.is_authenticated):
        return 0
    counts = Job.objects.filter(owner=user).aggregate(
        ready=Count("pk", filter=Q(state=Job.State.DONE, seen_at__isnull=True)),
        unfinished=Count("pk", filter=Q(state__in=Job.UNFINISHED)),
    )
    if not counts["ready"] and not counts["unfinished"]:
        del session[SESSION_KEY]
    return counts["ready"]

