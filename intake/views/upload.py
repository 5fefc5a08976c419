"""Step 1 of the import wizard: upload a .docx, .pdf or .txt, or paste the text; the parser proposes the
directives and the office lands on the review of a new draft."""
from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from jobs.selectors import job_of
from jobs.services import mark_seen
from jobs.web import answer_with_job
from resolutions.parsing import MAX_BYTES, ParseError, check_input, read_input

from .. import background, importing
from ..forms import ImportUploadForm
from .drafts import get_draft, new_draft, require_office, save_draft, store_upload, wizard_view

TOO_BIG = gettext_lazy("Không đọc được dữ liệu gửi lên: quá lớn hoặc sai định dạng. Văn bản dán vào tối đa 5 MB; "
                       "tệp tối đa 20 MB.")


class ImportSizeLimitHandler(FileUploadHandler):
    """Drops a file over the parser's 20 MB while the request streams in: it never reaches the disk."""

    def __init__(self, request):
        super().__init__(request)
        request.refused_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.request.refused_uploads.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
@login_required
@wizard_view
def import_start(request):
    """Step 1. The size limit is in place before the body is read, so the CSRF check runs inside."""
    require_office(request)
    if request.method == "POST":
        request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
    return csrf_protect(_upload)(request)


def _upload(request):
    form, status, duplicate = ImportUploadForm(), 200, None
    if request.method == "POST":
        try:
            data, files = request.POST, request.FILES
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            form.add_error(None, ValidationError(TOO_BIG, code="too_big"))
            return _upload_page(request, form, status=413)
        form = ImportUploadForm(data, files, refused_uploads=getattr(request, "refused_uploads", ()))
        status = 400
        if form.is_valid():
            upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
            try:
                # What can be refused without reading the text is refused here, at once (a zip bomb, a .txt over its
                # limit); a document with much to read goes to a worker, the rest is read now.
                data = read_input(upload, upload.name) if upload else None  # read once, for the check and the parser
                weight = check_input(data) if upload else len(text.encode("utf-8"))
            except ParseError as error:
                form.add_error("file", ValidationError(str(error), code="unreadable"))
                return _upload_page(request, form, status=status)
            if weight > settings.PORTAL_IMPORT_DIRECT_BYTES:
                return _read_in_background(request, upload, text)
            try:
                if upload:
                    parsed = importing.parse_upload(source=data, filename=upload.name)
                else:
                    parsed = importing.parse_upload(text=text)
            except ParseError as error:
                form.add_error("file" if upload else "text", ValidationError(str(error), code="unreadable"))
            else:
                refusal = importing.refusal_of(parsed)
                if refusal is not None:
                    duplicate = refusal.duplicate
                    form.add_error(None, ValidationError(refusal.message, code=refusal.code))
                else:
                    draft = new_draft(parsed, upload or None)
                    save_draft(request, draft)
                    return redirect("intake:import_review", draft_id=draft["id"])
    return _upload_page(request, form, status=status, duplicate=duplicate)


def _read_in_background(request, upload, text: str):
    """A document too big to read while the office waits: kept with its draft's id, read by a worker
    (intake.background, with a time limit of its own), the review opened from the job's page when it is done."""
    draft_id = secrets.token_urlsafe(12)
    if upload:
        stored, name = store_upload(draft_id, upload), upload.name
    else:
        stored, name = store_upload(draft_id, ContentFile(text.encode("utf-8")), "van-ban-dan-vao.txt"), ""
    title = (_("Đọc văn bản %(name)s") % {"name": name}) if name else _("Đọc văn bản dán vào")
    return answer_with_job(request, kind=background.READ_DOCUMENT, title=title, params={
        "draft_id": draft_id, "file": stored, "filename": name, "pasted": not upload})


@login_required
@require_GET
def import_from_job(request, pk):
    """The review of a document a worker read: its draft put into this session (the office member who asked it
    alone may open it), then the review as after an upload read at once."""
    require_office(request)
    job = job_of(request.user, pk)
    if job.kind != background.READ_DOCUMENT:
        raise Http404("Not a document read for import.")
    if job.open_url is None:  # not read yet, failed or expired: its page says which
        return redirect(job)
    if get_draft(request, job.params.get("draft_id", "")) is None:
        with job.file.open("rb") as stored:
            draft = json.load(stored)
        save_draft(request, draft)
    mark_seen(job)
    return redirect("intake:import_review", draft_id=job.params["draft_id"])


def _upload_page(request, form, *, status=200, duplicate=None):
    return render(request, "intake/import_upload.html",
                  {"form": form, "duplicate": duplicate, "step": 1}, status=status)
