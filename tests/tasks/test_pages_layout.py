"""The frame of every page: navigation by role, the language switch, dates, the sign-in pages, the error pages."""
import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tests.factories import TaskFactory, UnitFactory, UserFactory, leader, member, office_user, standing_user

pytestmark = pytest.mark.django_db


def page(client, url="/", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_has_landmarks_a_skip_link_the_language_and_the_csrf_header_for_htmx(client):
    client.force_login(member(UnitFactory()))
    html = page(client)
    assert '<html lang="vi">' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert "<header>" in html and "<nav " in html and "<footer" in html
    assert re.search(r"""hx-headers='\{"X-CSRFToken": "[^"]+"\}'""", html)
    # Everything from this server: offices often work without internet.
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html and "/static/vendor/htmx/htmx.min.js" in html


def test_no_inline_style_or_script_that_the_content_security_policy_would_block(client):
    unit = UnitFactory()
    task = TaskFactory(lead=unit)
    client.force_login(leader(unit))
    for url in ("/", "/tasks/", task.get_absolute_url(), "/resolutions/"):
        html = page(client, url)
        assert " style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url


@pytest.mark.parametrize("who, sees_admin", [("office", True), ("standing", True), ("leader", False),
                                             ("officer", False)])
def test_the_admin_link_is_for_the_office_and_the_standing_committee_only(client, who, sees_admin):
    unit = UnitFactory()
    user = {"office": office_user, "standing": standing_user, "leader": lambda: leader(unit),
            "officer": lambda: member(unit)}[who]()
    client.force_login(user)
    assert ('href="/admin/"' in page(client)) is sees_admin


def test_the_overview_link_is_for_leaders_not_officers(client):
    unit = UnitFactory()
    client.force_login(leader(unit))
    assert 'href="/dashboard/"' in page(client)
    client.force_login(member(unit))
    assert 'href="/dashboard/"' not in page(client)


def test_logging_out_is_a_post_form(client):
    client.force_login(member(UnitFactory()))
    html = page(client)
    assert re.search(r'<form action="/accounts/logout/" method="post">', html)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_vietnamese_even_when_the_browser_asks_for_english(client):
    client.force_login(member(UnitFactory()))
    html = page(client, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in html and "Trang chủ" in html


def test_the_language_switch_gives_english_and_dates_stay_dd_mm_yyyy(client):
    unit = UnitFactory()
    TaskFactory(lead=unit, title="Báo cáo sơ kết", deadline=datetime.date(2030, 6, 30))
    client.force_login(member(unit))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/tasks/"})
    assert response.status_code == 302
    html = page(client, "/tasks/")
    assert '<html lang="en">' in html
    assert "Home" in html and "Deadline" in html and "1 task found" in html
    assert "30/06/2030" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Trang chủ" in page(client)


def test_the_deadline_filter_reads_dd_mm_yyyy_in_english_too(client):
    unit = UnitFactory()
    TaskFactory(lead=unit, title="Tháng sáu", deadline=datetime.date(2030, 6, 30))
    TaskFactory(lead=unit, title="Tháng chín", deadline=datetime.date(2030, 9, 30))
    client.force_login(member(unit))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/tasks/?deadline_to=01/07/2030")
    assert [task.title for task in response.context["tasks"]] == ["Tháng sáu"]


def test_the_login_page_is_vietnamese_with_labelled_fields(client):
    html = page(client, reverse("login"))
    assert "Đăng nhập" in html and "Quên mật khẩu?" in html
    for field in ("id_username", "id_password"):
        assert f'<label class="form-label" for="{field}">' in html
    assert 'autocomplete="current-password"' in html


def test_signing_in_leads_to_home(client):
    UserFactory(username="chuyenvien")
    response = client.post(reverse("login"), {"username": "chuyenvien", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_is_said_in_vietnamese(client):
    UserFactory(username="chuyenvien")
    html = client.post(reverse("login"), {"username": "chuyenvien", "password": "sai"}).content.decode()
    assert "alert-danger" in html
    assert "Tên đăng nhập" in html


def test_the_password_reset_email_is_in_vietnamese_and_carries_the_link(client):
    UserFactory(username="tuyengiao", email="tuyengiao@haugiang.example", first_name="Tuyên", last_name="Lê Thị")
    client.post(reverse("password_reset"), {"email": "tuyengiao@haugiang.example"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Đặt lại mật khẩu")
    assert "Kính gửi đồng chí Lê Thị Tuyên," in message.body
    assert "/accounts/reset/" in message.body and "tuyengiao" in message.body


def test_the_password_pages_render(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200
    client.force_login(member(UnitFactory()))
    html = page(client, reverse("password_change"))
    assert "Đổi mật khẩu" in html and 'id="id_old_password"' in html
    assert client.get(reverse("password_change_done")).status_code == 200
    html = page(client, reverse("password_reset_confirm", args=["MQ", "set-password"]))
    assert "Đường dẫn không còn hiệu lực" in html


def test_a_missing_page_says_so_in_vietnamese_and_nothing_more(client):
    client.force_login(member(UnitFactory()))
    response = client.get("/tasks/987654/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html
    assert "No task matches" not in html and "Traceback" not in html


def test_timeline_times_are_dd_mm_yyyy_hh_mm_in_local_time(client):
    unit = UnitFactory()
    task = TaskFactory(lead=unit)
    boss = leader(unit)
    report = services.submit_progress_report(task=task, user=boss, text="Đã triển khai", percent=10)
    client.force_login(boss)
    local = timezone.localtime(report.created_at)
    assert local.strftime("%d/%m/%Y %H:%M") in page(client, task.get_absolute_url())
