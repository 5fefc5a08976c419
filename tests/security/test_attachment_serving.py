"""RELIABILITY row 12 (the serving part): stored under generated names, handed out only through a permission
check, always as a download."""
import pytest
from django.test import Client
from django.urls import reverse

from tasks import services
from core.uploads import check_upload
from tests.factories import TaskFactory, UnitFactory, leader, member
from tests.security.test_uploads import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment():
    unit = UnitFactory()
    author = member(unit)
    task = TaskFactory(lead=unit)
    report = services.submit_progress_report(
        task=task, user=author, text="Đã triển khai.", percent=30,
        files=[check_upload(upload("../../Báo cáo <quý II>.pdf", PDF))],
    )
    stored = report.attachments.get()
    return stored, unit


def test_the_stored_file_has_a_generated_name_under_media_root(attachment, settings):
    stored, _ = attachment
    assert stored.original_name == "Báo cáo <quý II>.pdf"
    assert stored.file.name.startswith("attachments/")
    assert "Báo" not in stored.file.name and ".." not in stored.file.name and "pdf" not in stored.file.name
    assert stored.file.path.startswith(str(settings.MEDIA_ROOT))
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_a_member_downloads_it_as_an_attachment_never_rendered(attachment):
    stored, unit = attachment
    client = Client()
    client.force_login(leader(unit))
    response = client.get(reverse("tasks:attachment", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_someone_of_another_unit_gets_404(attachment):
    stored, _ = attachment
    client = Client()
    client.force_login(member(UnitFactory()))
    assert client.get(reverse("tasks:attachment", args=[stored.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(attachment):
    stored, _ = attachment
    response = Client().get(reverse("tasks:attachment", args=[stored.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_uploaded_files_have_no_public_address(attachment, settings):
    stored, unit = attachment
    client = Client()
    client.force_login(leader(unit))
    assert client.get(settings.MEDIA_URL + stored.file.name).status_code == 404
    assert client.get("/media/" + stored.file.name).status_code == 404
