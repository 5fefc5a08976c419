"""RELIABILITY row 10: 200 wrong passwords for one account are locked out within the limit, with a way back."""
import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, office_user
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return 5


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_two_hundred_wrong_passwords_are_stopped_at_the_configured_limit(client, limit):
    user = UserFactory()
    statuses = [attempt(client, user.username, f"wrong-{n}").status_code for n in range(200)]
    assert statuses[: limit - 1] == [200] * (limit - 1), "the first failures show the login form again"
    assert statuses[limit - 1:] == [429] * (200 - limit + 1), "from the limit on, every attempt is refused"
    # Locked means locked: even the right password is refused now, and nobody is signed in.
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_what_happened_in_vietnamese(client, limit):
    user = UserFactory()
    for n in range(limit):
        response = attempt(client, user.username, f"wrong-{n}")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in html and "15 phút" in html and "Văn phòng Tỉnh ủy" in html
    assert user.username not in html, "the page does not confirm which account exists"


def test_the_lockout_is_per_account_and_address(client, limit):
    victim, colleague = UserFactory(), UserFactory()
    for n in range(limit):
        attempt(client, victim.username, f"wrong-{n}")
    assert attempt(Client(), colleague.username, PASSWORD).status_code == 302, "another account still signs in"
    assert attempt(Client(), victim.username, PASSWORD, ip="198.51.100.20").status_code == 302, (
        "the owner at another address still signs in: an attacker cannot lock a colleague out of the office"
    )


def test_the_lockout_ends_by_itself_after_the_cool_off(client, limit):
    user = UserFactory()
    for n in range(limit):
        attempt(client, user.username, f"wrong-{n}")
    assert attempt(client, user.username, PASSWORD).status_code == 429
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=past)
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_the_office_unlocks_an_account_in_the_admin(client, limit, settings):
    settings.PORTAL_ADMIN_REQUIRE_2FA = False
    user = UserFactory()
    for n in range(limit):
        attempt(Client(), user.username, f"wrong-{n}")
    locked = AccessAttempt.objects.get(username=user.username)
    office = Client()
    office.force_login(office_user())
    listing = office.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and user.username in listing.content.decode()
    response = office.post(reverse("admin:axes_accessattempt_delete", args=[locked.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_an_operator_unlocks_an_account_from_the_command_line(client, limit):
    user = UserFactory()
    for n in range(limit):
        attempt(client, user.username, f"wrong-{n}")
    call_command("axes_reset_username", user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_mistakes(client, limit):
    user = UserFactory()
    for n in range(limit - 1):
        attempt(client, user.username, f"wrong-{n}")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for n in range(limit - 1):
        assert attempt(client, user.username, f"again-{n}").status_code == 200
