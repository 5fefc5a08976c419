"""How busy the machine is: before the run (wait for a quiet machine, within a limit) and during each page (the CPU
used by processes other than the run's own). On a small shared machine another test run doubles a page's time;
these figures say when a measurement cannot be trusted. Linux /proc only; elsewhere they read as unknown."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass


def loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def _cpu_ticks() -> tuple[int, int]:
    """(all ticks, busy ticks) of every core since boot, from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])
    return total, total - idle


def cpu_busy(seconds: float = 3.0) -> float | None:
    """Share of all cores busy over the next `seconds`: unlike the 1-minute load average, it sees at once a test run
    that started a moment ago."""
    try:
        total0, busy0 = _cpu_ticks()
        time.sleep(seconds)
        total1, busy1 = _cpu_ticks()
    except OSError:
        return None
    return 0.0 if total1 == total0 else (busy1 - busy0) / (total1 - total0)


@dataclass
class Quiet:
    load_at_start: tuple[float, float, float]
    busy_at_start: float | None
    waited_s: float
    quiet: bool

    def line(self) -> str:
        busy = "n/a" if self.busy_at_start is None else f"{self.busy_at_start:.0%}"
        return (f"load average at start: {' '.join(f'{x:.2f}' for x in self.load_at_start)}, cores {busy} busy"
                + (f" (waited {self.waited_s:.0f} s)" if self.waited_s >= 1 else "")
                + ("" if self.quiet else "; NOT QUIET: measured anyway"))


def wait_for_quiet(max_load: float, max_busy: float, max_wait: float, poll: float, out) -> Quiet:
    """Wait while the 1-minute load average is above max_load or the cores are busier than max_busy, at most
    max_wait seconds (0: look once, never wait); then measure anyway, and say so."""
    waited = 0.0
    while True:
        load, busy = loadavg(), cpu_busy()
        if load[0] <= max_load and (busy is None or busy <= max_busy):
            return Quiet(load, busy, waited, True)
        if waited + poll > max_wait:
            return Quiet(load, busy, waited, False)
        shown = "n/a" if busy is None else f"{busy:.0%}"
        out(f"load average {load[0]:.2f} (limit {max_load}), cores {shown} busy (limit {max_busy:.0%}): "
            f"waiting {poll:.0f} s")
        time.sleep(poll)
        waited += poll


class CpuWatch:
    """CPU used by processes other than this run's (this process, the gunicorn master and its workers, and the
    PostgreSQL backends serving the measured database) while a page is measured, in cores (1.0 = one core busy
    all the time). A concurrent test run shows up here at once, where the load average lags by a minute."""

    def __init__(self, server_pid: int, dbname: str | None):
        self.server_pid, self.dbname = server_pid, dbname
        self.hz = os.sysconf("SC_CLK_TCK")
        self.available = os.path.exists("/proc/stat")

    def _ours(self) -> dict[int, int]:
        ticks = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                mine = pid in (os.getpid(), self.server_pid) or int(fields[1]) == self.server_pid
                if not mine and self.dbname:
                    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                        title = cmdline.read().decode(errors="replace")
                    mine = title.startswith("postgres:") and f" {self.dbname} " in title
                if mine:
                    ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                continue  # a process that ended between listdir and open
        return ticks

    def start(self) -> None:
        if self.available:
            self.t0, self.busy0, self.ours0 = time.monotonic(), _cpu_ticks()[1], self._ours()

    def stop(self) -> float | None:
        if not self.available:
            return None
        elapsed, busy, ours = time.monotonic() - self.t0, _cpu_ticks()[1] - self.busy0, self._ours()
        own = sum(ticks - self.ours0.get(pid, 0) for pid, ticks in ours.items())
        return max(0.0, (busy - own) / self.hz / max(elapsed, 1e-6))
