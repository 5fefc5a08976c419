"""Issue 16, item 1: a document too big to read while the office waits is read by a Celery worker (with a time limit
of its own), so that no upload holds a web worker: step 1 answers at once with the job's page, which opens the
review when the document is read; a document that cannot be read says why, and the way back. Here the worker's side
runs in-process (jobs.services.run, what the Celery task calls); tests/jobs/test_jobs_worker.py runs it in a
real worker."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from intake import background
from jobs.models import Job
from tests.factories import office_user
from tests.jobs.support import published, run_all  # noqa: F401 (published: a fixture)
from tests.resolutions.wizard_support import (  # noqa: F401, F811 (fixtures: directory, office)
    DOCUMENT,
    IMPORT_URL,
    counts,
    directory,
    docx_bytes,
    drafts,
    office,
    review_url,
    the_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.PORTAL_IMPORT_DIRECT_BYTES = 500  # the test document is a few KB: it goes to a worker


def broken_docx() -> bytes:
    """A sound zip with the parts of a .docx, whose document.xml is not XML (and long enough to go to a worker)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><w:body>" + "không đóng thẻ " * 200)
    return buffer.getvalue()


def test_a_big_upload_is_read_by_a_worker_and_its_page_opens_the_review(
    office, small_limit, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(IMPORT_URL, {"file": SimpleUploadedFile("ket-luan.docx", docx_bytes(DOCUMENT))})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.title == "Đọc văn bản ket-luan.docx" and not drafts(office)  # nothing read in the request
    # The reading has a time limit of its own (Celery's soft limit, the hard one 30 s later).
    [(_name, options)] = published
    assert (options["soft_time_limit"], options["time_limit"]) == (background.READ_TIME_LIMIT,
                                                                   background.READ_TIME_LIMIT + 30)
    run_all(published)
    state = office.get(job.get_absolute_url(), HTTP_ACCEPT="application/json").json()
    assert state["state"] == "done" and state["download_url"] is None
    # The page's polling takes the browser to the review; so does its button, and the JSON's next_url.
    polled = office.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == reverse("intake:import_from_job", kwargs={"pk": job.pk})
    assert state["next_url"].endswith(polled["HX-Redirect"])
    review = office.get(polled["HX-Redirect"])
    draft = the_draft(office)
    assert review["Location"] == review_url(draft)
    assert len(draft["items"]) >= 4 and draft["details"]["number"] == "77-TB/TU"
    assert draft["file"].endswith("ket-luan.docx")  # the upload is kept with the draft, as after a direct read
    page = office.get(review_url(draft)).content.decode()
    assert "Sở Thông tin và Truyền thông" in page
    assert counts() == (0, 0, 0, 0)  # nothing recorded before the confirmation, as ever


def test_pasted_text_over_the_limit_goes_to_a_worker_too(office, small_limit, published,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(IMPORT_URL, {"text": DOCUMENT})
    job = Job.objects.get()
    assert job.title == "Đọc văn bản dán vào" and job.params["pasted"] is True
    run_all(published)
    office.get(reverse("intake:import_from_job", kwargs={"pk": job.pk}))
    assert the_draft(office)["file"] == ""  # pasted text keeps no file with the document
    assert response.status_code == 302


def test_a_document_that_cannot_be_read_says_why_and_leads_back_to_the_upload(
    office, small_limit, published, django_capture_on_commit_callbacks
):
    # What can be refused without reading the text is refused in the request, at once: no job.
    response = office.post(IMPORT_URL, {"file": SimpleUploadedFile("hong.docx", b"PK\x03\x04" + b"\x00rac" * 200)})
    assert response.status_code == 400 and ".docx bị hỏng" in response.content.decode()
    assert not Job.objects.exists()
    # A .docx whose zip is sound but whose text cannot be read fails in the worker, with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        office.post(IMPORT_URL, {"file": SimpleUploadedFile("hong.docx", broken_docx())})
    run_all(published)
    job = Job.objects.get()
    page = office.get(job.get_absolute_url()).content.decode()
    assert job.state == "failed" and ".docx bị hỏng" in job.error
    assert ".docx bị hỏng" in page and reverse("intake:import") in page and "Tạo lại tệp" not in page
    assert office.get(reverse("intake:import_from_job", kwargs={"pk": job.pk}))["Location"] == (
        job.get_absolute_url())  # no review of a document that was not read
    assert not drafts(office)


def test_a_document_already_recorded_is_refused_by_the_worker_as_by_the_request(
    office, small_limit, published, django_capture_on_commit_callbacks
):
    from resolutions.services import source_fingerprint
    from tests.factories import ResolutionFactory

    ResolutionFactory(number="77-TB/TU", body=DOCUMENT.strip(), source_sha256=source_fingerprint(DOCUMENT.strip()))
    with django_capture_on_commit_callbacks(execute=True):
        office.post(IMPORT_URL, {"text": DOCUMENT})
    run_all(published)
    job = Job.objects.get()
    assert job.state == "failed" and "đã được nhập trước đây" in job.error


def test_the_review_of_a_read_document_is_its_readers_alone(office, small_limit, published,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        office.post(IMPORT_URL, {"text": DOCUMENT})
    run_all(published)
    job = Job.objects.get()
    colleague = Client()
    colleague.force_login(office_user())
    assert colleague.get(reverse("intake:import_from_job", kwargs={"pk": job.pk})).status_code == 404
    assert colleague.get(job.get_absolute_url()).status_code == 404


def test_a_small_document_is_still_read_at_once(office):
    response = office.post(IMPORT_URL, {"text": DOCUMENT})
    assert response["Location"] == review_url(the_draft(office)) and not Job.objects.exists()


def test_a_docx_bomb_is_refused_in_the_request_within_two_seconds_and_little_memory(office, small_limit, published):
    """The bomb of issue 16 (a 700 KB .docx whose document.xml unpacks to ~190 MB) never reaches a worker: the checks
    that need no reading refuse it at once."""
    import time
    import tracemalloc

    from tests.resolutions.test_import_wizard_input import _docx_bomb

    bomb = _docx_bomb(191 * 1024 * 1024)
    tracemalloc.start()
    started = time.monotonic()
    response = office.post(IMPORT_URL, {"file": SimpleUploadedFile("bom.docx", bomb)})
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 400 and "giải nén ra quá lớn" in response.content.decode()
    assert seconds < 2, seconds
    assert peak < 100 * 2**20, peak
    assert not Job.objects.exists() and not published
