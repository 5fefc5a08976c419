"""What a session still waiting for its second factor may open, wherever the portal is mounted: under a sub-path
(the WSGI server's SCRIPT_NAME, or FORCE_SCRIPT_NAME) or with another URLconf. The verify page, the enrolment page,
logout, the language switch and /healthz stay reachable; every other page sends the person to type their code."""
from urllib.parse import quote

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.factories import UserFactory, office_user
from tests.security.conftest import totp_now

pytestmark = pytest.mark.django_db

class Site:
    """The portal as one deployment serves it: `url(name)` is the address a browser sees, `get`/`post` request it
    as the WSGI server would hand it to Django (the prefix in SCRIPT_NAME, the rest in PATH_INFO)."""

    def __init__(self, client, prefix: str, script_name: str | None):
        self.client, self.prefix = client, prefix
        self.extra = {"SCRIPT_NAME": script_name} if script_name else {}

    def url(self, name, *args):
        return reverse(name, args=args)

    def _path_info(self, url):
        assert url.startswith(self.prefix), url
        return "/" + url[len(self.prefix):]

    def get(self, url, data=None):
        return self.client.get(self._path_info(url), data, **self.extra)

    def post(self, url, data=None):
        return self.client.post(self._path_info(url), data or {}, **self.extra)

    def sent_to(self, response, name, came_from):
        return response.status_code == 302 and response["Location"] == f"{self.url(name)}?next={quote(came_from, safe='')}"


@pytest.fixture(params=["SCRIPT_NAME", "FORCE_SCRIPT_NAME", "another URLconf"])
def site(request, client, settings):
    """The three ways the portal is deployed elsewhere than at / with config.urls."""
    prefix, script_name = "/portal/", None
    if request.param == "SCRIPT_NAME":
        script_name = "/portal"  # as a reverse proxy mounting the portal under /portal/ passes it
    elif request.param == "FORCE_SCRIPT_NAME":
        settings.FORCE_SCRIPT_NAME = "/portal"
    else:
        settings.ROOT_URLCONF = "tests.other_urls"
        prefix = "/"
    # WSGIHandler sets the script prefix from the request for each request; the test client's handler does not.
    with override_script_prefix(prefix):
        yield Site(client, prefix, script_name)


@pytest.fixture
def waiting(site, enrolled):
    """A person who enrolled a phone app and has typed their password, not yet their code."""
    user = UserFactory()
    device = enrolled(user)
    site.client.force_login(user)
    site.client.device = device
    return site


@pytest.mark.parametrize("page", ["tasks:home", "tasks:list", "tasks:documents", "notifications:inbox",
                                  "oversight:calendar", "password_change", "admin:index"])
def test_every_other_page_sends_the_person_to_type_their_code(waiting, page):
    url = waiting.url(page)
    assert waiting.sent_to(waiting.get(url), "otp_verify", came_from=url)


def test_the_verify_page_is_reachable_and_a_code_opens_the_page_asked_for(waiting):
    home = waiting.url("tasks:home")
    verify = waiting.url("otp_verify")
    assert waiting.get(verify, {"next": home}).status_code == 200
    response = waiting.post(verify, {"token": totp_now(waiting.client.device), "next": home})
    assert response.status_code == 302 and response["Location"] == home
    assert waiting.get(home).status_code == 200


def test_the_enrolment_page_answers_for_itself(waiting):
    # A password alone cannot replace the phone app: the page itself (not the middleware) asks for the code.
    setup = waiting.url("otp_setup")
    response = waiting.get(setup)
    assert waiting.sent_to(response, "otp_verify", came_from=setup)


def test_logout_ends_the_waiting_session(waiting):
    response = waiting.post(waiting.url("logout"))
    assert response.status_code == 302 and response["Location"] == waiting.url("login")
    home = waiting.url("tasks:home")
    assert waiting.get(home)["Location"].startswith(waiting.url("login"))


def test_the_language_can_be_switched_and_healthz_answers(waiting):
    verify = waiting.url("otp_verify")
    response = waiting.post(waiting.url("set_language"), {"language": "en", "next": verify})
    assert response.status_code == 302 and response["Location"] == verify
    assert waiting.get(waiting.url("healthz")).status_code in (200, 503)  # its own answer, not a redirect


def test_staff_without_a_phone_app_are_sent_from_the_admin_to_enrol_and_can(site, settings):
    settings.PORTAL_ADMIN_REQUIRE_2FA = True
    site.client.force_login(office_user())
    admin_index = site.url("admin:index")
    assert site.sent_to(site.get(admin_index), "otp_setup", came_from=admin_index)
    page = site.get(site.url("otp_setup"), {"next": admin_index})
    assert page.status_code == 200 and '<img src="data:image/svg+xml' in page.content.decode()  # the QR code
    response = site.post(site.url("admin:logout"))
    assert response.status_code == 302 and response["Location"] == site.url("login")  # not the enrolment page
    assert "_auth_user_id" not in site.client.session
