"""Who a person is to the portal: their role groups, the units they belong to (with the role held there) and the
units whose tasks they may see (their scope), read once per request and kept on the user object.

The scope (DESIGN.md, "Who uses it"): the office and the standing committee see every unit; a unit leader sees the
unit and every unit below it (units.tree); a unit officer sees the unit. Memberships count only in active units.
Which tasks that means is tasks.access.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import QuerySet

from units.models import Membership, Unit
from units.tree import subtree_cte

# The two portal-wide roles, as Django groups (accounts.roles gives them their permissions).
OFFICE_GROUP = "Văn phòng Tỉnh ủy"
STANDING_GROUP = "Thường trực Tỉnh ủy"


@dataclass(frozen=True)
class Scope:
    """What one person may see: everything, or the tasks of a set of units."""

    all_units: bool
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # The units where the person is a member, with the role held there (leader or officer).
    memberships: dict[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.all_units and not self.unit_ids

    @property
    def led_unit_ids(self) -> list[int]:
        return [unit_id for unit_id, role in self.memberships.items() if role == Membership.Role.LEADER]


NOBODY = Scope(all_units=False)


def scope_for(user) -> Scope:
    """The person's scope, computed once per request and cached on the user object."""
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if user is not None and user.is_authenticated and user.is_active:
        return load_identity(user)
    if user is not None and getattr(user, "pk", None):
        user._portal_scope = NOBODY
    return NOBODY


def visible_units(user) -> QuerySet[Unit]:
    """The units whose tasks this person sees: every unit for the office and the standing committee."""
    scope = scope_for(user)
    if scope.all_units:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=scope.unit_ids)


def group_names(user) -> frozenset[str]:
    """The person's groups, read with the rest of their identity (load_identity) and cached on the user."""
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        if not user.pk:
            return frozenset()
        load_identity(user)
        cached = user._portal_group_names
    return cached


def load_identity(user) -> Scope:
    """Read the person's groups and scope in one query and keep both on the user object."""
    names, memberships, below_led = _identity_rows(user.pk)
    user._portal_group_names = frozenset(names)
    if not (user.is_authenticated and user.is_active):
        scope = NOBODY
    elif user.is_superuser or names & {OFFICE_GROUP, STANDING_GROUP}:
        scope = Scope(all_units=True, memberships=memberships)
    else:
        scope = Scope(all_units=False, unit_ids=frozenset(set(memberships) | below_led), memberships=memberships)
    user._portal_scope = scope
    return scope


def _identity_rows(user_id) -> tuple[set[str], dict[int, str], set[int]]:
    """(group names, {unit id: membership role} in active units, the units the person leads and all below them).

    One statement instead of three (groups, memberships, the subtree of the led units): every signed-in page asks
    it, and for a leader of 200 units at 100,000 tasks it takes 0.77 ms against the three queries' 1.9-2.1 ms (CPU
    0.17-0.23 against 1.1-1.4 ms; docs/benchmarks.md, round 3). The subtree is units.tree's own recursive query,
    seeded with the units the person leads.
    """
    user_model = get_user_model()
    through = user_model.groups.through
    q = connection.ops.quote_name
    membership, unit, group = (q(model._meta.db_table) for model in (Membership, Unit, Group))
    user_groups = q(through._meta.db_table)
    group_user = q(through._meta.get_field(user_model._meta.model_name).column)
    group_group = q(through._meta.get_field("group").column)
    led = (f"SELECT m.unit_id FROM {membership} m JOIN {unit} u ON u.id = m.unit_id "  # nosec B608
           f"WHERE m.user_id = %s AND u.active = %s AND m.role = %s")
    # Only quoted table and column names are formatted into the SQL; every value is a parameter.
    sql = (
        f"WITH RECURSIVE {subtree_cte(led)} "  # nosec B608
        f"SELECT 'group', g.name, NULL, NULL FROM {user_groups} ug JOIN {group} g ON g.id = ug.{group_group} "
        f"WHERE ug.{group_user} = %s "
        f"UNION ALL SELECT 'member', NULL, m.unit_id, m.role FROM {membership} m JOIN {unit} u ON u.id = m.unit_id "
        f"WHERE m.user_id = %s AND u.active = %s "
        f"UNION ALL SELECT 'below', NULL, subtree.id, NULL FROM subtree"
    )
    names, memberships, below_led = set(), {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, True, Membership.Role.LEADER.value, user_id, user_id, True])
        for kind, name, unit_id, role in cursor.fetchall():
            if kind == "group":
                names.add(name)
            elif kind == "member":
                memberships[unit_id] = role
            else:
                below_led.add(unit_id)
    return names, memberships, below_led
