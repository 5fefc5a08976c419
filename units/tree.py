"""The unit tree: which units lie below others. A unit's subtree is the unit and every unit whose chain of parents
reaches it, active or not (a leader still sees the tasks of a sub-unit that was closed).

The rule is written once, here, as SQL: Django's ORM cannot express a recursive query. `subtree_ids` runs it on its
own; accounts.identity embeds the same `subtree_cte` in the query that reads who a person is, so that a signed-in
page learns the person's groups, memberships and the units below those they lead in one round trip.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from .models import Unit


def subtree_cte(seed_sql: str) -> str:
    """`subtree(id) AS (...)`, for a `WITH RECURSIVE`: the units whose ids `seed_sql` selects (one column) and every
    unit below them. Only quoted table and column names are formatted in; `seed_sql` carries its own placeholders."""
    quote = connection.ops.quote_name
    table = quote(Unit._meta.db_table)
    parent = quote(Unit._meta.get_field("parent").column)
    return (f"subtree(id) AS ({seed_sql} "  # nosec B608: names from the model, values are parameters
            f"UNION SELECT child.id FROM {table} child JOIN subtree ON child.{parent} = subtree.id)")


def subtree_ids(unit_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them, in one query whatever the depth of the tree."""
    ids = sorted(set(unit_ids))
    if not ids:
        return set()
    table = connection.ops.quote_name(Unit._meta.db_table)
    seed = f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})"  # nosec B608: placeholders only
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE {subtree_cte(seed)} SELECT id FROM subtree", ids)  # nosec B608 (see above)
        return set(ids) | {row[0] for row in cursor.fetchall()}


def descendant_ids(unit: Unit) -> set[int]:
    """The units below `unit` (not the unit itself)."""
    return subtree_ids([unit.pk]) - {unit.pk}
