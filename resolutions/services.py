"""Recording documents and their directives (writes). One transaction each."""
from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError

from .models import Directive, Resolution
from .parsing.titles import SHORT_TITLE_MAX, short_title


def source_fingerprint(text: str) -> str:
    """SHA-256 of the text normalised to NFC with whitespace collapsed: the same document gives the same print."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass
class DirectiveInput:
    text: str
    section_path: str = ""
    label: str = ""
    deadline_text: str = ""
    ongoing: bool = False
    scope_as_written: str = ""
    short_title: str = ""  # trích yếu; empty: the one proposed from the text (resolutions.parsing.titles)
    extra: dict = field(default_factory=dict)


def find_duplicate(body: str) -> Resolution | None:
    if not body.strip():
        return None
    return Resolution.objects.filter(source_sha256=source_fingerprint(body)).first()


@transaction.atomic
def record_resolution(
    *,
    created_by,
    kind: str,
    title: str,
    issued_on: datetime.date,
    directives: Sequence[DirectiveInput],
    number: str = "",
    issuing_body: str = "Tỉnh ủy Hậu Giang",
    signer: str = "",
    body: str = "",
    original_file=None,
) -> Resolution:
    """Record a document and its directives, in order. A document already recorded is refused."""
    duplicate = find_duplicate(body)
    if duplicate is not None:
        raise ServiceError(
            _("Văn bản này đã được nhập trước đây: %(resolution)s.") % {"resolution": duplicate}, code="duplicate"
        )
    resolution = Resolution(
        kind=kind, number=number, title=title, issued_on=issued_on, issuing_body=issuing_body, signer=signer,
        body=body, source_sha256=source_fingerprint(body) if body.strip() else "", created_by=created_by,
    )
    resolution._history_user = created_by
    resolution.full_clean()
    if original_file is not None:
        resolution.original_file.save(original_file.name, original_file, save=False)
    try:
        resolution.save()
    except IntegrityError:
        # Two people importing the same document at once: the second is told, as above.
        raise ServiceError(_("Văn bản này đã được nhập trước đây."), code="duplicate")
    Directive.objects.bulk_create(
        [
            Directive(
                resolution=resolution, order=order, text=item.text, section_path=item.section_path[:64],
                label=item.label[:32], deadline_text=item.deadline_text[:255], ongoing=item.ongoing,
                scope_as_written=item.scope_as_written[:500],
                short_title=(" ".join(item.short_title.split()) or short_title(item.text))[:SHORT_TITLE_MAX],
            )
            for order, item in enumerate(directives, start=1)
        ]
    )
    return resolution
