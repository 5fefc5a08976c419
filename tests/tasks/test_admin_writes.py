"""The office's writes in the admin follow the portal's rules: a task added or changed there goes through the
same services (history, version, the units told, the rules that refuse), and a refusal is shown on the form with
nothing saved."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from notifications.models import Notification
from tasks.models import Assignment, ExtensionRequest, Review, Task
from tests.factories import TaskFactory, UnitFactory, member, office_user
from tests.test_admin import _task_form, add, change

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def office(client):
    roles.ensure_role_groups()
    user = office_user(username="vanphong")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def task():
    lead, coordinating = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"), UnitFactory(name="Huyện ủy Phụng Hiệp")
    return TaskFactory(title="Tham mưu ban hành Chỉ thị", lead=lead, coordinating=[coordinating],
                       deadline=timezone.localdate() + datetime.timedelta(days=30))


def told(task, unit, kind) -> bool:
    return Notification.objects.filter(task=task, kind=kind, recipient__memberships__unit=unit).exists()


def units_of(task):
    return {(a.unit_id, a.role) for a in task.assignments.all()}


def _with_rows(data, task, rows):
    """The inline's rows as posted: (assignment or None, unit, role) each."""
    data = {key: value for key, value in data.items() if not key.startswith("assignments-")}
    initial = [row for row in rows if row[0] is not None]
    data.update({"assignments-TOTAL_FORMS": str(len(rows)), "assignments-INITIAL_FORMS": str(len(initial)),
                 "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"})
    for i, (assignment, unit, role) in enumerate(rows):
        data.update({f"assignments-{i}-id": assignment.pk if assignment else "", f"assignments-{i}-task": task.pk,
                     f"assignments-{i}-unit": unit.pk, f"assignments-{i}-role": role})
    return data


def test_a_task_added_in_the_admin_is_assigned_as_in_the_portal(office):
    lead, coordinating = UnitFactory(), UnitFactory()
    lead_member, coordinating_member = member(lead), member(coordinating)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    response = office.post(add(Task), {
        "title": "Chuẩn bị   Hội nghị xúc tiến đầu tư", "description": "", "directive": "", "parent": "",
        "deadline": deadline.isoformat(), "deadline_text": "tháng 6/2022", "report_cycle": "",
        "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-unit": lead.pk, "assignments-0-role": Assignment.Role.LEAD,
        "assignments-1-unit": coordinating.pk, "assignments-1-role": Assignment.Role.COORDINATING,
        "_save": "Lưu lại",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get()
    assert task.title == "Chuẩn bị Hội nghị xúc tiến đầu tư"  # as create_task writes titles
    assert task.created_by == office.user and task.original_deadline == deadline
    assert units_of(task) == {(lead.pk, Assignment.Role.LEAD), (coordinating.pk, Assignment.Role.COORDINATING)}
    assert "xuc tien dau tu" in task.search_text
    assert task.history.count() == 1 and task.history.get().history_change_reason == "Giao nhiệm vụ"
    assert {n.recipient for n in Notification.objects.filter(task=task, kind=Kind.ASSIGNED)} == {
        lead_member, coordinating_member}


def test_the_add_page_asks_only_what_a_new_task_needs(office):
    page = office.get(add(Task)).content.decode()
    assert 'name="title"' in page and 'name="deadline"' in page
    for field in ("status", "completed_at_0", "original_deadline", "cancel_reason", "progress"):
        assert f'name="{field}"' not in page, field


def test_moving_the_lead_is_one_version_and_one_history_entry_and_both_units_are_told(office, task):
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    data = _with_rows(_task_form(task), task, [(lead, lead.unit, Assignment.Role.COORDINATING),
                                               (coordinating, coordinating.unit, Assignment.Role.LEAD)])
    member(lead.unit), member(coordinating.unit)
    assert office.post(change(task), data).status_code == 302
    task.refresh_from_db()
    assert task.version == 2 and task.history.count() == 2
    assert "Đổi đơn vị chủ trì" in task.history.first().history_change_reason
    assert units_of(task) == {(coordinating.unit_id, Assignment.Role.LEAD), (lead.unit_id, Assignment.Role.COORDINATING)}
    assert told(task, coordinating.unit, Kind.LEAD_CHANGED) and told(task, lead.unit, Kind.LEAD_CHANGED)
    assert "phung hiep" in task.search_text  # the search key follows the lead's name


def test_a_unit_added_to_a_task_is_told_and_a_removed_one_is_gone(office, task):
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    newcomer = UnitFactory()
    newcomer_member = member(newcomer)
    data = _with_rows(_task_form(task), task, [(lead, lead.unit, Assignment.Role.LEAD),
                                               (coordinating, coordinating.unit, Assignment.Role.COORDINATING),
                                               (None, newcomer, Assignment.Role.COORDINATING)])
    data["assignments-1-DELETE"] = "on"
    assert office.post(change(task), data).status_code == 302
    assert units_of(task) == {(lead.unit_id, Assignment.Role.LEAD), (newcomer.pk, Assignment.Role.COORDINATING)}
    assert Notification.objects.filter(task=task, kind=Kind.ASSIGNED, recipient=newcomer_member).exists()
    task.refresh_from_db()
    assert task.version == 2


def test_saving_an_unchanged_task_writes_nothing(office, task):
    assert office.post(change(task), _task_form(task)).status_code == 302
    task.refresh_from_db()
    assert task.version == 1 and task.history.count() == 1


def test_a_lead_is_not_moved_on_a_finished_task_and_the_office_is_told_why(office, task):
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, completed_at=timezone.now())
    task.refresh_from_db()
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    data = _with_rows(_task_form(task, title="Tên mới"), task,
                      [(lead, lead.unit, Assignment.Role.COORDINATING),
                       (coordinating, coordinating.unit, Assignment.Role.LEAD)])
    response = office.post(change(task), data)
    assert response.status_code == 200
    assert "Không thể đổi đơn vị chủ trì của nhiệm vụ đã kết thúc." in response.content.decode()
    assert "Tên mới" in response.content.decode()  # what the office typed is still on the form
    task.refresh_from_db()
    assert task.title != "Tên mới" and task.version == 1  # nothing of the save was kept
    assert task.assignments.get(role=Assignment.Role.LEAD).unit == lead.unit


def test_cancelling_in_the_admin_needs_a_reason_and_closes_what_was_pending(office, task):
    officer = member(task.assignments.get(role=Assignment.Role.LEAD).unit)
    extension = ExtensionRequest.objects.create(
        task=task, unit=officer.memberships.get().unit, requested_by=officer, current_deadline=task.deadline,
        requested_deadline=task.deadline + datetime.timedelta(days=30), reason="Chờ ý kiến.")
    response = office.post(change(task), _task_form(task, status=Task.Status.CANCELLED))
    assert response.status_code == 200 and "Vui lòng ghi rõ lý do hủy." in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN

    response = office.post(change(task), _task_form(task, status=Task.Status.CANCELLED,
                                                    cancel_reason="Đã có chỉ đạo khác."))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED and task.cancel_reason == "Đã có chỉ đạo khác."
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED
    assert told(task, extension.unit, Kind.CANCELLED)
    assert "Hủy nhiệm vụ: Đã có chỉ đạo khác." in task.history.first().history_change_reason


def test_a_task_marked_done_with_a_proposal_waiting_is_done_as_of_the_proposal(office, task):
    unit = task.assignments.get(role=Assignment.Role.LEAD).unit
    officer = member(unit)
    review = Review.objects.create(task=task, proposed_by=officer, result="Đã trình dự thảo.")
    Task.objects.filter(pk=task.pk).update(status=Task.Status.PROPOSED)
    task.refresh_from_db()
    response = office.post(change(task), _task_form(task, status=Task.Status.DONE))
    assert response.status_code == 302
    task.refresh_from_db()
    review.refresh_from_db()
    assert task.status == Task.Status.DONE and task.progress == 100
    assert task.completed_at == review.proposed_at  # the office's review time does not make the unit late
    assert review.outcome == Review.Outcome.APPROVED and review.reviewer == office.user
    assert told(task, unit, Kind.COMPLETION_APPROVED)


def test_proposed_is_never_set_by_hand(office, task):
    response = office.post(change(task), _task_form(task, status=Task.Status.PROPOSED))
    assert response.status_code == 200 and "không đặt trực tiếp" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_a_finished_task_is_reopened_and_its_lead_moved_in_one_save(office, task):
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, completed_at=timezone.now())
    task.refresh_from_db()
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    data = _with_rows(_task_form(task, status=Task.Status.OPEN), task,
                      [(lead, lead.unit, Assignment.Role.COORDINATING),
                       (coordinating, coordinating.unit, Assignment.Role.LEAD)])
    assert office.post(change(task), data).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN and task.completed_at is None
    assert task.assignments.get(role=Assignment.Role.LEAD).unit == coordinating.unit


def test_restoring_an_old_version_goes_through_the_service_and_moves_the_version_on(office, task):
    old = task.history.earliest()
    assert office.post(change(task), _task_form(task, title="Tên mới")).status_code == 302
    url = reverse("admin:tasks_task_simple_history", args=[task.pk, old.history_id])
    form = _task_form(task)  # the old version's values, as the restore page shows them
    form = {key: value for key, value in form.items() if not key.startswith("assignments-")}
    response = office.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.title == "Tham mưu ban hành Chỉ thị"
    assert task.version == 3  # on from the current version, never back to the old one's
    assert task.history.count() == 3
    assert units_of(task) == {(a.unit_id, a.role) for a in Assignment.objects.filter(task=task)}


def test_a_task_is_not_given_to_a_unit_that_no_longer_works_and_nothing_is_created(office):
    closed = UnitFactory(active=False)
    response = office.post(add(Task), {
        "title": "Việc mới", "description": "", "directive": "", "parent": "", "deadline": "", "deadline_text": "",
        "report_cycle": "", "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-unit": closed.pk, "assignments-0-role": Assignment.Role.LEAD, "_save": "Lưu lại",
    })
    assert response.status_code == 200
    assert "đã ngừng hoạt động" in response.content.decode()
    assert not Task.objects.exists()


def test_only_the_office_edits_a_task_and_never_over_a_newer_version(task):
    from django.core.exceptions import PermissionDenied

    from tasks import services

    with pytest.raises(PermissionDenied):
        services.edit_task(task=task, user=member(UnitFactory()), changes={"title": "Đổi"})
    with pytest.raises(services.ConflictError):
        services.edit_task(task=task, user=office_user(), changes={"title": "Đổi"}, expected_version=0)
    task.refresh_from_db()
    assert task.title == "Tham mưu ban hành Chỉ thị" and task.version == 1
