"""One name per state: the task's badge, its timeline and the email about it say the same words, read from one
place (tasks.choices for the workflow step, tasks.standing for the standing), and the second names the portal used
to have are gone from the templates and the sources."""
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import local_today
from notifications import delivery, queue, sweep
from notifications.messages import Item
from tasks import services
from tasks.choices import STATUS_HEADING, ReviewOutcome
from tasks.events import TaskEvent
from tasks.models import Task
from tasks.standing import STANDING_HEADING, Standing
from tests.tasks.actions_support import w  # noqa: F401 (w: the fixture)
from tests.tasks.support import days

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# Second names of one state, retired: each state has the name in tasks.choices / tasks.standing, and no other.
RETIRED = {
    "Đang chờ xác nhận hoàn thành": "Đề nghị hoàn thành",
    "Trả lại, chưa hoàn thành": "Trả lại nhiệm vụ",
    "Trả lại (chưa hoàn thành)": "Trả lại nhiệm vụ",
    "Bị trả lại": "Trả lại nhiệm vụ",
    "Đang xin gia hạn": "Đề nghị gia hạn",
}
# "Tình trạng" and "Trạng thái" were two names for two things (the standing and the workflow step) that read as
# one: where tasks are listed, exported or reported they are "Tình hình thực hiện" and "Bước xử lý". ("Trạng thái"
# stays where it names an email's delivery, in the outbox.)
RETIRED_HEADINGS = ["Tình trạng", "Trạng thái"]
HEADING_PLACES = ["tasks", "templates/tasks", "oversight/exports", "oversight/report"]


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda ids: len(list(ids)))


def send_digests():
    django_mail.outbox = []
    with transaction.atomic():
        sweep.plan_digests(local_today())
    delivery.send_now(queue.due_for_sending().order_by("pk").values_list("pk", flat=True))


def email_to(user) -> str:
    [message] = [m for m in django_mail.outbox if user.email in m.to]
    return message.body


def status_badge(page: str) -> str:
    return re.search(r'<span class="badge task-status[^"]*"[^>]*><span class="visually-hidden">([^<]*)</span>'
                     r'([^<]*)</span>', page).group(2)


def timeline(page: str) -> str:
    start = page.index('class="timeline list-unstyled')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:page.index("</ol>", start)]))


def propose(w):
    services.propose_completion(task=w.task, user=w.leader, result="Đã ban hành kế hoạch.")


def decide(w, approve):
    propose(w)
    services.decide_completion(task=w.task, user=w.office, approve=approve, comment="" if approve else "Thiếu phụ lục.")


# Each state a step of the workflow leads to, who is told, and the step as the email names it (the event).
STEPS = {
    Task.Status.PROPOSED: (propose, "office", TaskEvent.COMPLETION_PROPOSED),
    Task.Status.RETURNED: (lambda w: decide(w, False), "officer", TaskEvent.COMPLETION_RETURNED),
    Task.Status.DONE: (lambda w: decide(w, True), "officer", TaskEvent.COMPLETION_APPROVED),
    Task.Status.CANCELLED: (lambda w: services.cancel_task(task=w.task, user=w.office, reason="Không còn phù hợp."),
                            "officer", TaskEvent.CANCELLED),
}


@pytest.mark.parametrize("status", list(STEPS), ids=[str(s) for s in STEPS])
def test_the_badge_the_timeline_and_the_email_name_a_state_with_the_same_words(w, status):
    step, told, event = STEPS[status]
    step(w)
    name = str(Task.Status(status).label)
    page = w.client(w.office).get(w.task.get_absolute_url()).content.decode()

    assert status_badge(page) == name
    # The step's entry in the timeline shows the change of step in the same words.
    assert f"{STATUS_HEADING}: " in timeline(page) and f"→ {name}" in timeline(page)
    send_digests()
    body = email_to(getattr(w, told))
    assert str(event.label) in body
    assert name.lower() in body.lower()


def test_a_step_and_the_state_it_leads_to_share_their_name():
    assert TaskEvent.COMPLETION_PROPOSED.label == Task.Status.PROPOSED.label
    assert TaskEvent.COMPLETION_RETURNED.label == Task.Status.RETURNED.label == ReviewOutcome.RETURNED.label
    assert TaskEvent.COMPLETION_APPROVED.label == ReviewOutcome.APPROVED.label


def test_the_returned_task_reads_the_same_in_the_timeline_title_the_form_and_the_list(w):
    propose(w)
    office = w.client(w.office)
    form = office.get(f"/tasks/{w.task.pk}/decide-completion/").content.decode()
    assert "Trả lại nhiệm vụ" in form and "Xác nhận hoàn thành" in form
    services.decide_completion(task=w.task, user=w.office, approve=False, comment="Thiếu phụ lục.")
    page = office.get(w.task.get_absolute_url()).content.decode()
    assert "Trả lại nhiệm vụ" in re.findall(r'<h3 class="h6 mb-0">([^<]*)', page)
    listing = office.get("/tasks/").content.decode()
    assert "Tình hình thực hiện" in listing and "Bước xử lý" in listing
    assert "<td class=\"d-none d-lg-table-cell small\">Trả lại nhiệm vụ</td>" in listing


STANDING_TASKS = {
    Standing.OVERDUE: {"deadline": -3},
    Standing.DUE_SOON: {"deadline": 3},
    Standing.ON_TRACK: {"deadline": 30},
    Standing.ONGOING: {"deadline": None},
    Standing.DONE_ON_TIME: {"deadline": 3, "status": Task.Status.DONE},
    Standing.DONE_LATE: {"deadline": -3, "status": Task.Status.DONE},
    Standing.CANCELLED: {"deadline": 3, "status": Task.Status.CANCELLED},
}


@pytest.mark.parametrize("standing", list(STANDING_TASKS), ids=[str(s) for s in STANDING_TASKS])
def test_the_standing_badge_and_the_digest_say_the_standing_in_the_same_words(standing):
    spec = STANDING_TASKS[standing]
    deadline = days(spec["deadline"]) if spec["deadline"] is not None else None
    task = Task(pk=1, title="Nhiệm vụ", deadline=deadline, status=spec.get("status", Task.Status.OPEN),
                completed_at=timezone.now() if spec.get("status") == Task.Status.DONE else None)
    assert task.compute_standing() == standing
    label = str(Standing(standing).label)
    badge = render_to_string("tasks/partials/standing_badge.html", {"task": task})
    assert re.search(r">([^<]*)</span>", badge).group(1) == label
    assert f'title="{STANDING_HEADING}"' in badge
    item = Item(task, "http://x/tasks/1/", standing, label, "", [])
    for template in ("email/digest.txt", "email/digest.html"):
        mail = render_to_string(template, {"items": [item], "day": datetime.date.today(), "recipient_name": "x"})
        assert label in mail


def _sources():
    for base in ("templates", "tasks", "notifications", "oversight", "intake", "resolutions", "accounts", "core"):
        for path in (ROOT / base).rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


def test_no_second_name_for_a_state_remains_in_the_templates_or_the_sources():
    found = [f"{path.relative_to(ROOT)}: “{old}” (say “{new}”)"
             for path in _sources() for old, new in RETIRED.items() if old in path.read_text(encoding="utf-8")]
    assert found == []


def test_the_standing_and_the_step_are_not_called_tinh_trang_and_trang_thai_where_tasks_are_shown():
    found = [f"{path.relative_to(ROOT)}: “{old}”"
             for path in _sources() if any(str(path.relative_to(ROOT)).startswith(place) for place in HEADING_PLACES)
             for old in RETIRED_HEADINGS if old in path.read_text(encoding="utf-8")]
    assert found == []
