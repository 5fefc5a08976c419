"""Decisions through the pages: completion proposals and reviews, extension requests and decisions, delegation to a
sub-unit and the office's unit pickers, where another unit's id is an invalid choice.
"""

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, ExtensionRequest, Task
from tasks.standing import Standing
from tests.tasks.actions_support import errors_of, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import days, ddmmyyyy, snapshot

pytestmark = pytest.mark.django_db


# --- completion and extensions through the pages --------------------------------------------------------------


def test_propose_then_approve_makes_the_task_done_on_time(w):
    leader_client, office_client = w.client(w.leader), w.client(w.office)
    response = leader_client.post(reverse("tasks:propose", args=[w.task.pk]),
                                  {"result": "Đã ban hành kế hoạch.", "version": w.task.version})
    assert response.status_code == 302 and w.fresh().status == Task.Status.PROPOSED
    response = office_client.post(reverse("tasks:decide_completion", args=[w.task.pk]),
                                  {"decision": "approve", "comment": "", "version": w.fresh().version}, follow=True)
    assert "Đã xác nhận hoàn thành." in response.content.decode()
    assert w.fresh().standing == Standing.DONE_ON_TIME


def test_returning_a_completion_needs_a_reason(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    client = w.client(w.office)
    url = reverse("tasks:decide_completion", args=[w.task.pk])
    before = snapshot()
    response = client.post(url, {"decision": "refuse", "comment": "", "version": w.fresh().version})
    assert "Khi trả lại, vui lòng ghi rõ lý do." in errors_of(response)
    response = client.post(url, {"decision": "maybe", "version": w.fresh().version})
    assert "Lựa chọn không hợp lệ" in errors_of(response)
    assert snapshot() == before
    client.post(url, {"decision": "refuse", "comment": "Thiếu phụ lục.", "version": w.fresh().version})
    assert w.fresh().status == Task.Status.RETURNED


def test_an_approved_extension_moves_the_deadline_and_shows_the_first(w):
    response = w.client(w.leader).post(reverse("tasks:extension", args=[w.task.pk]), {
        "new_deadline": days(60).isoformat(), "reason": "Chờ ý kiến Trung ương.", "version": w.task.version})
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    assert extension.requested_deadline == days(60)
    response = w.client(w.office).post(reverse("tasks:decide_extension", args=[extension.pk]),
                                       {"decision": "approve", "version": w.fresh().version})
    assert response.status_code == 302
    task = w.fresh()
    assert task.deadline == days(60) and task.original_deadline == days(30)


@pytest.mark.parametrize("value, message", [
    ("31/02/2027", "Ngày không hợp lệ"),
    ("2027-13-01", "Ngày không hợp lệ"),
    ("30/06/99999", "Ngày không hợp lệ"),
    ("", "Vui lòng nhập thông tin này."),
    ("01/01/2000", "Hạn đề nghị phải sau hạn hiện tại"),
])
def test_impossible_or_early_extension_dates_are_refused(w, value, message):
    before = snapshot()
    response = w.client(w.leader).post(reverse("tasks:extension", args=[w.task.pk]),
                                       {"new_deadline": value, "reason": "x", "version": w.task.version})
    assert response.status_code == 400 and message in errors_of(response)
    assert snapshot() == before


def test_a_second_extension_request_is_not_offered_while_one_waits(w):
    services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    before = snapshot()
    response = w.client(w.leader).post(reverse("tasks:extension", args=[w.task.pk]), {
        "new_deadline": ddmmyyyy(days(90)), "reason": "Thêm.", "version": w.fresh().version})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_services_refusal_is_shown_on_the_form(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(40), reason="x")
    services.update_task(task=w.task, user=w.office, expected_version=w.task.version, title=w.task.title,
                         description="", deadline=days(50))
    before = snapshot()
    response = w.client(w.office).post(reverse("tasks:decide_extension", args=[extension.pk]),
                                       {"decision": "approve", "version": w.fresh().version})
    assert response.status_code == 400
    assert f"không sau hạn hiện tại ({ddmmyyyy(days(50))})" in errors_of(response)
    assert snapshot() == before


def test_the_parent_leader_accepts_or_returns_a_sub_units_completion(w):
    child = services.delegate_task(task=w.task, user=w.leader, unit=w.sub, deadline=days(10))
    services.propose_completion(task=child, user=w.sub_leader, result="Phần việc đã xong.")
    url = reverse("tasks:decide_completion", args=[child.pk])
    page = w.client(w.leader).get(child.get_absolute_url()).content.decode()
    assert url in page and "Phần việc đã xong." in w.client(w.leader).get(url).content.decode()
    assert w.client(w.office).post(url, {"decision": "approve", "version": w.fresh(child).version}).status_code == 403
    response = w.client(w.leader).post(url, {"decision": "refuse", "comment": "Thiếu số liệu.",
                                              "version": w.fresh(child).version})
    assert response.status_code == 302 and w.fresh(child).status == Task.Status.RETURNED
    services.propose_completion(task=child, user=w.sub_leader, result="Đã bổ sung.")
    w.client(w.leader).post(url, {"decision": "approve", "version": w.fresh(child).version})
    assert w.fresh(child).standing == Standing.DONE_ON_TIME and w.fresh().progress == 100


def test_a_decided_extension_cannot_be_decided_again(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    services.decide_extension(extension=extension, user=w.office, approve=False, comment="Không.")
    response = w.client(w.office).post(reverse("tasks:decide_extension", args=[extension.pk]),
                                       {"decision": "approve", "version": w.fresh().version})
    assert response.status_code == 403 and w.fresh().deadline == days(30)


# --- delegation and the office's unit pickers: other units' ids are invalid choices ---------------------------------


def test_the_leader_delegates_to_a_sub_unit(w):
    response = w.client(w.leader).post(reverse("tasks:delegate", args=[w.task.pk]), {
        "unit": w.sub.pk, "title": "Biên soạn tài liệu", "description": "", "deadline": ddmmyyyy(days(20))})
    assert response.status_code == 302
    child = Task.objects.get(parent=w.task)
    assert child.title == "Biên soạn tài liệu" and child.deadline == days(20)
    assert child.assignments.get().unit == w.sub


@pytest.mark.parametrize("unit", ["other", "other_child", "coord", "lead"])
def test_delegating_to_a_unit_that_is_not_a_sub_unit_is_an_invalid_choice(w, unit):
    before = snapshot()
    response = w.client(w.leader).post(reverse("tasks:delegate", args=[w.task.pk]),
                                       {"unit": getattr(w, unit).pk, "deadline": ""})
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách." in errors_of(response)
    assert snapshot() == before


def test_a_delegated_deadline_after_the_parents_is_refused(w):
    response = w.client(w.leader).post(reverse("tasks:delegate", args=[w.task.pk]),
                                       {"unit": w.sub.pk, "deadline": ddmmyyyy(days(31))})
    assert "không được sau hạn của nhiệm vụ gốc" in errors_of(response)
    assert not Task.objects.filter(parent=w.task).exists()


def test_the_office_changes_the_lead_with_the_unit_picker(w):
    page = w.client(w.office).get(reverse("tasks:change_lead", args=[w.task.pk])).content.decode()
    assert "data-unit-picker" in page and "js/unit-picker.js" in page
    assert f'<option value="{w.lead.pk}"' not in page  # the current lead is not offered
    response = w.client(w.office).post(reverse("tasks:change_lead", args=[w.task.pk]),
                                       {"unit": w.other.pk, "version": w.task.version})
    assert response.status_code == 302
    assert w.task.assignments.get(role=Assignment.Role.LEAD).unit == w.other


@pytest.mark.parametrize("value", ["lead", "999999", "abc", "1 OR 1=1", "99999999999999999999999999"])
def test_changing_the_lead_to_the_same_or_an_unknown_unit_is_an_invalid_choice(w, value):
    unit = str(w.lead.pk) if value == "lead" else value
    before = snapshot()
    response = w.client(w.office).post(reverse("tasks:change_lead", args=[w.task.pk]),
                                       {"unit": unit, "version": w.task.version})
    assert response.status_code == 400 and "Lựa chọn không hợp lệ" in errors_of(response)
    assert snapshot() == before


def test_cancelling_needs_a_reason(w):
    before = snapshot()
    response = w.client(w.office).post(reverse("tasks:cancel", args=[w.task.pk]), {"reason": "", "version": 1})
    assert "Vui lòng nhập thông tin này." in errors_of(response)
    assert snapshot() == before
    w.client(w.office).post(reverse("tasks:cancel", args=[w.task.pk]), {"reason": "Trùng lặp.", "version": 1})
    assert w.fresh().standing == Standing.CANCELLED
