"""What each kind of job writes: the apps that write documents register a runner for their kind when they load
(AppConfig.ready), and the worker looks it up by the name the job carries. This app imports none of them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

# progress(done, total): how many rows are written of how many.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Written:
    """What a runner made: the file's name for the person's download and its content type."""

    filename: str
    content_type: str


# runner(owner, params, out, progress) -> Written: writes the document for `owner` (what they may see when it runs)
# from the page's `params` into the binary file `out`.
Runner = Callable[[Any, dict, IO[bytes], Progress], Written]

_runners: dict[str, Runner] = {}


def register(kind: str, runner: Runner) -> None:
    if _runners.get(kind, runner) is not runner:
        raise ValueError(f"A runner is already registered for jobs of kind {kind!r}.")
    _runners[kind] = runner


def runner_for(kind: str) -> Runner | None:
    return _runners.get(kind)
