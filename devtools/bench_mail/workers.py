"""bench_mail's Celery workers: real processes on the configured broker and a queue of the run's own."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis
from celery import Celery
from django.conf import settings

from ..processes import child_pids, stop_group
from .common import CELERY, BenchError
from .data import database_url





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
        pids = [self.process.pid] + child_pids(self.process.pid)
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
        stop_group(self.process, grace=20)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


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
