"""The menu's addresses are reversed once per URLconf and script prefix (tasks.context_processors.menu_urls), and
the menu still links where it did: a leader sees home, tasks, documents and the overview, each page marked."""
from django.urls import reverse, set_script_prefix

from accounts.context_processors import MENU_URLS, menu_urls
from tests.factories import UnitFactory, leader


def test_the_menu_addresses_are_the_reversed_ones_and_follow_the_script_prefix():
    assert menu_urls() == {name: reverse(url_name) for name, url_name in MENU_URLS.items()}
    try:
        set_script_prefix("/portal/")
        assert menu_urls()["list"] == "/portal/tasks/" == reverse("tasks:list")
    finally:
        set_script_prefix("/")
    assert menu_urls()["list"] == "/tasks/"


def test_a_leader_s_menu_links_every_page_and_marks_the_current_one(client, db):
    client.force_login(leader(UnitFactory()))

    page = client.get("/tasks/").content.decode()

    for name in ("tasks:home", "tasks:documents", "oversight:dashboard", "password_change", "oversight:calendar", "otp_setup"):
        assert f'href="{reverse(name)}"' in page
    assert f'action="{reverse("logout")}"' in page
    assert f'aria-current="page" href="{reverse("tasks:list")}"' in page
