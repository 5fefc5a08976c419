"""Issue 16, item 3: names and titles with markup in the emails and on the pages that show them.

A task title (a unit leader sets one when delegating), a unit's name or a person's name holding HTML went into the
office's outbox page unescaped: the plain-text body came from an autoescape-off template as a safe string, and
`linebreaksbr` kept it as it was. Every email template is rendered here with hostile names and titles, and every
page that shows an email, its subject or its items is checked: markup arrives as text."""
import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from notifications import queue, sweep
from notifications.messages import build_message
from notifications.models import OutgoingEmail
from tests.factories import UnitFactory, member, office_user, standing_user
from tests.tasks.test_reminders_ledger import DEADLINE, T_MINUS_7, task_due

pytestmark = pytest.mark.django_db

LINK = '<a href="http://evil.example/">Báo cáo chi tiết</a>'
META = '<meta http-equiv="refresh" content="0;url=http://evil.example/">'
# What the hostile values would put into a page as markup (the portal's own links are <a href="http://127.0.0.1…).
TAGS = ('<a href="http://evil', "<meta http-equiv", "<b>Nội vụ", "<img src=x")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda ids: len(list(ids)))


def hostile_emails():
    unit = UnitFactory(name="Sở <b>Nội vụ</b>", email="")
    officer = member(unit, last_name='Nguyễn <img src=x onerror="alert(1)">', first_name="An")
    task_due(DEADLINE, lead=unit, title=f"Rà soát {LINK} {META}")
    # Overdue for long enough to be escalated in the Monday summary of the office and the standing committee.
    task_due(datetime.date(2026, 2, 2), lead=unit, title=f"Quá hạn {LINK}")
    office_user(email="vanphong@test.example")
    standing_user(email="thuongtruc@test.example")
    sweep.sweep(T_MINUS_7)
    monday = datetime.date(2026, 3, 16)
    sweep.weekly_summary(monday)
    digest = OutgoingEmail.objects.get(recipient=officer)
    weeklies = list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.WEEKLY))
    assert weeklies, "the weekly summary must be planned for the office and the standing committee"
    return [digest, *weeklies]


def test_every_email_template_keeps_markup_as_text():
    for email in hostile_emails():
        message, _items = build_message(email)
        html = message.alternatives[0].content
        assert "evil.example" in html  # the title is there ...
        for tag in TAGS:
            assert tag not in html, (email.kind, tag)  # ... as text
        assert "\n" not in message.subject
        assert "Rà soát" in message.body or "Quá hạn" in message.body


def test_the_outbox_pages_show_the_email_as_text(client):
    emails = hostile_emails()
    client.force_login(office_user())
    pages = [client.get(reverse("notifications:outbox")).content.decode()]
    pages += [client.get(reverse("notifications:outbox_detail", args=[email.pk])).content.decode() for email in emails]
    for page in pages:
        for tag in TAGS:
            assert tag not in page, tag
    detail = pages[1]
    assert "&lt;a href=&quot;http://evil.example/&quot;&gt;" in detail  # the office reads what the email says
    assert "&lt;meta http-equiv" in detail


def test_the_inbox_and_the_bell_show_hostile_titles_as_text(client):
    emails = hostile_emails()
    client.force_login(emails[0].recipient)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Rà soát &lt;a href=" in page and "<a href=\"http://evil" not in page
    assert not django_mail.outbox  # nothing was sent by looking
