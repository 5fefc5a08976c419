"""Two-factor login: required for the admin when switched on, optional for everyone else."""
import re
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, office_user, standing_user
from tests.security.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture
def require_2fa(settings):
    settings.PORTAL_ADMIN_REQUIRE_2FA = True


def login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password login itself should succeed"
    return response


def test_staff_without_a_phone_app_are_sent_to_enrol_before_the_admin(client, require_2fa):
    client.force_login(office_user())
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_staff_with_a_phone_app_must_type_a_code_before_the_admin(client, require_2fa, enrolled):
    user = standing_user()
    enrolled(user)
    client.force_login(user)
    response = client.get(ADMIN + "auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


def test_a_correct_code_opens_the_admin_for_the_rest_of_the_session(client, require_2fa, enrolled):
    user = office_user()
    device = enrolled(user)
    client.force_login(user)
    key_before = client.session.session_key
    response = client.post(reverse("otp_verify"), {"token": totp_now(device), "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.session.session_key != key_before, "the session key is renewed when it gains the second factor"
    assert client.get(ADMIN).status_code == 200
    assert client.get(ADMIN + "auth/user/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_in_vietnamese(client, require_2fa, enrolled):
    user = office_user()
    device = enrolled(user)
    client.force_login(user)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"token": wrong, "next": ADMIN})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_the_code_page_does_not_send_people_to_another_site_afterwards(client, require_2fa, enrolled):
    user = office_user()
    device = enrolled(user)
    client.force_login(user)
    response = client.post(reverse("otp_verify"), {"token": totp_now(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_code_cannot_be_used_twice(client, require_2fa, enrolled):
    user = office_user()
    device = enrolled(user)
    token = totp_now(device)
    client.force_login(user)
    assert client.post(reverse("otp_verify"), {"token": token})["Location"] == "/"
    other = client.__class__()
    other.force_login(user)
    response = other.post(reverse("otp_verify"), {"token": token})
    assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()


def test_with_the_switch_off_staff_reach_the_admin_with_a_password_alone(client, settings):
    settings.PORTAL_ADMIN_REQUIRE_2FA = False
    client.force_login(office_user())
    assert client.get(ADMIN).status_code == 200


def test_the_switch_is_on_by_default_in_production_and_off_with_debug(tmp_path):
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.PORTAL_ADMIN_REQUIRE_2FA)"
    base = {k: v for k, v in os.environ.items() if k not in ("PORTAL_ADMIN_REQUIRE_2FA",)}
    base.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="portal.example", DJANGO_SETTINGS_MODULE="config.settings",
                PORTAL_VAR_DIR=str(tmp_path))
    outputs = {}
    for debug in ("0", "1"):
        result = subprocess.run(  # nosec B603: our own interpreter and a fixed script
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**base, "DEBUG": debug}, capture_output=True, text=True, timeout=60, check=True,
        )
        outputs[debug] = result.stdout.strip().splitlines()[-1]
    assert outputs == {"0": "True", "1": "False"}


def test_people_without_admin_rights_need_no_phone_app(client, require_2fa):
    client.force_login(UserFactory())
    assert client.get(reverse("tasks:home")).status_code == 200


def test_anyone_who_enrolled_is_asked_for_a_code_after_the_password(client, enrolled):
    user = UserFactory()
    device = enrolled(user)
    login(client, user)
    response = client.get(reverse("tasks:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"token": totp_now(device)})
    assert client.get(reverse("tasks:home")).status_code == 200


def test_enrolment_shows_a_qr_code_drawn_on_the_server_and_a_code_confirms_it(client, require_2fa):
    user = office_user()
    client.force_login(user)
    page = client.get(reverse("otp_setup") + "?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    # Drawn here into the page itself (a data: image), so the secret in the otpauth URL goes to no other server.
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', html)
    assert qr and "secret" not in qr.group(1).lower() and "<svg" in unquote(qr.group(1))
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.post(reverse("otp_setup"), {"token": totp_now(device), "next": ADMIN})
    assert response.status_code == 200 and "Đã bật xác thực hai lớp" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200


def test_a_password_alone_cannot_replace_the_phone_app(client, enrolled):
    user = office_user()
    enrolled(user)
    client.force_login(user)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_office_can_hand_out_an_emergency_code_for_a_lost_phone(client, require_2fa, enrolled, capsys):
    user = office_user()
    enrolled(user)
    call_command("addstatictoken", user.username)
    token = capsys.readouterr().out.strip()
    assert StaticDevice.objects.filter(user=user).exists()
    client.force_login(user)
    client.post(reverse("otp_verify"), {"token": token, "next": ADMIN})
    assert client.get(ADMIN).status_code == 200
