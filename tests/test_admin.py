"""The standing committee's admin: the office works in it, the standing committee reads it, nobody else gets in."""
import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from notifications.models import Notification
from resolutions.models import Directive, Resolution
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from tests.admin_support import add, change, changelist, office, role_groups, standing, world  # noqa: F401, F811
from tests.factories import TaskFactory, UnitFactory, member
from units.models import Membership, Unit, UnitGroup

pytestmark = pytest.mark.django_db
User = get_user_model()

# Our own models: every one must be in the admin, with a real object on its change page.
OUR_MODELS = [Unit, UnitGroup, Membership, Task, Assignment, ProgressReport, ExtensionRequest, Review, Notification,
              Resolution, Directive, User]
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_model_of_the_portal_is_in_the_admin():
    assert [model for model in OUR_MODELS if model not in admin.site._registry] == []


@pytest.mark.parametrize("app_label", roles.MANAGED_APPS)
def test_a_fresh_database_gives_the_office_every_permission_on_documents(app_label):
    """Straight after the test database's migrate (no second run): the office may manage every managed app."""
    office = Group.objects.get(name=roles.OFFICE_GROUP)
    wanted = set(Permission.objects.filter(content_type__app_label=app_label).values_list("codename", flat=True))
    held = set(office.permissions.filter(content_type__app_label=app_label).values_list("codename", flat=True))
    assert wanted - held == set()


# --- the office: full rights ---------------------------------------------------------------------------------


def test_the_office_opens_every_list_and_add_page(office, world):
    index = office.get(reverse("admin:index"))
    assert index.status_code == 200
    request = index.wsgi_request
    viewable = [model for model in REGISTERED if admin.site._registry[model].has_view_permission(request)]
    assert set(OUR_MODELS) <= set(viewable)
    for model in viewable:
        # A one-row setting (the reminder policy) may send its list straight to its only record.
        assert office.get(changelist(model), follow=True).status_code == 200, model._meta.label
        obj = model._default_manager.first()
        if obj is not None:  # whatever migrations and the fixture created (schedules, settings, ...)
            assert office.get(change(obj)).status_code == 200, model._meta.label
        if admin.site._registry[model].has_add_permission(request):
            assert office.get(add(model)).status_code == 200, model._meta.label


def test_the_office_opens_every_record_with_save_buttons(office, world):
    for model in OUR_MODELS:
        if model is Assignment:
            continue  # changed in the task's inline: below
        obj = model._default_manager.first()
        assert obj is not None, f"the fixture has no {model._meta.label}"
        response = office.get(change(obj))
        assert response.status_code == 200, model._meta.label
        assert 'name="_save"' in response.content.decode(), model._meta.label


def test_the_office_changes_a_task_s_units_on_the_task_s_page_not_on_an_assignment_s(office, world):
    assignment = world["task"].assignments.get(role=Assignment.Role.COORDINATING)
    page = office.get(change(assignment)).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert change(world["task"]) in page  # the task, where its units are changed
    assert office.get(add(Assignment)).status_code == 403
    before = Assignment.objects.count()
    delete_url = reverse("admin:tasks_assignment_delete", args=[assignment.pk])
    assert office.post(delete_url, {"post": "yes"}).status_code == 403
    assert Assignment.objects.count() == before
    task_page = office.get(change(world["task"])).content.decode()
    assert 'name="_save"' in task_page and 'name="assignments-TOTAL_FORMS"' in task_page


def test_the_office_sees_the_history_of_a_task(office, world):
    task = world["task"]
    response = office.get(reverse("admin:tasks_task_history", args=[task.pk]))
    assert response.status_code == 200
    assert task.title in response.content.decode()


def test_the_admin_speaks_vietnamese(office, world):
    page = office.get(changelist(Task)).content.decode()
    assert "Chọn nhiệm vụ để thay đổi" in page or "nhiệm vụ" in page
    assert "đơn vị chủ trì" in page.lower()
    assert "tình trạng thời hạn" in page.lower()


def _task_form(task, **changes):
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    data = {
        "title": task.title, "description": task.description, "directive": task.directive_id or "",
        "parent": "", "deadline": task.deadline.isoformat(), "original_deadline": task.original_deadline.isoformat(),
        "deadline_text": "", "report_cycle": "", "status": task.status, "progress": task.progress,
        "completed_at_0": "", "completed_at_1": "", "cancel_reason": "",
        "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "1",
        "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-id": lead.pk, "assignments-0-task": task.pk, "assignments-0-unit": lead.unit_id,
        "assignments-0-role": Assignment.Role.LEAD, "_save": "Lưu lại",
    }
    data.update(changes)
    return data


def test_the_office_saves_a_change_to_a_task_and_it_is_kept_in_history(office):
    task = TaskFactory(title="Tên cũ")
    Task.objects.filter(pk=task.pk).update(original_deadline=None)
    first_deadline = task.deadline
    new_deadline = task.deadline + datetime.timedelta(days=10)
    response = office.post(change(task), _task_form(task, title="Tên mới", deadline=new_deadline.isoformat(),
                                                   original_deadline=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert task.title == "Tên mới"
    assert task.deadline == new_deadline
    assert task.original_deadline == first_deadline  # the first deadline is kept
    assert task.version == 2  # a portal page opened before this edit cannot overwrite it
    assert "ten moi" in task.search_text
    assert task.history.first().title == "Tên mới"


def test_the_office_cannot_give_a_task_two_lead_units(office, world):
    task = world["task"]
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    data = _task_form(task)
    data.update({
        "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "2",
        "assignments-1-id": coordinating.pk, "assignments-1-task": task.pk,
        "assignments-1-unit": coordinating.unit_id, "assignments-1-role": Assignment.Role.LEAD,
    })
    response = office.post(change(task), data)
    assert response.status_code == 200
    assert "chỉ có một đơn vị chủ trì" in response.content.decode()
    assert task.assignments.filter(role=Assignment.Role.LEAD).count() == 1


def test_the_office_moves_the_lead_to_a_coordinating_unit_in_one_save(office, world):
    task, province, district = world["task"], world["province"], world["district"]
    district_member = member(district)
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    coordinating = task.assignments.get(role=Assignment.Role.COORDINATING)
    data = _task_form(task)
    data.update({
        "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "2",
        "assignments-0-id": lead.pk, "assignments-0-unit": province.pk,
        "assignments-0-role": Assignment.Role.COORDINATING,
        "assignments-1-id": coordinating.pk, "assignments-1-task": task.pk, "assignments-1-unit": district.pk,
        "assignments-1-role": Assignment.Role.LEAD,
    })
    response = office.post(change(task), data)
    assert response.status_code == 302
    assert task.assignments.get(role=Assignment.Role.LEAD).unit == district
    # The new lead unit's members are told.
    assert Notification.objects.filter(task=task, kind=Notification.Kind.LEAD_CHANGED,
                                       recipient=district_member).exists()


def test_a_task_marked_done_in_the_admin_gets_a_completion_time(office, world):
    task = world["task"]
    response = office.post(change(task), _task_form(task, status=Task.Status.DONE))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.completed_at is not None


# --- the standing committee: read-only ----------------------------------------------------------------------


def test_the_standing_committee_reads_every_list_and_record_without_save_or_delete(standing, world):
    assert standing.get(reverse("admin:index")).status_code == 200
    for model in OUR_MODELS:
        listing = standing.get(changelist(model))
        assert listing.status_code == 200, model._meta.label
        obj = model._default_manager.first()
        page = standing.get(change(obj))
        assert page.status_code == 200, model._meta.label
        html = page.content.decode()
        assert 'name="_save"' not in html, model._meta.label
        assert 'name="_continue"' not in html, model._meta.label
        assert "Lưu lại" not in html, model._meta.label
        assert "deletelink" not in html, model._meta.label


def test_the_standing_committee_sees_no_add_or_import_button(standing, world):
    html = standing.get(changelist(Unit)).content.decode()
    assert add(Unit) not in html
    assert reverse("admin:units_unit_import") not in html


@pytest.mark.parametrize("model", [Task, Unit, Membership, Resolution, ExtensionRequest])
def test_the_standing_committee_cannot_change_delete_or_add(standing, world, model):
    obj = model._default_manager.first()
    before = model._default_manager.count()
    assert standing.post(change(obj), {"title": "đổi"}).status_code == 403
    delete_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    assert standing.get(delete_url).status_code == 403
    assert standing.post(delete_url, {"post": "yes"}).status_code == 403
    assert standing.get(add(model)).status_code == 403
    assert model._default_manager.count() == before


def test_the_standing_committee_cannot_restore_an_old_version(standing, world):
    task = world["task"]
    version = task.history.earliest()
    url = reverse("admin:tasks_task_simple_history", args=[task.pk, version.history_id])
    assert standing.get(url).status_code == 200
    assert standing.post(url, {"title": "Khôi phục"}).status_code == 403
    task.refresh_from_db()
    assert task.title != "Khôi phục"


def test_the_standing_committee_cannot_import(standing, world):
    assert standing.get(reverse("admin:units_unit_import")).status_code == 403
    assert standing.post(reverse("admin:units_membership_process_import")).status_code == 403


# --- everyone else: not in --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "leader", "anonymous"])
def test_unit_users_and_strangers_are_sent_to_the_admin_login(client, world, who):
    if who == "officer":
        client.force_login(world["officer"])
    elif who == "leader":
        client.force_login(member(world["province"], role=Membership.Role.LEADER))
    for url in (reverse("admin:index"), changelist(Task), change(world["task"])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


# --- lists: filters, columns, queries ------------------------------------------------------------------------


def _listed(response):
    return {task.pk for task in response.context["cl"].result_list}


def test_the_standing_filter_narrows_the_list(office):
    today = timezone.localdate()
    overdue = TaskFactory(deadline=today - datetime.timedelta(days=1))
    due_soon = TaskFactory(deadline=today + datetime.timedelta(days=7))
    on_track = TaskFactory(deadline=today + datetime.timedelta(days=8))
    ongoing = TaskFactory(deadline=None)
    assert _listed(office.get(changelist(Task), {"standing": "overdue"})) == {overdue.pk}
    assert _listed(office.get(changelist(Task), {"standing": "due_soon"})) == {due_soon.pk}
    assert _listed(office.get(changelist(Task), {"standing": "on_track"})) == {on_track.pk}
    assert _listed(office.get(changelist(Task), {"standing": "ongoing"})) == {ongoing.pk}
    assert _listed(office.get(changelist(Task))) == {overdue.pk, due_soon.pk, on_track.pk, ongoing.pk}


def test_the_lead_unit_filter_lists_only_tasks_the_unit_leads(office):
    unit, other = UnitFactory(), UnitFactory()
    led = TaskFactory(lead=unit)
    TaskFactory(lead=other, coordinating=[unit])  # the unit only coordinates here
    TaskFactory(lead=other)
    assert _listed(office.get(changelist(Task), {"lead_unit": unit.pk})) == {led.pk}


def test_the_task_list_shows_lead_deadline_and_standing_without_a_query_per_row(office):
    lead = UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
    deadline = datetime.date(2031, 3, 9)

    def show():
        with CaptureQueriesContext(connection) as queries:
            html = office.get(changelist(Task)).content.decode()
        return len(queries), html

    for _ in range(3):
        TaskFactory(lead=lead, deadline=deadline)
    few, _html = show()
    for _ in range(27):
        TaskFactory(lead=lead, deadline=deadline)
    many, html = show()
    assert many == few
    assert html.count("Ủy ban Kiểm tra Tỉnh ủy") >= 30
    assert "09/03/2031" in html
    assert "standing-on-track" in html


def test_searching_without_accents_finds_the_task(office, world):
    from tasks import services

    services.refresh_search_text(world["task"])
    assert _listed(office.get(changelist(Task), {"q": "chi thi thay the"})) == {world["task"].pk}
    assert _listed(office.get(changelist(Task), {"q": "Chỉ thị số 05"})) == {world["task"].pk}
    assert _listed(office.get(changelist(Task), {"q": "không có nhiệm vụ này"})) == set()


def test_units_are_listed_as_a_tree(office, world):
    response = office.get(changelist(Unit))
    names = [unit.name for unit in response.context["cl"].result_list]
    district = names.index("Huyện ủy Phụng Hiệp")
    assert names[district + 1] == "Ủy ban nhân dân huyện Phụng Hiệp"
    assert 'class="unit-depth-1"' in response.content.decode()


def test_the_parent_filter_lists_the_units_under_a_unit(office, world):
    response = office.get(changelist(Unit), {"parent": world["district"].pk})
    assert [unit.name for unit in response.context["cl"].result_list] == ["Ủy ban nhân dân huyện Phụng Hiệp"]


def test_a_unit_page_shows_its_members_and_sub_units(office, world):
    html = office.get(change(world["district"])).content.decode()
    assert "Ủy ban nhân dân huyện Phụng Hiệp" in html
    html = office.get(change(world["province"])).content.decode()
    assert world["officer"].username in html


# --- decisions taken from the lists --------------------------------------------------------------------------


def test_the_office_approves_an_extension_from_the_list_and_the_deadline_moves(office, world):
    extension = ExtensionRequest.objects.get()
    first_deadline = world["task"].deadline
    response = office.post(changelist(ExtensionRequest), {"action": "approve", "_selected_action": [extension.pk]})
    assert response.status_code == 302
    task = Task.objects.get(pk=world["task"].pk)
    assert task.deadline == extension.requested_deadline
    assert task.original_deadline == first_deadline
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.APPROVED


def test_the_office_confirms_a_proposed_completion_from_the_list(office, world):
    Task.objects.filter(pk=world["task"].pk).update(status=Task.Status.PROPOSED)
    review = Review.objects.get()
    response = office.post(changelist(Review), {"action": "approve", "_selected_action": [review.pk]})
    assert response.status_code == 302
    assert Task.objects.get(pk=world["task"].pk).status == Task.Status.DONE


def test_the_standing_committee_cannot_take_a_decision_from_the_list(standing, world):
    extension = ExtensionRequest.objects.get()
    standing.post(changelist(ExtensionRequest), {"action": "approve", "_selected_action": [extension.pk]})
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING
    assert 'value="approve"' not in standing.get(changelist(ExtensionRequest)).content.decode()


def test_the_admin_lists_name_people_as_vietnamese_do_not_by_login(office, world):
    unit = UnitFactory()
    author = member(unit, first_name="Tuyên", last_name="Lê Thị", username="tuyengiao.chuyenvien")
    task = TaskFactory(lead=unit, title="Tuyên truyền phòng cháy")
    ProgressReport.objects.create(task=task, unit=unit, author=author, text="Đã tổ chức 12 buổi.", percent=40)
    page = office.get(changelist(ProgressReport)).content.decode()
    assert "Lê Thị Tuyên" in page and ">tuyengiao.chuyenvien<" not in page
