"""/tasks/<pk>/: the directive and its place in the document, the units, the deadline (and the first one when
moved), delegation, and one timeline of everything that happened, newest first."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tasks import services
from units.models import Membership
from core.uploads import UploadedAttachment
from tests.factories import DirectiveFactory, UnitFactory, leader, member, office_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    office = office_user(first_name="Phòng", last_name="Nguyễn Văn")
    lead = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    sub_unit = UnitFactory(name="Trung tâm Bồi dưỡng chính trị", parent=lead)
    helper = UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
    directive = DirectiveFactory(text="Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05.", section_path="I.3",
                                 label="(4)")
    task = services.create_task(
        created_by=office, title=directive.text, description=directive.text, directive=directive,
        lead_unit=lead, coordinating_units=[helper], deadline=TODAY + datetime.timedelta(days=10),
        deadline_text="quý II/2022",
    )
    return {
        "office": office, "lead": lead, "sub_unit": sub_unit, "helper": helper, "directive": directive, "task": task,
        "boss": leader(lead, first_name="Tuyên", last_name="Lê Thị"),
        "officer": member(lead, first_name="Giáo", last_name="Phạm Văn"),
    }


def page_of(client, user, task):
    client.force_login(user)
    response = client.get(reverse("tasks:detail", args=[task.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_directive_links_to_its_place_in_the_document(client, world):
    _response, page = page_of(client, world["officer"], world["task"])
    directive = world["directive"]
    assert f'href="/resolutions/{directive.resolution_id}/#directive-{directive.pk}"' in page
    assert "Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05." in page
    assert "I.3 (4)" in page


def test_the_lead_and_coordinating_units_and_the_deadline_as_written(client, world):
    _response, page = page_of(client, world["officer"], world["task"])
    assert "Ban Tuyên giáo Tỉnh ủy" in page
    assert "Ủy ban Kiểm tra Tỉnh ủy" in page
    assert (TODAY + datetime.timedelta(days=10)).strftime("%d/%m/%Y") in page
    assert "quý II/2022" in page
    assert "Hạn ban đầu" not in page


def test_a_moved_deadline_shows_the_first_one(client, world):
    task, boss = world["task"], world["boss"]
    first = task.deadline
    new = first + datetime.timedelta(days=45)
    extension = services.request_extension(task=task, user=boss, new_deadline=new, reason="Chờ ý kiến Trung ương")
    services.decide_extension(extension=extension, user=world["office"], approve=True)
    _response, page = page_of(client, boss, task)
    assert f"Hạn ban đầu: {first:%d/%m/%Y}" in page
    assert new.strftime("%d/%m/%Y") in page


def test_an_ongoing_task_shows_its_report_cycle(client, world):
    task = services.create_task(created_by=world["office"], title="Thường xuyên quán triệt Chỉ thị 05",
                                lead_unit=world["lead"], report_cycle="quarterly")
    _response, page = page_of(client, world["officer"], task)
    assert "Kỳ báo cáo" in page and "Hằng quý" in page
    assert "standing-ongoing" in page


def test_the_timeline_shows_a_report_an_extension_and_a_review_newest_first(client, world):
    task, boss, office = world["task"], world["boss"], world["office"]
    upload = UploadedAttachment(file=SimpleUploadedFile("bc.pdf", b"%PDF-1.4 test"), original_name="bao-cao-quy.pdf",
                                content_type="application/pdf", size=13)
    report = services.submit_progress_report(task=task, user=world["officer"], text="Đã xây dựng dự thảo.",
                                             percent=40, files=[upload])
    extension = services.request_extension(task=task, user=boss, new_deadline=task.deadline + datetime.timedelta(30),
                                           reason="Chờ góp ý của các ban")
    services.decide_extension(extension=extension, user=office, approve=True, comment="Đồng ý")
    task.refresh_from_db()
    review = services.propose_completion(task=task, user=boss, result="Đã trình Chỉ thị")
    services.decide_completion(task=task, user=office, approve=False, comment="Cần bổ sung phụ lục")

    response, page = page_of(client, world["officer"], task)
    anchors = [f'id="review-{review.pk}-decision"', f'id="review-{review.pk}"',
               f'id="extension-{extension.pk}-decision"', f'id="extension-{extension.pk}"', f'id="report-{report.pk}"']
    positions = [page.index(anchor) for anchor in anchors]
    assert positions == sorted(positions), "newest first"
    assert "Cần bổ sung phụ lục" in page and "Chờ góp ý của các ban" in page and "Đã xây dựng dự thảo." in page
    attachment = report.attachments.get()
    assert f'href="/attachments/{attachment.pk}/"' in page and "bao-cao-quy.pdf" in page
    # Who and when: names in Vietnamese order, dd/mm/yyyy HH:MM.
    assert "Phạm Văn Giáo" in page and "Nguyễn Văn Phòng" in page
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", page)
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds.index("review") < kinds.index("proposal") < kinds.index("extension_decision") \
        < kinds.index("extension_request") < kinds.index("report")


def test_the_timeline_keeps_the_history_of_the_task_and_its_assignments(client, world):
    task, office = world["task"], world["office"]
    services.change_lead(task=task, user=office, unit=world["helper"])
    client.force_login(office)
    response = client.get(reverse("tasks:detail", args=[task.pk]))
    page = response.content.decode()
    assert "Đổi đơn vị chủ trì: Ban Tuyên giáo Tỉnh ủy → Ủy ban Kiểm tra Tỉnh ủy" in page
    assert "Chủ trì: Ủy ban Kiểm tra Tỉnh ủy" in page  # the new lead's assignment
    assert "Thôi phân công đơn vị" in page
    assert "Giao nhiệm vụ" in page  # the first history entry


def test_an_edited_deadline_shows_before_and_after_in_the_history(client, world):
    task, office = world["task"], world["office"]
    old = task.deadline
    services.update_task(task=task, user=office, expected_version=task.version, title=task.title,
                         description=task.description, deadline=datetime.date(2030, 12, 31))
    client.force_login(office)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f"{old:%d/%m/%Y} → 31/12/2030" in page


def test_a_delegated_task_shows_its_parent_and_the_parent_its_children(client, world):
    task, boss = world["task"], world["boss"]
    child = services.delegate_task(task=task, user=boss, unit=world["sub_unit"], title="Phần việc của Trung tâm")
    _response, parent_page = page_of(client, boss, task)
    assert child.get_absolute_url() in parent_page and "Trung tâm Bồi dưỡng chính trị" in parent_page
    _response, child_page = page_of(client, boss, child)
    assert task.get_absolute_url() in child_page and "Nhiệm vụ gốc" in child_page


def test_a_sub_unit_member_sees_the_child_but_not_the_parent(client, world):
    child = services.delegate_task(task=world["task"], user=world["boss"], unit=world["sub_unit"])
    staff = member(world["sub_unit"])
    _response, page = page_of(client, staff, child)
    assert "Nhiệm vụ gốc" not in page
    assert client.get(reverse("tasks:detail", args=[world["task"].pk])).status_code == 404


def test_the_action_forms_get_the_persons_permissions(client, world):
    response, _page = page_of(client, world["boss"], world["task"])
    permissions = response.context["permissions"]
    assert set(permissions) == {"can_report", "can_contribute", "can_propose_completion", "can_request_extension",
                                "can_delegate", "can_decide_completion", "can_decide_extension", "is_office"}
    assert permissions["can_propose_completion"] and permissions["can_delegate"]
    assert not permissions["is_office"] and not permissions["can_decide_completion"]
    response, _page = page_of(client, world["officer"], world["task"])
    assert response.context["permissions"]["can_report"]
    assert not response.context["permissions"]["can_propose_completion"]


def test_a_task_that_does_not_exist_and_one_of_another_unit_look_the_same(client, world):
    outsider = member(UnitFactory(), Membership.Role.LEADER)
    client.force_login(outsider)
    missing = client.get(reverse("tasks:detail", args=[999_999]))
    foreign = client.get(reverse("tasks:detail", args=[world["task"].pk]))
    assert missing.status_code == foreign.status_code == 404
    assert world["task"].title not in foreign.content.decode()


def test_a_decision_shows_what_it_changed_once_not_as_a_second_entry(client, world):
    task, boss, office = world["task"], world["boss"], world["office"]
    first = task.deadline
    extension = services.request_extension(task=task, user=boss, new_deadline=first + datetime.timedelta(days=20),
                                           reason="Chờ số liệu")
    services.decide_extension(extension=extension, user=office, approve=True)
    response, page = page_of(client, boss, task)
    decision = next(entry for entry in response.context["timeline"] if entry.kind == "extension_decision")
    assert ("Hạn xử lý", f"{first:%d/%m/%Y}", f"{extension.requested_deadline:%d/%m/%Y}") in decision.changes
    assert [entry.kind for entry in response.context["timeline"]].count("history") == 1  # "Giao nhiệm vụ" only
    assert page.count(f"{first:%d/%m/%Y} → {extension.requested_deadline:%d/%m/%Y}") == 1
