"""bench_mail's data set: a database of its own (or the configured one, empty), and N people with two reminders
each due on the run's day."""
from __future__ import annotations

import datetime
import logging
import math
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification, OutgoingEmail, ReminderPolicy
from notifications.reminders import working_day_on_or_after
from notifications.sweep import message_id_for
from tasks.models import Assignment, Task
from units.models import Membership, Unit

from ..loadgen import cascade_delete, raw_delete
from .common import CODE_PREFIX, MEMBERS_PER_UNIT, TASKS_PER_UNIT, USERNAME_PREFIX, BenchError



def bench_day() -> datetime.date:
    return working_day_on_or_after(timezone.localdate())


def database_url() -> str | None:
    """The current database as a DATABASE_URL for the workers (None on SQLite: PORTAL_VAR_DIR finds the file)."""
    if connection.vendor != "postgresql":
        return None
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_database_url() -> str:
    """The database this process uses, as a DATABASE_URL a separate process can open."""
    url = database_url()
    if url:
        return url
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or connection.creation.is_in_memory_db(name):
        raise BenchError(f"a server process cannot open this database ({connection.vendor} {name}): "
                         "PostgreSQL or an SQLite file is needed")
    return f"sqlite:///{Path(name).resolve()}"


class OwnDatabase:
    """A database of the run's own, created and migrated with Django's test-database machinery, then dropped."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.old_name = None

    def __enter__(self):
        db = connection.settings_dict
        self.old_test = dict(db.get("TEST") or {})
        if connection.vendor == "sqlite":
            name = str(self.var_dir / "portal.sqlite3")
        else:
            name = f"{db['NAME']}_bench_mail"
        db["TEST"] = {**self.old_test, "NAME": name}
        self.old_name = db["NAME"]
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the migrations' security-log lines (group permissions) are noise here
        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        finally:
            logging.disable(previous)
        return self

    def __exit__(self, *exc):
        connection.close()
        connection.creation.destroy_test_db(self.old_name, verbosity=0, keepdb=False)
        connection.settings_dict["TEST"] = self.old_test


class InPlace:
    """The configured database itself: refused unless it holds no task and no mail; what the run wrote is removed
    at the end (in plain SQL, as generate_load removes its set) and the sweep's bookmark put back."""

    def __enter__(self):
        if Task.objects.exists() or OutgoingEmail.objects.exists() or Notification.objects.exists():
            raise BenchError(
                "--in-place needs a database with no task and no mail (the daily sweep would send real reminders "
                "to the benchmark's SMTP server); run without --in-place to use a database of the run's own"
            )
        self.last_swept_on = ReminderPolicy.load().last_swept_on
        return self

    def __exit__(self, *exc):
        User = get_user_model()
        with transaction.atomic():
            users = User.objects.filter(username__startswith=USERNAME_PREFIX)
            raw_delete(Notification.objects.filter(recipient__in=users.values("pk")))
            raw_delete(OutgoingEmail.objects.filter(recipient__in=users.values("pk")))
            tasks = Task.objects.filter(assignments__unit__code__startswith=CODE_PREFIX).values_list("pk", flat=True)
            cascade_delete(Task.objects.filter(pk__in=list(tasks)))
            cascade_delete(users)
            cascade_delete(Unit.objects.filter(code__startswith=CODE_PREFIX))
            ReminderPolicy.objects.update(last_swept_on=self.last_swept_on)


def prepare(digests: int, day: datetime.date) -> set[str]:
    """`digests` people with two reminders each due on `day`; returns the Message-IDs their digests will carry."""
    User = get_user_model()
    units = math.ceil(digests / MEMBERS_PER_UNIT)
    deadline = day + datetime.timedelta(days=7)
    with transaction.atomic():
        made_units = Unit.objects.bulk_create(
            [Unit(name=f"Đơn vị đo thư {n}", code=f"{CODE_PREFIX}{n:05d}", email="") for n in range(units)],
            batch_size=1000,
        )
        people = User.objects.bulk_create(
            [User(username=f"{USERNAME_PREFIX}{n}", email=f"bench{n}@mail.haugiang.example", first_name="Cán bộ",
                  last_name=f"đo thư {n}", password="!") for n in range(digests)],
            batch_size=1000,
        )
        Membership.objects.bulk_create(
            [Membership(user=person, unit=made_units[n // MEMBERS_PER_UNIT]) for n, person in enumerate(people)],
            batch_size=1000,
        )
        made_tasks = Task.objects.bulk_create(
            [Task(title=f"Nhiệm vụ đo thư {u}.{t}", deadline=deadline, original_deadline=deadline)
             for u in range(units) for t in range(TASKS_PER_UNIT)],
            batch_size=1000,
        )
        Assignment.objects.bulk_create(
            [Assignment(task=task, unit=made_units[i // TASKS_PER_UNIT], role=Assignment.Role.LEAD)
             for i, task in enumerate(made_tasks)],
            batch_size=1000,
        )
        given = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=30), datetime.time(9)))
        Task.objects.filter(pk__in=[t.pk for t in made_tasks]).update(created_at=given)
    return {message_id_for(kind=OutgoingEmail.Kind.DIGEST, day=day, user_id=p.pk) for p in people}
