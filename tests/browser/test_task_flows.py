"""The units' workspace in a real browser (Debian's Chromium through Playwright), as people use it.

(a) an officer finds an overdue task and reports with a PDF; (b) a leader proposes completion, the office approves,
the standing follows the dates, the proposal's file opens from the review form; (c) a leader asks for more time, the
office grants an earlier date than asked, the deadline moves there and the first one is still shown; (d) an officer of another unit gets 404; (e) the pages at phone width without horizontal
scrolling. Every test leaves a screenshot in test-artifacts/screenshots/.
"""
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks.models import Attachment, ExtensionRequest, ProgressReport, Task
from tests.browser.conftest import PHONE
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user
from tests.tasks.support import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def ddmmyyyy(date) -> str:
    return date.strftime("%d/%m/%Y")


@pytest.fixture
def unit():
    return UnitFactory(name="Ban Tuyên giáo Tỉnh ủy", short_name="BTGTU")


def action_button(page, label):
    return page.locator("#task-actions").get_by_role("link", name=label)


def open_form(page, task, button):
    """The task's page, then one of its action buttons: the form opens in the page (htmx)."""
    page.goto(f"/tasks/{task.pk}/")
    action_button(page, button).click()
    return page.locator("#task-action-form")


def test_an_officer_finds_an_overdue_task_and_reports_with_a_pdf(open_browser, unit, tmp_path):
    officer = member(unit, username="tuyengiao.chuyenvien")
    overdue = TaskFactory(lead=unit, title="Tổng kết 10 năm thực hiện Chỉ thị 05", deadline=days(-5))
    TaskFactory(lead=unit, title="Chuẩn bị hội nghị xúc tiến đầu tư", deadline=days(40))
    pdf_path = tmp_path / "Báo cáo tiến độ quý II.pdf"
    pdf_path.write_bytes(PDF)

    session = open_browser()
    page = session.page
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("tuyengiao.chuyenvien")
    page.get_by_label("Mật khẩu").fill("secret-pass-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))

    # The list, filtered by standing: only the overdue task is left.
    page.goto("/tasks/")
    page.locator("summary", has_text="Lọc thêm").click()
    page.get_by_label("Quá hạn", exact=True).check()
    page.locator("form.task-filters").get_by_role("button", name="Lọc").first.click()
    expect(page).to_have_url(re.compile(r"standing=overdue"))
    results = page.locator("#task-results")
    expect(results.get_by_text("Tổng kết 10 năm thực hiện Chỉ thị 05")).to_be_visible()
    expect(results.get_by_text("Chuẩn bị hội nghị xúc tiến đầu tư")).to_have_count(0)
    results.get_by_role("link", name="Tổng kết 10 năm thực hiện Chỉ thị 05").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng kết 10 năm thực hiện Chỉ thị 05")

    # The report form opens in the page (htmx), takes the PDF and sends the officer back to the task.
    action_button(page, "Báo cáo tiến độ").click()
    form = page.locator("#task-action-form")
    # Keyboard and screen-reader users land on the form that just opened.
    expect(form.get_by_role("heading", name="Báo cáo tiến độ")).to_be_focused()
    form.get_by_label("Nội dung báo cáo").fill("Đã tổ chức hội nghị sơ kết; dự thảo báo cáo tổng kết đang lấy ý kiến.")
    form.get_by_label("Tỷ lệ hoàn thành (%)").fill("60")
    form.get_by_label("Tệp đính kèm").set_input_files(str(pdf_path))
    form.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo tiến độ.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/tasks/{overdue.pk}/$"))
    expect(page.get_by_text("dự thảo báo cáo tổng kết đang lấy ý kiến")).to_be_visible()
    session.screenshot()

    # The attachment comes back as a download under the person's file name.
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo tiến độ quý II.pdf").click()
    assert download.value.suggested_filename == "Báo cáo tiến độ quý II.pdf"
    report = ProgressReport.objects.get(task=overdue)
    assert report.percent == 60 and report.author == officer
    assert Attachment.objects.get(report=report).file.read() == PDF
    assert session.console_errors == []


@pytest.mark.parametrize("deadline_offset, standing", [(10, "Hoàn thành đúng hạn"), (-3, "Hoàn thành quá hạn")],
                         ids=["on_time", "late"])
def test_a_leader_proposes_completion_and_the_office_approves(open_browser, unit, deadline_offset, standing,
                                                              tmp_path):
    boss = leader(unit)
    task = TaskFactory(lead=unit, title="Ban hành kế hoạch tuyên truyền Nghị quyết", deadline=days(deadline_offset))
    plan = tmp_path / "Kế hoạch số 45-KH-BTGTU.pdf"
    plan.write_bytes(PDF)

    session = open_browser(boss)
    page = session.page
    form = open_form(page, task, "Đề nghị hoàn thành")
    form.get_by_label("Kết quả thực hiện").fill("Đã ban hành Kế hoạch số 45-KH/BTGTU.")
    # The documents that show the result go with the proposal, as its help text asks.
    form.get_by_label("Tệp đính kèm").set_input_files(str(plan))
    form.get_by_role("button", name="Gửi đề nghị hoàn thành").click()
    expect(page.get_by_text("Đã gửi đề nghị hoàn thành.")).to_be_visible()
    expect(action_button(page, "Đề nghị hoàn thành")).to_have_count(0)

    office = open_browser(office_user())
    page = office.page
    form = open_form(page, task, "Đánh giá đề nghị hoàn thành")
    expect(form.get_by_text("Đã ban hành Kế hoạch số 45-KH/BTGTU.")).to_be_visible()
    # The office opens the proposal's file from the review form.
    with page.expect_download() as download:
        form.get_by_role("link", name="Kế hoạch số 45-KH-BTGTU.pdf").click()
    assert download.value.suggested_filename == "Kế hoạch số 45-KH-BTGTU.pdf"
    form.get_by_label("Xác nhận hoàn thành").check()
    form.get_by_role("button", name="Ghi nhận đánh giá").click()
    expect(page.get_by_text("Đã xác nhận hoàn thành.")).to_be_visible()
    expect(page.locator("header .standing")).to_have_text(standing)
    office.screenshot()
    assert Task.objects.get(pk=task.pk).status == Task.Status.DONE
    assert session.console_errors == office.console_errors == []


def test_a_leader_asks_for_more_time_and_the_first_deadline_stays_visible(open_browser, unit):
    boss = leader(unit)
    first, asked, moved = days(-2), days(45), days(40)
    task = TaskFactory(lead=unit, title="Sơ kết 5 năm thực hiện Kết luận 21", deadline=first)

    session = open_browser(boss)
    page = session.page
    form = open_form(page, task, "Xin gia hạn")
    form.get_by_label("Hạn đề nghị").fill("31/02/2027")
    form.get_by_label("Lý do xin gia hạn").fill("Chờ số liệu của các huyện.")
    form.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    # An impossible date is refused in place, in Vietnamese, and what was typed stays.
    expect(form.get_by_text("Ngày không hợp lệ")).to_be_visible()
    expect(form.get_by_label("Lý do xin gia hạn")).to_have_value("Chờ số liệu của các huyện.")
    form.get_by_label("Hạn đề nghị").fill(ddmmyyyy(asked))
    form.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    expect(page.get_by_text("Đã gửi đề nghị gia hạn.")).to_be_visible()

    office = open_browser(office_user())
    page = office.page
    form = open_form(page, task, "Xem xét đề nghị gia hạn")
    expect(form.get_by_text(ddmmyyyy(asked))).to_be_visible()
    form.get_by_label("Đồng ý gia hạn").check()
    # The office grants an earlier date than the one asked.
    expect(form.get_by_label("Gia hạn đến")).to_have_value(ddmmyyyy(asked))
    form.get_by_label("Gia hạn đến").fill(ddmmyyyy(moved))
    form.get_by_role("button", name="Ghi nhận quyết định").click()
    said = f"gia hạn đến {ddmmyyyy(moved)} (đề nghị {ddmmyyyy(asked)})"
    expect(page.get_by_text(f"Đã đồng ý {said}.")).to_be_visible()
    expect(page.locator(".timeline").get_by_text(f"Đồng ý {said}")).to_be_visible()
    expect(page.get_by_text(f"Hạn ban đầu: {ddmmyyyy(first)}").first).to_be_visible()
    expect(page.get_by_text(ddmmyyyy(moved)).first).to_be_visible()
    expect(page.locator("header .standing")).to_have_text("Đang thực hiện trong hạn")
    office.screenshot()
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.APPROVED
    assert session.console_errors == office.console_errors == []


def test_an_officer_of_another_unit_gets_404(open_browser, unit):
    task = TaskFactory(lead=unit, title="Nhiệm vụ của Ban Tuyên giáo")
    outsider = member(UnitFactory(name="Hội Cựu chiến binh tỉnh"))
    session = open_browser(outsider)
    page = session.page
    for path in (f"/tasks/{task.pk}/", f"/tasks/{task.pk}/report/", f"/tasks/{task.pk}/propose/"):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_text("Nhiệm vụ của Ban Tuyên giáo")).to_have_count(0)
    session.screenshot()


def test_the_office_picks_a_new_lead_by_typing_part_of_its_name(open_browser, unit):
    task = TaskFactory(lead=unit, title="Nhiệm vụ cần đổi chủ trì")
    UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
    UnitFactory(name="Hội Nông dân tỉnh")
    session = open_browser(office_user())
    page = session.page
    form = open_form(page, task, "Đổi đơn vị chủ trì")
    # Tom Select (vendored, loaded by a static script: the CSP allows no inline script) makes the select searchable.
    control = form.locator(".ts-control input")
    control.fill("kiem tra")
    page.locator(".ts-dropdown .option", has_text="Ủy ban Kiểm tra Tỉnh ủy").click()
    expect(form.locator(".ts-control .item")).to_have_text("Ủy ban Kiểm tra Tỉnh ủy")
    # Tom Select may open its list again as the field keeps focus (on a loaded machine it did, over the button):
    # Escape closes it, as a person would, before the button is pressed.
    control.press("Escape")
    expect(page.locator(".ts-dropdown")).to_be_hidden()
    form.get_by_role("button", name="Đổi đơn vị chủ trì").click()
    expect(page.get_by_text("Đã đổi đơn vị chủ trì thành Ủy ban Kiểm tra Tỉnh ủy.")).to_be_visible()
    session.screenshot()
    assert session.console_errors == []


def test_home_list_and_task_fit_a_phone_screen(open_browser, unit):
    boss = leader(unit)
    task = TaskFactory(lead=unit, deadline=days(-1), title=(
        "Chỉ đạo xây dựng và triển khai Đề án nâng cao chất lượng, hiệu quả công tác tuyên truyền, giáo dục lý luận "
        "chính trị cho cán bộ, đảng viên giai đoạn 2022–2025"))
    TaskFactory(lead=unit, deadline=days(3), title="Báo cáo sơ kết 6 tháng đầu năm 2022")
    session = open_browser(boss, viewport=PHONE)
    page = session.page
    for name, path in (("home", "/"), ("list", "/tasks/"), ("detail", f"/tasks/{task.pk}/")):
        page.goto(path)
        if name == "detail":
            action_button(page, "Báo cáo tiến độ").click()
            expect(page.locator("#task-action-form")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        session.screenshot(name)
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    assert session.console_errors == []
