"""The access matrix of issue 3: every page × every kind of person × objects of their own unit and of another.

The rule (DESIGN.md, "Who uses it"): the office and the standing committee see everything (the office edits in the
admin, the standing committee only reads it); a unit leader sees the tasks of the unit and its sub-units, an
officer those of the unit; units never enter the admin. Whoever may not see an object gets 404, never 403; the
anonymous and the inactive are sent to the login page. A foreign object is never named in any list or count.

To cover a new page, add a row to PAGES (no object), OBJECT_PAGES (an object of unit A or B) or ACTION_PAGES.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from resolutions.models import Directive
from accounts import roles
from notifications.models import Notification
from tasks.models import Attachment, ExtensionRequest, ProgressReport, Review, Task
from units.models import Membership
from tests.factories import (
    DirectiveFactory,
    ProgressReportFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    leader,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db

PEOPLE = ["office", "standing", "leader_a", "officer_a", "leader_b", "officer_b", "anonymous", "inactive"]

# What each person gets on a page without an object (and on an object they may see).
OK, LOGIN, ADMIN_LOGIN, NOT_FOUND, REFUSED = "200", "login", "admin-login", "404", "403"

PAGES = {
    # name: (url, {person: expected})
    "home": ("tasks:home", {}),
    "task list": ("tasks:list", {}),
    "documents": ("tasks:documents", {}),
    "admin": ("admin:index", {"leader_a": ADMIN_LOGIN, "officer_a": ADMIN_LOGIN, "leader_b": ADMIN_LOGIN,
                              "officer_b": ADMIN_LOGIN, "anonymous": ADMIN_LOGIN, "inactive": ADMIN_LOGIN}),
    "new task": ("tasks:create", {"standing": "403", "leader_a": "403", "officer_a": "403", "leader_b": "403",
                                  "officer_b": "403"}),
    "admin task list": ("admin:tasks_task_changelist", "admin"),
    "admin document list": ("admin:resolutions_resolution_changelist", "admin"),
}

# name: (url name, which object of the world, rule). Rule "object": 200 when the person may see it, else 404.
# Rule "admin": the office and the standing committee only; the others are sent to the admin login.
OBJECT_PAGES = {
    "task": ("tasks:detail", "task", "object"),
    "document": ("tasks:document", "resolution", "object"),
    "attachment": ("tasks:attachment", "attachment", "object"),
    "admin task": ("admin:tasks_task_change", "task", "admin"),
    "admin document": ("admin:resolutions_resolution_change", "resolution", "admin"),
}

# Actions (the write side): GET shows the form to whoever may act, 403 to whoever sees the task but may not act,
# 404 to whoever does not see it. (url name, object, who may act on their own unit's object)
ACTION_PAGES = {
    "report": ("tasks:report", "task", {"leader", "officer"}),
    "contribute": ("tasks:contribute", "coordinated_task", {"leader", "officer"}),
    "propose completion": ("tasks:propose", "task", {"leader"}),
    "request extension": ("tasks:extension", "task", {"leader"}),
    "delegate": ("tasks:delegate", "task", {"leader"}),
    "decide completion": ("tasks:decide_completion", "proposed_task", {"office"}),
    "change lead": ("tasks:change_lead", "task", {"office"}),
    "cancel": ("tasks:cancel", "task", {"office"}),
    "edit": ("tasks:edit", "task", {"office"}),
    "decide extension": ("tasks:decide_extension", "extension", {"office"}),
}


@dataclass
class Side:
    """One unit's objects."""

    unit: object
    sub_unit: object
    task: Task
    sub_task: Task
    coordinated_task: Task
    proposed_task: Task
    resolution: object
    attachment: Attachment
    extension: ExtensionRequest


def _side(name: str, office) -> Side:
    unit = UnitFactory(name=f"Ban thử nghiệm {name}")
    sub_unit = UnitFactory(name=f"Đơn vị trực thuộc {name}", parent=unit)
    resolution = ResolutionFactory(title=f"Kết luận riêng của đơn vị {name}")
    directive = DirectiveFactory(resolution=resolution, text=f"Nội dung chỉ đạo riêng cho {name}")
    task = TaskFactory(lead=unit, directive=directive, title=f"Nhiệm vụ bí mật của {name}",
                       deadline=timezone.localdate() - datetime.timedelta(days=3))
    sub_task = TaskFactory(lead=sub_unit, title=f"Nhiệm vụ của đơn vị trực thuộc {name}")
    coordinated_task = TaskFactory(lead=UnitFactory(), coordinating=[unit],
                                   title=f"Nhiệm vụ phối hợp của {name}")
    proposed_task = TaskFactory(lead=unit, title=f"Nhiệm vụ đề nghị hoàn thành của {name}",
                                status=Task.Status.PROPOSED)
    report = ProgressReportFactory(task=task, text=f"Báo cáo riêng của {name}")
    Review.objects.create(task=proposed_task, proposed_by=report.author, result=f"Kết quả của {name}")
    attachment = Attachment(report=report, original_name=f"bao-cao-{name}.pdf", content_type="application/pdf",
                            size=8)
    attachment.file.save("x.pdf", SimpleUploadedFile("x.pdf", b"%PDF-1.4"), save=False)
    attachment.save()
    # On a task of its own, so that `task` is still free to ask for one.
    extended = TaskFactory(lead=unit, title=f"Nhiệm vụ xin gia hạn của {name}")
    extension = ExtensionRequest.objects.create(
        task=extended, unit=unit, requested_by=report.author, current_deadline=extended.deadline,
        requested_deadline=extended.deadline + datetime.timedelta(days=30), reason=f"Lý do gia hạn của {name}",
    )
    return Side(unit, sub_unit, task, sub_task, coordinated_task, proposed_task, resolution, attachment, extension)


@pytest.fixture(scope="module")
def world(shared_db):
    """Built once for the module's hundreds of cells; each test's own changes are rolled back (conftest.SharedDb)."""
    with shared_db:
        # The role groups' permissions as every migrate after a fresh database's first leaves them
        # (tests/test_admin.py).
        roles.ensure_role_groups()
        office = office_user(username="vp")
        a, b = _side("A", office), _side("B", office)
        inactive = member(a.unit, Membership.Role.LEADER, username="nghi.viec")
        inactive.is_active = False
        inactive.save()
        people = {
            "office": office,
            "standing": standing_user(username="tt"),
            "leader_a": leader(a.unit, username="lanhdao.a"),
            "officer_a": member(a.unit, username="chuyenvien.a"),
            "leader_b": leader(b.unit, username="lanhdao.b"),
            "officer_b": member(b.unit, username="chuyenvien.b"),
            "anonymous": None,
            "inactive": inactive,
        }
    return {"A": a, "B": b, "people": people}


def _client(client, world, person):
    user = world["people"][person]
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        return f"redirect {location}"
    return str(response.status_code)


def _sees_all(person):
    return person in ("office", "standing")


def _unit_of(person):
    return person.rsplit("_", 1)[-1].upper() if person.endswith(("_a", "_b")) else None


# --- pages without an object --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_each_person_as_the_role_table_says(client, world, page, person):
    name, rule = PAGES[page]
    url = reverse(name)
    if rule == "admin":
        expected = OK if _sees_all(person) else ADMIN_LOGIN
    else:
        expected = rule.get(person) or (LOGIN if person in ("anonymous", "inactive") else OK)
    response = _client(client, world, person).get(url)
    assert _outcome(response) == expected


# --- pages of one object ------------------------------------------------------------------------------------


def _expected_for_object(person, side, rule):
    if person in ("anonymous", "inactive"):
        return ADMIN_LOGIN if rule == "admin" else LOGIN
    if rule == "admin":
        return OK if _sees_all(person) else ADMIN_LOGIN
    if _sees_all(person) or _unit_of(person) == side:
        return OK
    return NOT_FOUND


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_an_object_page_is_404_for_whoever_may_not_see_the_object(client, world, page, person, side):
    name, attribute, rule = OBJECT_PAGES[page]
    obj = getattr(world[side], attribute)
    url = reverse(name, args=[obj.pk])
    response = _client(client, world, person).get(url)
    assert _outcome(response) == _expected_for_object(person, side, rule)


@pytest.mark.parametrize("person", ["leader_a", "officer_a", "leader_b"])
def test_no_page_ever_says_403_for_a_task_of_another_unit(client, world, person):
    foreign = world["B"] if _unit_of(person) == "A" else world["A"]
    client = _client(client, world, person)
    for obj in (foreign.task, foreign.sub_task):
        assert client.get(reverse("tasks:detail", args=[obj.pk])).status_code == 404
    assert client.get(reverse("tasks:detail", args=[999_999])).status_code == 404


def test_a_leader_sees_the_sub_units_tasks_and_an_officer_does_not(client, world):
    a = world["A"]
    url = reverse("tasks:detail", args=[a.sub_task.pk])
    assert _client(client, world, "leader_a").get(url).status_code == 200
    client.logout()
    assert _client(client, world, "officer_a").get(url).status_code == 404
    listing = client.get(reverse("tasks:list")).content.decode()
    assert a.sub_task.title not in listing
    assert a.task.title in listing


# --- actions ------------------------------------------------------------------------------------------------


def _expected_for_action(person, side, allowed_roles):
    if person in ("anonymous", "inactive"):
        return LOGIN
    if _sees_all(person):
        return OK if "office" in allowed_roles and person == "office" else REFUSED
    if _unit_of(person) != side:
        return NOT_FOUND
    return OK if person.split("_")[0] in allowed_roles else REFUSED


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", ACTION_PAGES)
def test_an_action_is_404_on_a_foreign_task_and_403_only_on_a_visible_one(client, world, action, person, side):
    name, attribute, allowed_roles = ACTION_PAGES[action]
    obj = getattr(world[side], attribute)
    url = reverse(name, args=[obj.pk])
    response = _client(client, world, person).get(url)
    assert _outcome(response) == _expected_for_action(person, side, allowed_roles)


@pytest.mark.parametrize("action", ACTION_PAGES)
def test_posting_an_action_on_a_foreign_task_is_404_and_writes_nothing(client, world, action):
    name, attribute, _roles = ACTION_PAGES[action]
    obj = getattr(world["B"], attribute)
    url = reverse(name, args=[obj.pk])
    models = (Task, Task.history.model, ProgressReport, Review, ExtensionRequest, Notification, Attachment)
    before = [model.objects.count() for model in models]
    client = _client(client, world, "leader_a")
    response = client.post(url, {"text": "x", "percent": "100", "result": "Xong", "reason": "Vì sao",
                                 "new_deadline": "31/12/2030", "comment": "x", "approve": "1"})
    assert response.status_code == 404
    assert [model.objects.count() for model in models] == before


# --- no foreign row in any list or count --------------------------------------------------------------------


def _foreign_words(world, person):
    foreign = world["B"] if _unit_of(person) == "A" else world["A"]
    return [foreign.task.title, foreign.sub_task.title, foreign.coordinated_task.title, foreign.resolution.title,
            foreign.unit.name, foreign.attachment.original_name, foreign.extension.reason,
            foreign.extension.task.title, foreign.proposed_task.title]


@pytest.mark.parametrize("person", ["leader_a", "officer_a", "leader_b", "officer_b"])
@pytest.mark.parametrize("url", [
    "/", "/tasks/", "/tasks/?q=nhiem+vu", "/tasks/?standing=overdue", "/tasks/?sort=title", "/resolutions/",
    "/resolutions/?q=ket+luan",
])
def test_no_list_names_anything_of_another_unit(client, world, person, url):
    page = _client(client, world, person).get(url).content.decode()
    for word in _foreign_words(world, person):
        assert word not in page, f"{word!r} leaks into {url} for {person}"


@pytest.mark.parametrize("person", ["leader_a", "officer_a"])
def test_own_pages_name_nothing_of_another_unit(client, world, person):
    a = world["A"]
    client = _client(client, world, person)
    for url in (reverse("tasks:detail", args=[a.task.pk]), reverse("tasks:document", args=[a.resolution.pk])):
        page = client.get(url).content.decode()
        for word in _foreign_words(world, person):
            assert word not in page, f"{word!r} leaks into {url}"


def test_filtering_by_a_foreign_unit_or_document_shows_nothing_of_it(client, world):
    b = world["B"]
    client = _client(client, world, "leader_a")
    for query in (f"unit={b.unit.pk}", f"document={b.resolution.pk}",
                  f"document={b.resolution.pk}&directive={b.task.directive_id}"):
        page = client.get(f"/tasks/?{query}").content.decode()
        assert b.task.title not in page
        assert b.resolution.title not in page
        assert b.unit.name not in page


def test_the_counters_count_only_the_units_own_tasks(client, world):
    response = _client(client, world, "officer_a").get("/")
    counts = response.context["counts"]
    # Unit A: its overdue task; the task it asked to extend, the proposed one and the one it coordinates (on
    # track); not the sub-unit's (an officer does not see it), nothing of unit B.
    assert counts["overdue"] == 1
    assert sum(counts.values()) == 4


def test_the_office_sees_both_units_everywhere(client, world):
    client = _client(client, world, "office")
    listing = client.get("/tasks/").content.decode()
    for side in ("A", "B"):
        assert world[side].task.title in listing
        assert world[side].sub_task.title in listing
    home = client.get("/").content.decode()
    assert world["A"].unit.name in home and world["B"].unit.name in home  # overdue by lead unit


def test_the_directive_filter_names_no_directive_of_another_unit(client, world):
    directive = Directive.objects.get(pk=world["B"].task.directive_id)
    page = _client(client, world, "officer_a").get(f"/tasks/?directive={directive.pk}").content.decode()
    assert directive.text not in page


def test_an_inactive_person_cannot_sign_in(client, world):
    response = client.post(reverse("login"), {"username": "nghi.viec", "password": "secret-pass-123"})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_nobody_without_a_membership_sees_any_task(client, world):
    client.force_login(UserFactory(username="khong.don.vi"))
    page = client.get("/tasks/").content.decode()
    for side in ("A", "B"):
        assert world[side].task.title not in page
    assert client.get(reverse("tasks:detail", args=[world["A"].task.pk])).status_code == 404
