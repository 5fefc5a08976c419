"""How fast the daily digests reach an SMTP server, end to end (issue 7: "200 a second or more with two workers").

`python manage.py bench_mail --digests N [--workers 2]` measures what production does every working morning:

1. a data set of its own: a database created and migrated next to the configured one (PostgreSQL: a database
   `<name>_bench_mail` on the same server; SQLite: `var/bench_mail/portal.sqlite3`), dropped at the end. With
   `--in-place` it works in the configured database instead, which must hold no task and no mail (a database kept
   for this, or a test database); what it wrote there is deleted at the end;
2. N people (5 to a unit, each unit leading 2 tasks due in 7 days), so that the sweep writes 2N reminders and plans
   N digests (one per person, the real planning code);
3. an SMTP server on 127.0.0.1 (aiosmtpd, a test requirement: requirements-test.txt) on a free port in 2600-2699,
   counting what it accepts by Message-ID;
4. W real Celery workers (`celery -A config worker --pool prefork --concurrency 1`, W separate processes, each with
   its own broker connection, as W machines would be) on the configured broker (Redis at REDIS_URL, or the
   filesystem transport) and a queue of the run's own, so no other worker takes its messages;
5. `portal.daily_sweep` published as beat publishes it: a worker runs the sweep, which plans the digests and hands
   them over to the workers, which send them.

The clock runs from publishing the sweep to the Nth digest at the SMTP server (so it includes the sweep). Then a
second's grace for anything sent twice. Duplicates and lost digests are counted at the server by Message-ID.
Processes it started are stopped by their pid (their process group), and the data set is removed.
"""
from __future__ import annotations

import datetime
import logging
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
from celery import Celery
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification, OutgoingEmail, ReminderPolicy
from notifications.reminders import working_day_on_or_after
from notifications.sweep import message_id_for
from tasks.models import Assignment, Task
from units.models import Membership, Unit

from .loadgen import _cascade_delete, _raw_delete

PORTS = range(2600, 2700)
MEMBERS_PER_UNIT = 5
TASKS_PER_UNIT = 2
CODE_PREFIX = "BMAIL"
USERNAME_PREFIX = "bench_mail."
READY_TIMEOUT = 90
GRACE = 1.0
CELERY = Path(sys.executable).with_name("celery")


class BenchError(Exception):
    pass


# --- The SMTP server ----------------------------------------------------------------------------------------

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class Sink:
    """An SMTP server on loopback that accepts everything and keeps, per Message-ID, how often it came.

    Light on purpose (it shares the machine with the workers it measures): the Message-ID is read from the
    header bytes, the message is not parsed."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.port = port
        self.counts: Counter[str] = Counter()
        self.sessions = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> Sink:
        # aiosmtpd logs every SMTP command at INFO: thousands of lines, and CPU taken from the workers measured.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        message_id = found.group(1).decode("ascii", "replace") if found else "(none)"
        now = time.monotonic()
        with self._lock:
            self.counts[message_id] += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 2.0.0 Accepted"

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def unique(self) -> int:
        with self._lock:
            return len(self.counts)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise BenchError("no free port in 2600-2699 for the SMTP server")


# --- The data set ---------------------------------------------------------------------------------------------


def bench_day() -> datetime.date:
    return working_day_on_or_after(timezone.localdate())


def database_url() -> str | None:
    """The current database as a DATABASE_URL for the workers (None on SQLite: PORTAL_VAR_DIR finds the file)."""
    if connection.vendor != "postgresql":
        return None
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


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
            _raw_delete(Notification.objects.filter(recipient__in=users.values("pk")))
            _raw_delete(OutgoingEmail.objects.filter(recipient__in=users.values("pk")))
            tasks = Task.objects.filter(assignments__unit__code__startswith=CODE_PREFIX).values_list("pk", flat=True)
            _cascade_delete(Task.objects.filter(pk__in=list(tasks)))
            _cascade_delete(users)
            _cascade_delete(Unit.objects.filter(code__startswith=CODE_PREFIX))
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


# --- The workers ----------------------------------------------------------------------------------------------


@dataclass
class Broker:
    queue: str
    url: str
    options: dict
    redis: bool


def broker_for(var_dir: Path) -> Broker:
    queue = f"bench-mail-{uuid.uuid4().hex[:8]}"
    if settings.REDIS_URL:
        return Broker(queue, settings.REDIS_URL, dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS), True)
    folder = var_dir / "broker"
    for sub in ("queue", "processed", "results", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"), "control_folder": str(folder / "control"),
    }
    return Broker(queue, "filesystem://", options, False)


class Worker:
    """`celery -A config worker` in a process group of its own (stopped by its pid, with its pool processes)."""

    def __init__(self, number: int, broker: Broker, var_dir: Path, email_url: str, pool: str, concurrency: int):
        self.name = f"{broker.queue}-{number}"
        self.log_path = var_dir / f"worker-{self.name}.log"
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(var_dir),
            "CELERY_TASK_DEFAULT_QUEUE": broker.queue, "EMAIL_URL": email_url, "SITE_URL": settings.SITE_URL,
            "PYTHONUNBUFFERED": "1",
        })
        if broker.redis:
            env["REDIS_URL"] = broker.url
        if database_url():
            env["DATABASE_URL"] = database_url()
        self.command = [
            str(CELERY), "-A", "config", "worker", f"--pool={pool}", f"--concurrency={concurrency}",
            "-Q", broker.queue, "-n", f"{self.name}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                self.command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise BenchError(f"worker {self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
        return " ready." in self.log_path.read_text(encoding="utf-8", errors="replace")

    def cpu_seconds(self) -> float:
        """CPU time of this worker and its pool processes so far (from /proc; 0 where there is none)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        pids = [self.process.pid] + _children(self.process.pid)
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Ask for a warm shutdown without waiting (so that several workers shut down together)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM to the worker's own pid: it finishes what it holds), then SIGKILL to its process
        group, which holds only the processes this worker forked."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def publish_sweep(broker: Broker, day: datetime.date) -> None:
    """What beat does every working morning: `portal.daily_sweep` on the run's queue (an app of its own, so this
    process's Celery configuration is left as it is)."""
    app = Celery("bench_mail", broker=broker.url, set_as_current=False)
    app.conf.broker_transport_options = broker.options
    app.conf.broker_connection_retry_on_startup = True
    try:
        app.send_task("portal.daily_sweep", kwargs={"day": day.isoformat()}, queue=broker.queue,
                      exchange=broker.queue, routing_key=broker.queue)
    finally:
        app.close()


def forget_queue(broker: Broker) -> None:
    """Remove the run's queue from Redis (empty by now) and its binding; the filesystem queue goes with its folder."""
    if not broker.redis:
        return
    client = redis.Redis.from_url(broker.url)
    try:
        client.delete(broker.queue, f"_kombu.binding.{broker.queue}", f"_kombu.binding_permanent.{broker.queue}")
    finally:
        client.close()


# --- The run ----------------------------------------------------------------------------------------------------


@dataclass
class Result:
    digests: int
    workers: int
    received: int = 0
    duplicates: int = 0
    lost: int = 0
    unexpected: int = 0
    elapsed_s: float = 0.0
    first_s: float = 0.0
    sessions: int = 0
    workers_cpu_s: float = 0.0
    sink_cpu_s: float = 0.0
    database: str = ""
    broker: str = ""
    outbox: dict = field(default_factory=dict)

    @property
    def rate_per_s(self) -> float:
        return self.received / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def send_rate_per_s(self) -> float:
        span = self.elapsed_s - self.first_s
        return (self.received - 1) / span if span > 0 and self.received > 1 else 0.0

    def line(self) -> str:
        return (f"bench_mail: digests={self.digests} workers={self.workers} rate_per_s={self.rate_per_s:.1f} "
                f"elapsed_s={self.elapsed_s:.2f} duplicates={self.duplicates} lost={self.lost}")


def measure(result: Result, started: list[Worker], sink: Sink, broker: Broker, day: datetime.date,
            expected: set[str], *, timeout: float, stall: float, out) -> None:
    """Wait for the workers, publish the sweep, wait for every digest (or for progress to stop), count."""
    deadline = time.monotonic() + READY_TIMEOUT
    while not all(worker.ready() for worker in started):
        if time.monotonic() > deadline:
            raise BenchError("the workers were not ready in time:\n" + started[0].log_tail())
        time.sleep(0.2)
    out(f"sweep for {day.isoformat()}: {result.digests} people, {TASKS_PER_UNIT} reminders each; sending...")
    workers_cpu = sum(worker.cpu_seconds() for worker in started)
    own_cpu = time.process_time()
    t0 = time.monotonic()
    publish_sweep(broker, day)
    last_count, last_progress = 0, t0
    while True:
        now = time.monotonic()
        count = sink.unique()
        if count >= result.digests:
            break
        if count != last_count:
            last_count, last_progress = count, now
        if now - t0 > timeout or now - last_progress > stall:
            out(f"gave up after {now - t0:.0f}s with {count} of {result.digests} digests received")
            break
        if not all(worker.alive() for worker in started):
            raise BenchError("a worker died:\n" + "\n".join(w.log_tail() for w in started))
        time.sleep(0.02)
    end = sink.last_at or time.monotonic()
    result.workers_cpu_s = sum(worker.cpu_seconds() for worker in started) - workers_cpu
    result.sink_cpu_s = time.process_time() - own_cpu
    time.sleep(GRACE)  # anything sent twice would arrive now
    counts = sink.snapshot()
    result.received = len(counts.keys() & expected)
    result.duplicates = sum(n - 1 for n in counts.values())
    result.lost = len(expected - counts.keys())
    result.unexpected = len(counts.keys() - expected)
    result.elapsed_s = end - t0
    result.first_s = (sink.first_at - t0) if sink.first_at else 0.0
    result.sessions = sink.sessions


def run(digests: int, *, workers: int = 2, concurrency: int = 1, pool: str = "prefork", in_place: bool = False,
        timeout: float = 600.0, stall: float = 60.0, out=print) -> Result:
    try:
        import aiosmtpd  # noqa: F401
    except ImportError as exc:
        raise BenchError(
            "bench_mail needs aiosmtpd for its SMTP server: pip install -r requirements-test.txt"
        ) from exc
    if digests < 1 or workers < 1:
        raise BenchError("--digests and --workers must be at least 1")
    if in_place and connection.vendor == "sqlite":
        db_file = Path(connection.settings_dict["NAME"])
        if db_file.name != "portal.sqlite3":
            raise BenchError("--in-place on SQLite needs the database file to be called portal.sqlite3 "
                             "(the workers find it through PORTAL_VAR_DIR)")
        var_dir, own_dir = db_file.parent, None
    else:
        own_dir = var_dir = Path(settings.VAR_DIR) / f"bench_mail-{os.getpid()}"
        var_dir.mkdir(parents=True, exist_ok=True)
    data = InPlace() if in_place else OwnDatabase(var_dir)
    started: list[Worker] = []
    sink = None
    broker = None
    result = Result(digests, workers * concurrency)
    try:
        out(f"data set: {'the configured database' if in_place else 'a database of its own'}, being prepared")
        with data:
            result.database = f"{connection.vendor} {connection.settings_dict['NAME']}"
            day = bench_day()
            expected = prepare(digests, day)
            sink = Sink(free_port()).start()
            broker = broker_for(var_dir)
            result.broker = f"{'redis' if broker.redis else 'filesystem'} queue {broker.queue}"
            out(f"database: {result.database}; broker: {result.broker}; smtp: {sink.url}")
            debug = "on (each query also recorded: a little slower than production)" if settings.DEBUG else "off"
            out(f"workers: {workers} x `celery -A config worker --pool={pool} --concurrency={concurrency}`; "
                f"DEBUG {debug}")
            connection.close()  # the workers migrate nothing and the parent has no open transaction
            try:
                for number in range(workers):
                    started.append(Worker(number, broker, var_dir, sink.url, pool, concurrency).start())
                measure(result, started, sink, broker, day, expected, timeout=timeout, stall=stall, out=out)
            finally:
                for worker in started:  # before the database is dropped: they hold connections to it
                    worker.terminate()
                for worker in started:
                    worker.stop()
            result.outbox = dict(Counter(OutgoingEmail.objects.values_list("status", flat=True)))
            connection.close()
    finally:
        if sink is not None:
            sink.stop()
        if broker is not None:
            forget_queue(broker)
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)
    out(f"received: {result.received} of {digests} digests in {result.elapsed_s:.2f}s "
        f"(first after {result.first_s:.2f}s; {result.send_rate_per_s:.1f}/s from the first to the last)")
    out(f"smtp sessions: {result.sessions}; unexpected messages: {result.unexpected}; outbox: {result.outbox}")
    if result.received:
        out(f"cpu: workers {result.workers_cpu_s:.1f}s ({1000 * result.workers_cpu_s / result.received:.1f} ms a "
            f"digest), this process (smtp server) {result.sink_cpu_s:.1f}s; load average {os.getloadavg()[0]:.2f}")
    out(f"rate: {result.rate_per_s:.1f} digests/s (the sweep included); duplicates: {result.duplicates}; "
        f"lost: {result.lost}")
    out(result.line())
    return result
