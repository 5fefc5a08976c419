"""Issue 16, item 6: the office manages people and units but cannot make anyone a superuser or grant permissions
one by one (its group holds auth.change_user and auth.change_permission for managing accounts); only a superuser can.
Nor can it take over a superuser's account: change it, set its password, or delete it."""
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.admin_support import change, office, role_groups  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


class FormValues(HTMLParser):
    """The values a browser would post from the admin's change form, as the page gives them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            else:
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_of(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormValues()
    parser.feed(page.content.decode())
    return parser.data


def test_the_office_cannot_make_itself_superuser_nor_grant_itself_permissions(office):  # noqa: F811
    me = User.objects.get(username="vanphong")
    url = change(me)
    data = form_of(office, url)
    assert "is_superuser" not in data and "user_permissions" not in data  # not on its form
    every_permission = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    data.update(is_superuser=["on"], user_permissions=every_permission, _save=["Lưu"])
    response = office.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]  # the rest of the change is saved ...
    me.refresh_from_db()
    assert not me.is_superuser and not me.user_permissions.exists()  # ... but not what only a superuser grants


def test_the_office_cannot_give_its_group_more_permissions(office):  # noqa: F811
    group = Group.objects.get(name="Văn phòng Tỉnh ủy")
    before = set(group.permissions.values_list("pk", flat=True))
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = form_of(office, url)
    data.update(permissions=[str(pk) for pk in Permission.objects.values_list("pk", flat=True)], _save=["Lưu"])
    office.post(url, data)
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_a_superusers_account_is_not_the_offices_to_change(office):  # noqa: F811
    root = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    assert office.post(change(root), {"username": "quantri", "is_active": ""}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = office.post(password_url, {"password1": "mat-khau-moi-2026!", "password2": "mat-khau-moi-2026!"})
    assert response.status_code == 403
    office.post(reverse("admin:auth_user_changelist"), {"action": "delete_selected", "_selected_action": [root.pk],
                                                         "post": "yes"})
    root.refresh_from_db()
    assert root.is_active and root.check_password("secret-pass-123")


def test_a_superuser_still_grants_both(client, role_groups):  # noqa: F811
    root = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(root)
    person = UserFactory(username="canbo")
    data = form_of(client, change(person))
    assert 'name="is_superuser"' in client.get(change(person)).content.decode()
    permission = Permission.objects.get(codename="view_unit")
    data.update(is_superuser=["on"], user_permissions=[str(permission.pk)], _save=["Lưu"])
    assert client.post(change(person), data).status_code == 302
    person.refresh_from_db()
    assert person.is_superuser and list(person.user_permissions.all()) == [permission]
