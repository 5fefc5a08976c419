"""/healthz (a contract): 200 when the database and the broker answer, 503 naming the one that failed."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.test import Client

from core import health as views_health

pytestmark = pytest.mark.django_db


def probe(**extra):
    return Client().get("/healthz", **extra)


def test_everything_up_is_200_with_both_ok():
    response = probe()
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "ok"}


def test_it_needs_no_login_sets_no_cookie_and_is_never_cached():
    response = probe()
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_dead_broker_is_503_naming_the_broker(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = probe()
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "error"}


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word (a hung Redis or PostgreSQL)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hung_broker_is_reported_within_the_timeout(settings, silent_server):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    response = probe()
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and json.loads(response.content)["broker"] == "error"
    assert elapsed < 2 * views_health.TIMEOUT + 1.5, f"the probe took {elapsed:.1f}s"


def test_the_reason_is_logged_not_shown(settings, caplog):
    settings.CELERY_BROKER_URL = "redis://:hunter2-password@127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = probe()
    assert set(json.loads(response.content)) == {"database", "broker"}
    assert b"refused" not in response.content.lower() and b"127.0.0.1" not in response.content
    assert any(record.name == "portal.health" for record in caplog.records)
    assert "hunter2-password" not in caplog.text


def test_it_is_not_redirected_to_https_but_pages_are(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert probe().status_code == 200
    assert Client().get("/accounts/login/").status_code == 301


def test_with_a_bogus_database_and_redis_in_production_both_are_named(tmp_path):
    """The whole stack in a fresh process with production settings and nothing answering."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='portal.example', secure=True);"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ, "DEBUG": "0", "SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/portal_nowhere", "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(tmp_path),
    }
    started = time.monotonic()
    result = subprocess.run(  # nosec B603: our own interpreter and a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True,
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"database": "error", "broker": "error"}
    assert time.monotonic() - started < 30
