"""The action views: what the person may not see is 404 on every action URL with nothing written, and a visible task the
person may not act on is refused with the reason, never a 500.
"""
import re

import pytest
from django.test import Client
from django.urls import reverse

from tasks import services
from tasks.models import Task
from tests.tasks.actions_support import TASK_ACTIONS, flash, stored_files, valid_posts, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import days, ddmmyyyy, snapshot

pytestmark = pytest.mark.django_db


# --- 404 for what the person may not see ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider_leader", "outsider_officer"])
@pytest.mark.parametrize("action", TASK_ACTIONS)
def test_every_action_on_a_foreign_task_is_404_and_writes_nothing(w, who, action, settings):
    client = w.client(getattr(w, who))
    url = reverse(f"tasks:{action}", args=[w.task.pk])
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, valid_posts(w)[action]).status_code == 404
    assert client.post(url, valid_posts(w)[action], HTTP_HX_REQUEST="true").status_code == 404
    assert snapshot() == before
    assert stored_files(settings) == []


def test_deciding_a_foreign_extension_is_404(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    url = reverse("tasks:decide_extension", args=[extension.pk])
    client = w.client(w.outsider_leader)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve", "version": w.task.version}).status_code == 404
    assert snapshot() == before
    assert w.client(w.office).get(reverse("tasks:decide_extension", args=[extension.pk + 999])).status_code == 404


def test_a_task_that_does_not_exist_is_404_like_a_foreign_one(w):
    client = w.client(w.office)
    for action in TASK_ACTIONS:
        assert client.get(reverse(f"tasks:{action}", args=[w.task.pk + 999])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(w):
    before = snapshot()
    for action in TASK_ACTIONS:
        response = Client().post(reverse(f"tasks:{action}", args=[w.task.pk]), valid_posts(w)[action])
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Client().get(reverse("tasks:create")).status_code == 302
    assert snapshot() == before


# --- visible, but not this person's action -------------------------------------------------------------------


@pytest.mark.parametrize("who, action", [
    ("officer", "propose"), ("officer", "extension"), ("officer", "delegate"), ("officer", "cancel"),
    ("coord_member", "report"), ("leader", "contribute"), ("leader", "decide_completion"), ("leader", "edit"),
    ("leader", "change_lead"), ("standing", "report"), ("standing", "cancel"), ("standing", "edit"),
    ("office", "report"), ("office", "propose"),
])
def test_a_visible_task_refuses_what_the_person_may_not_do(w, who, action):
    client = w.client(getattr(w, who))
    url = reverse(f"tasks:{action}", args=[w.task.pk])
    before = snapshot()
    response = client.post(url, valid_posts(w)[action])
    assert response.status_code == 403
    assert "Bạn không thể thực hiện thao tác này" in response.content.decode()
    assert client.get(url).status_code == 403
    assert snapshot() == before


def test_a_refusal_to_an_htmx_form_reloads_the_task_with_the_reason(w):
    response = w.client(w.officer).post(reverse("tasks:propose", args=[w.task.pk]), valid_posts(w)["propose"],
                                        HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == w.task.get_absolute_url()
    assert any("Bạn không thể" in text for text in flash(response))


def test_only_the_office_enters_a_task_by_hand(w):
    for user in (w.leader, w.standing, w.officer):
        response = w.client(user).post(reverse("tasks:create"), {"title": "X", "lead_unit": w.lead.pk,
                                                                 "deadline": ddmmyyyy(days(3))})
        assert response.status_code == 403
    assert Task.objects.count() == 1


def test_the_task_page_shows_only_the_actions_the_person_may_take(w):
    def actions_on_page(user):
        html = w.client(user).get(w.task.get_absolute_url()).content.decode()
        return set(re.findall(r'href="/tasks/\d+/([a-z-]+)/"', html)) | (
            {"decide-extension"} if "/extensions/" in html else set())

    assert actions_on_page(w.officer) == {"report"}
    assert actions_on_page(w.leader) == {"report", "propose", "extension", "delegate"}
    assert actions_on_page(w.coord_member) == {"contribute"}
    assert actions_on_page(w.office) == {"edit", "change-lead", "cancel"}
    assert actions_on_page(w.standing) == set()
    services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    assert actions_on_page(w.office) == {"edit", "change-lead", "cancel", "decide-completion", "decide-extension"}
    # A request already waits and the task is proposed: no second request, no second proposal.
    assert actions_on_page(w.leader) == {"report"}
