"""python manage.py load_demo: the directory, the demo accounts, the April 2022 speech with what happened to it in
2022 and 2023, and a recent notice with deadlines around today; idempotently.

The demo is loaded once for the module (it plays a year and a half of history); each test starts from it and
what a test changes is rolled back."""
import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from accounts import roles
from accounts.names import person
from core.dates import local_today
from intake.demo import GOLDEN_PATH, NOTICE_NUMBER
from notifications.models import Notification, OutgoingEmail
from notifications.reminders import is_working_day
from oversight.dashboard.board import build
from oversight.dashboard.forms import Selection
from oversight.dashboard.periods import whole_year
from resolutions.models import Directive, Resolution
from tasks.models import Assignment, Attachment, ExtensionRequest, ProgressReport, Review, Task
from tasks.standing import Standing
from tasks.timeline import task_timeline
from units.models import Membership, Unit, UnitGroup
from units.selectors import units_of_groups

pytestmark = pytest.mark.django_db
User = get_user_model()

DEMO_USERNAMES = ["vanphong", "thuongtruc", "tuyengiao.lanhdao", "tuyengiao.chuyenvien", "kiemtra.lanhdao",
                  "cuuchienbinh.lanhdao", "phunghiep.lanhdao"]
GOLDEN = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))["directives"]
PASSWORD = "Mat-khau-demo-2022"
RECORDED_ON = datetime.date(2022, 4, 20)
END_OF_2023 = datetime.date(2023, 12, 31)


@pytest.fixture(scope="module")
def demo(shared_db, tmp_path_factory):
    """The demo as `make run` loads it, once for the module: what it printed."""
    out = io.StringIO()
    with shared_db, override_settings(DEBUG=True, VAR_DIR=tmp_path_factory.mktemp("var")):
        call_command("load_demo", "--password", PASSWORD, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def var_in_tmp(demo, settings, tmp_path):
    """The generated password goes to a temporary var/, never the developer's."""
    settings.VAR_DIR = tmp_path / "var"
    settings.DEBUG = True


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "units": Unit.objects.count(), "groups": UnitGroup.objects.count(), "users": User.objects.count(),
        "resolutions": Resolution.objects.count(), "directives": Directive.objects.count(),
        "tasks": Task.objects.count(), "assignments": Assignment.objects.count(),
        "memberships": Membership.objects.count(), "role groups": Group.objects.count(),
        "reports": ProgressReport.objects.count(), "attachments": Attachment.objects.count(),
        "extensions": ExtensionRequest.objects.count(), "reviews": Review.objects.count(),
        "task history": Task.history.count(), "notices": Notification.objects.count(),
        "emails": OutgoingEmail.objects.count(),
    }


def logins(output):
    """The lines a developer copies from `make run`: the password line and one line per account."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Tài khoản demo"))
    return lines[start:]


def speech() -> Resolution:
    return Resolution.objects.get(kind=Resolution.Kind.PHAT_BIEU)


def notice() -> Resolution:
    return Resolution.objects.get(number=NOTICE_NUMBER)


def local(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def tasks_standing(standing, **filters):
    return Task.objects.with_standing().filter(standing=standing, **filters)


# --- Idempotent, and how to log in ---------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_prints_the_same_logins(demo):
    after_first = counts()
    second = load_demo("--password", PASSWORD)
    assert counts() == after_first
    assert logins(second) == logins(demo)
    assert after_first["resolutions"] == 2
    assert speech().directives.count() == 16
    assert after_first["users"] == len(DEMO_USERNAMES)


def test_the_logins_name_every_person_with_their_place_and_username(demo):
    accounts = logins(demo)
    assert PASSWORD in accounts[0]
    for username in DEMO_USERNAMES:
        assert sum(line.endswith(f" — {username}") for line in accounts[1:]) == 1, username
    assert "  Lê Thị Tuyên — lãnh đạo Ban Tuyên giáo Tỉnh ủy — tuyengiao.lanhdao" in accounts
    assert "  Phạm Văn Giáo — chuyên viên Ban Tuyên giáo Tỉnh ủy — tuyengiao.chuyenvien" in accounts
    assert not any("leader" in line or "officer" in line for line in accounts)


def test_the_output_says_how_long_it_took(demo):
    assert any(line.startswith("Xong trong ") and line.endswith(" giây.") for line in demo.splitlines())


def test_names_are_given_name_and_family_names_written_in_vietnamese_order(demo):
    tuyen = User.objects.get(username="tuyengiao.lanhdao")
    assert (tuyen.last_name, tuyen.first_name) == ("Lê Thị", "Tuyên")
    assert person(tuyen) == "Lê Thị Tuyên"
    assert person(User.objects.get(username="thuongtruc")) == "Trần Thường Trực"


def test_the_password_option_sets_every_demo_password(demo):
    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password(PASSWORD), username
    load_demo("--password", "Mat-khau-khac-2023")
    assert User.objects.get(username="vanphong").check_password("Mat-khau-khac-2023")


def test_without_a_password_one_is_generated_once_and_kept_under_var(settings):
    first = load_demo()
    stored = (settings.VAR_DIR / "demo_password.txt").read_text(encoding="utf-8").strip()
    assert len(stored) >= 12
    assert stored in logins(first)[0]
    assert User.objects.get(username="tuyengiao.lanhdao").check_password(stored)
    assert stored in logins(load_demo())[0]


def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo("--password", "Mat-khau-khac-2023")
    assert counts() == before
    assert not User.objects.get(username="vanphong").check_password("Mat-khau-khac-2023")


def test_every_demo_account_has_an_email_and_its_role():
    assert not User.objects.filter(username__in=DEMO_USERNAMES, email="").exists()
    assert roles.is_office(User.objects.get(username="vanphong"))
    standing = User.objects.get(username="thuongtruc")
    assert roles.is_standing_committee(standing) and standing.is_staff and not roles.is_office(standing)
    officer = User.objects.get(username="tuyengiao.chuyenvien")
    assert not officer.is_staff
    assert officer.memberships.get().unit.name == "Ban Tuyên giáo Tỉnh ủy"
    assert User.objects.get(username="phunghiep.lanhdao").memberships.get().role == Membership.Role.LEADER


# --- The worked example, as read --------------------------------------------------------------------------------


def test_the_worked_example_has_the_16_directives_in_the_order_and_sections_of_the_reading():
    directives = list(speech().directives.order_by("order"))
    assert [(d.section_path, d.label) for d in directives] == [(item["section"], item["label"]) for item in GOLDEN]
    for directive, item in zip(directives, GOLDEN):
        assert item["starts_with"] in directive.text, item["section"]
        assert directive.ongoing == item["ongoing"], item["section"]


def test_every_directive_is_turned_into_tasks_with_one_lead_each():
    by_name = {unit.name: unit for unit in Unit.objects.all()}
    for directive, item in zip(speech().directives.order_by("order"), GOLDEN):
        tasks = list(directive.tasks.all())
        assert tasks, f"{item['section']} {item['label']} has no task"
        leads = [task.assignments.get(role=Assignment.Role.LEAD).unit for task in tasks]
        assert len(set(leads)) == len(tasks)  # one accountable unit per task, none twice
        if item["scope_groups"]:
            # Addressed to groups: one task per unit of those groups (named units lead their own too).
            expected = {unit.pk for unit in units_of_groups(item["scope_groups"])}
            expected |= {by_name[name].pk for name in item["lead_units"]}
            expected -= {by_name[name].pk for name in item["coordinating_units"] if name not in item["lead_units"]}
            assert {unit.pk for unit in leads} == expected, item["section"]
        elif item["lead_units"]:
            assert {unit.name for unit in leads} == set(item["lead_units"]), item["section"]
            for task in tasks:
                coordinating = set(task.assignments.filter(role=Assignment.Role.COORDINATING)
                                   .values_list("unit__name", flat=True))
                assert coordinating == set(item["coordinating_units"]) - {task.assignments.get(
                    role=Assignment.Role.LEAD).unit.name}, item["section"]
        for task in tasks:
            if item["deadline"]:
                # The speech's date is the first deadline; an extension moved some since (kept in original_deadline).
                assert (task.original_deadline or task.deadline).isoformat() == item["deadline"], item["section"]
            if item["ongoing"] and not item["deadline"]:
                assert task.deadline is None and task.report_cycle, item["section"]


# --- The history, in its past -----------------------------------------------------------------------------------


def test_the_speech_was_recorded_and_its_tasks_assigned_in_april_2022():
    document = speech()
    assert local(document.created_at) == RECORDED_ON
    assert {local(created) for created in document.directives.values_list("tasks__created_at", flat=True)} == {
        RECORDED_ON}
    first_entries = Task.history.filter(directive__resolution=document, history_type="+")
    assert {local(moment) for moment in first_entries.values_list("history_date", flat=True)} == {RECORDED_ON}


def test_2022_holds_a_task_done_on_time_one_done_late_after_a_return_and_one_still_overdue():
    document = speech()
    on_time = tasks_standing(Standing.DONE_ON_TIME, directive__resolution=document, completed_at__year=2022)
    assert on_time.filter(assignments__unit__code="BTGTU", directive__label="(7)").exists()
    late = tasks_standing(Standing.DONE_LATE, directive__resolution=document)
    assert late.filter(completed_at__year=2022).exists() and late.filter(completed_at__year=2023).exists()
    overdue = tasks_standing(Standing.OVERDUE, directive__resolution=document)
    assert overdue.filter(deadline__year=2022).exists() and overdue.filter(deadline__year=2023).exists()
    assert tasks_standing(Standing.CANCELLED, directive__resolution=document).exists()

    # Returned in June 2022, reported again, then approved: done late, as of the second proposal.
    returned = Review.objects.get(task__directive__resolution=document, outcome=Review.Outcome.RETURNED)
    assert local(returned.reviewed_at) == datetime.date(2022, 6, 29) and returned.comment
    task = Task.objects.with_standing().get(pk=returned.task_id)
    assert task.standing == Standing.DONE_LATE
    assert local(task.completed_at) == datetime.date(2022, 7, 8)
    assert task.reports.filter(created_at__gt=returned.reviewed_at).exists()


def test_extensions_were_granted_refused_and_granted_for_another_date_than_asked():
    extensions = ExtensionRequest.objects.filter(task__directive__resolution=speech())
    granted = extensions.filter(status=ExtensionRequest.Status.APPROVED)
    assert granted.exists() and extensions.filter(status=ExtensionRequest.Status.REFUSED).exists()
    assert all(datetime.date(2022, 4, 20) < local(e.decided_at) < END_OF_2023 for e in extensions)
    other_date = granted.exclude(granted_deadline__isnull=True).exclude(granted_deadline=F("requested_deadline")).get()
    assert other_date.granted_deadline < other_date.requested_deadline
    assert other_date.task.deadline == other_date.granted_deadline == datetime.date(2023, 3, 31)
    assert other_date.task.original_deadline == datetime.date(2022, 9, 30)
    # Granted, then done by the new deadline: on time.
    assert tasks_standing(Standing.DONE_ON_TIME, extension_requests__status=ExtensionRequest.Status.APPROVED,
                          directive__resolution=speech()).exists()


def test_every_timeline_entry_is_dated_in_its_past():
    today = local_today()
    for task in Task.objects.filter(directive__resolution=speech(), assignments__role=Assignment.Role.LEAD,
                                    assignments__unit__code__in=["BTGTU", "UBKTTU", "HCCB_TINH", "HU_PHUNG_HIEP"]):
        entries = task_timeline(task)
        assert entries, task
        for entry in entries:
            assert RECORDED_ON <= local(entry.when) <= END_OF_2023, (task, entry.title, entry.when)
    issued = notice().issued_on
    for task in Task.objects.filter(directive__resolution=notice()):
        for entry in task_timeline(task):
            assert issued <= local(entry.when) < today, (task, entry.title, entry.when)


def test_the_proposals_carry_the_units_reports():
    attached = Review.objects.filter(attachments__isnull=False).distinct()
    assert attached.count() == 2
    assert {review.proposed_at.year for review in attached} == {2022, local_today().year}


def test_the_dashboard_for_2022_and_2023_shows_work_done_on_time_done_late_and_overdue():
    office = User.objects.get(username="vanphong")
    for year in (2022, 2023):
        board = build(office, Selection(period=whole_year(year)))
        figures = {figure.key: figure.value for figure in board.figures}
        assert figures["done_on_time"] > 0, year
        assert figures["done_late"] > 0, year
        assert figures["overdue"] > 0, year
    board = build(office, Selection(period=whole_year(2022)))
    assert board.standing_counts[Standing.DONE_ON_TIME] > board.standing_counts[Standing.DONE_LATE]


# --- The notices of the past went out in their day; today's work reminds today ------------------------------------


def test_what_people_were_told_in_the_past_went_out_that_day_and_nothing_old_waits_for_today():
    today = local_today()
    assert not Notification.objects.filter(status=Notification.Status.PENDING, due_on__lt=today).exists()
    approved = Notification.objects.get(recipient__username="tuyengiao.lanhdao",
                                        kind=Notification.Kind.COMPLETION_APPROVED, due_on="2022-05-04")
    assert approved.status == Notification.Status.SENT
    assert approved.email.day == datetime.date(2022, 5, 4) and local(approved.email.sent_at) == approved.email.day


def test_the_notice_is_due_around_today_so_the_daily_reminders_go_out():
    today = local_today()
    open_deadlines = {task.deadline - today for task in Task.objects.filter(directive__resolution=notice(), status=Task.Status.OPEN)}
    assert datetime.timedelta(days=3) in open_deadlines
    assert any(days < datetime.timedelta(0) for days in open_deadlines)  # a few days late
    waiting = Task.objects.filter(directive__resolution=notice(), status=Task.Status.PROPOSED)
    assert waiting.count() == 1
    assert ExtensionRequest.objects.filter(task__directive__resolution=notice(),
                                           status=ExtensionRequest.Status.PENDING).count() == 1

    working_day = today
    while not is_working_day(working_day):
        working_day += datetime.timedelta(days=1)
    mail.outbox.clear()
    call_command("send_reminders", date=working_day, sync=True, stdout=io.StringIO())
    reminded = Notification.objects.filter(
        due_on=working_day, task__directive__resolution=notice(), recipient__username__in=DEMO_USERNAMES,
        kind__in=[Notification.Kind.BEFORE_DEADLINE, Notification.Kind.DEADLINE_TODAY, Notification.Kind.OVERDUE])
    assert reminded.exists()
    demo_addresses = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("email", flat=True))
    assert any(set(message.to) & demo_addresses for message in mail.outbox)
