"""The shared cache (Redis on REDIS_URL) asked through a small circuit breaker.

A cache that is down answers at once (connection refused), but a frozen one (a stopped process, a half-open
connection) makes every read and write wait for the socket timeout: a second or more on every page that uses it, and
with a few people on those pages every web worker is held. After one failure this process stops asking the cache
for PORTAL_CACHE_COOLDOWN seconds, then tries again with the next request: a frozen Redis costs one request in a
cooldown about a second, not every request. The callers work without the cache (they build what it would have held).
"""
from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

MISSING = object()  # what `get` answers when the cache did not (failed, or skipped while the breaker is open)


class Breaker:
    """Open (skip the cache) for a cooldown after a failure; closed again once the cooldown has passed."""

    def __init__(self):
        self.open_until = 0.0
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, what: str) -> None:
        with self.lock:
            if not self.is_open():
                logger.warning("The shared cache did not answer (%s): not asked again for %s s.", what,
                               settings.PORTAL_CACHE_COOLDOWN, exc_info=True)
            self.open_until = time.monotonic() + settings.PORTAL_CACHE_COOLDOWN

    def reset(self) -> None:
        self.open_until = 0.0


breaker = Breaker()


def get(key: str):
    """The cached value (None when there is none), or MISSING when the cache did not answer or is not asked."""
    if breaker.is_open():
        return MISSING
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any backend error: the caller goes on without the cache
        breaker.trip("get")
        return MISSING


def set(key: str, value, timeout: float) -> bool:  # noqa: A001 - the cache's own word
    if breaker.is_open():
        return False
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        breaker.trip("set")
        return False
    return True
