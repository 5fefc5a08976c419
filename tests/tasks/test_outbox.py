"""The office's outbox (/outbox/): what was sent, to whom and when; what failed and why; send again."""
import datetime
import smtplib

import pytest
from django.core import mail as django_mail

from notifications import delivery, queue, sweep
from notifications.models import OutgoingEmail
from tests.factories import UnitFactory, leader, member, office_user, standing_user

from .test_reminders_ledger import DEADLINE, T_MINUS_7, RefusingBackend, task_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    handed = []
    monkeypatch.setattr(queue, "enqueue", lambda ids: handed.extend(ids) or len(list(ids)))
    return handed


@pytest.fixture
def two_emails():
    """Two digests of 11 March 2026: one sent, one refused for good by the mail server."""
    unit = UnitFactory(email="")
    received, bounced = member(unit, email="nhan@test.example"), member(unit, email="sai-dia-chi@test.example")
    task_due(DEADLINE, lead=unit, title="Xây dựng Đề án chuyển đổi số")
    sweep.sweep(T_MINUS_7)
    sent = OutgoingEmail.objects.get(recipient=received)
    failed = OutgoingEmail.objects.get(recipient=bounced)
    delivery.deliver(sent.pk)
    refused = smtplib.SMTPRecipientsRefused({bounced.email: (550, b"5.1.1 User unknown")})
    delivery.deliver(failed.pk, connection=RefusingBackend(refused))
    return sent, failed


def test_the_office_sees_what_was_sent_to_whom_and_what_failed_and_why(client, two_emails):
    client.force_login(office_user())

    page = client.get("/outbox/").content.decode()

    assert "nhan@test.example" in page and "sai-dia-chi@test.example" in page
    assert "Đã gửi" in page and "Gửi lỗi" in page
    assert "5.1.1 User unknown" in page
    assert "11/03/2026" in page


def test_the_outbox_filters_by_status(client, two_emails):
    client.force_login(office_user())

    page = client.get("/outbox/?status=failed").content.decode()

    assert "sai-dia-chi@test.example" in page and "nhan@test.example" not in page


def test_one_email_shows_its_message_id_and_text(client, two_emails):
    sent, _failed = two_emails
    client.force_login(office_user())

    page = client.get(f"/outbox/{sent.pk}/").content.decode()

    assert sent.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Xây dựng Đề án chuyển đổi số" in page


@pytest.mark.parametrize("who", ["standing committee", "unit leader", "unit officer"])
def test_nobody_but_the_office_finds_the_outbox(client, two_emails, who):
    sent, failed = two_emails
    unit = UnitFactory()
    user = {"standing committee": standing_user, "unit leader": lambda: leader(unit),
            "unit officer": lambda: member(unit)}[who]()
    client.force_login(user)

    assert client.get("/outbox/").status_code == 404
    assert client.get(f"/outbox/{sent.pk}/").status_code == 404
    assert client.post(f"/outbox/{failed.pk}/resend/").status_code == 404
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/outbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_resend_puts_the_failed_email_back_in_the_queue_and_it_goes_out(
    client, two_emails, no_broker, django_capture_on_commit_callbacks
):
    _sent, failed = two_emails
    client.force_login(office_user())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/outbox/{failed.pk}/resend/")

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.PENDING
    assert failed.pk in no_broker  # handed to the workers once the request's transaction committed
    assert delivery.deliver(failed.pk).status == "sent"
    assert [m.to for m in django_mail.outbox] == [["nhan@test.example"], ["sai-dia-chi@test.example"]]


def test_resend_is_a_post(client, two_emails):
    _sent, failed = two_emails
    client.force_login(office_user())

    assert client.get(f"/outbox/{failed.pk}/resend/").status_code == 405
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED


def test_emails_written_to_files_in_the_embedded_mode_are_listed_in_the_outbox(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    unit = UnitFactory(email="")
    officer = member(unit)
    task_due(DEADLINE, lead=unit)
    [email_id] = sweep.sweep(T_MINUS_7).emails_planned

    assert delivery.deliver(email_id).status == "sent"

    [written] = list((tmp_path / "mail").iterdir())
    assert f"<digest.{T_MINUS_7:%Y%m%d}.user{officer.pk}@" in written.read_text()
    client.force_login(office_user())
    assert officer.email in client.get("/outbox/?status=sent").content.decode()
