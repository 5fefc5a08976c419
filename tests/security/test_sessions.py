"""RELIABILITY row 9: CSRF missing, session replay after logout, session key at login, idle expiry.

The expiry is pushed forward at most once a minute (config/sessions.py): the timeout holds within a minute.
"""
import datetime
import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import REFRESH_SECONDS, SEEN_KEY
from tests.factories import UserFactory
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SESSION_COOKIE = django_settings.SESSION_COOKIE_NAME


def signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_login_without_the_csrf_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_change_without_the_csrf_token_is_refused_and_the_session_survives():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Mat-khau-moi-2024!", "new_password2": "Mat-khau-moi-2024!",
    })
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "nothing was changed"


def test_a_form_with_its_csrf_token_is_accepted():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD,
                                             "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302


def test_the_session_cookie_is_replaced_at_login():
    user = UserFactory()
    client = Client()
    # A visitor arrives with a session (a planted one, say) and then signs in.
    session = client.session
    session["planted"] = True
    session.save()
    before = client.cookies[SESSION_COOKIE].value
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    after = client.cookies[SESSION_COOKIE].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists(), "the old key opens nothing any more"


def test_a_session_cookie_copied_before_logout_opens_nothing_afterwards():
    user = UserFactory()
    client = signed_in(user)
    stolen = client.cookies[SESSION_COOKIE].value
    assert client.get(reverse("tasks:home")).status_code == 200
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies[SESSION_COOKIE] = stolen
    response = replay.get(reverse("tasks:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_left_idle_past_the_timeout_has_expired(settings):
    user = UserFactory()
    client = signed_in(user)
    key = client.cookies[SESSION_COOKIE].value
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle <= datetime.timedelta(minutes=30)
    # Nobody touched it for the whole timeout: the server-side expiry has passed.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("tasks:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def last_active(key, seconds_ago: int, *, expires_in: datetime.timedelta):
    """Make the stored session look as if its last recorded request was `seconds_ago` and its expiry that far."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)
    store[SEEN_KEY] = int(time.time()) - seconds_ago
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + expires_in)


def session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries
            if "django_session" in query["sql"] and not query["sql"].lstrip().upper().startswith("SELECT")]


def test_a_request_a_minute_after_the_last_pushes_the_idle_timeout_forward(settings):
    user = UserFactory()
    client = signed_in(user)
    key = client.cookies[SESSION_COOKIE].value
    last_active(key, REFRESH_SECONDS, expires_in=datetime.timedelta(minutes=1))
    assert client.get(reverse("tasks:home")).status_code == 200
    expires = Session.objects.get(session_key=client.cookies[SESSION_COOKIE].value).expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_second_request_within_the_minute_writes_nothing_to_the_session():
    client = signed_in(UserFactory())
    key = client.cookies[SESSION_COOKIE].value
    last_active(key, REFRESH_SECONDS - 5, expires_in=datetime.timedelta(minutes=29))
    before = Session.objects.get(session_key=key).expire_date
    assert session_writes(client, reverse("tasks:home")) == []
    assert Session.objects.get(session_key=key).expire_date == before
    # A minute after the recorded activity, the next request records it again and pushes the expiry.
    last_active(key, REFRESH_SECONDS + 1, expires_in=datetime.timedelta(minutes=29))
    assert session_writes(client, reverse("tasks:home")) != []
    assert Session.objects.get(session_key=key).expire_date > before


def test_the_first_pages_after_signing_in_write_nothing_to_the_session():
    client = signed_in(UserFactory())  # the login saved the session, with the time of the login
    assert session_writes(client, reverse("tasks:home")) == []
    assert session_writes(client, reverse("tasks:list")) == []


def test_a_session_idle_past_the_timeout_expires_even_when_its_last_request_was_recent():
    client = signed_in(UserFactory())
    key = client.cookies[SESSION_COOKIE].value
    # Recorded activity within the minute, so no write is due: the stored expiry alone still ends the session.
    last_active(key, 10, expires_in=-datetime.timedelta(seconds=1))
    response = client.get(reverse("tasks:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists()


def test_an_anonymous_visitor_gets_no_session_stored():
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    assert SESSION_COOKIE not in client.cookies
    assert not Session.objects.exists()


def test_logging_out_leaves_no_session_behind():
    client = signed_in(UserFactory())
    key = client.cookies[SESSION_COOKIE].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.cookies[SESSION_COOKIE].value == ""
    assert not Session.objects.exists()


def test_cookies_are_secure_httponly_and_samesite_in_production(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"), secure=True)
    client.post(reverse("login"), {"username": UserFactory().username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": str(page.context["csrf_token"])}, secure=True,
                HTTP_REFERER="https://testserver/accounts/login/")
    for name in (SESSION_COOKIE, django_settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name
