"""`manage.py bench_mail` end to end at a tiny size: two real Celery workers, a real SMTP server, the daily sweep
published as beat publishes it; every digest arrives once and the run leaves nothing behind."""
import io
import re

import pytest
from django.core.management import call_command

from notifications.models import Notification, OutgoingEmail

from tasks.models import Task

from units.models import Unit

pytestmark = pytest.mark.worker

LAST_LINE = re.compile(
    r"bench_mail: digests=20 workers=2 rate_per_s=(?P<rate>[\d.]+) elapsed_s=(?P<elapsed>[\d.]+) "
    r"duplicates=(?P<duplicates>\d+) lost=(?P<lost>\d+)"
)


def test_bench_mail_delivers_twenty_digests_once_each_through_two_real_workers_and_cleans_up(transactional_db):
    out = io.StringIO()

    call_command("bench_mail", "--digests", "20", "--in-place", "--timeout", "90", stdout=out)

    lines = out.getvalue().strip().splitlines()
    figures = LAST_LINE.fullmatch(lines[-1])
    assert figures, lines[-1]
    assert figures["duplicates"] == "0" and figures["lost"] == "0"
    assert float(figures["rate"]) > 0 and float(figures["elapsed"]) > 0
    assert "outbox: {'sent': 20}" in out.getvalue()  # the ledger agrees with the SMTP server
    assert "unexpected messages: 0" in out.getvalue()
    # What the run made in the database is gone again.
    assert not Task.objects.exists() and not Unit.objects.filter(code__startswith="BMAIL").exists()
    assert not OutgoingEmail.objects.exists() and not Notification.objects.exists()


def test_bench_mail_refuses_to_run_in_a_database_that_holds_real_work(transactional_db):
    from django.core.management.base import CommandError

    from tests.factories import TaskFactory

    TaskFactory()

    with pytest.raises(CommandError, match="--in-place needs a database with no task and no mail"):
        call_command("bench_mail", "--digests", "5", "--in-place", stdout=io.StringIO())
    assert Task.objects.count() == 1
