"""Step 1 of the import wizard: upload a .docx, .pdf or .txt, or paste the text; the parser proposes the
directives and the office lands on the review of a new draft."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from resolutions.parsing import MAX_BYTES, ParseError

from .. import importing
from ..forms import BODY_LIMIT, ImportUploadForm
from .drafts import new_draft, require_office, save_draft, wizard_view

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
                if upload:
                    parsed = importing.parse_upload(source=upload, filename=upload.name)
                else:
                    parsed = importing.parse_upload(text=text)
            except ParseError as error:
                form.add_error("file" if upload else "text", ValidationError(str(error), code="unreadable"))
            else:
                duplicate = importing.find_duplicate(parsed.body)
                if duplicate is not None:
                    form.add_error(None, ValidationError(_("Văn bản này đã được nhập trước đây."), code="duplicate"))
                elif len(parsed.body) > BODY_LIMIT:
                    form.add_error(None, ValidationError(
                        _("Văn bản quá dài để xem xét trên trang (hơn %(limit)s ký tự): hãy tách thành nhiều phần."),
                        code="too_long", params={"limit": f"{BODY_LIMIT:,}".replace(",", ".")}))
                else:
                    draft = new_draft(parsed, upload or None)
                    save_draft(request, draft)
                    return redirect("intake:import_review", draft_id=draft["id"])
    return _upload_page(request, form, status=status, duplicate=duplicate)


def _upload_page(request, form, *, status=200, duplicate=None):
    return render(request, "intake/import_upload.html",
                  {"form": form, "duplicate": duplicate, "step": 1}, status=status)
