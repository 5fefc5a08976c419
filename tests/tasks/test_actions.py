"""The action views (tasks/views_actions.py): who gets which answer, what the forms say, what is written.

A task the person may not see is 404 on every action URL with nothing written; a visible task the person may not
act on is refused with a Vietnamese message; bad input gets a field error, never a 500, and writes nothing.
"""
import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, Attachment, ExtensionRequest, ProgressReport, Task
from tasks.standing import Standing
from tests.factories import office_user
from tests.tasks.support import PDF, World, days, ddmmyyyy, multipart, snapshot

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def w():
    return World()


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf(name="bao-cao.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def errors_of(response) -> str:
    """The text of the form's error messages (field and form errors), as the person reads them."""
    html = response.content.decode()
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|alert-block)[^"]*"[^>]*>(.*?)</(?:div|span|p)>',
                       html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item) for item in found).replace("\xa0", " ")


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def valid_posts(w, extension_pk=None):
    """For every action: a POST that would succeed for the right person."""
    return {
        "report": {"text": "Đã triển khai.", "percent": "40", "attachments": [pdf()]},
        "contribute": {"text": "Ý kiến phối hợp."},
        "propose": {"result": "Đã hoàn thành.", "version": w.task.version},
        "decide_completion": {"decision": "approve", "comment": "", "version": w.task.version},
        "extension": {"new_deadline": ddmmyyyy(days(60)), "reason": "Chờ số liệu.", "version": w.task.version},
        "delegate": {"unit": w.sub.pk, "title": "", "description": "", "deadline": ""},
        "change_lead": {"unit": w.other.pk, "version": w.task.version},
        "cancel": {"reason": "Không còn phù hợp.", "version": w.task.version},
        "edit": {"title": "Tên mới", "description": "", "deadline": ddmmyyyy(days(40)), "report_cycle": "",
                 "version": w.task.version},
    }


TASK_ACTIONS = ["report", "contribute", "propose", "decide_completion", "extension", "delegate", "change_lead",
                "cancel", "edit"]


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


# --- the unit's actions --------------------------------------------------------------------------------------


def test_an_officer_reports_with_a_pdf_and_is_sent_back_to_the_task(w, settings):
    # Sent as a script could send it: the test client itself would strip the path from the names.
    response = w.client(w.officer).post(reverse("tasks:report", args=[w.task.pk]), **multipart(
        {"text": "Đã tổ chức quán triệt.", "percent": "35"},
        [("attachments", "../../Báo cáo quý II.pdf", PDF), ("attachments", "..\\..\\media\\x.pdf", PDF)]))
    assert response.status_code == 302 and response["Location"] == w.task.get_absolute_url()
    assert flash(response) == ["Đã gửi báo cáo tiến độ."]
    report = ProgressReport.objects.get()
    assert (report.text, report.percent, report.author) == ("Đã tổ chức quán triệt.", 35, w.officer)
    # The person's name is kept for the download, without its path; the stored name is generated.
    assert [a.original_name for a in report.attachments.order_by("pk")] == ["Báo cáo quý II.pdf", "x.pdf"]
    stored = sorted(a.file.name for a in report.attachments.all())
    assert all(re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", name) for name in stored)
    assert sorted(str(path.relative_to(settings.MEDIA_ROOT)) for path in stored_files(settings)) == stored
    assert w.fresh().progress == 35


def test_an_htmx_report_answers_with_a_redirect_to_the_task(w):
    response = w.client(w.officer).post(reverse("tasks:report", args=[w.task.pk]),
                                        {"text": "Đã làm.", "percent": "10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == w.task.get_absolute_url()
    assert ProgressReport.objects.count() == 1


def test_the_report_form_loads_into_the_task_page_as_a_partial(w):
    response = w.client(w.officer).get(reverse("tasks:report", args=[w.task.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'hx-post="%s"' % reverse("tasks:report", args=[w.task.pk]) in html
    assert 'enctype="multipart/form-data"' in html and 'name="attachments"' in html and "multiple" in html


def test_the_lead_sees_the_coordinating_units_contributions_when_reporting(w):
    response = w.client(w.coord_member).post(reverse("tasks:contribute", args=[w.task.pk]),
                                             {"text": "UBKT đề nghị bổ sung số liệu kiểm tra."})
    assert response.status_code == 302
    assert ProgressReport.objects.get().kind == ProgressReport.Kind.CONTRIBUTION
    page = w.client(w.officer).get(reverse("tasks:report", args=[w.task.pk])).content.decode()
    assert "UBKT đề nghị bổ sung số liệu kiểm tra." in page and "Ủy ban Kiểm tra Tỉnh ủy" in page


def test_report_errors_are_in_vietnamese_and_nothing_is_written(w):
    client = w.client(w.officer)
    url = reverse("tasks:report", args=[w.task.pk])
    before = snapshot()
    response = client.post(url, {"text": "   ", "percent": "101"})
    assert response.status_code == 400
    errors = errors_of(response)
    assert "Vui lòng nhập thông tin này." in errors
    assert "Tỷ lệ hoàn thành phải từ 0 đến 100." in errors
    response = client.post(url, {"text": "x" * 20_001, "percent": "abc"})
    assert "Nội dung quá dài: tối đa 20000 ký tự (hiện có 20001)." in errors_of(response)
    assert "Hãy nhập một số nguyên." in errors_of(response)
    assert snapshot() == before


def test_nul_bytes_are_dropped_and_emoji_kept(w):
    response = w.client(w.officer).post(reverse("tasks:report", args=[w.task.pk]),
                                        {"text": "Đã\x00 triển khai 👍\x00", "percent": "5"})
    assert response.status_code == 302
    assert ProgressReport.objects.get().text == "Đã triển khai 👍"


def test_a_request_too_large_to_read_is_refused_with_a_message(w, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = snapshot()
    response = w.client(w.leader).post(reverse("tasks:propose", args=[w.task.pk]),
                                       {"result": "x" * 20_000, "version": w.task.version})
    assert response.status_code == 413
    assert "Không đọc được dữ liệu gửi lên: quá lớn" in errors_of(response)
    assert snapshot() == before


# --- uploads ------------------------------------------------------------------------------------------------


def refused_upload(w, settings, files, *, expect):
    before = snapshot()
    response = w.client(w.officer).post(reverse("tasks:report", args=[w.task.pk]),
                                        {"text": "Báo cáo kèm tệp.", "percent": "20", "attachments": files})
    assert response.status_code == 400
    assert expect in errors_of(response)
    # No report row without its attachments, and no file left behind.
    assert snapshot() == before
    assert stored_files(settings) == []
    return response


def test_a_file_over_20_mb_is_refused_while_it_is_read(w, settings):
    big = SimpleUploadedFile("so-lieu.pdf", PDF + b"0" * (20 * 1024 * 1024 + 1 - len(PDF)))
    response = refused_upload(w, settings, [pdf("truoc.pdf"), big, pdf("sau.pdf")], expect="“so-lieu.pdf” không được nhận: quá lớn (tối đa 20,0 MB)")
    assert "Báo cáo kèm tệp." in response.content.decode()  # what the person typed is kept


def test_the_upload_limit_follows_the_setting(w, settings):
    settings.PORTAL_MAX_ATTACHMENT_BYTES = 1024
    refused_upload(w, settings, [pdf("lon.pdf", PDF + b"0" * 2048)], expect="“lon.pdf” không được nhận")


def test_more_files_than_allowed_are_refused(w, settings):
    settings.PORTAL_MAX_ATTACHMENTS = 2
    refused_upload(w, settings, [pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf")], expect="“3.pdf” không được nhận")


@pytest.mark.parametrize("name, data", [("chuong-trinh.pdf", EXE), ("trang.html", HTML), ("trang.pdf", HTML),
                                        ("anh.png", b"GIF89a" + b"\x00" * 64)])
def test_a_file_is_judged_by_its_content_not_its_name(w, settings, name, data):
    refused_upload(w, settings, [SimpleUploadedFile(name, data), pdf()],
                   expect=f"“{name}” không đúng định dạng cho phép (PDF, DOCX, XLSX, JPG, PNG)")


def test_an_empty_file_is_refused(w, settings):
    refused_upload(w, settings, [SimpleUploadedFile("rong.pdf", b"")], expect="“rong.pdf” rỗng")


# --- attachments are served only through the permission check --------------------------------------------------


@pytest.fixture
def attachment(w):
    w.client(w.officer).post(reverse("tasks:report", args=[w.task.pk]),
                             {"text": "Kèm tệp.", "percent": "20", "attachments": [pdf("Kế hoạch.pdf")]})
    return Attachment.objects.get()


@pytest.mark.parametrize("who", ["officer", "leader", "coord_member", "office", "standing"])
def test_those_who_see_the_task_download_the_attachment(w, attachment, who):
    response = w.client(getattr(w, who)).get(reverse("tasks:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["outsider_leader", "outsider_officer"])
def test_others_get_404_for_the_attachment(w, attachment, who):
    assert w.client(getattr(w, who)).get(reverse("tasks:attachment", args=[attachment.pk])).status_code == 404


def test_the_attachment_url_is_not_a_way_in_for_anonymous_visitors(attachment):
    response = Client().get(reverse("tasks:attachment", args=[attachment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


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
