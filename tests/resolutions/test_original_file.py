"""The file a document was imported from opens from the document's page, for those who may see the document (the
office, the standing committee, a unit with a task in it) through a checked download, never a public media
address; to anyone else it is a 404, as the document is."""
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.admin_support import change, role_groups  # noqa: F401
from tests.factories import (
    DirectiveFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db

DOCX = b"PK\x03\x04 the conclusion as the office received it"


@pytest.fixture
def conclusion():
    resolution = ResolutionFactory(title="Kết luận Hội nghị Tỉnh ủy lần thứ 8")
    resolution.original_file.save("ket-luan-hoi-nghi-lan-8.docx", ContentFile(DOCX))
    return resolution


@pytest.fixture
def assigned_unit(conclusion):
    unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    TaskFactory(lead=unit, directive=DirectiveFactory(resolution=conclusion))
    return unit


def file_url(resolution):
    return reverse("tasks:document_file", args=[resolution.pk])


def downloaded(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="ket-luan-hoi-nghi-lan-8.docx"' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_the_office_opens_the_original_from_the_document_page(client, conclusion):
    client.force_login(office_user())

    page = client.get(reverse("tasks:document", args=[conclusion.pk])).content.decode()

    assert f'href="{file_url(conclusion)}"' in page and "Tải văn bản gốc" in page
    assert "ket-luan-hoi-nghi-lan-8.docx" in page
    assert "media-not-served" not in page
    assert downloaded(client.get(file_url(conclusion))) == DOCX


def test_a_unit_with_a_task_in_the_document_opens_it_too(client, conclusion, assigned_unit):
    client.force_login(member(assigned_unit))

    page = client.get(reverse("tasks:document", args=[conclusion.pk])).content.decode()

    assert f'href="{file_url(conclusion)}"' in page
    assert downloaded(client.get(file_url(conclusion))) == DOCX


def test_a_unit_with_no_task_in_the_document_gets_404(client, conclusion, assigned_unit):
    client.force_login(member(UnitFactory(name="Hội Cựu chiến binh tỉnh")))

    assert client.get(file_url(conclusion)).status_code == 404


def test_nobody_signed_out_gets_the_file(client, conclusion):
    response = client.get(file_url(conclusion))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_document_without_an_original_shows_no_link_and_answers_404(client):
    typed_in = ResolutionFactory()
    client.force_login(office_user())

    page = client.get(reverse("tasks:document", args=[typed_in.pk])).content.decode()

    assert "Tải văn bản gốc" not in page
    assert client.get(file_url(typed_in)).status_code == 404


def test_the_admin_links_the_original_through_the_checked_download(role_groups, conclusion):
    for user in (office_user(), standing_user()):  # the office edits the document, the standing committee reads it
        client = Client()
        client.force_login(user)
        page = client.get(change(conclusion)).content.decode()

        assert f'href="{file_url(conclusion)}"' in page
        assert "media-not-served" not in page
