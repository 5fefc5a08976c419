"""A person is written "Họ đệm Tên" (Lê Thị Tuyên) and named "đồng chí Lê Thị Tuyên" wherever the portal speaks of
or to them: the emails' greeting, the outbox, the calendar feed, the completion review, the admin. Django's fields
are kept: first_name = "Tuyên" (the given name), last_name = "Lê Thị"."""
import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.names import comrade, person
from notifications import delivery, queue, sweep
from notifications.models import OutgoingEmail
from oversight import calendar_feed
from oversight.models import CalendarToken
from tasks import services
from tests.factories import TaskFactory, UnitFactory, UserFactory, leader, office_user, standing_user

pytestmark = pytest.mark.django_db

D = datetime.date
T_MINUS_7, DEADLINE = D(2026, 3, 11), D(2026, 3, 18)  # an ordinary Wednesday, a week before the deadline


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda ids: len(list(ids)))


@pytest.fixture
def unit():
    return UnitFactory(name="Ban Tuyên giáo Tỉnh ủy", email="btg@test.haugiang.example")


@pytest.fixture
def tuyen(unit):
    return leader(unit, username="tuyengiao.lanhdao", first_name="Tuyên", last_name="Lê Thị",
                  email="tuyen@test.haugiang.example")


def task_due(deadline, *, lead, **kwargs):
    """A task recorded in January, due on `deadline`."""
    task = TaskFactory(lead=lead, deadline=deadline, **kwargs)
    type(task).objects.filter(pk=task.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)))
    return task


def send_all():
    delivery.send_now(queue.due_for_sending().order_by("pk").values_list("pk", flat=True))


def sent_to(address):
    return [message for message in django_mail.outbox if address in message.to]


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_a_name_is_family_name_first_and_comrade_in_a_sentence(tuyen):
    assert person(tuyen) == "Lê Thị Tuyên"
    assert comrade(tuyen) == "đồng chí Lê Thị Tuyên"
    nameless = UserFactory(username="dichvu", first_name="", last_name="")
    assert person(nameless) == comrade(nameless) == "dichvu"


def test_the_reminder_digest_greets_the_person_as_comrade_and_the_unit_mailbox_by_its_name(unit, tuyen):
    task_due(DEADLINE, lead=unit, title="Xây dựng Đề án chuyển đổi số")

    sweep.sweep(T_MINUS_7)
    send_all()

    [to_her] = sent_to(tuyen.email)
    assert to_her.body.startswith("Kính gửi đồng chí Lê Thị Tuyên,")
    assert "Kính gửi đồng chí Lê Thị Tuyên," in html_of(to_her)
    assert "Tuyên Lê Thị" not in to_her.body + html_of(to_her)
    [to_unit] = sent_to(unit.email)
    assert to_unit.body.startswith("Kính gửi Ban Tuyên giáo Tỉnh ủy,")


def test_the_weekly_summary_greets_the_office_as_comrade(unit):
    office = office_user(first_name="Phòng", last_name="Nguyễn Văn", email="vanphong@test.haugiang.example")
    task_due(D(2026, 3, 12), lead=unit, title="Quá hạn")

    sweep.weekly_summary(D(2026, 3, 16))
    send_all()

    [summary] = sent_to(office.email)
    assert summary.body.startswith("Kính gửi đồng chí Nguyễn Văn Phòng,")


def test_the_outbox_names_the_recipient_family_name_first(client, unit, tuyen):
    task_due(DEADLINE, lead=unit)
    sweep.sweep(T_MINUS_7)
    email = OutgoingEmail.objects.get(recipient=tuyen)
    client.force_login(office_user())

    listing = client.get(reverse("notifications:outbox")).content.decode()
    detail = client.get(reverse("notifications:outbox_detail", args=[email.pk])).content.decode()

    for page in (listing, detail):
        assert "Đồng chí Lê Thị Tuyên" in page  # a field of its own, so a capital
        assert "Tuyên Lê Thị" not in page


def test_the_calendar_feed_is_named_for_the_comrade(client, unit, tuyen):
    TaskFactory(lead=unit, deadline=DEADLINE)
    token = CalendarToken.objects.create(user=tuyen)

    response = client.get(reverse("oversight:calendar_feed", kwargs={"token": calendar_feed.feed_token(token)}))

    feed = Calendar.from_ical(response.content)
    assert str(feed["X-WR-CALNAME"]) == "Hạn xử lý nhiệm vụ của đồng chí Lê Thị Tuyên"


def test_the_completion_review_says_which_comrade_proposed_it(client, unit, tuyen):
    task = TaskFactory(lead=unit, deadline=DEADLINE)
    services.propose_completion(task=task, user=tuyen, result="Đã ban hành Kế hoạch số 45-KH/BTGTU.")
    client.force_login(office_user())

    form = client.get(reverse("tasks:decide_completion", args=[task.pk])).content.decode()

    assert "Đồng chí Lê Thị Tuyên đề nghị hoàn thành ngày" in form
    assert "Tuyên Lê Thị" not in form


def test_the_admin_lists_people_family_name_first_and_greets_the_office_as_comrade(client, tuyen):
    office = office_user(first_name="Phòng", last_name="Nguyễn Văn")
    office.is_superuser = True
    office.save(update_fields=["is_superuser"])
    client.force_login(office)

    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    index = client.get(reverse("admin:index")).content.decode()

    assert "Lê Thị Tuyên" in users and "Tuyên Lê Thị" not in users
    assert "Xin chào" in index and "đồng chí Nguyễn Văn Phòng" in index
    assert "Chào mừng" not in index and "PHÒNG" not in index


def test_the_standing_committee_is_greeted_the_same_way_in_the_admin(client):
    client.force_login(standing_user(first_name="Hùng", last_name="Trần Văn"))

    index = client.get(reverse("admin:index")).content.decode()

    assert "đồng chí Trần Văn Hùng" in index
