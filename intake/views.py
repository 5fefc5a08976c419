"""The import wizard (office only; everyone else gets 404): /resolutions/import/.

1. upload a .docx, .pdf or .txt, or paste the text: the parser proposes the directives;
2. review: the document's details, and per candidate directive its lead and coordinating units (units and unit
   groups, in a searchable picker), its deadline or report cycle; drop, merge with the next, split;
3. confirm: the document, its directives and their tasks are recorded in one transaction
   (intake.importing.record_import), and the office lands on the document's page.

Nothing is written to the database before step 3: the draft lives in the session, keyed by a random draft id
(the uploaded file waits in the media storage under import-drafts/ so that it can be kept with the document).
Item edits post the whole review form; with htmx the answer is the table partial, without JavaScript the page
is posted and shown again (post/redirect/get).
"""
from __future__ import annotations

import datetime
import functools
import secrets
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts import roles
from core.errors import ServiceError
from resolutions.models import Resolution
from resolutions.parsing import MAX_BYTES, ParseError
from tasks.models import Task

from . import importing
from .forms import BODY_LIMIT, DocumentDetailsForm, ImportItemForm, ImportUploadForm, assignee_choices

DRAFTS_KEY = "resolution_import_drafts"
MAX_DRAFTS = 3  # per session: an office worker rarely reviews more than one document at a time
DRAFT_FILES = "import-drafts"
DRAFT_FILE_MAX_AGE = datetime.timedelta(days=1)
TOO_BIG = gettext_lazy("Không đọc được dữ liệu gửi lên: quá lớn hoặc sai định dạng. Văn bản dán vào tối đa 5 MB; "
                       "tệp tối đa 20 MB.")
STALE = gettext_lazy("Bản nháp này không còn (đã ghi, đã hủy hoặc phiên làm việc đã hết hạn). Hãy tải văn bản lên "
                     "lại.")

wizard_view = require_http_methods(["GET", "HEAD", "POST"])


def _require_office(request):
    if not roles.is_office(request.user):
        raise Http404("Import is for the office only.")


# --- drafts in the session ---------------------------------------------------------------------------------


def _drafts(request) -> dict:
    drafts = request.session.get(DRAFTS_KEY)
    return drafts if isinstance(drafts, dict) else {}


def _get_draft(request, draft_id: str) -> dict | None:
    draft = _drafts(request).get(draft_id)
    return draft if isinstance(draft, dict) and draft.get("id") == draft_id else None


def _save_draft(request, draft: dict):
    drafts = _drafts(request)
    drafts[draft["id"]] = draft
    # Keep the newest few: a session is not an archive.
    for old_id in sorted(drafts, key=lambda key: drafts[key].get("created", ""))[:-MAX_DRAFTS]:
        _delete_file(drafts.pop(old_id).get("file", ""))
    request.session[DRAFTS_KEY] = drafts
    request.session.modified = True


def _discard_draft(request, draft: dict, *, keep_file: bool = False):
    drafts = _drafts(request)
    drafts.pop(draft["id"], None)
    request.session[DRAFTS_KEY] = drafts
    request.session.modified = True
    if not keep_file:
        _delete_file(draft.get("file", ""))


def _delete_file(name: str):
    if name and name.startswith(DRAFT_FILES + "/"):
        try:
            default_storage.delete(name)
        except OSError:
            pass


def _sweep_old_files():
    """Files of drafts left half-way (a closed browser, an expired session) go after a day."""
    try:
        folders, _files = default_storage.listdir(DRAFT_FILES)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - DRAFT_FILE_MAX_AGE
    for folder in folders:
        try:
            _sub, names = default_storage.listdir(f"{DRAFT_FILES}/{folder}")
            for name in names:
                path = f"{DRAFT_FILES}/{folder}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


def _new_draft(parsed: importing.ParsedUpload, upload) -> dict:
    draft_id = secrets.token_urlsafe(12)
    header = parsed.result.header
    stored = ""
    if upload is not None:
        _sweep_old_files()
        name = get_valid_filename(PurePath(upload.name).name)[-100:] or "van-ban"
        upload.seek(0)
        stored = default_storage.save(f"{DRAFT_FILES}/{draft_id}/{name}", upload)
    return {
        "id": draft_id,
        "created": timezone.now().isoformat(),
        "filename": parsed.filename,
        "file": stored,
        "body": parsed.body,
        "details": {
            "kind": importing.resolution_kind(header.kind),
            "number": header.number[:64],
            "title": header.title[:500],
            "issued_on": header.issued_on.isoformat() if header.issued_on else None,
            "issuing_body": (header.issuer or importing.DocumentDetails.issuing_body)[:255],
            "signer": header.signer[:255],
        },
        "items": importing.items_from_parse(parsed.result),
        "skipped": [{"section": s.section, "label": s.label, "text": s.text, "reason": s.reason}
                    for s in parsed.result.skipped],
        "warnings": list(parsed.warnings),
    }


def _go(request, url: str):
    """Another page: htmx is told to load it whole rather than swap it into the table."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _missing_draft(request):
    messages.warning(request, STALE)
    return _go(request, reverse("intake:import"))


# --- step 1: upload ----------------------------------------------------------------------------------------


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
    _require_office(request)
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
                    draft = _new_draft(parsed, upload or None)
                    _save_draft(request, draft)
                    return redirect("intake:import_review", draft_id=draft["id"])
    return _upload_page(request, form, status=status, duplicate=duplicate)


def _upload_page(request, form, *, status=200, duplicate=None):
    return render(request, "intake/import_upload.html",
                  {"form": form, "duplicate": duplicate, "step": 1}, status=status)


# --- step 2: review ----------------------------------------------------------------------------------------


def draft_view(view):
    """A step on a draft: the office only (404 otherwise), and the draft found in this session."""

    @login_required
    @wizard_view
    @functools.wraps(view)
    def wrapper(request, draft_id):
        _require_office(request)
        draft = _get_draft(request, draft_id)
        if draft is None:
            return _missing_draft(request)
        return view(request, draft)

    return wrapper


@draft_view
def import_review(request, draft):
    choices = assignee_choices()
    if request.method != "POST":
        return _review_page(request, draft, choices)

    op, _sep, target = request.POST.get("op", "save").partition(":")
    if op == "cancel":
        _discard_draft(request, draft)
        messages.info(request, _("Đã hủy nhập văn bản; không có gì được ghi."))
        return _go(request, reverse("tasks:documents"))
    details_form, item_forms, valid = _read_page(request.POST, draft, choices, confirming=op == "next")
    notice = ""
    if valid:
        try:
            notice = _apply(op, target, draft, item_forms)
        except ValidationError as error:
            valid = False
            form = item_forms.get(target)
            if form is not None and error.code and error.code.startswith("split"):
                form.add_error("split_from", error)
            else:
                notice = " ".join(error.messages)
    _save_draft(request, draft)

    if valid and op == "next":
        if details_form.is_valid() and not importing.items_needing_lead(draft["items"]) and draft["items"]:
            return _go(request, reverse("intake:import_confirm", args=[draft["id"]]))
        valid = False
        notice = _confirm_blockers(draft, details_form)
    if request.htmx:
        # Structure changed (items dropped, merged, split): the table is drawn again from the draft.
        forms = item_forms if not valid else None
        return render(request, "intake/partials/import_items.html",
                      _items_context(request, draft, choices, forms, notice=notice, notice_ok=valid))
    if valid:
        if notice:
            messages.success(request, notice)
        anchor = f"#item-{target}" if op == "split" else "#items-heading" if op in ("drop", "merge") else ""
        return redirect(reverse("intake:import_review", args=[draft["id"]]) + anchor)
    return _review_page(request, draft, choices, details_form=details_form, item_forms=item_forms, notice=notice,
                        status=400)


def _read_page(data, draft: dict, choices, *, confirming: bool):
    """Take the posted review page into the draft: the details and every item form that is valid.
    Returns (details form, item forms, whether every item form was valid). Only what the page showed is read:
    a page older than the draft (another tab) must not blank the items it did not show."""
    if "doc-kind" in data:
        details_form = DocumentDetailsForm(data, confirming=confirming)
        details_form.is_valid()
        draft["details"].update(details_form.draft_values())
    else:
        details_form = DocumentDetailsForm(_details_data(draft), confirming=confirming)
    item_forms = {item["id"]: ImportItemForm(data, item=item, choices=choices)
                  for item in draft["items"] if f"item-{item['id']}-shown" in data}
    valid = True
    for item in draft["items"]:
        form = item_forms.get(item["id"])
        if form is not None and form.is_valid():
            form.apply_to(item)
        elif form is not None:
            valid = False
    return details_form, item_forms, valid


def _apply(op: str, target: str, draft: dict, item_forms: dict) -> str:
    """Run one item operation on the draft; returns what to tell the office. Raises ValidationError."""
    items = draft["items"]
    if op in ("save", "next", ""):
        return _("Đã lưu bản nháp.") if op == "save" else ""
    index = next((i for i, item in enumerate(items) if item["id"] == target), None)
    if index is None:
        raise ValidationError(_("Mục này không còn trong danh sách (trang đã cũ): hãy xem lại danh sách."),
                              code="stale_item")
    item = items[index]
    where = importing.describe(item)
    if op == "drop":
        del items[index]
        return _("Đã bỏ mục %(place)s khỏi danh sách.") % {"place": where}
    if op == "merge":
        if index + 1 >= len(items):
            raise ValidationError(_("Mục cuối cùng không có mục sau để gộp."), code="merge_last")
        items[index:index + 2] = [importing.merge_items(item, items[index + 1])]
        return _("Đã gộp mục %(place)s với mục sau.") % {"place": where}
    if op == "split":
        form = item_forms.get(target)
        if form is None:
            raise ValidationError(_("Hãy chọn chỗ tách trên trang rồi bấm «Tách»."), code="split_where")
        offset = form.split_offset()
        try:
            items[index:index + 1] = list(importing.split_item(item, offset))
        except ValueError:
            raise ValidationError(_("Chỗ tách phải ở giữa nội dung: cả hai phần đều phải có chữ."), code="split_edge")
        return _("Đã tách mục %(place)s thành hai mục.") % {"place": where}
    raise ValidationError(_("Thao tác không hợp lệ."), code="unknown_op")


def _confirm_blockers(draft: dict, details_form) -> str:
    problems = []
    if not draft["items"]:
        problems.append(_("Danh sách không còn nội dung chỉ đạo nào."))
    needing = importing.items_needing_lead(draft["items"])
    if needing:
        problems.append(_("%(count)s nội dung chưa có đơn vị chủ trì: %(items)s.")
                        % {"count": len(needing), "items": "; ".join(importing.describe(i) for i in needing)})
    if details_form.errors:
        problems.append(_("Thông tin văn bản chưa đủ: hãy nhập trích yếu và ngày ban hành."))
    return " ".join(problems)


def _items_context(request, draft, choices, item_forms=None, *, notice="", notice_ok=True) -> dict:
    rows = []
    for number, item in enumerate(draft["items"], start=1):
        form = (item_forms or {}).get(item["id"]) or ImportItemForm(item=item, choices=choices)
        rows.append({
            "number": number, "item": item, "form": form, "paragraphs": importing.item_paragraphs(item),
            "needs_lead": not item["leads"], "needs_deadline": not item["deadline"] and not item["ongoing"],
            "is_last": number == len(draft["items"]),
        })
    return {
        "draft": draft, "rows": rows, "notice": notice, "notice_ok": notice_ok,
        "review_url": reverse("intake:import_review", args=[draft["id"]]),
        "needing_lead": sum(1 for row in rows if row["needs_lead"]),
        "needing_deadline": sum(1 for row in rows if row["needs_deadline"]),
    }


def _review_page(request, draft, choices, *, details_form=None, item_forms=None, notice="", status=200):
    details_form = details_form or DocumentDetailsForm(initial=DocumentDetailsForm.initial_from(draft["details"]))
    context = _items_context(request, draft, choices, item_forms, notice=notice, notice_ok=status < 400)
    context.update({"details_form": details_form, "step": 2,
                    "duplicate": importing.find_duplicate(draft["body"])})
    return render(request, "intake/import_review.html", context, status=status)


# --- step 3: confirm ---------------------------------------------------------------------------------------


@draft_view
def import_confirm(request, draft):
    review_url = reverse("intake:import_review", args=[draft["id"]])
    details_form = DocumentDetailsForm(_details_data(draft), confirming=True)
    if not details_form.is_valid() or not draft["items"] or importing.items_needing_lead(draft["items"]):
        messages.warning(request, _confirm_blockers(draft, details_form) or _("Hãy xem lại văn bản trước khi ghi."))
        return redirect(review_url)
    reviewed = importing.reviewed_directives(draft["items"])
    duplicate = importing.find_duplicate(draft["body"])
    error = ""
    if request.method == "POST" and duplicate is None:
        try:
            resolution = _record(request, draft, details_form.cleaned_data, reviewed)
        except PermissionDenied:
            raise Http404("Import is for the office only.")
        except ServiceError as refusal:
            error = " ".join(refusal.messages)
            duplicate = importing.find_duplicate(draft["body"])
        except ValidationError as refusal:  # a model check inside the services: shown, never a 500
            error = " ".join(refusal.messages)
        else:
            _discard_draft(request, draft)
            tasks = sum(len(importing.leads_of(d)) for d in reviewed)
            messages.success(request, _("Đã ghi văn bản với %(directives)s nội dung chỉ đạo và %(tasks)s nhiệm vụ.")
                             % {"directives": len(reviewed), "tasks": tasks})
            return redirect(resolution.get_absolute_url())
    cycles = dict(Task.ReportCycle.choices)
    summary = [{"item": item, "directive": d, "leads": importing.leads_of(d), "cycle": cycles.get(d.report_cycle, "")}
               for item, d in zip(draft["items"], reviewed)]
    return render(request, "intake/import_confirm.html", {
        "draft": draft, "details": details_form.cleaned_data, "summary": summary, "review_url": review_url,
        "kind_label": Resolution.Kind(details_form.cleaned_data["kind"]).label, "step": 3,
        "task_count": sum(len(row["leads"]) for row in summary), "duplicate": duplicate, "error": error,
    }, status=409 if (duplicate or error) and request.method == "POST" else 200)


def _details_data(draft: dict) -> dict:
    """The draft's details as the details form posts them (to validate them again)."""
    return {f"doc-{key}": _as_input(value) for key, value in draft["details"].items()}


def _as_input(value):
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def _record(request, draft, details: dict, reviewed) -> Resolution:
    document = importing.DocumentDetails(
        kind=details["kind"], title=details["title"], issued_on=details["issued_on"], number=details["number"],
        issuing_body=details["issuing_body"] or importing.DocumentDetails.issuing_body, signer=details["signer"],
    )
    stored = draft.get("file", "")
    original = None
    if stored and default_storage.exists(stored):
        original = File(default_storage.open(stored, "rb"), name=PurePath(stored).name)
    try:
        resolution = importing.record_import(created_by=request.user, details=document, directives=reviewed,
                                             body=draft["body"], original_file=original)
    finally:
        if original is not None:
            original.close()
    return resolution

