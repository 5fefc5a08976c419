"""`python manage.py send_reminders [--date YYYY-MM-DD] [--sync]` (a contract in DESIGN.md)."""
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command

from notifications import queue
from tests.factories import UnitFactory, member

from .test_reminders_ledger import DEADLINE, T_MINUS_7, task_due

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_with_sync_it_plans_sends_and_says_so_and_a_second_run_sends_nothing_new():
    unit = UnitFactory()
    officers = [member(unit), member(unit)]
    task_due(DEADLINE, lead=unit)

    first = run("--date", T_MINUS_7.isoformat(), "--sync")
    second = run("--date", T_MINUS_7.isoformat(), "--sync")

    assert "date: 2026-03-11 working_day=yes" in first
    assert "planned: reminders=3 emails=3" in first  # two people and the unit's mailbox
    assert "sent: 3 skipped: 0" in first
    assert "planned: reminders=0 emails=0" in second
    assert "sent: 0" in second and "already_sent_today: 3" in second
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted([unit.email] + [o.email for o in officers])


def test_without_sync_it_hands_the_emails_to_the_workers(monkeypatch):
    handed = []
    monkeypatch.setattr(queue, "enqueue", lambda ids: handed.extend(ids) or len(list(ids)))
    unit = UnitFactory(email="")
    member(unit)
    task_due(DEADLINE, lead=unit)

    output = run("--date", T_MINUS_7.isoformat())

    assert "planned: reminders=1 emails=1" in output
    assert "enqueued: 1 of 1 waiting" in output
    assert len(handed) == 1 and django_mail.outbox == []


def test_a_day_off_plans_no_email():
    unit = UnitFactory()
    member(unit)
    task_due(DEADLINE, lead=unit)

    output = run("--date", "2026-03-14", "--sync")

    assert "working_day=no" in output and "planned: reminders=0 emails=0" in output
    assert django_mail.outbox == []


def test_a_malformed_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "14/03/2026")
