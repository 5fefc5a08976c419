"""The office grants an extension for another date than the one asked (earlier or later, not before today and after
the current deadline), and says so: in the task's history and timeline, and in the email to the unit."""
import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.urls import reverse

from core.dates import local_today
from core.errors import ServiceError
from notifications import delivery, queue, sweep
from tasks import services
from tasks.models import ExtensionRequest
from tests.tasks.actions_support import errors_of, flash, w  # noqa: F401 (w: the fixture)
from tests.tasks.support import ddmmyyyy, days, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """What would be handed to the workers is sent in this process instead (send_digests)."""
    monkeypatch.setattr(queue, "enqueue", lambda ids: len(list(ids)))


@pytest.fixture
def extension(w):
    """The lead unit asks to move the deadline from day 30 to day 60."""
    return services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="Chờ số liệu.")


def decide(w, extension, **data):
    return w.client(w.office).post(reverse("tasks:decide_extension", args=[extension.pk]),
                                   {"decision": "approve", "version": w.fresh().version, **data})


def send_digests():
    with transaction.atomic():
        sweep.plan_digests(local_today())
    delivery.send_now(queue.due_for_sending().order_by("pk").values_list("pk", flat=True))


def test_the_decision_form_offers_the_requested_date_to_change(w, extension):
    page = w.client(w.office).get(reverse("tasks:decide_extension", args=[extension.pk])).content.decode()
    assert 'name="granted_deadline"' in page
    assert f'value="{ddmmyyyy(days(60))}"' in page
    assert "Gia hạn đến" in page


@pytest.mark.parametrize("granted", [45, 90], ids=["earlier than asked", "later than asked"])
def test_the_office_grants_another_date_and_the_deadline_moves_there(w, extension, granted):
    response = decide(w, extension, granted_deadline=ddmmyyyy(days(granted)))
    assert response.status_code == 302
    said = f"gia hạn đến {ddmmyyyy(days(granted))} (đề nghị {ddmmyyyy(days(60))})"
    assert flash(response) == [f"Đã đồng ý {said}."]
    task = w.fresh()
    assert task.deadline == days(granted) and task.original_deadline == days(30)
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.APPROVED
    assert extension.requested_deadline == days(60) and extension.granted_deadline == days(granted)
    # The history entry and the timeline say both dates.
    assert task.history.first().history_change_reason == said[0].upper() + said[1:]
    page = w.client(w.officer).get(task.get_absolute_url()).content.decode()
    assert f"Đồng ý {said}" in page


def test_left_as_offered_the_requested_date_is_granted_and_only_it_is_named(w, extension):
    response = decide(w, extension, granted_deadline=ddmmyyyy(days(60)))
    assert flash(response) == [f"Đã đồng ý gia hạn đến {ddmmyyyy(days(60))}."]
    assert w.fresh().deadline == days(60)
    assert "(đề nghị" not in w.client(w.officer).get(w.task.get_absolute_url()).content.decode()


def test_an_empty_date_grants_the_one_asked(w, extension):
    decide(w, extension, granted_deadline="")
    assert w.fresh().deadline == days(60)


@pytest.mark.parametrize("granted, message", [
    (-1, "Hạn gia hạn đã qua: hãy chọn một ngày từ hôm nay trở đi."),
    (20, f"Hạn gia hạn phải sau hạn hiện tại ({ddmmyyyy(days(30))})."),
    (30, f"Hạn gia hạn phải sau hạn hiện tại ({ddmmyyyy(days(30))})."),
], ids=["yesterday", "before the current deadline", "the current deadline"])
def test_a_date_in_the_past_or_not_after_the_deadline_is_refused_and_nothing_changes(w, extension, granted, message):
    before = snapshot()
    response = decide(w, extension, granted_deadline=ddmmyyyy(days(granted)))
    assert response.status_code == 400
    assert message in errors_of(response)
    assert snapshot() == before


def test_refusing_ignores_the_date(w, extension):
    response = decide(w, extension, decision="refuse", comment="Không có căn cứ.",
                      granted_deadline=ddmmyyyy(days(-5)))
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED and extension.granted_deadline is None
    assert w.fresh().deadline == days(30)


def test_the_service_refuses_a_past_date_whoever_calls_it(w, extension):
    with pytest.raises(ServiceError) as refused:
        services.decide_extension(extension=extension, user=w.office, approve=True, granted_deadline=days(-1))
    assert refused.value.code == "past"
    with pytest.raises(ServiceError) as refused:
        services.decide_extension(extension=extension, user=w.office, approve=True, granted_deadline=days(30))
    assert refused.value.code == "not_later"
    assert w.fresh().deadline == days(30)


def test_a_task_overdue_may_be_granted_today_onwards(w):
    task = w.task
    task.deadline = days(-10)
    task.save(update_fields=["deadline"])
    extension = ExtensionRequest.objects.create(task=task, unit=w.lead, requested_by=w.leader,
                                                current_deadline=days(-10), requested_deadline=days(20), reason="Trễ.")
    services.decide_extension(extension=extension, user=w.office, approve=True, granted_deadline=local_today())
    assert w.fresh().deadline == local_today()


def test_the_units_email_says_the_date_granted_and_the_date_asked(w, extension):
    django_mail.outbox = []
    services.decide_extension(extension=extension, user=w.office, approve=True, granted_deadline=days(45))
    send_digests()
    [message] = [m for m in django_mail.outbox if w.officer.email in m.to]
    said = f"Đồng ý gia hạn đến {ddmmyyyy(days(45))} (đề nghị {ddmmyyyy(days(60))})"
    assert said in message.body
    assert said in message.alternatives[0][0]


def test_the_date_granted_is_read_only_in_the_admin(w, extension):
    services.decide_extension(extension=extension, user=w.office, approve=True, granted_deadline=days(45))
    page = w.client(w.office).get(reverse("admin:tasks_extensionrequest_change", args=[extension.pk])).content.decode()
    assert 'name="granted_deadline"' not in page and ddmmyyyy(days(45)) in page
