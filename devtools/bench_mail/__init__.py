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

The package: common (tags, ports, limits), sink (the SMTP server), data (the data set), workers (the Celery
workers and the run's queue), and the run itself here.
"""
from __future__ import annotations

import datetime
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from notifications.models import OutgoingEmail

from .common import GRACE, READY_TIMEOUT, TASKS_PER_UNIT, BenchError
from .data import InPlace, OwnDatabase, bench_day, child_database_url, database_url, prepare  # noqa: F401 (database_url: for the reliability tests; child_database_url: bench_http, bench_jobs)
from .sink import Sink, free_port
from .workers import Broker, Worker, broker_for, forget_queue, publish_sweep




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
