"""How a page that writes a long document answers: a job started for the person (or the same one already under
way), and a redirect to its page. The pages of other apps call `answer_with_job`; nothing else of the web side of
jobs is theirs to know."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from . import services
from .selectors import SESSION_KEY


def answer_with_job(request, *, kind: str, title: str, params: dict):
    """Start (or find) the person's job for `kind` and `params`, and send them to its page; when they already have
    too many under way, to their list of files with the reason."""
    try:
        job = services.start(owner=request.user, kind=kind, title=title, params=params)
    except services.JobRefused as refusal:
        messages.warning(request, str(refusal))
        return redirect("jobs:list")
    # The bell looks for this person's files from now on (jobs.selectors.files_for_bell).
    request.session[SESSION_KEY] = True
    return redirect(job)
