"""The processes a benchmark starts and measures: stopping one started in a process group of its own
(start_new_session=True), finding a worker's pool processes, and a process's resident memory and its high-water mark
(Linux /proc; reset to the current size before a measurement)."""
from __future__ import annotations

import os
import signal
import resource
import subprocess
from pathlib import Path


def stop_group(process: subprocess.Popen | None, grace: float) -> None:
    """SIGTERM to the process's own pid (a graceful stop: it finishes what it holds and stops what it forked), then,
    after at most `grace` seconds, SIGKILL to its process group, which holds only the processes it forked."""
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(timeout=10)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a Celery worker's pool processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _status_kb(pid, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))


def high_water_kb(pid: str | int = "self") -> int:
    """The process's peak resident size since it started or since reset_high_water (getrusage's maxrss, which
    Linux keeps across exec, where /proc cannot be read)."""
    try:
        return _status_kb(pid, "VmHWM:")
    except (OSError, StopIteration, ValueError):
        if pid != "self":
            raise
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def resident_kb(pid: str | int = "self") -> int:
    return _status_kb(pid, "VmRSS:")


def reset_high_water(pid: str | int = "self") -> None:
    """The high-water mark back to the current resident size (where the kernel allows it)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
