"""The menu (templates/base.html) links every page the person may open and marks the one they are on, wherever
the portal is mounted: at /, under a sub-path, or with another URLconf."""
import re

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.factories import TaskFactory, UnitFactory, leader, office_user

pytestmark = pytest.mark.django_db

PAGES = ["tasks:home", "tasks:list", "tasks:documents", "oversight:dashboard"]
ACCOUNT_LINKS = ["password_change", "oversight:calendar", "otp_setup"]


@pytest.fixture(params=["at /", "under /portal/", "another URLconf"])
def mounted(request, settings):
    """Where the portal is mounted; yields how a browser's request for an address reaches Django there (under a
    sub-path the WSGI server passes it in SCRIPT_NAME; the test client's handler does not set the script prefix
    from it as WSGIHandler does: override_script_prefix stands in)."""
    prefix, extra = "/", {}
    if request.param == "under /portal/":
        prefix, extra = "/portal/", {"SCRIPT_NAME": "/portal"}
    elif request.param == "another URLconf":
        settings.ROOT_URLCONF = "tests.other_urls"
    with override_script_prefix(prefix):
        yield lambda client, url: client.get("/" + url.removeprefix(prefix), **extra)


def navigation(html: str) -> str:
    return html.split('id="portal-nav"', 1)[1].split("</nav>", 1)[0]


def current(nav: str) -> list[str]:
    return re.findall(r'aria-current="page" href="([^"]+)"', nav)


@pytest.mark.parametrize("page", PAGES)
def test_a_leader_s_menu_links_every_page_and_marks_the_one_open(client, mounted, page):
    client.force_login(leader(UnitFactory()))

    nav = navigation(mounted(client, reverse(page)).content.decode())

    for name in PAGES + ACCOUNT_LINKS:
        assert f'href="{reverse(name)}"' in nav, name
    assert f'action="{reverse("logout")}"' in nav
    assert current(nav) == [reverse(page)]
    assert reverse("admin:index") not in nav  # units never enter the admin


def test_a_task_s_page_is_under_the_tasks_entry(client, mounted):
    unit = UnitFactory()
    client.force_login(leader(unit))
    task = TaskFactory(lead=unit)
    nav = navigation(mounted(client, task.get_absolute_url()).content.decode())
    assert current(nav) == [reverse("tasks:list")]


def test_the_office_also_finds_the_admin(client, mounted):
    client.force_login(office_user())
    nav = navigation(mounted(client, reverse("tasks:home")).content.decode())
    assert f'href="{reverse("admin:index")}"' in nav
