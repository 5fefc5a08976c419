"""Profile the unit task list as `manage.py bench` requests it (docs/benchmarks.md, "Unit list under 50 ms").

    DEBUG=0 PORTAL_DEVTOOLS=1 SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1,testserver \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
    .venv/bin/python scripts/profile_list.py [--requests 50] [--profile] [--url /tasks/?...] [--sort tottime]

The leader the bench uses (a second-level unit with ~25 sub-units), django.test.Client with force_login, the
whole middleware stack, secure=True as behind the TLS proxy. Prints wall p50/p95 and the CPU time per request
(time.process_time: the less noisy figure on a shared machine), the floor (devtools.bench.floor_view) measured the
same way, and with --profile the cProfile top functions over as many more requests (CPU time; --wall for
wall). Reads only; the data set must be there already (manage.py generate_load).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
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
from django.test import Client, RequestFactory, override_settings  # noqa: E402

from devtools import bench  # noqa: E402


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def timed(call, requests):
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def line(name, wall, cpu):
    return (f"{name:<6} wall p50 {statistics.median(wall):6.1f} ms  p95 {percentile(wall, 0.95):6.1f} ms   "
            f"cpu p50 {statistics.median(cpu):6.1f} ms  mean {statistics.mean(cpu):6.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--wall", action="store_true", help="profile wall time (default: CPU time, process_time)")
    parser.add_argument("--url", default="/tasks/?" + urlencode(bench.LIST_FILTER, doseq=True))
    parser.add_argument("--htmx", action="store_true", help="send HX-Request (the results partial only)")
    parser.add_argument("--office", action="store_true", help="as the office instead of the unit leader")
    options = parser.parse_args()

    ctx = bench.build_context()
    user = ctx.office if options.office else ctx.leader
    headers = {"HTTP_HX_REQUEST": "true"} if options.htmx else {}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = Client()
        client.force_login(user)

        def page():
            response = client.get(options.url, secure=True, **headers)
            assert response.status_code == 200, response.status_code
            return response

        factory = RequestFactory()

        def floor():
            for attr in ("_portal_scope", "_portal_group_names"):
                user.__dict__.pop(attr, None)
            request = factory.get("/bench/floor/")
            request.user = user
            bench.floor_view(request)

        for _ in range(5):
            size = len(page().content)
            floor()
        print(f"{options.url} as {user.get_username()} ({size} bytes); load average {os.getloadavg()}")
        floor_wall, floor_cpu = timed(floor, options.requests)
        wall, cpu = timed(page, options.requests)
        print(line("page", wall, cpu))
        print(line("floor", floor_wall, floor_cpu))
        print(f"ratio p95 {percentile(wall, 0.95) / percentile(floor_wall, 0.95):.2f}  "
              f"cpu {statistics.median(cpu) / statistics.median(floor_cpu):.2f}")
        if options.profile:
            # CPU time by default: waiting for PostgreSQL (on a machine shared with other work) is not the page's CPU.
            profiler = cProfile.Profile() if options.wall else cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(options.requests):
                page()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
