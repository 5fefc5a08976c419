"""The generated set's unit tree and its people: a few top-level units, 2-3 levels under them, five accounts per
unit, and the office and standing committee accounts."""
from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction

from accounts import roles
from resolutions.models import Directive, Resolution
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from units.models import Membership, Unit

from .removal import load_office_user
from .vocabulary import (
    BATCH,
    DOCUMENT_NUMBER_SUFFIX,
    FAMILY,
    GIVEN,
    LEADERS_PER_UNIT,
    OFFICE_USERNAME,
    PLACES,
    STANDING_USERNAME,
    TOP_LEVEL,
    UNIT_CODE_PREFIX,
    UNIT_KINDS,
    USERNAME_PREFIX,
    USERS_PER_UNIT,
)

User = get_user_model()


@contextlib.contextmanager
def plain_timestamps():
    """Let generated rows carry their own created_at (auto_now/auto_now_add would stamp them all 'now')."""
    fields = []
    for model in (Task, Assignment, ProgressReport, ExtensionRequest, Review):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                fields.append((field, field.auto_now, field.auto_now_add))
    try:
        for field, _now, _add in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in fields:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _tree_shape(units: int) -> list[int]:
    """How many units on each level: a few top-level units, then their children, then the rest below those."""
    top = min(len(TOP_LEVEL), max(1, units // 10))
    second = min(units - top, top * 8)
    third = units - top - second
    return [n for n in (top, second, third) if n > 0]


def build_people(unit_count: int, seed: int, log) -> None:
    rng = random.Random(seed)
    log(f"Units: {unit_count}, users: {unit_count * USERS_PER_UNIT + 2}.")
    with transaction.atomic():
        parents: list[Unit] = []
        index = 0
        for level, count in enumerate(_tree_shape(unit_count)):
            rows = []
            for i in range(count):
                index += 1
                if level == 0:
                    name = f"{TOP_LEVEL[i % len(TOP_LEVEL)]} (thử tải {index:04d})"
                    kind = Unit.Kind.OTHER
                    parent = None
                else:
                    word, kind = UNIT_KINDS[rng.randrange(len(UNIT_KINDS))]
                    name = f"{word} {PLACES[rng.randrange(len(PLACES))]} số {index:04d} (thử tải)"
                    parent = parents[i % len(parents)]
                rows.append(Unit(
                    name=name, short_name=f"TT{index:04d}", code=f"{UNIT_CODE_PREFIX}{index:04d}", kind=kind,
                    parent=parent, email=f"unit{index:04d}@load.haugiang.example", order=10000 + index,
                ))
            parents = Unit.objects.bulk_create(rows, batch_size=BATCH)
        units = list(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).order_by("code"))

        # Generated accounts have no usable password: the bench logs in with force_login, and a load test uses
        # a session made on the server (scripts/loadtest.sh). No known password ever exists for them.
        password = make_password(None)
        users = [
            User(username=OFFICE_USERNAME, email="vanphong@load.haugiang.example", first_name="Văn phòng",
                 last_name="(thử tải)", is_staff=True, password=password),
            User(username=STANDING_USERNAME, email="thuongtruc@load.haugiang.example",
                 first_name="Thường trực", last_name="(thử tải)", is_staff=True, password=password),
        ]
        for unit in units:
            for k in range(USERS_PER_UNIT):
                users.append(User(
                    username=f"{USERNAME_PREFIX}{unit.code[len(UNIT_CODE_PREFIX):]}.{k}",
                    email=f"u{unit.code[len(UNIT_CODE_PREFIX):]}.{k}@load.haugiang.example",
                    first_name=GIVEN[rng.randrange(len(GIVEN))], last_name=FAMILY[rng.randrange(len(FAMILY))],
                    password=password,
                ))
        User.objects.bulk_create(users, batch_size=BATCH)
        by_name = dict(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk"))
        office_group, _ = Group.objects.get_or_create(name=roles.OFFICE_GROUP)
        standing_group, _ = Group.objects.get_or_create(name=roles.STANDING_GROUP)
        User.groups.through.objects.bulk_create([
            User.groups.through(user_id=by_name[OFFICE_USERNAME], group_id=office_group.pk),
            User.groups.through(user_id=by_name[STANDING_USERNAME], group_id=standing_group.pk),
        ])
        memberships = []
        for unit in units:
            suffix = unit.code[len(UNIT_CODE_PREFIX):]
            for k in range(USERS_PER_UNIT):
                memberships.append(Membership(
                    user_id=by_name[f"{USERNAME_PREFIX}{suffix}.{k}"], unit_id=unit.pk,
                    role=Membership.Role.LEADER if k < LEADERS_PER_UNIT else Membership.Role.OFFICER,
                ))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)


@dataclass
class World:
    office_id: int
    unit_ids: list[int]
    unit_names: dict[int, tuple[str, str]]
    children: dict[int, list[int]]
    members: dict[int, list[int]]  # unit id → user ids, leaders first
    documents: int
    directives: int

    @classmethod
    def read(cls) -> "World":
        office = load_office_user()
        rows = list(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).order_by("code")
                    .values_list("pk", "name", "short_name", "parent_id"))
        children: dict[int, list[int]] = {}
        for pk, _name, _short, parent_id in rows:
            if parent_id:
                children.setdefault(parent_id, []).append(pk)
        members: dict[int, list[int]] = {}
        for unit_id, user_id in (Membership.objects.filter(unit__code__startswith=UNIT_CODE_PREFIX)
                                 .order_by("unit_id", "role", "user_id").values_list("unit_id", "user_id")):
            members.setdefault(unit_id, []).append(user_id)
        documents = Resolution.objects.filter(number__endswith=DOCUMENT_NUMBER_SUFFIX)
        return cls(
            office_id=office.pk, unit_ids=[row[0] for row in rows],
            unit_names={pk: (name, short) for pk, name, short, _p in rows}, children=children, members=members,
            documents=documents.count(),
            directives=Directive.objects.filter(resolution__in=documents.values("pk")).count(),
        )
