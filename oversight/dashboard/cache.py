"""The board and the page's fragments drawn from it, cached for a minute.

The board is built at most once a minute for the same scope, selection, language and day (a cached board costs no
query of its own); the page says when its figures were computed. The tables and the chart data drawn from a board
are cached under the board's key and the instant it was built ({% cached_fragment %} in
oversight.templatetags.dashboard_fragments), so they always show the figures of the board above them. A cache
that fails (Redis down or frozen) only costs the build and the drawing, and after one failure it is left alone for a
while (core.cache): the page never breaks or hangs on it.
"""
from __future__ import annotations

import datetime
import hashlib

from django.utils import translation

from accounts.identity import scope_for
from core import cache as shared_cache
from core.dates import local_today

from .board import Dashboard, build
from .forms import Selection, years_with_work


CACHE_SECONDS = 60
CACHE_VERSION = 3  # bump when Dashboard's fields change, so that no older pickled board is read back
UNAVAILABLE = shared_cache.MISSING  # what read() answers when the cache does not


def read(key: str):
    """The cached value (None when there is none), or UNAVAILABLE when the cache did not answer (core.cache: after
    one failure it is not asked again for a while)."""
    return shared_cache.get(key)


def write(key: str, value) -> bool:
    return shared_cache.set(key, value, CACHE_SECONDS)


def _scope_key(user) -> str:
    scope = scope_for(user)
    if scope.all_units:
        return "all"
    return hashlib.sha256(",".join(map(str, sorted(scope.unit_ids))).encode()).hexdigest()[:32]


def cached_work_years(user, today: datetime.date) -> list[int]:
    """forms.years_with_work, read at most once a minute for the same set of units and day (it decides the
    default period and the drop-down, before the board is looked up)."""
    key = f"dashboard:{CACHE_VERSION}:years:{_scope_key(user)}:{today:%Y%m%d}"
    found = read(key)
    if isinstance(found, list):
        return found
    found_years = years_with_work(user)
    if found is not UNAVAILABLE:
        write(key, found_years)
    return found_years


def cache_key(user, selection: Selection, today: datetime.date) -> str:
    """Keyed by the set of units the person sees (never the person alone: two leaders of the same unit share a
    board, a leader of another unit never gets it), the selection, the language and the day."""
    who = _scope_key(user)
    period = selection.period
    chosen = (f"{period.key}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:"
              f"{selection.document.pk if selection.document else ''}:{selection.group.pk if selection.group else ''}")
    return f"dashboard:{CACHE_VERSION}:{who}:{chosen}:{translation.get_language()}:{today:%Y%m%d}"


def cached_build(user, selection: Selection, today: datetime.date | None = None) -> Dashboard:
    """build(), or the same board built less than CACHE_SECONDS ago."""
    today = today or local_today()
    key = cache_key(user, selection, today)
    found = read(key)
    if isinstance(found, Dashboard):
        return found
    board = build(user, selection, today)
    # A cache that did not answer the read is not asked again for this page: a frozen Redis makes every question
    # wait out its socket timeout.
    if found is not UNAVAILABLE:
        board.cache_key = key
        if not write(key, board):
            board.cache_key = ""
    return board


def fragment_key(board: Dashboard, name: str) -> str:
    """The key of the fragment `name` drawn from `board`: the board's own key and the instant it was built, so a
    rebuilt board never shows the tables of the one before; empty (do not cache) when the board's cache failed."""
    if not board.cache_key or board.built_at is None:
        return ""
    return f"{board.cache_key}:{name}:{board.built_at:%Y%m%d%H%M%S%f}"
