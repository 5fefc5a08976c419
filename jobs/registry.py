"""What each kind of job writes: the apps that write documents register their kind when they load
(AppConfig.ready), and the worker looks it up by the name the job carries. This app imports none of them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

# progress(done, total): how many rows (or steps) are done of how many.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Written:
    """What a runner made: the file's name for the person's download and its content type."""

    filename: str
    content_type: str


class Refused(Exception):
    """A runner's refusal, with its reason for the person (in the job's language): the job fails with it."""


# runner(owner, params, out, progress) -> Written: writes the document for `owner` (what they may see when it runs)
# from the page's `params` into the binary file `out`.
Runner = Callable[[Any, dict, IO[bytes], Progress], Written]


@dataclass(frozen=True)
class Kind:
    runner: Runner
    # Where a finished job leads instead of to its file (the import's review), from the job: open_url(job).
    open_url: Callable[[Any], str] | None = None
    # Where a failed job sends the person to start again instead of "make it again": back_url(job).
    back_url: Callable[[Any], str] | None = None
    # Seconds a job of this kind may run (Celery's soft limit; the hard one 30 s later), instead of
    # PORTAL_JOB_TIME_LIMIT.
    time_limit: int | None = None


_kinds: dict[str, Kind] = {}


def register(kind: str, runner: Runner, **options) -> None:
    entry = Kind(runner, **options)
    if _kinds.get(kind, entry) != entry:
        raise ValueError(f"Another runner is already registered for jobs of kind {kind!r}.")
    _kinds[kind] = entry


def kind_of(kind: str) -> Kind | None:
    return _kinds.get(kind)


def runner_for(kind: str) -> Runner | None:
    entry = _kinds.get(kind)
    return entry.runner if entry else None
