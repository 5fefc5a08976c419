"""A realistic synthetic dataset for measuring the portal at scale (`manage.py generate_load`).

What it builds, for N tasks (issue 7):
- a unit tree of U units (default N/100, at least 3, at most 1,000) under a few top-level units, 2–3 levels deep;
- 5 users per unit (2 leaders, 3 officers), plus one office user and one standing-committee user;
- documents (1 per ~20 directives) and directives (~1 per 3 tasks);
- tasks in every standing: deadlines from 3 years ago to next year, ~20 % ongoing (report cycle, no deadline),
  done on time and late, overdue, proposed, returned, cancelled, and a few delegated sub-tasks;
- one lead and 0–3 coordinating units per task, ~5 progress reports per task, extension requests (approved,
  refused, pending), completion reviews, and history rows (a creation entry per task and per assignment, a change
  entry per closed task), written straight into simple_history's tables;
- Task.search_text, computed with tasks.search.task_search_text like the services do.

Everything is written with bulk_create in batches: no per-row save, so no signals, no notifications, no history
hooks. Tasks are made in chunks, so memory stays flat whatever N is.

Generated objects are tagged: unit codes start with "LOAD_", usernames with "load.", document numbers end with
"/LOAD", and every generated task is created by the user "load.vanphong". That makes a run idempotent: the same N
again does nothing, a bigger N on the same unit tree adds the difference, anything else rebuilds the generated set
(the rest of the database is never touched).

The package: vocabulary (tags, sizes, words), people (the unit tree and accounts), workload (documents and tasks),
removal (finding and deleting the generated set).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection

from resolutions.models import Directive, Resolution
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from units.models import Membership, Unit

from .people import World, build_people, plain_timestamps
from .removal import cascade_delete, load_office_user, raw_delete, wipe
from .vocabulary import (
    DOCUMENT_NUMBER_SUFFIX,
    OFFICE_USERNAME,
    STANDING_USERNAME,
    UNIT_CODE_PREFIX,
    USERNAME_PREFIX,
    default_units,
)
from .workload import add_tasks

User = get_user_model()

__all__ = [
    "DOCUMENT_NUMBER_SUFFIX", "OFFICE_USERNAME", "STANDING_USERNAME", "UNIT_CODE_PREFIX", "USERNAME_PREFIX",
    "Present", "Summary", "cascade_delete", "default_units", "generate", "load_office_user", "present",
    "raw_delete", "wipe",
]


@dataclass
class Present:
    units: int
    tasks: int


@dataclass
class Summary:
    action: str
    tasks: int
    units: int
    added_tasks: int = 0
    seconds: float = 0.0
    counts: dict | None = None

    def line(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in (self.counts or {}).items())
        return (f"generate_load: {self.action} tasks={self.tasks} units={self.units} added={self.added_tasks} "
                f"in {self.seconds:.1f}s" + (f" ({extra})" if extra else ""))


def present() -> Present:
    office = load_office_user()
    units = Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).count()
    tasks = Task.objects.filter(created_by=office).count() if office else 0
    return Present(units=units, tasks=tasks)


def generate(tasks: int, units: int | None = None, seed: int = 7, log=None) -> Summary:
    """Make the generated set hold `tasks` tasks on `units` units (see the module docstring)."""
    log = log or (lambda message: None)
    if tasks < 0:
        raise ValueError("tasks must be >= 0")
    units = units or default_units(tasks)
    if units < 1:
        raise ValueError("units must be >= 1")
    started = time.perf_counter()
    now = present()
    if now.units == units and now.tasks == tasks:
        return Summary("present", tasks, units, seconds=time.perf_counter() - started)
    if now.units == units and now.tasks < tasks:
        action, start = "extended", now.tasks
    else:
        if now.units or now.tasks:
            log(f"Removing the generated set ({now.tasks} tasks, {now.units} units) to rebuild it.")
            wipe()
        action, start = "built", 0
    with plain_timestamps():
        if start == 0:
            build_people(units, seed, log)
        world = World.read()
        counts = add_tasks(world, start, tasks, seed, log)
    _analyze()
    return Summary(action, tasks, units, added_tasks=tasks - start, seconds=time.perf_counter() - started,
                   counts=counts)


def _analyze() -> None:
    """On PostgreSQL, bring the planner's statistics and the visibility map up to date after a bulk load, as
    autovacuum would soon after in production: the benchmark measures the steady state, not the first minute."""
    if connection.vendor != "postgresql":
        return
    models_ = [Task, Assignment, ProgressReport, Review, ExtensionRequest, Unit, Membership, User, Resolution,
               Directive, Task.history.model, Assignment.history.model]
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"{statement} {connection.ops.quote_name(model._meta.db_table)}")
