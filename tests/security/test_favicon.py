"""The portal has an icon: linked from every page, and /favicon.ico (which browsers ask for on their own) leads
to it instead of a 404."""
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_portal_s_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response["Location"] == static("favicon.svg")
    with open(finders.find("favicon.svg"), encoding="utf-8") as icon:
        assert icon.read().startswith("<svg")


def test_the_pages_and_the_admin_link_the_icon(client):
    for url in (reverse("login"), reverse("admin:login")):
        page = client.get(url).content.decode()
        assert 'rel="icon" href="/static/favicon.svg"' in page
