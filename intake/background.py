"""Reading an uploaded document in the background (jobs.registry): a document too big to read while the office
waits (more than PORTAL_IMPORT_DIRECT_BYTES) is read by a Celery worker, with the parser's time bounded
(READ_TIME_LIMIT: Celery's soft limit, the hard one after it); the review opens on the draft the worker wrote.

The worker cannot reach the person's session, where drafts live until they are confirmed (views.drafts): it writes
the draft as JSON into the job's file, and `import_from_job` puts it into the session of the office member who
asked, who alone may open it.
"""
from __future__ import annotations

import json

from django.core.files.storage import default_storage
from django.urls import reverse

from jobs.registry import Refused, Written
from resolutions.parsing import ParseError

from . import importing

READ_DOCUMENT = "import_document"
READ_TIME_LIMIT = 180  # seconds: the longest a worker reads one document (the largest accepted take far less)


def read_document(owner, params: dict, out, progress) -> Written:
    """Parse the stored upload (or pasted text) into the draft the review shows, written as JSON into `out`."""
    progress(0, 1)
    with default_storage.open(params["file"], "rb") as stored:
        data = stored.read()
    try:
        if params.get("pasted"):
            parsed = importing.parse_upload(text=data.decode("utf-8"))
        else:
            parsed = importing.parse_upload(source=data, filename=params["filename"])
    except ParseError as error:
        raise Refused(str(error)) from error
    refusal = importing.refusal_of(parsed)
    if refusal is not None:
        raise Refused(refusal.message)
    draft = importing.draft_from_parse(parsed, draft_id=params["draft_id"], stored="" if params.get("pasted") else params["file"])
    out.write(json.dumps(draft, ensure_ascii=False).encode("utf-8"))
    progress(1, 1)
    return Written("ban-nhap.json", "application/json")


def review_of(job) -> str:
    return reverse("intake:import_from_job", kwargs={"pk": job.pk})


def start_again(job) -> str:
    return reverse("intake:import")
