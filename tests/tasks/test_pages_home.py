"""/ : what each kind of person finds on opening the portal."""
import datetime

import pytest
from django.utils import timezone

from resolutions.models import Resolution
from tasks import services
from tasks.selectors import home
from tasks.models import ProgressReport
from tests.factories import (
    DirectiveFactory,
    ProgressReportFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    leader,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def world():
    office = office_user()
    unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    other = UnitFactory(name="Hội Cựu chiến binh tỉnh")
    boss = leader(unit)
    tasks = {
        "overdue": TaskFactory(lead=unit, title="Báo cáo sơ kết 6 tháng", deadline=days(-3)),
        "due_soon": TaskFactory(lead=unit, title="Kế hoạch tuyên truyền kỷ niệm", deadline=days(5)),
        "on_track": TaskFactory(lead=unit, title="Tổng hợp tình hình tư tưởng", deadline=days(30)),
        "proposed": TaskFactory(lead=unit, title="Ban hành hướng dẫn học tập", deadline=days(20)),
        "extending": TaskFactory(lead=unit, title="Biên soạn tài liệu", deadline=days(15)),
        "other_overdue": TaskFactory(lead=other, title="Phong trào Cựu chiến binh gương mẫu", deadline=days(-20)),
    }
    services.propose_completion(task=tasks["proposed"], user=boss, result="Đã ban hành")
    services.request_extension(task=tasks["extending"], user=boss, new_deadline=days(60), reason="Chờ số liệu")
    services.submit_progress_report(task=tasks["on_track"], user=member(unit), text="Đã họp triển khai", percent=20)
    return {"office": office, "unit": unit, "other": other, "boss": boss, "tasks": tasks}


def test_a_unit_sees_its_overdue_due_soon_and_waiting_tasks(client, world):
    client.force_login(world["boss"])
    response = client.get("/")
    context, page = response.context, response.content.decode()
    assert [task.title for task in context["overdue"]] == ["Báo cáo sơ kết 6 tháng"]
    assert [task.title for task in context["due_soon"]] == ["Kế hoạch tuyên truyền kỷ niệm"]
    assert sorted(task.title for task in context["waiting"]) == ["Ban hành hướng dẫn học tập", "Biên soạn tài liệu"]
    assert context["counts"]["overdue"] == 1
    assert "Phong trào Cựu chiến binh gương mẫu" not in page
    assert "Hội Cựu chiến binh tỉnh" not in page


def test_a_unit_sees_recent_activity_on_its_tasks(client, world):
    client.force_login(world["boss"])
    activity = client.get("/").context["recent_activity"]
    titles = [item["task"].title for item in activity]
    assert "Tổng hợp tình hình tư tưởng" in titles  # the report
    assert "Ban hành hướng dẫn học tập" in titles  # the completion proposal
    assert "Biên soạn tài liệu" in titles  # the extension request
    assert activity == sorted(activity, key=lambda item: item["when"], reverse=True)


def _report(task, minutes_ago):
    """A report made `minutes_ago` before a moment tomorrow (after everything the world fixture did)."""
    report = ProgressReportFactory(task=task)
    report.created_at = timezone.now() + datetime.timedelta(days=1, minutes=-minutes_ago)
    ProgressReport.objects.filter(pk=report.pk).update(created_at=report.created_at)
    return report


# The three ways home._newest_parts finds them: task by task (a unit with few tasks); among the newest reports of
# all tasks, which hold the unit's ten newest (window 1000); or task by task after those held none (window 3: another
# unit is busier).
@pytest.mark.parametrize(("few_tasks", "window"), [(1000, 1000), (0, 1000), (0, 3)])
def test_recent_activity_lists_the_ten_newest_reports_on_the_units_tasks_however_busy_other_units_are(
        client, world, monkeypatch, few_tasks, window):
    monkeypatch.setattr(home, "FEW_TASKS", few_tasks)
    monkeypatch.setattr(home, "NEWEST_WINDOW", window)
    unit, other = world["unit"], world["other"]
    busy, quiet, shared = (TaskFactory(lead=unit, title="Hồ sơ bận"), TaskFactory(lead=unit, title="Hồ sơ ít báo cáo"),
                           TaskFactory(lead=other, coordinating=[unit], title="Hồ sơ phối hợp"))
    elsewhere = TaskFactory(lead=other, title="Việc của đơn vị khác")
    newest_elsewhere = [_report(elsewhere, minutes_ago=n) for n in range(1, 6)]
    ours = ([_report(busy, minutes_ago=10 + n) for n in range(8)] + [_report(quiet, minutes_ago=100)]
            + [_report(shared, minutes_ago=50 + n) for n in range(3)] + [_report(quiet, minutes_ago=500)])
    client.force_login(world["boss"])
    activity = client.get("/").context["recent_activity"]
    expected = sorted(ours, key=lambda report: report.created_at, reverse=True)[:10]
    assert [item["url"] for item in activity] == [report.get_absolute_url() for report in expected]
    assert not {report.get_absolute_url() for report in newest_elsewhere} & {item["url"] for item in activity}


def test_the_office_sees_the_decisions_waiting_and_overdue_tasks_by_unit(client, world):
    client.force_login(world["office"])
    response = client.get("/")
    context, page = response.context, response.content.decode()
    assert [review.task.title for review in context["proposals"]] == ["Ban hành hướng dẫn học tập"]
    assert [extension.task.title for extension in context["extensions"]] == ["Biên soạn tài liệu"]
    by_unit = {row["unit__name"]: row["n"] for row in context["overdue_by_unit"]}
    assert by_unit == {"Ban Tuyên giáo Tỉnh ủy": 1, "Hội Cựu chiến binh tỉnh": 1}
    assert f'href="/tasks/?unit={world["other"].pk}&amp;role=lead&amp;standing=overdue"' in page


def test_a_sub_units_proposal_waits_for_the_parent_leader_not_the_office(client, world):
    sub_unit = UnitFactory(name="Phòng Tuyên truyền", parent=world["unit"])
    child = services.delegate_task(task=world["tasks"]["on_track"], user=world["boss"], unit=sub_unit)
    services.propose_completion(task=child, user=leader(sub_unit), result="Xong phần việc")
    client.force_login(world["office"])
    assert [review.task_id for review in client.get("/").context["proposals"]] == [world["tasks"]["proposed"].pk]
    client.force_login(world["boss"])
    assert [review.task_id for review in client.get("/").context["proposals"]] == [child.pk]


def test_the_standing_committee_sees_overdue_by_unit_and_recent_documents(client, world):
    document = ResolutionFactory(title="Kết luận về công tác tuyên giáo", number="15-KL/TU")
    DirectiveFactory.create_batch(3, resolution=document)
    client.force_login(standing_user())
    response = client.get("/")
    page = response.content.decode()
    assert "Kết luận số 15-KL/TU" in page
    assert "3 nội dung chỉ đạo" in page
    assert len(response.context["overdue_by_unit"]) == 2
    assert "proposals" not in response.context  # the office decides, not the standing committee


def test_empty_states_say_what_to_do(client):
    client.force_login(member(UnitFactory()))
    page = client.get("/").content.decode()
    assert "Không có nhiệm vụ quá hạn" in page
    assert "Mở một nhiệm vụ để gửi báo cáo tiến độ đầu tiên" in page
    Resolution.objects.all().delete()
    client.force_login(office_user())
    page = client.get("/").content.decode()
    assert "Nhập văn bản kết luận đầu tiên" in page


def test_a_person_without_a_unit_sees_an_empty_home(client):
    client.force_login(member(UnitFactory(active=False)))  # a membership counts only in an active unit
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["recent_activity"] == []


def test_the_office_home_draws_ten_units_with_overdue_work_and_links_to_all_of_them(client):
    # Twelve units with overdue work, unit i holding i + 1 overdue tasks: the ten busiest are drawn, most first,
    # and the link names all twelve and leads to the dashboard's full table.
    units = [UnitFactory(name=f"Đơn vị thử {i:02d}") for i in range(12)]
    for i, unit in enumerate(units):
        for _ in range(i + 1):
            TaskFactory(lead=unit, deadline=days(-5))
    client.force_login(office_user())
    page = client.get("/").content.decode()
    assert "Đơn vị thử 11" in page and "Đơn vị thử 02" in page
    assert "Đơn vị thử 01" not in page and "Đơn vị thử 00" not in page
    assert page.index("Đơn vị thử 11") < page.index("Đơn vị thử 02")
    assert "Xem cả 12 đơn vị trên bảng theo dõi" in page
    assert 'href="/dashboard/?all=units"' in page
