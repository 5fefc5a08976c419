"""/healthz: does the database answer, does the broker answer. For load balancers and monitoring.

200 {"database": "ok", "broker": "ok"}; 503 with "error" beside whichever failed. Nothing else is said (the reason
goes to the server log), no login is needed, and each check gives up after HEALTH_CHECK_TIMEOUT seconds.
"""
from __future__ import annotations

import logging
import os
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

log = logging.getLogger("portal.health")

# Seconds each check may take; the whole probe stays under about twice this.
TIMEOUT = float(os.environ.get("HEALTH_CHECK_TIMEOUT") or 1.5)


def check_database(alias: str = "default") -> None:
    """Open a fresh connection (the pool may hide a dead server) and run SELECT 1, with bounded timeouts."""
    params = dict(connections[alias].settings_dict)
    options = dict(params.get("OPTIONS") or {})
    vendor_engine = params["ENGINE"]
    if "postgresql" in vendor_engine:
        options["connect_timeout"] = max(1, round(TIMEOUT))
        statement_timeout = f"-c statement_timeout={int(TIMEOUT * 1000)}"
        options["options"] = f"{options.get('options', '')} {statement_timeout}".strip()
    elif "sqlite" in vendor_engine:
        options["timeout"] = TIMEOUT
        options.pop("init_command", None)  # no PRAGMA write for a read-only probe
    params["OPTIONS"] = options
    params["CONN_MAX_AGE"] = 0
    wrapper = connections[alias].__class__(params, alias)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


def check_broker() -> None:
    """Connect to the Celery broker with the settings' URL and transport options, once, with a timeout."""
    transport_options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "sentinel://")):
        transport_options.update(socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
    with Connection(url, transport_options=transport_options, connect_timeout=TIMEOUT) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT)
        channel = connection.default_channel
        client = getattr(channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()  # Redis: the connection above may be lazy; a PING proves the server answers
        folder = transport_options.get("data_folder_in")
        if url.startswith("filesystem") and folder and not os.access(folder, os.R_OK | os.W_OK):
            raise OSError("the broker folder is not readable and writable")


CHECKS = {"database": check_database, "broker": check_broker}


@login_not_required  # for load balancers: no session, no second factor (accounts.security.TwoFactorMiddleware)
@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # any failure is a failed check; the reason is logged, not shown
            results[name] = "error"
            log.warning("health check %s failed after %.2fs: %s: %s", name, time.monotonic() - started,
                        type(error).__name__, error)
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(results, status=200 if healthy else 503)
