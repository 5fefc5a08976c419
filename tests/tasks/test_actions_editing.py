"""Entering and editing tasks through the pages: what the office is told when something is missing, a conflict between
two people saving the same task, and bad input (NUL bytes, a missing CSRF token) refused with nothing written.
"""
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from tasks import services
from tasks.models import Task
from tests.factories import office_user
from tests.tasks.actions_support import errors_of, valid_posts, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import days, ddmmyyyy, snapshot

pytestmark = pytest.mark.django_db


# --- entering and editing tasks ---------------------------------------------------------------------------------


def test_the_office_enters_a_task_by_hand(w):
    response = w.client(w.office).post(reverse("tasks:create"), {
        "title": "Chuẩn bị Hội nghị xúc tiến đầu tư", "description": "Theo Kết luận số 15.",
        "lead_unit": w.lead.pk, "coordinating_units": [w.coord.pk, w.other.pk], "deadline": "30/06/2027",
        "report_cycle": ""})
    task = Task.objects.exclude(pk=w.task.pk).get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert task.deadline == datetime.date(2027, 6, 30) and task.created_by == w.office
    assert set(task.assignments.values_list("unit_id", "role")) == {
        (w.lead.pk, "lead"), (w.coord.pk, "coordinating"), (w.other.pk, "coordinating")}


def test_an_ongoing_task_entered_by_hand_reports_by_its_cycle(w):
    w.client(w.office).post(reverse("tasks:create"), {
        "title": "Theo dõi thường xuyên", "lead_unit": w.lead.pk, "deadline": "", "report_cycle": "monthly"})
    task = Task.objects.exclude(pk=w.task.pk).get()
    assert task.deadline is None and task.report_cycle == Task.ReportCycle.MONTHLY


@pytest.mark.parametrize("data, message", [
    ({"title": "", "lead_unit": "", "deadline": "31/02/2027"}, "Vui lòng chọn đơn vị."),
    ({"title": "x", "lead_unit": "LEAD", "deadline": "", "report_cycle": ""}, "Hãy nhập hạn xử lý, hoặc chọn kỳ"),
    ({"title": "x", "lead_unit": "LEAD", "coordinating_units": ["LEAD"], "deadline": "01/01/2027"},
     "đã là đơn vị chủ trì, không đồng thời là đơn vị phối hợp"),
    ({"title": "x", "lead_unit": "LEAD", "coordinating_units": ["abc"], "deadline": "01/01/2027"},
     "Lựa chọn không hợp lệ"),
    ({"title": "x" * 201, "lead_unit": "LEAD", "deadline": "01/01/2027"}, "tối đa 200 ký tự"),
    ({"title": "x", "lead_unit": "LEAD", "deadline": "01/01/2027", "report_cycle": "daily"}, "Lựa chọn không hợp lệ"),
])
def test_entering_a_task_explains_what_is_missing(w, data, message):
    data = {key: ([w.lead.pk if v == "LEAD" else v for v in value] if isinstance(value, list)
                  else (w.lead.pk if value == "LEAD" else value)) for key, value in data.items()}
    before = snapshot()
    response = w.client(w.office).post(reverse("tasks:create"), data)
    assert response.status_code == 400 and message in errors_of(response)
    assert snapshot() == before


def test_a_stopped_unit_is_not_offered(w):
    w.other.active = False
    w.other.save()
    response = w.client(w.office).post(reverse("tasks:create"),
                                       {"title": "x", "lead_unit": w.other.pk, "deadline": "01/01/2027"})
    assert response.status_code == 400 and "Lựa chọn không hợp lệ" in errors_of(response)


def test_two_people_edit_the_same_task_the_second_is_told_and_the_first_stays(w):
    first, second = w.client(w.office), w.client(office_user())
    url = reverse("tasks:edit", args=[w.task.pk])
    version_seen = [re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1)
                    for client in (first, second)]
    assert version_seen[0] == version_seen[1]
    response = first.post(url, {"title": "Sửa lần một", "description": "A", "deadline": ddmmyyyy(days(45)),
                                "version": version_seen[0]})
    assert response.status_code == 302
    before = snapshot()
    response = second.post(url, {"title": "Sửa lần hai", "description": "B", "deadline": ddmmyyyy(days(90)),
                                 "version": version_seen[1]})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nhiệm vụ vừa được người khác cập nhật" in html and "Tải lại nhiệm vụ" in html
    assert 'value="Sửa lần hai"' in html  # what the second person typed is still in the form
    assert snapshot() == before
    task = w.fresh()
    assert (task.title, task.description, task.deadline) == ("Sửa lần một", "A", days(45))
    assert task.original_deadline == days(30)


def test_a_conflict_in_an_htmx_form_is_shown_in_place(w):
    services.submit_progress_report(task=w.task, user=w.officer, text="x", percent=50)
    response = w.client(w.office).post(reverse("tasks:cancel", args=[w.task.pk]),
                                       {"reason": "Hủy.", "version": w.task.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nhiệm vụ vừa được người khác cập nhật" in response.content.decode()
    assert w.fresh().status == Task.Status.OPEN


def test_a_tampered_version_is_refused(w):
    before = snapshot()
    for version in ("", "0", "-1", "abc", "9" * 40):
        response = w.client(w.office).post(reverse("tasks:cancel", args=[w.task.pk]),
                                           {"reason": "Hủy.", "version": version})
        assert response.status_code in (400, 409)
        assert "tải lại trang" in errors_of(response).lower()
    assert snapshot() == before


@pytest.mark.parametrize("action, data", [
    ("change_lead", {"unit": "\x00", "version": "1"}),
    ("cancel", {"reason": "Hủy.", "version": "1\x00"}),
    ("delegate", {"unit": "1\x00", "deadline": "\x00"}),
])
def test_nul_bytes_in_choices_and_numbers_get_a_vietnamese_error(w, action, data):
    user = w.leader if action == "delegate" else w.office
    response = w.client(user).post(reverse(f"tasks:{action}", args=[w.task.pk]), data)
    assert response.status_code == 400
    errors = errors_of(response)
    assert "Null characters" not in response.content.decode()
    assert "Lựa chọn không hợp lệ" in errors or "không hợp lệ" in errors


@pytest.mark.parametrize("action", ["report", "propose", "cancel"])
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(w, action):
    # The action views check CSRF themselves (after the task lookup, so uploads pass the size limit first).
    user = {"report": w.officer, "propose": w.leader, "cancel": w.office}[action]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = snapshot()
    response = client.post(reverse(f"tasks:{action}", args=[w.task.pk]), valid_posts(w)[action])
    assert response.status_code == 403
    assert snapshot() == before
    token_page = client.get(reverse(f"tasks:{action}", args=[w.task.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token_page.content.decode()).group(1)
    response = client.post(reverse(f"tasks:{action}", args=[w.task.pk]),
                           {**valid_posts(w)[action], "csrfmiddlewaretoken": token})
    assert response.status_code == 302
