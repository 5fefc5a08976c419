"""Exports and reports too big for a request: a job, its page (HTML, htmx fragment, JSON), the file kept for its
owner alone, the bell, expiry and the periodic pass. The worker's side runs in-process here (jobs.services.run, what
the Celery task calls); tests/jobs/test_jobs_worker.py runs it in a real Celery worker."""
from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs import registry, services
from jobs.models import Job
from tests.factories import TaskFactory, UnitFactory, UserFactory, leader, office_user
from tests.jobs.support import published, run_all  # noqa: F401 (published: a fixture)

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def many_tasks(n, unit=None):
    unit = unit or UnitFactory(name="Sở Nội vụ")
    return [TaskFactory(title=f"Nhiệm vụ số {i}", lead=unit) for i in range(n)]


def test_a_small_export_stays_a_direct_download(client, settings, published):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 5
    many_tasks(5)
    client.force_login(office_user())
    response = client.get(reverse("oversight:export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert not Job.objects.exists() and not published


def test_a_large_export_answers_at_once_with_the_jobs_page_which_shows_its_progress_then_the_file(
    client, settings, django_capture_on_commit_callbacks, published
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 5
    many_tasks(8)
    office = office_user()
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("oversight:export") + "?status=open&q=")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.owner == office and job.params == {"query": "status=open&q="}
    assert job.title == "Danh sách nhiệm vụ (Excel), 8 nhiệm vụ"
    assert [name for name, _ in published] == [services.RUN_JOB]

    page = client.get(job.get_absolute_url())
    assert "Đang chờ bộ xử lý nền nhận yêu cầu" in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()  # the page asks again until the job is finished
    as_json = client.get(job.get_absolute_url(), HTTP_ACCEPT="application/json").json()
    assert (as_json["state"], as_json["progress"], as_json["download_url"]) == ("queued", 0.0, None)

    run_all(published)
    job.refresh_from_db()
    assert job.state == "done" and job.progress == 1.0 and job.total == 8 and job.done == 8
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Tệp đã sẵn sàng" in fragment and "hx-trigger" not in fragment  # polling stops
    as_json = client.get(job.get_absolute_url(), HTTP_ACCEPT="application/json").json()
    assert as_json["state"] == "done" and as_json["progress"] == 1.0
    assert as_json["download_url"] == "http://testserver" + reverse("jobs:download", kwargs={"pk": job.pk})

    download = client.get(as_json["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert download["Content-Disposition"].startswith('attachment; filename="nhiem-vu-')
    assert "no-store" in download["Cache-Control"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Theo đơn vị"]
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        f"Nhiệm vụ số {i}" for i in range(8))


def test_a_job_is_its_owners_alone(client, settings, django_capture_on_commit_callbacks, published):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 1
    many_tasks(3)
    client.force_login(office_user())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("oversight:export"))
    run_all(published)
    job = Job.objects.get()
    colleague = office_user()  # the same rights over tasks, but not the one who asked
    client.force_login(colleague)
    for url in (job.get_absolute_url(), reverse("jobs:download", kwargs={"pk": job.pk})):
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 404
    assert client.post(reverse("jobs:retry", kwargs={"pk": job.pk})).status_code == 404
    assert job.title not in client.get(reverse("jobs:list")).content.decode()
    client.logout()
    assert client.get(job.get_absolute_url())["Location"].startswith(reverse("login"))


def test_the_export_holds_what_the_person_may_see_when_it_runs(client, settings, django_capture_on_commit_callbacks,
                                                               published):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 1
    mine, other = UnitFactory(name="Sở Y tế"), UnitFactory(name="Sở Giáo dục và Đào tạo")
    many_tasks(3, mine)
    TaskFactory(title="Việc của đơn vị khác", lead=other)
    head = leader(mine)
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("oversight:export"))
    assert response.status_code == 302
    run_all(published)
    job = Job.objects.get()
    sheet = load_workbook(job.file.path)["Theo đơn vị"]
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == 3 and "Việc của đơn vị khác" not in titles


def test_asking_again_while_it_runs_finds_the_same_job_and_a_person_has_at_most_a_few_under_way(
    client, settings, django_capture_on_commit_callbacks, published
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 1
    settings.PORTAL_JOBS_PER_PERSON = 2
    many_tasks(3)
    client.force_login(office_user())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(reverse("oversight:export"))
        again = client.get(reverse("oversight:export"))
        second = client.get(reverse("oversight:export") + "?status=open")
        third = client.get(reverse("oversight:export") + "?status=open&q=")
    assert first["Location"] == again["Location"] != second["Location"]
    assert Job.objects.count() == 2 and len(published) == 2
    assert third["Location"] == reverse("jobs:list")
    listing = client.get(third["Location"]).content.decode()
    assert "Bạn đang có 2 tệp đang được tạo" in listing


def test_a_broker_that_does_not_take_the_job_fails_it_at_once_with_a_way_to_try_again(
    client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 1
    many_tasks(2)
    monkeypatch.setattr(services, "publish", lambda *args, **kwargs: False)
    client.force_login(office_user())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("oversight:export"))
    page = client.get(response["Location"]).content.decode()
    assert "Bộ xử lý nền không nhận yêu cầu" in page and "Tạo lại tệp" in page
    assert Job.objects.get().state == "failed"


def test_a_runner_that_breaks_leaves_a_clear_failure_not_a_half_written_file(settings, published):
    def broken(owner, params, out, progress):
        out.write(b"half")
        progress(1, 2)
        raise RuntimeError("disk gone")

    registry.register("test_broken", broken)
    job = services.start(owner=office_user(), kind="test_broken", title="Thử", params={})
    assert services.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and not job.file and "Có lỗi khi tạo tệp" in job.error
    assert services.run(job.pk) == "skipped"  # a second delivery of the message does nothing


def test_the_bell_and_the_inbox_offer_the_ready_file_until_it_is_downloaded(
    client, settings, django_capture_on_commit_callbacks, published, django_assert_num_queries
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 1
    many_tasks(3)
    client.force_login(office_user())
    home = client.get("/").content.decode()
    assert 'data-files="' not in home  # nothing started: the bell does not even ask
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("oversight:export"))
    run_all(published)
    job = Job.objects.get()
    home = client.get("/").content.decode()
    assert 'data-files="1"' in home and "1 tệp đã xuất sẵn sàng" in home
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Tệp đã xuất sẵn sàng" in inbox and reverse("jobs:download", kwargs={"pk": job.pk}) in inbox
    client.get(reverse("jobs:download", kwargs={"pk": job.pk}))
    assert 'data-files="' not in client.get("/").content.decode()
    assert reverse("jobs:download", kwargs={"pk": job.pk}) not in client.get(
        reverse("notifications:inbox")).content.decode()
    assert "jobs" not in str(client.session.keys())  # nothing left to watch: the bell stops asking


def test_files_expire_and_the_periodic_pass_cleans_up(client, settings, published):
    settings.PORTAL_JOBS_KEEP_HOURS = 2
    registry.register("test_small", lambda owner, params, out, progress: out.write(b"PK") and registry.Written(
        "tep.xlsx", XLSX))
    owner = office_user()
    job = services.start(owner=owner, kind="test_small", title="Tệp nhỏ", params={})
    services.run(job.pk)
    job.refresh_from_db()
    path = job.file.path
    assert job.state == "done" and job.expires_at - job.finished_at == datetime.timedelta(hours=2)
    later = job.expires_at + datetime.timedelta(seconds=1)
    stuck = Job.objects.create(owner=owner, kind="test_small", title="Không ai nhận",
                               created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.tend(later) == {"expired": 1, "never_taken": 1, "abandoned": 0, "forgotten": 0}
    job.refresh_from_db()
    stuck.refresh_from_db()
    assert job.state == "expired" and not job.file
    import os
    assert not os.path.exists(path)
    assert stuck.state == "failed" and "không nhận" in stuck.error
    client.force_login(owner)
    assert client.get(reverse("jobs:download", kwargs={"pk": job.pk})).status_code == 404
    assert "Tệp đã hết hạn" in client.get(job.get_absolute_url()).content.decode()
    assert services.tend(later + datetime.timedelta(days=settings.PORTAL_JOBS_KEEP_DAYS))["forgotten"] == 2


def test_the_list_of_files_pages_and_says_what_to_do_when_empty(client):
    person = UserFactory()
    client.force_login(person)
    empty = client.get(reverse("jobs:list")).content.decode()
    assert "Chưa có tệp nào" in empty
    Job.objects.bulk_create(Job(owner=person, kind="tasks_xlsx", title=f"Tệp {i:02}", state="failed")
                            for i in range(25))
    first = client.get(reverse("jobs:list")).content.decode()
    assert first.count("data-job=") == 20 and "?page=2" in first
    assert client.get(reverse("jobs:list") + "?page=2").content.decode().count("data-job=") == 5
