"""A completion proposal carries the documents its help text asks for: checked like a report's files, shown to the
office on the review form and in the timeline, and downloaded only by those who may see the task."""
import pytest
from django.test import Client
from django.urls import reverse

from tasks import services
from tasks.models import Attachment, Review, Task
from tests.tasks.actions_support import EXE, errors_of, pdf, stored_files, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import PDF, snapshot

pytestmark = pytest.mark.django_db

RESULT_FILE = "Báo cáo kết quả Chỉ thị 05.pdf"


@pytest.fixture
def proposal(w):
    """The lead unit's leader proposes the task done, through the page, with the result's report attached."""
    response = w.client(w.leader).post(reverse("tasks:propose", args=[w.task.pk]), {
        "result": "Đã ban hành kế hoạch và tổ chức quán triệt.", "version": w.task.version,
        "attachments": [pdf(RESULT_FILE), pdf("Phụ lục.pdf")]})
    assert response.status_code == 302
    return Review.objects.get(task=w.task)


def test_the_proposal_form_asks_for_files(w):
    page = w.client(w.leader).get(reverse("tasks:propose", args=[w.task.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="attachments"' in page
    assert "văn bản, sản phẩm kèm theo" in page


def test_a_proposal_keeps_its_files_and_the_task_waits_for_the_office(w, proposal):
    assert w.fresh().status == Task.Status.PROPOSED
    assert [a.original_name for a in proposal.attachments.order_by("pk")] == [RESULT_FILE, "Phụ lục.pdf"]
    assert all(a.report_id is None for a in proposal.attachments.all())


def test_the_office_sees_the_files_on_the_review_form_and_opens_them(w, proposal):
    office = w.client(w.office)
    form = office.get(reverse("tasks:decide_completion", args=[w.task.pk])).content.decode()
    attachment = proposal.attachments.get(original_name=RESULT_FILE)
    assert f'href="{attachment.get_absolute_url()}"' in form and RESULT_FILE in form
    response = office.get(attachment.get_absolute_url())
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_the_timeline_lists_the_files_under_the_proposal(w, proposal):
    page = w.client(w.officer).get(w.task.get_absolute_url()).content.decode()
    entry = page[page.index(f'id="review-{proposal.pk}"'):]
    entry = entry[:entry.index("</ul>", entry.index("list-inline"))]
    assert "Đề nghị hoàn thành" in entry
    for attachment in proposal.attachments.all():
        assert f'href="{attachment.get_absolute_url()}"' in entry


@pytest.mark.parametrize("who", ["leader", "officer", "coord_member", "office", "standing"])
def test_those_who_see_the_task_download_the_proposals_files(w, proposal, who):
    attachment = proposal.attachments.first()
    assert w.client(getattr(w, who)).get(attachment.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["outsider_leader", "outsider_officer"])
def test_others_get_404_for_the_proposals_files(w, proposal, who):
    attachment = proposal.attachments.first()
    assert w.client(getattr(w, who)).get(attachment.get_absolute_url()).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(w, proposal):
    response = Client().get(proposal.attachments.first().get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_disguised_file_is_refused_and_nothing_is_written(w, settings):
    before, files_before = snapshot(), stored_files(settings)
    response = w.client(w.leader).post(reverse("tasks:propose", args=[w.task.pk]), {
        "result": "Xong.", "version": w.task.version, "attachments": [pdf("ket-qua.pdf", EXE)]})
    assert response.status_code == 400
    assert "ket-qua.pdf" in errors_of(response)
    assert snapshot() == before and stored_files(settings) == files_before


def test_a_proposal_without_files_still_goes(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    assert w.fresh().status == Task.Status.PROPOSED and not Attachment.objects.exists()


def test_an_attachment_belongs_to_a_report_or_a_proposal_never_both_or_neither(w, proposal):
    from django.db import IntegrityError, transaction

    attachment = proposal.attachments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(review=None)


def test_the_admin_lists_a_proposals_files_under_the_review(w, proposal):
    client = w.client(w.office)
    page = client.get(reverse("admin:tasks_review_change", args=[proposal.pk])).content.decode()
    attachment = proposal.attachments.get(original_name=RESULT_FILE)
    assert f'href="{attachment.get_absolute_url()}"' in page
