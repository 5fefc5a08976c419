"""The import wizard's drafts: what the review keeps in the session between the upload and the confirmation, and
what every step on a draft shares (office only, the draft found in this session).

Nothing is written to the database before the confirmation: the draft lives in the session, keyed by a random
draft id (the uploaded file waits in the media storage under import-drafts/ so that it can be kept with the
document).
"""
from __future__ import annotations

import datetime
import functools
import secrets
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts import roles

from .. import importing

DRAFTS_KEY = "resolution_import_drafts"
MAX_DRAFTS = 3  # per session: an office worker rarely reviews more than one document at a time
DRAFT_FILES = "import-drafts"
DRAFT_FILE_MAX_AGE = datetime.timedelta(days=1)
STALE = gettext_lazy("Bản nháp này không còn (đã ghi, đã hủy hoặc phiên làm việc đã hết hạn). Hãy tải văn bản lên "
                     "lại.")

wizard_view = require_http_methods(["GET", "HEAD", "POST"])


def require_office(request):
    if not roles.is_office(request.user):
        raise Http404("Import is for the office only.")


# --- drafts in the session ---------------------------------------------------------------------------------


def session_drafts(request) -> dict:
    drafts = request.session.get(DRAFTS_KEY)
    return drafts if isinstance(drafts, dict) else {}


def get_draft(request, draft_id: str) -> dict | None:
    draft = session_drafts(request).get(draft_id)
    return draft if isinstance(draft, dict) and draft.get("id") == draft_id else None


def save_draft(request, draft: dict):
    drafts = session_drafts(request)
    drafts[draft["id"]] = draft
    # Keep the newest few: a session is not an archive.
    for old_id in sorted(drafts, key=lambda key: drafts[key].get("created", ""))[:-MAX_DRAFTS]:
        delete_file(drafts.pop(old_id).get("file", ""))
    request.session[DRAFTS_KEY] = drafts
    request.session.modified = True


def discard_draft(request, draft: dict, *, keep_file: bool = False):
    drafts = session_drafts(request)
    drafts.pop(draft["id"], None)
    request.session[DRAFTS_KEY] = drafts
    request.session.modified = True
    if not keep_file:
        delete_file(draft.get("file", ""))


def delete_file(name: str):
    if name and name.startswith(DRAFT_FILES + "/"):
        try:
            default_storage.delete(name)
        except OSError:
            pass


def sweep_old_files():
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


def new_draft(parsed: importing.ParsedUpload, upload) -> dict:
    draft_id = secrets.token_urlsafe(12)
    return importing.draft_from_parse(parsed, draft_id=draft_id,
                                     stored=store_upload(draft_id, upload) if upload else "")


def store_upload(draft_id: str, upload, name: str = "") -> str:
    """Keep the uploaded file with its draft (so that it can be kept with the document); its stored name."""
    sweep_old_files()
    name = get_valid_filename(PurePath(name or upload.name).name)[-100:] or "van-ban"
    upload.seek(0)
    return default_storage.save(f"{DRAFT_FILES}/{draft_id}/{name}", upload)



def go(request, url: str):
    """Another page: htmx is told to load it whole rather than swap it into the table."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def missing_draft(request):
    messages.warning(request, STALE)
    return go(request, reverse("intake:import"))


# --- a step on a draft ---------------------------------------------------------------------------------------


def draft_view(view):
    """A step on a draft: the office only (404 otherwise), and the draft found in this session."""

    @login_required
    @wizard_view
    @functools.wraps(view)
    def wrapper(request, draft_id):
        require_office(request)
        draft = get_draft(request, draft_id)
        if draft is None:
            return missing_draft(request)
        return view(request, draft)

    return wrapper


def confirm_blockers(draft: dict, details_form) -> str:
    """What stops the office from going on to the confirmation, said in one message (empty: nothing)."""
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


def details_data(draft: dict) -> dict:
    """The draft's details as the details form posts them (to validate them again)."""
    return {f"doc-{key}": as_input(value) for key, value in draft["details"].items()}


def as_input(value):
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value

