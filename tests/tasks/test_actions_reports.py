"""The unit's actions through the pages: progress reports and contributions with their files, the upload limits, and
attachments served only to those who see the task.
"""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tasks.models import Attachment, ProgressReport
from tests.tasks.actions_support import EXE, HTML, errors_of, flash, pdf, stored_files, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import PDF, multipart, snapshot

pytestmark = pytest.mark.django_db


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
