"""What the fault tests run against: a real Celery worker in a child process, a real SMTP server on loopback, and
(in CI mode) a Redis server of the test's own that may be stopped and started.

The worker sees the test's database: on SQLite the test database is a file in the test's own PORTAL_VAR_DIR (see
`django_db_modify_db_settings` in tests/conftest.py), which is also where the worker's filesystem broker lives; on
PostgreSQL it is given the test database's name. The test process publishes to the same broker and a queue of
its own (`retarget`), so no other worker on the machine takes its messages and it takes none of theirs.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime
import email
import json
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
from email import policy as email_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from devtools.bench_mail import database_url  # the current database as a DATABASE_URL for a worker

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_mode() -> bool:
    return bool(settings.REDIS_URL)


def wait_until(condition, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def wait_on_progress(condition, *, what: str, progress, describe, stall: float = 45.0, beat=None,
                     beat_every: float = 2.0, ceiling: float = 900.0, interval: float = 0.2):
    """Wait until `condition()` holds for as long as the work moves; fail once nothing has moved for `stall` seconds.

    `progress()` is a snapshot of whatever moves while the work gets done (delivery_progress: messages at the SMTP
    server, rows changing state, claims taken back); any change restarts the stall clock. A fixed deadline fails
    a slow but healthy run on a busy machine and waits for ever on nothing; this fails only on a stall, saying what
    is stuck (`describe()`). `beat`, when given, is called every `beat_every` seconds, as beat runs the frequent
    pass in production (every few minutes there; every few seconds here). `ceiling` only catches a livelock: work
    that keeps moving and never arrives.
    """
    started = last_move = time.monotonic()
    seen = progress()
    next_beat = started
    while True:
        if condition():
            return
        now = time.monotonic()
        if beat is not None and now >= next_beat:
            beat()
            next_beat = now + beat_every
        time.sleep(interval)
        now = time.monotonic()
        snapshot = progress()
        if snapshot != seen:
            seen, last_move = snapshot, now
        elif now - last_move > stall:
            raise AssertionError(f"nothing moved for {stall:.0f}s while waiting for {what} "
                                 f"({now - started:.0f}s in all): {describe()}")
        if now - started > ceiling:
            raise AssertionError(f"still not {what} after {ceiling:.0f}s although the work kept moving: {describe()}")


def delivery_progress(sink: SmtpSink) -> tuple:
    """Everything that moves while digests go out: messages taken by the SMTP server (every copy), outbox rows
    changing state (pending, sending, sent, failed, skipped) and claims taken (each claim, and each claim taken
    back after a kill, counts an attempt)."""
    from django.db.models import Count, Sum

    from notifications.models import OutgoingEmail

    rows = OutgoingEmail.objects.values_list("status").annotate(n=Count("pk"), attempts=Sum("attempts"))
    return sink.count(), tuple(sorted(rows))


def describe_delivery(sink: SmtpSink, worker: Worker | None = None) -> str:
    """What the outbox, the SMTP server and the worker look like now: said when a wait is stuck."""
    from django.db.models import Count, Min

    from notifications.models import OutgoingEmail

    Status = OutgoingEmail.Status
    now = timezone.now()
    states = dict(OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")))
    oldest_claim = OutgoingEmail.objects.filter(status=Status.SENDING).aggregate(at=Min("claimed_at"))["at"]
    retry_later = OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__gt=now).count()
    never_handed = OutgoingEmail.objects.filter(status=Status.PENDING, enqueued_at__isnull=True).count()
    parts = [
        f"the SMTP server took {sink.count()} messages ({len(sink.by_message_id())} distinct)",
        f"outbox rows by state {states}",
        f"pending rows waiting for a retry later: {retry_later}, never handed to a worker: {never_handed}",
        f"oldest claim held {(now - oldest_claim).total_seconds():.1f}s (taken back after "
        f"{Worker.CLAIM_TIMEOUT}s)" if oldest_claim else "no claim held",
    ]
    if worker is not None:
        running = worker.process is not None and worker.process.poll() is None
        parts.append(f"worker {'running' if running else 'not running'} (started {worker.starts} times); "
                     f"its log ends:\n{worker.log_tail(25)}")
    return "; ".join(parts)


def report(name: str, **figures):
    """Keep a measurement where CI keeps its artifacts, and show it in the test output."""
    ARTIFACTS.mkdir(exist_ok=True)
    mode = "redis" if redis_mode() else "filesystem"
    line = {"test": name, "mode": mode, "database": connection.vendor, **figures}
    with open(ARTIFACTS / "reliability.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(line, default=str) + "\n")
    print(f"\n[reliability] {json.dumps(line, default=str)}", file=sys.stderr)


# --- SMTP ---------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Received:
    message_id: str
    to: str
    subject: str
    text: str
    at: float


class SmtpSink:
    """An SMTP server that keeps what it accepts and can be told to answer 4xx or 5xx.

    Like a real mail server it takes responsibility for a message only once the whole message has arrived and
    the client is still there to hear the 250; a client killed before that gets nothing delivered.
    """

    def __init__(self):
        self.port = free_port()
        self.received: list[Received] = []
        self.attempts: Counter[str] = Counter()
        self.delay = 0.0
        self.defer = lambda message_id, attempt: None  # -> an SMTP reply such as "451 ..." to refuse this attempt
        self.refused_recipients: set[str] = set()
        # Set to an Event: the next message is taken (recorded) but its 250 waits until the Event is set.
        self.hold_next_reply: threading.Event | None = None
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email_policy.default)
        message_id = message["Message-ID"]
        with self._lock:
            self.attempts[message_id] += 1
            attempt = self.attempts[message_id]
        refusal = self.defer(message_id, attempt)
        if refusal:
            return refusal
        if self.delay:
            await asyncio.sleep(self.delay)
        if server.transport is None or server.transport.is_closing():
            return "421 4.4.2 Client went away"
        body = message.get_body(preferencelist=("plain",))
        with self._lock:
            self.received.append(Received(message_id, ",".join(envelope.rcpt_tos), str(message["Subject"]),
                                          body.get_content() if body else "", time.monotonic()))
            hold, self.hold_next_reply = self.hold_next_reply, None
        while hold is not None and not hold.is_set():
            await asyncio.sleep(0.05)
        return "250 2.0.0 Accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def by_message_id(self) -> Counter[str]:
        with self._lock:
            return Counter(r.message_id for r in self.received)

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.by_message_id().values())


# --- The test's own broker ----------------------------------------------------------------------------------


class RedisServer:
    """A redis-server on a free port, started and stopped by the test (never the machine's shared one)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server to answer")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def remove(self):
        """Stop it for good, and first forget what this process listens for there (forget_results_on)."""
        forget_results_on("127.0.0.1", self.port)
        self.stop()

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)


def forget_results_on(host: str, port: int):
    """Make this process stop listening for task results on the Redis at host:port, without a word to it.

    Celery's Redis result backend subscribes to a channel for every task sent by name (`send_task` does not read
    task_ignore_result) and unsubscribes when the AsyncResult is garbage-collected, in whatever thread the
    collector happens to run. Against a Redis that is gone, that unsubscribe retries twenty times a second apart:
    after the outage test, the next test's SMTP sink thread was held ~40 s by it, and a digest whose 250 was held
    past the claim timeout went out twice. Called before such a Redis is stopped for good; each thread of this
    process has a backend of its own (the backend is not thread-safe), so every one of them is found."""
    import gc

    from celery.backends.redis import ResultConsumer

    for consumer in gc.get_objects():
        # type(), not isinstance(): isinstance asks a lazy object's __class__, which would evaluate it.
        if issubclass(type(consumer), ResultConsumer):
            params = getattr(consumer.backend, "connparams", {})
            if params.get("port") == port and params.get("host") in (host, "localhost"):
                consumer.subscribed_to.clear()
                consumer._pending_unsubscribe.clear()


# --- Pointing the test process and the worker at the same broker and database -------------------------------


@dataclasses.dataclass
class Target:
    queue: str
    var_dir: Path
    broker_url: str
    transport_options: dict
    result_backend: str


def target_for(var_dir: Path, redis_url: str | None = None) -> Target:
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    redis_url = redis_url if redis_url is not None else settings.REDIS_URL
    if redis_url:
        return Target(queue, var_dir, redis_url, dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS), redis_url)
    broker = var_dir / "broker"
    for sub in ("queue", "processed", "results", "control"):
        (broker / sub).mkdir(parents=True, exist_ok=True)
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(broker / "queue"), "data_folder_out": str(broker / "queue"),
        "processed_folder": str(broker / "processed"), "store_processed": False,
        "control_folder": str(broker / "control"),
    }
    return Target(queue, var_dir, "filesystem://", options, f"file://{broker / 'results'}")


def retarget(target: Target | None):
    """Make this process's Celery app publish to `target` (None: back to the settings)."""
    from config.celery import app

    conf = app.conf
    if target is None:
        conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        conf.broker_url = settings.CELERY_BROKER_URL
        conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        conf.result_backend = settings.CELERY_RESULT_BACKEND
    else:
        conf.task_default_queue = target.queue
        conf.broker_url = target.broker_url
        conf.broker_transport_options = target.transport_options
        conf.result_backend = target.result_backend
    # kombu keeps one pool per broker address in a global registry: dropping the app's reference is enough (closing
    # it would leave a closed pool in the registry for the next test with the same address).
    app._pool = None
    app.__dict__.pop("amqp", None)
    app._backend_cache = None
    app._local = threading.local()


# --- The worker ---------------------------------------------------------------------------------------------


class Worker:
    """`celery -A config worker` (prefork, 2 processes) in a process group of its own, so that a kill takes the
    whole worker, the way an out-of-memory kill or a power cut would."""

    # Seconds (PORTAL_MAIL_CLAIM_TIMEOUT, and PORTAL_MAIL_REQUEUE_AFTER): a claim not refreshed for this long, and a
    # pending email handed over this long ago, are taken back by the next pass.
    CLAIM_TIMEOUT = 8

    def __init__(self, target: Target, *, email_url: str, extra_env: dict | None = None):
        self.target = target
        self.email_url = email_url
        self.extra_env = extra_env or {}
        self.process = None
        self.log_path = target.var_dir / f"worker-{target.queue}.log"
        self.starts = 0

    def env(self) -> dict:
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        env.update({
            "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(self.target.var_dir),
            "CELERY_TASK_DEFAULT_QUEUE": self.target.queue, "EMAIL_URL": self.email_url,
            "SITE_URL": settings.SITE_URL, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO",
            # Small numbers so the tests see retakes and retries within seconds.
            "PORTAL_MAIL_CLAIM_TIMEOUT": str(self.CLAIM_TIMEOUT), "PORTAL_MAIL_REQUEUE_AFTER": str(self.CLAIM_TIMEOUT),
            "PORTAL_MAIL_RETRY_BASE": "0.5",
            "PORTAL_MAIL_RETRY_MAX": "2",
        })
        if self.target.broker_url.startswith("redis"):
            env["REDIS_URL"] = self.target.broker_url
        if database_url():
            env["DATABASE_URL"] = database_url()
        env.update(self.extra_env)
        return env

    def start(self, *, wait: bool = True) -> Worker:
        self.starts += 1
        log = open(self.log_path, "a", encoding="utf-8")
        log.write(f"\n===== start {self.starts} =====\n")
        log.flush()
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "--pool=prefork", "--concurrency=2", "-Q", self.target.queue,
             "-n", f"{self.target.queue}-{self.starts}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        if wait:
            wait_until(self._ready, timeout=60, interval=0.25, what=f"the worker to be ready ({self.log_path})")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log_tail()}")
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text.rsplit(f"===== start {self.starts} =====", 1)[-1].find(" ready.") >= 0

    def kill(self):
        """SIGKILL the worker and its pool processes at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        """The test is over: nothing is left to finish, and killing is what the tests already prove safe."""
        self.kill()

    def finished(self, task_name: str) -> int:
        """How many runs of `task_name` this worker (all its starts) has finished, successfully or not."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return len(re.findall(rf"Task {re.escape(task_name)}\[[^\]]+\] (?:succeeded|raised|retry)", text))

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# --- Data ---------------------------------------------------------------------------------------------------


def people_with_tasks(*, units: int, members: int, tasks: int, deadline: datetime.date, prefix: str = "r"):
    """`units` units (no unit mailbox), each with `members` people and `tasks` open tasks due on `deadline`,
    given in January. Returns {user_id: set of task ids that person should hear about}."""
    from django.contrib.auth import get_user_model

    from tasks.models import Assignment, Task

    from units.models import Membership, Unit

    User = get_user_model()
    made_units = Unit.objects.bulk_create(
        [Unit(name=f"Đơn vị thử tải {prefix}{n}", code=f"{prefix.upper()}{n:04d}", email="") for n in range(units)]
    )
    people = User.objects.bulk_create([
        User(username=f"{prefix}{u}_{m}", email=f"{prefix}{u}_{m}@test.haugiang.example", first_name="Cán bộ",
             last_name=f"{u}.{m}")
        for u in range(units) for m in range(members)
    ])
    Membership.objects.bulk_create([
        Membership(user=people[u * members + m], unit=made_units[u]) for u in range(units) for m in range(members)
    ])
    made_tasks = Task.objects.bulk_create([
        Task(title=f"Nhiệm vụ thử tải {prefix}{u}.{t}", deadline=deadline, original_deadline=deadline)
        for u in range(units) for t in range(tasks)
    ])
    Assignment.objects.bulk_create([
        Assignment(task=made_tasks[u * tasks + t], unit=made_units[u], role=Assignment.Role.LEAD)
        for u in range(units) for t in range(tasks)
    ])
    given = timezone.make_aware(datetime.datetime(deadline.year, 1, 2, 9))
    Task.objects.filter(pk__in=[t.pk for t in made_tasks]).update(created_at=given)
    return {
        people[u * members + m].pk: {made_tasks[u * tasks + t].pk for t in range(tasks)}
        for u in range(units) for m in range(members)
    }


def task_ids_in(text: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"/tasks/(\d+)/", text)}
