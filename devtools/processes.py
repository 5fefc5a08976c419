"""Stopping a child process that a benchmark started in a process group of its own (start_new_session=True)."""
from __future__ import annotations

import os
import signal
import subprocess


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
