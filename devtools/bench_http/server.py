"""The real server: gunicorn with deploy/gunicorn.conf.py on a free loopback port, with scripts/loadtest.sh's
production-like settings, on the database this process uses and with this process's SECRET_KEY (the sessions
signed in here are signed with it)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from devtools.bench_mail import BenchError, child_database_url

from ..processes import stop_group
from .client import HOST, get

# Not handed down from the command's environment: the server is told its database and paths; it runs on the
# embedded cache and broker (the same in every run: a benchmark that sometimes measured Redis would not compare),
# without devtools, and with gunicorn's settings from its configuration file and the command line only.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "PORTAL_DEVTOOLS", "STATIC_ROOT",
                 "MEDIA_ROOT", "SECURITY_LOG_FILE", "GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS")
# The dashboard built on every request (the page `dashboard_built`): the in-process bench swaps in a dummy cache
# with override_settings; a running server can only be given it in its settings module. It lives in the run's
# temporary folder: production code never sees it.
NO_CACHE_MODULE = "bench_http_no_cache"
NO_CACHE_SETTINGS = (
    "from config.settings import *  # noqa: F401,F403 - the same settings, but for the cache\n"
    "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.dummy.DummyCache'}}\n"
)
BOOT_TIMEOUT = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(work: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        PORTAL_ENV_FILE="",  # the checkout's .env (DEBUG=1 after `make run`) must not fill in what is unset here
        DEBUG="0", SECRET_KEY=settings.SECRET_KEY, DATABASE_URL=child_database_url(), ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",  # plain HTTP on loopback
        PORTAL_ADMIN_REQUIRE_2FA="0",  # the admin reference is measured past the 2FA gate, as devtools.bench does
        STATIC_ROOT=str(work / "static"), PORTAL_VAR_DIR=str(work / "var"), LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning", DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    """With DEBUG off the pages name hashed static files: the manifest must exist before the first page."""
    done = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise BenchError(f"collectstatic failed ({done.returncode}):\n{done.stderr[-3000:]}")


class Server:
    """`python -m gunicorn -c deploy/gunicorn.conf.py <wsgi> --workers W` in a process group of its own."""

    def __init__(self, work: Path, env: dict[str, str], *, workers: int, no_cache: bool = False,
                 name: str | None = None):
        self.name = name or ("no-cache" if no_cache else "server")
        self.env = dict(env)
        if no_cache:
            folder = work / "no_cache_settings"
            folder.mkdir(exist_ok=True)
            (folder / f"{NO_CACHE_MODULE}.py").write_text(NO_CACHE_SETTINGS)
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
            self.env["DJANGO_SETTINGS_MODULE"] = NO_CACHE_MODULE
        self.port = free_port()
        module, _, attribute = settings.WSGI_APPLICATION.rpartition(".")
        conf = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"
        self.command = [sys.executable, "-m", "gunicorn", "-c", str(conf), f"{module}:{attribute}",
                        "--workers", str(workers), "--bind", f"{HOST}:{self.port}", "--access-logfile", "/dev/null"]
        self.log_path = work / f"gunicorn-{self.name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command, cwd=settings.BASE_DIR, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + BOOT_TIMEOUT
        last = "no answer"
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn ({self.name}) exited during start-up:\n"
                                 + "\n".join(self.log_lines()[-20:]))
            try:
                status, _headers, body, _ms = get(self.port, "/healthz", None, 5)
                if status == 200:
                    return self
                last = f"HTTP {status} {body[:200]!r}"
            except OSError as error:
                last = str(error)
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn ({self.name}): /healthz not healthy after {BOOT_TIMEOUT} s: {last}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the master's own pid (a graceful stop of its workers), then SIGKILL to its process group,
        should anything linger."""
        stop_group(self.process, grace=30)

    def log_lines(self) -> list[str]:
        try:
            return [line.rstrip() for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return []
