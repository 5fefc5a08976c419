"""Checking uploaded attachments by their content, not their name."""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What a unit may attach to a report, by detected content type.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@dataclass(frozen=True)
class UploadedAttachment:
    file: object  # a Django UploadedFile (or any file object)
    original_name: str
    content_type: str
    size: int


def clean_filename(name: str) -> str:
    """Keep a readable name for display only: no path, no control characters."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:200] or "tep-dinh-kem"


def check_upload(upload) -> UploadedAttachment:
    """Accept a PDF, DOCX, XLSX, JPG or PNG of at most 20 MB, judged by the bytes; else a Vietnamese error."""
    name = clean_filename(getattr(upload, "name", "") or "")
    limit = settings.PORTAL_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s); tối đa %(limit)s."),
            code="too_large", params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (PDF, DOCX, XLSX, JPG, PNG)."),
            code="bad_type", params={"name": name},
        )
    return UploadedAttachment(file=upload, original_name=name, content_type=kind.mime, size=upload.size)
