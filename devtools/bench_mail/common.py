"""What the parts of bench_mail share: the run's tags, ports and time limits, and its error."""
from __future__ import annotations

import sys
from pathlib import Path

PORTS = range(2600, 2700)
MEMBERS_PER_UNIT = 5
TASKS_PER_UNIT = 2
CODE_PREFIX = "BMAIL"
USERNAME_PREFIX = "bench_mail."
READY_TIMEOUT = 90
GRACE = 1.0
CELERY = Path(sys.executable).with_name("celery")


class BenchError(Exception):
    pass
