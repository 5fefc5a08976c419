"""The load generator builds a realistic, tagged dataset, and a rerun is idempotent (issue 7)."""
import re

import pytest
from django.core.management import call_command

from resolutions.models import Resolution
from devtools import loadgen
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from tasks.standing import Standing
from units.models import Unit
from core.text import search_key
from tasks.selectors.tasks import standing_counts
from tests.factories import TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_generated_tasks_stand_everywhere_a_real_province_would_have_them():
    loadgen.generate(600)
    tasks = Task.objects.filter(created_by__username=loadgen.OFFICE_USERNAME)
    assert tasks.count() == 600
    counts = standing_counts(tasks.with_standing())
    assert all(counts[standing] > 0 for standing in Standing.values), counts
    assert 0.12 < counts[Standing.ONGOING] / 600 < 0.3
    statuses = set(tasks.values_list("status", flat=True))
    assert statuses == set(Task.Status.values)
    assert tasks.filter(parent__isnull=False).exists()  # delegated sub-tasks


def test_every_generated_task_has_one_lead_unit_its_reports_and_a_creation_entry_in_its_history():
    loadgen.generate(300)
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD)
    assert leads.count() == Task.objects.count() == 300
    assert Assignment.objects.filter(role=Assignment.Role.COORDINATING).exists()
    assert 3.5 < ProgressReport.objects.count() / 300 < 6.5
    assert Review.objects.exists() and ExtensionRequest.objects.exists()
    created = Task.history.model.objects.filter(history_type="+")
    assert created.values("id").distinct().count() == 300
    task = Task.objects.order_by("pk").first()
    lead = leads.get(task=task).unit
    assert task.search_text == search_key(task.title, task.description, task.deadline_text, lead.name,
                                          lead.short_name)


def test_five_people_per_unit_lead_and_serve_in_a_tree_of_two_or_three_levels():
    loadgen.generate(300, units=30)
    units = Unit.objects.filter(code__startswith=loadgen.UNIT_CODE_PREFIX)
    assert units.count() == 30
    assert units.filter(parent__isnull=True).count() <= 5
    assert units.filter(parent__parent__isnull=False).exists()
    assert not units.filter(parent__parent__parent__isnull=False).exists()
    for unit in units[:3]:
        roles = sorted(unit.memberships.values_list("role", flat=True))
        assert roles == ["leader", "leader", "officer", "officer", "officer"]


def test_running_it_again_with_the_same_size_changes_nothing_and_a_bigger_size_adds_the_difference():
    loadgen.generate(200)
    first_ids = set(Task.objects.values_list("pk", flat=True))
    assert loadgen.generate(200).action == "present"
    assert set(Task.objects.values_list("pk", flat=True)) == first_ids
    summary = loadgen.generate(260)
    assert summary.action == "extended" and summary.added_tasks == 60
    assert Task.objects.count() == 260
    assert first_ids < set(Task.objects.values_list("pk", flat=True))


def test_a_different_shape_rebuilds_the_generated_set_and_leaves_everything_else_alone():
    own_unit = UnitFactory()
    own_task = TaskFactory(lead=own_unit)
    loadgen.generate(200)
    assert loadgen.generate(100).action == "built"
    assert Task.objects.filter(created_by__username=loadgen.OFFICE_USERNAME).count() == 100
    assert Task.objects.filter(pk=own_task.pk).exists()
    assert Unit.objects.filter(pk=own_unit.pk).exists()
    assert Resolution.objects.filter(number__endswith=loadgen.DOCUMENT_NUMBER_SUFFIX).exists()


def test_the_command_says_what_it_did(capsys):
    call_command("generate_load", tasks=40)
    call_command("generate_load", tasks=40)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("generate_load: present tasks=40")


CONTRACT = (r"bench: tasks=30 list_p95_ms=\S+ list_queries=\S+ floor_ratio=\S+ admin_ratio=\S+ "
            r"dashboard_p95_ms=\S+ dashboard_queries=\S+ sweep_s=\S+ sweep_mb=\S+ home_p95_ms=\S+ "
            r"office_home_p95_ms=\S+ export_rows=\S+ export_s=\S+ export_mb=\S+ export_10k_mb=\S+ "
            r"report_rows=\S+ report_s=\S+ report_mb=\S+")


def test_the_bench_ends_with_the_contract_line(capsys):
    call_command("bench", tasks=30, no_sweep=True, no_jobs=True)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(CONTRACT, last), last
    assert re.search(r" home_p95_ms=\d+\.\d office_home_p95_ms=\d+\.\d ", last), last


@pytest.mark.worker  # a child process writes the jobs: on SQLite the test database is then a file it can open
def test_the_bench_writes_the_full_export_and_the_report_as_jobs_and_says_how_long_they_took(
    capsys, transactional_db
):
    call_command("bench", tasks=30, no_sweep=True, only="jobs")
    output = capsys.readouterr().out
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(CONTRACT, last), last
    figures = dict(pair.split("=", 1) for pair in last.split()[1:])
    assert figures["export_rows"] == "30"
    for key in ("export_s", "report_s", "export_mb"):
        assert re.fullmatch(r"\d+(\.\d+)?", figures[key]), (key, output)
    from jobs.models import Job

    assert not Job.objects.exists()  # the bench's jobs and files are removed
