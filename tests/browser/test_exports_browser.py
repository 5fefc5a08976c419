"""A large export in a real browser with a real Celery worker: the office presses "Xuất Excel" on the task list,
lands on the job's page, which shows the job waiting and then, without a reload, its progress and the file ready;
later the bell says a file is ready, and the file is downloaded from the notifications page
(test-artifacts/screenshots/…-job-waiting.png, …-job-ready.png)."""
import os
import re

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.factories import TaskFactory, UnitFactory, office_user  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_large_export_shows_its_progress_and_the_file_is_fetched_from_the_notifications(
    open_browser, portal_worker, settings, tmp_path
):
    settings.PORTAL_EXPORT_DIRECT_ROWS = 20
    unit = UnitFactory(name="Sở Tài chính")
    for number in range(45):
        TaskFactory(title=f"Rà soát nguồn vốn đợt {number}", lead=unit)
    # The queue is the worker's from now on, but no worker runs yet: the job waits, as when every worker is busy.
    worker = portal_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT), deferred=True)
    session = open_browser(office_user(first_name="Văn phòng", last_name="Tỉnh ủy"))
    page = session.page

    page.goto("/tasks/")
    page.get_by_role("link", name="Xuất Excel").click()
    expect(page).to_have_url(re.compile(r"/files/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách nhiệm vụ (Excel), 45 nhiệm vụ")
    status = page.get_by_role("status").filter(has_text="Đang chờ")
    expect(status).to_be_visible()
    progress = page.get_by_label("Tiến độ tạo tệp")
    expect(progress).to_have_attribute("value", "0")
    session.screenshot("job-waiting")

    worker.start()  # a worker comes up: the page follows without a reload
    expect(page.get_by_text("Tệp đã sẵn sàng.")).to_be_visible(timeout=60_000)
    expect(page.get_by_label("Tiến độ tạo tệp")).to_have_attribute("value", "100")
    expect(page.get_by_role("link", name="Tải tệp về")).to_be_visible()
    bell = page.locator(".portal-bell")
    expect(bell.locator(".badge")).to_have_text("1")  # the bell of the page itself, updated with the state
    session.screenshot("job-ready")

    page.goto("/")
    expect(bell).to_have_attribute("aria-label", "Thông báo: 1 tệp đã xuất sẵn sàng")
    expect(bell.locator(".badge")).to_have_text("1")
    bell.click()
    ready = page.get_by_role("region", name="Tệp đã xuất sẵn sàng")
    with page.expect_download() as caught:
        ready.get_by_role("link", name="Danh sách nhiệm vụ (Excel), 45 nhiệm vụ").click()
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    assert path.name.startswith("nhiem-vu-") and path.suffix == ".xlsx"
    sheet = load_workbook(path)["Theo đơn vị"]
    assert sheet.max_row == 46
    page.goto("/")
    expect(page.locator(".portal-bell .badge")).to_have_count(0)  # downloaded: nothing left to tell
    assert not session.console_errors
