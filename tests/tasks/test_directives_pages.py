"""/directives/ and /directives/<pk>/: work by directive as each person may see it (a unit only its directives and
its own tasks, 404 for the others), the filters, the sort, the pages, the empty states, bounded queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resolutions.models import Resolution
from resolutions.parsing.titles import short_title
from tasks import services
from tasks.models import ProgressReport, Task
from tests.factories import (
    DirectiveFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    leader,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def task(directive, lead, deadline=None, **kwargs):
    made = TaskFactory(directive=directive, lead=lead, deadline=deadline, title=directive.title, **kwargs)
    services.refresh_search_text(made)
    return made


@pytest.fixture
def world():
    """A closing speech with two directives: the first given to three units (one late), the second to one."""
    speech = ResolutionFactory(kind=Resolution.Kind.PHAT_BIEU, number="",
                               title="Phát biểu bế mạc Hội nghị Tỉnh ủy lần thứ 8")
    tuyen_giao, kiem_tra, phung_hiep = (UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"),
                                        UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy"),
                                        UnitFactory(name="Huyện ủy Phụng Hiệp"))
    text = ("Cấp ủy, chính quyền, các cơ quan, đơn vị tăng cường công tác tuyên truyền phòng cháy chữa cháy. "
            "Báo cáo kết quả.")
    propaganda = DirectiveFactory(resolution=speech, section_path="II", label="(1)", text=text,
                                  short_title=short_title(text))
    replace = DirectiveFactory(resolution=speech, section_path="II", label="(2)",
                               short_title="Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05",
                               text="Ban Tuyên giáo Tỉnh ủy chủ trì tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05.")
    late = task(propaganda, tuyen_giao, days(-3))
    task(propaganda, kiem_tra, days(20))
    done = task(propaganda, phung_hiep, days(-10), status=Task.Status.DONE,
                completed_at=timezone.now() - datetime.timedelta(days=12))
    task(replace, tuyen_giao, days(5))
    ProgressReport.objects.create(task=late, unit=tuyen_giao, author=UserFactory(),
                                  text="Đã tổ chức 12 buổi tuyên truyền tại các xã.", percent=40)
    return {"speech": speech, "propaganda": propaganda, "replace": replace, "tuyen_giao": tuyen_giao,
            "kiem_tra": kiem_tra, "phung_hiep": phung_hiep, "late": late, "done": done}


def rows(response):
    return [(row.pk, row.unit_count, row.overdue_count, row.worst_standing) for row in response.context["directives"]]


def test_the_office_sees_one_row_per_directive_with_its_units_document_and_clause(client, world):
    client.force_login(office_user())
    response = client.get("/directives/")
    assert response.status_code == 200
    assert rows(response) == [(world["propaganda"].pk, 3, 1, "overdue"), (world["replace"].pk, 1, 0, "due_soon")]
    page = response.content.decode().split("<tbody>")[1]
    # The short title, the document named once and the clause; the full text is on the directive's page.
    assert "Tăng cường công tác tuyên truyền phòng cháy chữa cháy" in page
    assert page.count("Phát biểu bế mạc Hội nghị Tỉnh ủy lần thứ 8") == 2
    assert "Phát biểu bế mạc: Phát biểu bế mạc" not in page
    assert "Mục II (1)" in page and "Mục II (2)" in page
    assert "1/3 hoàn thành" in page and "1 đơn vị đang quá hạn" in page


def test_the_standing_committee_sees_every_directive_too(client, world):
    client.force_login(standing_user())
    assert len(rows(client.get("/directives/"))) == 2


def test_a_unit_sees_only_the_directives_it_has_tasks_in_and_only_its_own_tasks(client, world):
    client.force_login(leader(world["kiem_tra"]))
    response = client.get("/directives/")
    assert rows(response) == [(world["propaganda"].pk, 1, 0, "on_track")]
    assert client.get(f"/directives/{world['replace'].pk}/").status_code == 404
    detail = client.get(f"/directives/{world['propaganda'].pk}/")
    assert detail.status_code == 200
    assert [t.lead_unit_name for t in detail.context["tasks"]] == ["Ủy ban Kiểm tra Tỉnh ủy"]
    assert "Ban Tuyên giáo Tỉnh ủy" not in detail.content.decode()


def test_an_officer_of_a_unit_sees_its_directives_and_a_person_without_a_unit_none(client, world):
    client.force_login(member(world["tuyen_giao"]))
    assert {row[0] for row in rows(client.get("/directives/"))} == {world["propaganda"].pk, world["replace"].pk}
    client.force_login(UserFactory())
    response = client.get("/directives/")
    assert rows(response) == []
    assert "Chưa có nội dung chỉ đạo nào giao cho đơn vị." in response.content.decode()
    assert client.get(f"/directives/{world['propaganda'].pk}/").status_code == 404


def test_an_unknown_or_absurd_directive_is_404_and_the_pages_need_a_sign_in(client, world):
    assert client.get("/directives/").status_code == 302
    assert client.get(f"/directives/{world['propaganda'].pk}/").status_code == 302
    client.force_login(office_user())
    assert client.get("/directives/999999/").status_code == 404
    assert client.get(f"/directives/{2**64}/").status_code == 404


def test_a_directive_opens_onto_its_units_with_their_standing_last_report_and_deadline(client, world):
    client.force_login(office_user())
    response = client.get(f"/directives/{world['propaganda'].pk}/")
    page = response.content.decode()
    # The most urgent first: overdue, on track, then done.
    assert [t.lead_unit_name for t in response.context["tasks"]] == [
        "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Huyện ủy Phụng Hiệp"]
    assert "Cấp ủy, chính quyền, các cơ quan, đơn vị tăng cường công tác tuyên truyền" in page  # the full text
    assert "Đã tổ chức 12 buổi tuyên truyền tại các xã." in page and "40%" in page
    assert "Chưa có báo cáo tiến độ" in page
    assert days(-3).strftime("%d/%m/%Y") in page
    assert f'href="/tasks/{world["late"].pk}/"' in page


def test_the_filters_narrow_the_rows(client, world):
    client.force_login(office_user())
    other = DirectiveFactory(short_title="Chuẩn bị Hội nghị xúc tiến đầu tư")
    task(other, world["kiem_tra"], days(60))
    assert [r[0] for r in rows(client.get("/directives/", {"overdue": "on"}))] == [world["propaganda"].pk]
    assert [r[0] for r in rows(client.get("/directives/", {"standing": "on_track"}))] == [other.pk]
    assert [r[0] for r in rows(client.get("/directives/", {"document": world["speech"].pk}))] == [
        world["propaganda"].pk, world["replace"].pk]
    assert [r[0] for r in rows(client.get("/directives/", {"q": "xuc tien"}))] == [other.pk]
    assert [r[0] for r in rows(client.get("/directives/", {"q": "Phụng Hiệp"}))] == [world["propaganda"].pk]
    nothing = client.get("/directives/", {"q": "không có gì như thế"})
    assert rows(nothing) == [] and "Không có nội dung chỉ đạo nào khớp với bộ lọc." in nothing.content.decode()
    # A bad value is ignored, the other filters still apply.
    assert [r[0] for r in rows(client.get("/directives/", {"document": "abc", "overdue": "on"}))] == [
        world["propaganda"].pk]


def test_the_sorts_order_the_rows(client, world):
    client.force_login(office_user())
    assert [r[0] for r in rows(client.get("/directives/", {"sort": "deadline"}))] == [
        world["propaganda"].pk, world["replace"].pk]
    assert [r[0] for r in rows(client.get("/directives/", {"sort": "-units"}))][0] == world["propaganda"].pk
    assert [r[0] for r in rows(client.get("/directives/", {"sort": "title"}))] == [
        world["replace"].pk, world["propaganda"].pk]


def test_the_rows_come_in_pages_and_a_page_costs_a_few_queries_whatever_its_size(client):
    speech = ResolutionFactory()
    unit = UnitFactory()
    for number in range(30):
        directive = DirectiveFactory(resolution=speech, short_title=f"Nội dung chỉ đạo số {number:02d}")
        for deadline in (days(-1), days(3), None):
            TaskFactory(directive=directive, lead=unit, deadline=deadline)
    client.force_login(office_user())
    client.get("/directives/")  # the session, the scope's caches
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/directives/")
    assert len(first.context["directives"]) == 25
    assert len(queries) <= 12
    second = client.get("/directives/", {"page": 2})
    assert len(second.context["directives"]) == 5
    assert client.get("/directives/", {"page": 99}).context["page_obj"].number == 2


def test_the_nav_links_to_the_directives(client, world):
    client.force_login(office_user())
    page = client.get("/").content.decode()
    assert 'href="/directives/"' in page and "Nội dung chỉ đạo" in page


def test_the_task_list_names_each_tasks_document_and_clause_under_its_title(client, world):
    other_speech = ResolutionFactory(number="15-KL/TU")
    same_title = DirectiveFactory(resolution=other_speech, section_path="I", label="(3)",
                                  short_title=world["replace"].short_title, text=world["replace"].text)
    task(same_title, world["tuyen_giao"], days(9))
    client.force_login(leader(world["tuyen_giao"]))
    page = client.get("/tasks/").content.decode()
    assert page.count("Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05") == 2
    assert "Phát biểu bế mạc Hội nghị Tỉnh ủy lần thứ 8 · II (2)" in page
    assert "Kết luận số 15-KL/TU · I (3)" in page


def test_a_task_page_opens_onto_its_directives_units(client, world):
    client.force_login(leader(world["tuyen_giao"]))
    page = client.get(world["late"].get_absolute_url()).content.decode()
    assert f'href="/directives/{world["propaganda"].pk}/"' in page and "Các đơn vị cùng thực hiện" in page
    assert client.get(f'/directives/{world["propaganda"].pk}/').status_code == 200
