"""Writes to the unit directory that are more than an admin form: remembering how documents name a unit.

`remember_alias` is the one writer of `Unit.aliases` outside the admin's own form, and `normalise_aliases` the
one rule for what an alias list holds, which the admin's form applies too: NFC, single spaces, no empty entry,
no duplicate up to case, nothing but strings.
"""
from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Unit

# Longer than any unit's name as documents write it; a whole sentence pasted by mistake is refused.
ALIAS_MAX_LENGTH = 255


def normalise_alias(phrase) -> str:
    """The phrase as an alias is kept: NFC, runs of whitespace as one space, trimmed ("" when nothing is left)."""
    if not isinstance(phrase, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", phrase).split())


def normalise_aliases(values) -> list[str]:
    """An alias list as it is kept: each normalised, the empty and the non-strings left out, and the first of
    several that differ only in case kept."""
    kept: dict[str, str] = {}
    for value in values if isinstance(values, list) else []:
        alias = normalise_alias(value)
        if alias and alias.casefold() not in kept:
            kept[alias.casefold()] = alias
    return list(kept.values())


@transaction.atomic
def remember_alias(unit: Unit, phrase: str, *, by) -> bool:
    """Add `phrase` to the unit's aliases, so that the importer recognises it in the next document.

    Returns whether anything was added: a phrase the unit already answers to (its name, its short name or an
    alias, whatever the case) changes nothing. The unit's history records who added it. Raises ValidationError
    (a Vietnamese message) for an empty or overlong phrase.
    """
    alias = normalise_alias(phrase)
    if not alias:
        raise ValidationError(_("Tên gọi cần ghi nhớ đang để trống."), code="alias_empty")
    if len(alias) > ALIAS_MAX_LENGTH:
        raise ValidationError(_("Tên gọi quá dài để ghi nhớ (tối đa %(limit)s ký tự)."), code="alias_too_long",
                              params={"limit": ALIAS_MAX_LENGTH})
    # Locked: two people remembering two names for one unit at once must both be kept.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    aliases = normalise_aliases(unit.aliases)
    known = {name.casefold() for name in (unit.name, unit.short_name, *aliases) if name}
    if alias.casefold() in known:
        return False
    unit.aliases = [*aliases, alias]
    unit._history_user = by
    unit._change_reason = _("Ghi nhớ tên gọi “%(alias)s” khi nhập văn bản") % {"alias": alias}
    unit.save(update_fields=["aliases"])
    return True
