"""python manage.py load_demo: the worked example, the directory and the demo accounts, idempotently."""
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from intake.demo import GOLDEN_PATH
from resolutions.models import Directive, Resolution
from accounts import roles
from tasks.models import Assignment, Task
from units.models import Membership, Unit, UnitGroup
from units.selectors import units_of_groups

pytestmark = pytest.mark.django_db
User = get_user_model()

DEMO_USERNAMES = ["vanphong", "thuongtruc", "tuyengiao.lanhdao", "tuyengiao.chuyenvien", "kiemtra.lanhdao",
                  "cuuchienbinh.lanhdao", "phunghiep.lanhdao"]
GOLDEN = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))["directives"]


@pytest.fixture(autouse=True)
def var_in_tmp(settings, tmp_path):
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
    }


def logins(output):
    """The lines a developer copies from `make run`: the password line and one line per account."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Tài khoản demo"))
    return lines[start:]


def test_a_second_run_changes_nothing_and_prints_the_same_logins():
    first = load_demo()
    after_first = counts()
    second = load_demo()
    assert counts() == after_first
    assert logins(second) == logins(first)
    assert after_first["resolutions"] == 1
    assert after_first["directives"] == 16
    assert after_first["users"] == len(DEMO_USERNAMES)


def test_the_logins_name_every_demo_account_with_its_place():
    output = load_demo("--password", "Mat-khau-demo-2022")
    accounts = logins(output)
    assert "Mat-khau-demo-2022" in accounts[0]
    for username in DEMO_USERNAMES:
        assert any(line.split()[0] == username for line in accounts[1:]), username
    assert any("tuyengiao.chuyenvien" in line and "Ban Tuyên giáo Tỉnh ủy" in line for line in accounts)


def test_the_password_option_sets_every_demo_password():
    load_demo("--password", "Mat-khau-demo-2022")
    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("Mat-khau-demo-2022"), username
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
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo("--password", "Mat-khau-demo-2022")
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_every_demo_account_has_an_email_and_its_role():
    load_demo("--password", "Mat-khau-demo-2022")
    assert not User.objects.filter(username__in=DEMO_USERNAMES, email="").exists()
    assert roles.is_office(User.objects.get(username="vanphong"))
    standing = User.objects.get(username="thuongtruc")
    assert roles.is_standing_committee(standing) and standing.is_staff and not roles.is_office(standing)
    officer = User.objects.get(username="tuyengiao.chuyenvien")
    assert not officer.is_staff
    assert officer.memberships.get().unit.name == "Ban Tuyên giáo Tỉnh ủy"
    assert User.objects.get(username="phunghiep.lanhdao").memberships.get().role == Membership.Role.LEADER


def test_the_worked_example_has_the_16_directives_in_the_order_and_sections_of_the_reading():
    load_demo("--password", "Mat-khau-demo-2022")
    resolution = Resolution.objects.get()
    directives = list(resolution.directives.order_by("order"))
    assert [(d.section_path, d.label) for d in directives] == [(item["section"], item["label"]) for item in GOLDEN]
    for directive, item in zip(directives, GOLDEN):
        assert item["starts_with"] in directive.text, item["section"]
        assert directive.ongoing == item["ongoing"], item["section"]


def test_every_directive_is_turned_into_tasks_with_one_lead_each():
    load_demo("--password", "Mat-khau-demo-2022")
    by_name = {unit.name: unit for unit in Unit.objects.all()}
    for directive, item in zip(Directive.objects.order_by("order"), GOLDEN):
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
                assert task.deadline.isoformat() == item["deadline"], item["section"]
            if item["ongoing"] and not item["deadline"]:
                assert task.deadline is None and task.report_cycle, item["section"]
