"""RELIABILITY.md row 2: Redis stopped while people use the portal and the morning sweep runs.

CI mode only (REDIS_URL set). The test starts a redis-server of its own on a free port, so that stopping it
touches nobody else; the worker and this process (the "web") both use it.
"""
import datetime
import statistics
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from notifications.models import OutgoingEmail

from tasks.models import Task

from units.models import Unit
from tests.factories import office_user
from tests.reliability import harness

from .test_worker_delivery import DAY, DEADLINE, play_beat_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="a Redis outage needs Redis: CI mode only (REDIS_URL)"),
]

OUTAGE_SECONDS = 30
FROZEN_SECONDS = 5
LIMIT_SECONDS = 2.0


class Stopwatch:
    def __init__(self):
        self.timings: list[tuple[str, float]] = []

    def __call__(self, label, call):
        started = time.monotonic()
        response = call()
        self.timings.append((label, time.monotonic() - started))
        status = getattr(response, "status_code", 200)
        assert status < 500, f"{label} answered {status}"
        return response

    def worst(self) -> tuple[str, float]:
        return max(self.timings, key=lambda timing: timing[1])

    def summary(self) -> dict:
        seconds = [s for _label, s in self.timings]
        return {"requests": len(seconds), "max_s": round(max(seconds), 3),
                "median_s": round(statistics.median(seconds), 3), "worst": self.worst()[0]}


def use_the_portal(client, stopwatch, *, unit, seconds, sweep=False):
    """What people do for `seconds`: read pages, save forms that write notices and hand work to the broker."""
    end = time.monotonic() + seconds
    round_ = 0
    while time.monotonic() < end:
        round_ += 1
        stopwatch("GET /notifications/", lambda: client.get("/notifications/"))
        stopwatch("GET /outbox/", lambda: client.get("/outbox/"))
        stopwatch("POST /tasks/new/", lambda: client.post("/tasks/new/", {
            "title": f"Việc giao khi Redis dừng {time.monotonic()}", "lead_unit": unit.pk, "deadline": "2026-12-31",
        }))
        stopwatch("POST /notifications/read/", lambda: client.post("/notifications/read/"))
        if sweep and round_ == 1:
            stopwatch("send_reminders (the morning sweep)",
                      lambda: call_command("send_reminders", "--date", DAY.isoformat(), stdout=StringIO()))
        email = OutgoingEmail.objects.filter(day=DAY).first()
        if email is not None:
            stopwatch("POST /outbox/<pk>/resend/", lambda: client.post(f"/outbox/{email.pk}/resend/"))
        time.sleep(0.3)


def test_redis_down_for_thirty_seconds_no_request_fails_or_hangs_and_every_reminder_goes_out_after(
    portal_worker, smtp_sink, client, tmp_path
):
    redis = harness.RedisServer(tmp_path).start()
    try:
        expected = harness.people_with_tasks(units=10, members=2, tasks=2, deadline=DEADLINE, prefix="o")
        portal_worker(email_url=smtp_sink.url, redis_url=redis.url)
        unit = Unit.objects.order_by("pk").first()
        client.force_login(office_user())
        assert client.get("/outbox/").status_code == 200
        tasks_before = Task.objects.count()

        redis.stop()
        down = Stopwatch()
        use_the_portal(client, down, unit=unit, seconds=OUTAGE_SECONDS, sweep=True)
        redis.start()
        back = time.monotonic()

        label, worst = down.worst()
        assert worst < LIMIT_SECONDS, f"{label} took {worst:.2f}s while Redis was down"
        assert Task.objects.count() > tasks_before  # the saves went through
        assert OutgoingEmail.objects.filter(day=DAY).count() == 20  # the sweep planned every digest

        def day_digests():
            return {m: n for m, n in smtp_sink.by_message_id().items() if f".{DAY:%Y%m%d}." in m}

        play_beat_until(lambda: len(day_digests()) >= 20, timeout=120, what="the digests after Redis returned")
        delivered_after = time.monotonic() - back
        time.sleep(1.5)
        assert len(day_digests()) == 20 and set(day_digests().values()) == {1}
        assert smtp_sink.duplicates() == 0
        for received in smtp_sink.received:
            if f".{DAY:%Y%m%d}." in received.message_id:
                user_id = int(received.message_id.split(".user")[1].split("@")[0])
                assert harness.task_ids_in(received.text) == expected[user_id]

        # Redis alive but not answering (a frozen process, a half-open connection): still no hang.
        redis.freeze()
        frozen = Stopwatch()
        try:
            use_the_portal(client, frozen, unit=unit, seconds=FROZEN_SECONDS)
        finally:
            redis.thaw()
        label, worst_frozen = frozen.worst()
        assert worst_frozen < LIMIT_SECONDS, f"{label} took {worst_frozen:.2f}s while Redis was frozen"

        harness.report(
            "Redis stopped 30 s, then frozen 5 s", stopped=down.summary(), frozen=frozen.summary(),
            digests=len(day_digests()), duplicates=smtp_sink.duplicates(),
            delivered_within_s_after_redis_returned=round(delivered_after, 1),
        )
    finally:
        redis.remove()  # for good: nothing of this process may wait on it in a later test
