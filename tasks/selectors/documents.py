"""Reads about documents and their directives as the person sees them: the documents that gave them tasks, and how
the tasks of each document or directive stand ("9 of 14 units done, 2 overdue")."""
from __future__ import annotations

from django.db.models import Count, Q

from ..access import visible_tasks
from ..standing import DONE, Standing

# What a roll-up counts, per document or directive: the tasks it gave (not the sub-tasks units delegated), by standing.
ROLLUP = {
    "total": ~Q(standing=Standing.CANCELLED),
    "done": Q(standing__in=DONE),
    "overdue": Q(standing=Standing.OVERDUE),
    "due_soon": Q(standing=Standing.DUE_SOON),
    "ongoing": Q(standing=Standing.ONGOING),
}


def _rollups(user, field: str, ids) -> dict[int, dict[str, int]]:
    rows = (
        visible_tasks(user).filter(**{f"{field}__in": list(ids)}, parent__isnull=True)
        .order_by().values(field)
        .annotate(**{name: Count("id", filter=condition) for name, condition in ROLLUP.items()})
    )
    return {row.pop(field): row for row in rows}


def directive_rollups(user, directive_ids) -> dict[int, dict[str, int]]:
    """Per directive, its visible tasks by standing."""
    return _rollups(user, "directive_id", directive_ids)


def document_rollups(user, resolution_ids) -> dict[int, dict[str, int]]:
    """Per document, its visible tasks by standing."""
    return _rollups(user, "directive__resolution_id", resolution_ids)
