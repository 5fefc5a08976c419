"""Security events are logged on "portal.security", and no password, code or session key ever reaches a log."""
import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests.factories import TaskFactory, UnitFactory, UserFactory, member, office_user
from tests.security.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "Mật-khẩu-Bí-Mật-9Xq!"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: what any handler could have written
    return caplog


def events(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "portal.security"]


def test_logins_failures_lockouts_and_logouts_are_logged(security_log, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="tuyengiao.chuyenvien")
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9")
    client.post(reverse("logout"))
    for _ in range(3):
        client.post(reverse("login"), {"username": user.username, "password": SECRET_PASSWORD})
    lines = events(security_log)
    assert any(line.startswith("event=login user=tuyengiao.chuyenvien") and "ip=198.51.100.9" in line for line in lines)
    assert any(line.startswith("event=logout user=tuyengiao.chuyenvien") for line in lines)
    assert sum(line.startswith("event=login_failed") and "username=tuyengiao.chuyenvien" in line for line in lines) >= 3
    assert any(line.startswith("event=login_locked_out") for line in lines)


def test_no_password_code_or_session_key_reaches_any_log(security_log, settings, enrolled):
    settings.PORTAL_ADMIN_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one
    user = office_user(username="vanphong.test")
    user.set_password(SECRET_PASSWORD)
    user.save()
    device = enrolled(user)
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": "Sai-" + SECRET_PASSWORD})
    client.post(reverse("login"), {"username": user.username, "password": SECRET_PASSWORD})
    token = totp_now(device)
    wrong = f"{(int(token) + 7) % 1_000_000:06d}"
    client.post(reverse("otp_verify"), {"token": wrong})
    client.post(reverse("otp_verify"), {"token": token})
    client.post(reverse("password_change"), {
        "old_password": SECRET_PASSWORD, "new_password1": SECRET_PASSWORD + "2", "new_password2": SECRET_PASSWORD + "2",
    })
    session_key = client.session.session_key
    logged = security_log.text + "\n".join(
        str(getattr(record, "request", "")) + str(record.args) for record in security_log.records
    )
    assert "event=otp_verified" in logged and "event=otp_failed" in logged, "the events themselves were logged"
    assert SECRET_PASSWORD not in logged
    assert token not in logged and wrong not in logged
    assert session_key not in logged
    assert device.key not in logged


def test_group_and_permission_changes_are_logged(security_log):
    user = UserFactory(username="kiemtra.lanhdao")
    group = Group.objects.create(name="Nhóm thử nghiệm")
    user.groups.add(group)
    permission = Permission.objects.get(codename="change_task")
    user.user_permissions.add(permission)
    user.groups.remove(group)
    user.is_staff = True
    user.save()
    lines = events(security_log)
    assert any(line.startswith("event=user_groups_added") and "kiemtra.lanhdao" in line and "Nhóm_thử_nghiệm" in line
               for line in lines)
    assert any(line.startswith("event=user_permissions_added") and "tasks.change_task" in line for line in lines)
    assert any(line.startswith("event=user_groups_removed") for line in lines)
    assert any(line.startswith("event=user_flag_changed") and "flag=is_staff" in line and "after=True" in line
               for line in lines)


def test_a_refused_request_is_logged(security_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="phunghiep.lanhdao"))
    assert client.post(reverse("logout")).status_code == 403
    assert any(line.startswith("event=access_denied user=phunghiep.lanhdao") and "status=403" in line
               for line in events(security_log))


def test_a_look_at_another_units_task_is_logged(security_log):
    task = TaskFactory(lead=UnitFactory())
    client = Client()
    client.force_login(member(UnitFactory(), username="cuuchienbinh.lanhdao"))
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    assert any(line.startswith("event=not_found user=cuuchienbinh.lanhdao") and f"/tasks/{task.pk}/" in line
               for line in events(security_log))


def test_a_forged_username_cannot_write_a_fake_log_line(security_log):
    Client().post(reverse("login"), {"username": "x\nevent=login user=vanphong", "password": "y"})
    failed = [line for line in events(security_log) if line.startswith("event=login_failed")]
    assert failed and all("\n" not in line for line in failed)


def test_a_browser_asking_for_its_icon_is_not_a_security_event(security_log):
    client = Client()
    client.force_login(UserFactory(username="thuongtruc.test"))
    client.get("/favicon.ico")
    assert not [line for line in events(security_log) if line.startswith("event=not_found")]
