"""The task page reads the task, its parent and sub-tasks, its units and its events once, and still says the same
things: what it shows is decided from those reads, not from separate questions."""
import re

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import ExtensionRequest
from tests.tasks.support import World, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def actions(client, task) -> set[str]:
    html = client.get(task.get_absolute_url()).content.decode()
    return set(re.findall(r'href="/tasks/\d+/([a-z-]+)/"', html))


def test_delegating_is_offered_only_while_the_lead_unit_has_an_active_sub_unit(w):
    assert "delegate" in actions(w.client(w.leader), w.task)
    w.sub.active = False
    w.sub.save()
    assert "delegate" not in actions(w.client(w.leader), w.task)


def test_the_waiting_extension_shows_as_a_badge_and_as_the_offices_decision(w):
    services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="Chờ số liệu")
    pending = ExtensionRequest.objects.get(task=w.task, status=ExtensionRequest.Status.PENDING)
    html = w.client(w.office).get(w.task.get_absolute_url()).content.decode()
    assert f"Đề nghị gia hạn đến {days(60):%d/%m/%Y}" in html
    assert reverse("tasks:decide_extension", args=[pending.pk]) in html
    # The leader who asked is not offered a second request while this one waits.
    assert "extension" not in actions(w.client(w.leader), w.task)


def test_the_parent_leader_decides_on_a_sub_units_proposal_from_the_sub_tasks_page(w):
    child = services.delegate_task(task=w.task, user=w.leader, unit=w.sub)
    services.propose_completion(task=child, user=w.sub_leader, result="Xong phần việc")
    assert "decide-completion" in actions(w.client(w.leader), child)
    assert "decide-completion" not in actions(w.client(w.office), child)
    page = w.client(w.sub_leader).get(child.get_absolute_url()).content.decode()
    assert "Bước xử lý: </span>Đề nghị hoàn thành" in page


def test_an_id_beyond_64_bits_is_404_not_a_server_error(w):
    assert w.client(w.office).get("/tasks/99999999999999999999999/").status_code == 404
