"""Loading the shipped unit directory (units/directory_data.py) into the database, idempotently."""
from django.db import transaction

from .directory_data import GROUPS, UNITS
from .models import Unit, UnitGroup


@transaction.atomic
def sync_unit_directory() -> dict[str, int]:
    """Create the shipped units and groups that are missing; never overwrite what the office has edited.

    Returns how many units and groups were created (0 and 0 on a second run).
    """
    created_units = created_groups = 0
    by_code = {unit.code: unit for unit in Unit.objects.all()}
    for order, row in enumerate(UNITS, start=1):
        if row["code"] in by_code:
            continue
        unit = Unit(
            code=row["code"], name=row["name"], short_name=row.get("short_name", ""), kind=row["kind"],
            parent=by_code.get(row["parent"]) if row.get("parent") else None, email=row.get("email", ""),
            aliases=list(row.get("aliases", [])), order=order * 10,
        )
        unit.full_clean()
        unit.save()
        by_code[unit.code] = unit
        created_units += 1
    for row in GROUPS:
        group, created = UnitGroup.objects.get_or_create(
            key=row["key"], defaults={"name": row["name"], "phrases": list(row.get("phrases", []))}
        )
        created_groups += created
        if created:
            group.units.set([by_code[u["code"]] for u in UNITS if row["key"] in u.get("groups", ())])
    return {"units": created_units, "groups": created_groups}
