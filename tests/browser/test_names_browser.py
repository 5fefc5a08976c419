"""Names as a Party office writes them, seen in Chromium: the office reviewing a completion reads "Đồng chí Lê Thị
Tuyên đề nghị hoàn thành …", and the digest she receives opens "Kính gửi đồng chí Lê Thị Tuyên," (as sent, in a
mail client's rendering of its HTML, and on the office's outbox page). Screenshots in test-artifacts/screenshots/."""
import datetime

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications import delivery, queue, sweep
from notifications.models import OutgoingEmail
from tasks import services
from tasks.models import Task
from tests.factories import TaskFactory, UnitFactory, leader, office_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T_MINUS_7, DEADLINE = datetime.date(2026, 3, 11), datetime.date(2026, 3, 18)


@pytest.fixture
def unit():
    return UnitFactory(name="Ban Tuyên giáo Tỉnh ủy", short_name="BTGTU", email="btg@test.haugiang.example")


@pytest.fixture
def tuyen(unit):
    return leader(unit, username="tuyengiao.lanhdao", first_name="Tuyên", last_name="Lê Thị",
                  email="tuyen@test.haugiang.example")


def test_the_office_reads_which_comrade_proposed_completion(open_browser, unit, tuyen):
    task = TaskFactory(lead=unit, title="Ban hành kế hoạch tuyên truyền Nghị quyết",
                       deadline=timezone.localdate() + datetime.timedelta(days=10))
    services.propose_completion(task=task, user=tuyen, result="Đã ban hành Kế hoạch số 45-KH/BTGTU.")

    office = open_browser(office_user(first_name="Phòng", last_name="Nguyễn Văn"))
    page = office.page
    page.goto(f"/tasks/{task.pk}/")
    page.locator("#task-actions").get_by_role("link", name="Đánh giá đề nghị hoàn thành").click()
    form = page.locator("#task-action-form")

    expect(form.get_by_text("Đồng chí Lê Thị Tuyên đề nghị hoàn thành ngày")).to_be_visible()
    expect(form.get_by_text("Tuyên Lê Thị")).to_have_count(0)
    expect(page.get_by_text("Nguyễn Văn Phòng").first).to_be_visible()  # the user menu, family name first
    office.screenshot()
    assert office.console_errors == []


def test_the_digest_greets_comrade_le_thi_tuyen(open_browser, unit, tuyen):
    task = TaskFactory(lead=unit, title="Xây dựng Đề án chuyển đổi số", deadline=DEADLINE)
    Task.objects.filter(pk=task.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)))
    sweep.sweep(T_MINUS_7, hand_over=False)
    delivery.send_now(queue.due_for_sending().order_by("pk").values_list("pk", flat=True))
    [sent] = [message for message in django_mail.outbox if tuyen.email in message.to]

    reader = open_browser()  # her mail client, showing the HTML part as sent
    reader.page.set_content(sent.alternatives[0][0])
    expect(reader.page.get_by_text("Kính gửi đồng chí Lê Thị Tuyên,")).to_be_visible()
    expect(reader.page.get_by_role("link", name="Xây dựng Đề án chuyển đổi số")).to_be_visible()
    reader.screenshot("email")

    office = open_browser(office_user())
    page = office.page
    page.goto("/outbox/")
    row = page.locator("tr", has_text="tuyen@test.haugiang.example")
    expect(row.get_by_text("Đồng chí Lê Thị Tuyên")).to_be_visible()
    page.goto(f"/outbox/{OutgoingEmail.objects.get(recipient=tuyen).pk}/")
    expect(page.get_by_text("Kính gửi đồng chí Lê Thị Tuyên,")).to_be_visible()
    office.screenshot("outbox")
    assert office.console_errors == []
