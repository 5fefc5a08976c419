"""Reads of the unit directory that do not depend on who asks."""
from __future__ import annotations

from collections.abc import Iterable

from .models import Unit


def units_of_groups(group_keys: Iterable[str]) -> list[Unit]:
    """The active units of the given groups, each once, in directory order."""
    return list(
        Unit.objects.filter(groups__key__in=list(group_keys), active=True).distinct().order_by("order", "name")
    )
