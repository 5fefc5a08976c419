"""Checking uploaded attachments by their content, not their name."""
from __future__ import annotations

import os
import re
import unicodedata
import zipfile
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


# OOXML (DOCX, XLSX) is a zip: the type is what its [Content_Types].xml declares for the main part, and that part
# must be in the archive. Macro-enabled (docm, xlsm) and template variants declare other types and are refused.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Bounds on what the archive claims, checked from its directory before anything is decompressed.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
CONTENT_TYPES_MAX = 512 * 1024
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""\b(PartName|ContentType)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The names people know each type by; a download keeps one of these, whatever the file was called.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
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


def ooxml_type(upload) -> str | None:
    """The OOXML type (DOCX or XLSX) of a zip upload, judged by its parts; None for anything else."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                return None
            names = {entry.filename for entry in entries}
            if any(name.startswith("/") or ".." in name.split("/") or "\\" in name for name in names):
                return None
            if sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED:
                return None
            if any(entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1) + 4096 for entry in entries):
                return None  # a zip bomb, or a crafted directory
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros
            info = next((entry for entry in entries if entry.filename == "[Content_Types].xml"), None)
            if info is None or info.file_size > CONTENT_TYPES_MAX:
                return None
            with archive.open(info) as handle:
                content_types = handle.read(CONTENT_TYPES_MAX + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError):
        return None
    finally:
        upload.seek(0)
    found = set()
    for match in _OVERRIDE.finditer(content_types):
        attributes = {key: (double or single) for key, double, single in _ATTRIBUTE.findall(match.group(1))}
        kind = OOXML_MAIN_PARTS.get(attributes.get(b"ContentType", b"").decode("ascii", "replace").strip().lower())
        part = attributes.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/")
        if kind and part in names:
            found.add(kind)
    return found.pop() if len(found) == 1 else None


def download_name(name: str, content_type: str) -> str:
    """The name a download gets: the person's name, ending in the extension of what the file really is."""
    extensions = EXTENSIONS.get(content_type)
    if not extensions:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in extensions:
        return name
    return f"{name}.{extensions[0]}"


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
    if head.startswith(b"PK\x03\x04"):
        # A zip is a DOCX or XLSX only if its parts say so (filetype's guess reads just the first entries).
        mime = ooxml_type(upload)
    else:
        kind = filetype.guess(head)
        mime = kind.mime if kind is not None else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (PDF, DOCX, XLSX, JPG, PNG)."),
            code="bad_type", params={"name": name},
        )
    return UploadedAttachment(
        file=upload, original_name=download_name(name, mime), content_type=mime, size=upload.size
    )
