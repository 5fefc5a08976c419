"""The export and the report as background jobs in a real Celery worker (Redis and PostgreSQL in CI's first run,
the filesystem broker and SQLite in its second): the request answers at once with the job's page, the worker writes
the file, the page's JSON says when it is ready, and the file is the owner's to download."""
import io
import time

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from core.dates import local_today
from jobs.models import Job
from tests.factories import TaskFactory, UnitFactory, office_user
from tests.reliability import harness

pytestmark = pytest.mark.worker


def finished(client, url, timeout=90):
    """Ask the job's page (as JSON) until the job is finished, as the page's own polling does."""
    states = []

    def answer():
        state = client.get(url, HTTP_ACCEPT="application/json").json()
        states.append(state["state"])
        return state if state["state"] not in ("queued", "running") else None

    return harness.wait_until(answer, timeout=timeout, interval=0.3, what=f"the job at {url} ({states[-3:]})"), states


def test_a_large_export_and_a_large_report_are_written_by_the_worker_while_the_request_answers_at_once(
    portal_worker, settings, client
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 10
    settings.PORTAL_REPORT_DIRECT_ROWS = 0
    unit = UnitFactory(name="Sở Kế hoạch và Đầu tư")
    today = local_today()
    for number in range(60):
        TaskFactory(title=f"Nhiệm vụ số {number}", lead=unit, deadline=today)
    office = office_user()
    client.force_login(office)
    portal_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT))

    started = time.monotonic()
    response = client.get(reverse("oversight:export"))
    assert response.status_code == 302 and time.monotonic() - started < 5
    state, _states = finished(client, response["Location"])
    assert state["state"] == "done", state
    download = client.get(state["download_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Theo đơn vị"]
    assert sheet.max_row == 61  # the header and the 60 tasks

    response = client.get(reverse("oversight:report") + f"?period={today.year}")
    assert response.status_code == 302
    state, _states = finished(client, response["Location"])
    assert state["state"] == "done", state
    download = client.get(state["download_url"])
    assert download["Content-Disposition"].endswith('.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs)
    assert "BÁO CÁO" in text
    assert Job.objects.filter(owner=office, state="done").count() == 2


def test_a_big_document_for_import_is_read_by_the_worker_and_its_review_opens(portal_worker, settings, client):
    """Issue 16, item 1, with a real Celery worker: the upload answers at once, the worker reads the document (with
    the reading's own time limit), and the job's next_url opens the review of the draft it wrote."""
    from units.directory import sync_unit_directory

    from tests.resolutions.wizard_support import DOCUMENT, docx_bytes
    from django.core.files.uploadedfile import SimpleUploadedFile

    sync_unit_directory()
    settings.PORTAL_IMPORT_DIRECT_BYTES = 500
    client.force_login(office_user())
    portal_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    started = time.monotonic()
    response = client.post(reverse("intake:import"), {"file": SimpleUploadedFile("kl.docx", docx_bytes(DOCUMENT))})
    assert response.status_code == 302 and time.monotonic() - started < 5
    state, _states = finished(client, response["Location"])
    assert state["state"] == "done" and state["download_url"] is None, state
    review = client.get(state["next_url"])
    assert review.status_code == 302 and "/resolutions/import/" in review["Location"]
    page = client.get(review["Location"]).content.decode()
    assert "77-TB/TU" in page and "Sở Thông tin và Truyền thông" in page
