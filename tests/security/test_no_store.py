"""Issue 16, item 7: on a shared office computer nothing a signed-in person was shown may stay in the browser's
cache after they sign out: every answer to a signed-in request says no-store (pages, htmx fragments, JSON,
downloads, redirects)."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TaskFactory, UnitFactory, leader, office_user
from tests.security.test_attachment_serving import attachment  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get("Cache-Control", "")


def test_every_answer_to_a_signed_in_person_says_no_store(attachment):  # noqa: F811
    stored, unit = attachment
    task = TaskFactory(lead=unit)
    client = Client()
    client.force_login(leader(unit))
    answers = {
        "home": client.get("/"),
        "list": client.get(reverse("tasks:list")),
        "task": client.get(task.get_absolute_url()),
        "htmx list": client.get(reverse("tasks:list"), HTTP_HX_REQUEST="true"),
        "attachment": client.get(reverse("tasks:attachment", args=[stored.pk])),
        "export": client.get(reverse("oversight:export")),
        "files": client.get(reverse("jobs:list")),
        "redirect": client.post(reverse("notifications:mark_read")),
    }
    for name, response in answers.items():
        assert response.status_code in (200, 301, 302), (name, response.status_code)
        assert no_store(response), (name, response.get("Cache-Control"))


def test_the_office_pages_and_the_admin_too():
    client = Client()
    client.force_login(office_user())
    for url in ("/dashboard/", "/admin/", reverse("notifications:outbox")):
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), (url, response.get("Cache-Control"))

