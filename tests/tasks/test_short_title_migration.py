"""tasks 0012: a task recorded before short titles, titled with its directive's sentence cut at 200 characters,
gets the directive's short title and a search key for it; a title the office wrote stays."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tasks", "0011_proposal_attachments_granted_deadline_one_vocabulary"),
          ("resolutions", "0003_fill_directive_short_titles")]
AFTER = [("tasks", "0012_short_titles_for_recorded_tasks")]
TEXT = ("Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy và các cơ quan liên quan tham mưu Ban "
        "Thường vụ Tỉnh ủy ban hành Chỉ thị thay thế Chỉ thị số 05 cho phù hợp với tình hình hiện nay, trong đó cần "
        "khơi dậy ở mỗi cán bộ, công chức, viên chức tinh thần đổi mới, đột phá, quyết tâm và khát vọng.")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_automatic_titles_become_short_titles_and_written_ones_stay():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = _migrate(BEFORE)
    try:
        Unit = apps.get_model("units", "Unit")
        Resolution = apps.get_model("resolutions", "Resolution")
        Directive = apps.get_model("resolutions", "Directive")
        Task = apps.get_model("tasks", "Task")
        Assignment = apps.get_model("tasks", "Assignment")
        unit = Unit.objects.create(code="BTGTU_T", name="Ban Tuyên giáo Tỉnh ủy", short_name="BTGTU", kind="party_board")
        resolution = Resolution.objects.create(title="Phát biểu bế mạc", issued_on=datetime.date(2022, 4, 20))
        directive = Directive.objects.create(resolution=resolution, order=1, text=TEXT, short_title="")
        old = " ".join(TEXT.split())[:200].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        automatic = Task.objects.create(directive=directive, title=old, deadline=datetime.date(2022, 6, 30))
        written = Task.objects.create(directive=directive, title="Chỉ thị thay thế Chỉ thị 05",
                                      deadline=datetime.date(2022, 6, 30))
        for task in (automatic, written):
            Assignment.objects.create(task=task, unit=unit, role="lead")
        apps = _migrate(AFTER)
        Task = apps.get_model("tasks", "Task")
        automatic, written = Task.objects.get(pk=automatic.pk), Task.objects.get(pk=written.pk)
        assert automatic.title == "Tham mưu Ban Thường vụ Tỉnh ủy ban hành Chỉ thị thay thế Chỉ thị số 05 cho phù hợp"
        assert "tham muu ban thuong vu" in automatic.search_text and "ban tuyen giao" in automatic.search_text
        assert written.title == "Chỉ thị thay thế Chỉ thị 05"
    finally:
        _migrate(latest)
