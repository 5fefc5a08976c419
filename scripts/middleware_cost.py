"""What each middleware costs a page: CPU time per request spent in each middleware itself (not below it).

    DEBUG=0 PORTAL_DEVTOOLS=1 SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1,testserver DATABASE_URL=postgres://... \
    .venv/bin/python scripts/middleware_cost.py [--requests 100] [--url /tasks/?...] [--office]

A probe is put between every two middleware of settings.MIDDLEWARE (and one around the view); each reads
time.process_time() on the way in and out, so a middleware's own cost is the time between the probe above it and
the probe below it, in both directions. Removing middleware one at a time and comparing totals drowns in the
noise of a shared machine; this measures all of them in the same requests. Prints the median per request.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from urllib.parse import urlencode  # noqa: E402

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from devtools import bench  # noqa: E402

MARKS: dict[int, list[float]] = {}


def _probe(index):
    class Probe:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            entered = time.process_time()
            response = self.get_response(request)
            MARKS[index] = [entered, time.process_time()]
            return response

    Probe.__name__ = f"Probe{index}"
    return Probe


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--url", default="/tasks/?" + urlencode(bench.LIST_FILTER, doseq=True))
    parser.add_argument("--office", action="store_true")
    options = parser.parse_args()
    ctx = bench.build_context()
    user = ctx.office if options.office else ctx.leader
    names = list(settings.MIDDLEWARE)
    stack = []
    for index, name in enumerate(names):
        setattr(sys.modules[__name__], f"Probe{index}", _probe(index))
        stack += [f"{__name__}.Probe{index}", name]
    setattr(sys.modules[__name__], f"Probe{len(names)}", _probe(len(names)))
    stack.append(f"{__name__}.Probe{len(names)}")  # around the view (and the template rendering)
    own = {name: [] for name in [*names, "view + template"]}
    totals = []
    with override_settings(MIDDLEWARE=stack, DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = Client()
        client.force_login(user)
        for _ in range(5):
            assert client.get(options.url, secure=True).status_code == 200
        for _ in range(options.requests):
            MARKS.clear()
            started = time.process_time()
            response = client.get(options.url, secure=True)
            totals.append((time.process_time() - started) * 1000)
            assert response.status_code == 200
            spans = [MARKS[i][1] - MARKS[i][0] for i in range(len(names) + 1)]
            for index, name in enumerate(names):
                own[name].append((spans[index] - spans[index + 1]) * 1000)
            own["view + template"].append(spans[-1] * 1000)
    print(f"{options.url} as {user.get_username()}; load average {os.getloadavg()}; "
          f"{options.requests} requests; CPU ms per request (median)")
    print(f"{'whole request (test client included)':<55} {statistics.median(totals):7.2f}")
    for name, values in own.items():
        print(f"{name:<55} {statistics.median(values):7.2f}")


if __name__ == "__main__":
    main()
