"""/tasks/: every filter narrows the list, search ignores diacritics, pages keep the filters, bounded queries."""
import datetime
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.filters import TaskFilterForm, filter_tasks
from tasks.models import Task
from tasks.selectors import visible_tasks
from tests.factories import DirectiveFactory, TaskFactory, UnitFactory, leader, office_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def make(title, *, lead, coordinating=(), **kwargs):
    """A task as the services leave it (with its search key)."""
    task = TaskFactory(title=title, lead=lead, coordinating=list(coordinating), **kwargs)
    services.refresh_search_text(task)
    return task


def titles(response):
    return [task.title for task in response.context["tasks"]]


@pytest.fixture
def office(client):
    client.force_login(office_user())
    return client


@pytest.fixture
def units():
    return {
        "tuyen_giao": UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"),
        "kiem_tra": UnitFactory(name="Ủy ban Kiểm tra Tỉnh uỷ"),
        "cuu_chien_binh": UnitFactory(name="Hội Cựu chiến binh tỉnh"),
    }


def test_search_without_diacritics_finds_the_lead_unit(office, units):
    make("Tham mưu ban hành Chỉ thị mới", lead=units["tuyen_giao"])
    make("Kiểm tra tổ chức đảng", lead=units["kiem_tra"])
    assert titles(office.get("/tasks/", {"q": "tuyen giao"})) == ["Tham mưu ban hành Chỉ thị mới"]


def test_search_ignores_where_the_tone_mark_sits_and_the_unicode_form(office, units):
    make("Báo cáo Tỉnh ủy về công tác cán bộ", lead=units["cuu_chien_binh"])
    make("Tổng kết của Tỉnh uỷ năm 2022", lead=units["cuu_chien_binh"])
    make(unicodedata.normalize("NFD", "Nghị quyết của Tỉnh ủy (NFD)"), lead=units["cuu_chien_binh"])
    make("Việc khác hẳn", lead=units["cuu_chien_binh"])
    for query in ("Tinh uy", "tỉnh uỷ", "TỈNH ỦY", unicodedata.normalize("NFD", "tỉnh ủy")):
        found = titles(office.get("/tasks/", {"q": query}))
        assert len(found) == 3, query
        assert "Việc khác hẳn" not in found


def test_search_words_may_come_in_any_order_and_d_matches_đ(office, units):
    make("Đại hội Đảng bộ các cấp", lead=units["cuu_chien_binh"])
    assert titles(office.get("/tasks/", {"q": "dang bo dai hoi"})) == ["Đại hội Đảng bộ các cấp"]
    assert titles(office.get("/tasks/", {"q": "dai hoi xyz"})) == []


def test_the_search_key_follows_a_change_of_lead(units):
    task = make("Một nhiệm vụ", lead=units["tuyen_giao"])
    services.change_lead(task=task, user=office_user(), unit=units["kiem_tra"])
    task.refresh_from_db()
    assert "kiem tra tinh uy" in task.search_text
    assert "tuyen giao" not in task.search_text


def test_filter_by_standing_takes_several_values(office, units):
    unit = units["tuyen_giao"]
    make("Quá hạn", lead=unit, deadline=days(-2))
    make("Sắp đến hạn", lead=unit, deadline=days(3))
    make("Trong hạn", lead=unit, deadline=days(30))
    make("Thường xuyên", lead=unit, deadline=None, original_deadline=None, report_cycle="quarterly")
    assert titles(office.get("/tasks/?standing=overdue")) == ["Quá hạn"]
    assert sorted(titles(office.get("/tasks/?standing=overdue&standing=due_soon"))) == ["Quá hạn", "Sắp đến hạn"]


def test_filter_by_status_document_and_directive(office, units):
    unit = units["tuyen_giao"]
    first, second = DirectiveFactory(), DirectiveFactory()
    sibling = DirectiveFactory(resolution=first.resolution)
    make("Từ nội dung một", lead=unit, directive=first)
    make("Từ nội dung hai của cùng văn bản", lead=unit, directive=sibling)
    make("Từ văn bản khác", lead=unit, directive=second, status=Task.Status.PROPOSED)
    assert sorted(titles(office.get(f"/tasks/?document={first.resolution_id}"))) == [
        "Từ nội dung hai của cùng văn bản", "Từ nội dung một"]
    assert titles(office.get(f"/tasks/?document={first.resolution_id}&directive={first.pk}")) == ["Từ nội dung một"]
    assert titles(office.get("/tasks/?status=proposed")) == ["Từ văn bản khác"]


def test_filter_by_unit_and_its_role_in_the_task(office, units):
    a, b = units["tuyen_giao"], units["kiem_tra"]
    make("A chủ trì", lead=a)
    make("A phối hợp", lead=b, coordinating=[a])
    make("Không có A", lead=b)
    assert sorted(titles(office.get(f"/tasks/?unit={a.pk}"))) == ["A chủ trì", "A phối hợp"]
    assert titles(office.get(f"/tasks/?unit={a.pk}&role=lead")) == ["A chủ trì"]
    assert titles(office.get(f"/tasks/?unit={a.pk}&role=coordinating")) == ["A phối hợp"]


def test_role_without_a_unit_means_the_persons_own_units(client, units):
    a, b = units["tuyen_giao"], units["kiem_tra"]
    make("Đơn vị mình chủ trì", lead=a)
    make("Đơn vị mình phối hợp", lead=b, coordinating=[a])
    client.force_login(leader(a))
    assert titles(client.get("/tasks/?role=lead")) == ["Đơn vị mình chủ trì"]
    assert titles(client.get("/tasks/?role=coordinating")) == ["Đơn vị mình phối hợp"]


def test_filter_by_deadline_range_in_dd_mm_yyyy_and_by_ongoing(office, units):
    unit = units["tuyen_giao"]
    make("Tháng 6", lead=unit, deadline=datetime.date(2030, 6, 30))
    make("Tháng 9", lead=unit, deadline=datetime.date(2030, 9, 30))
    make("Thường xuyên", lead=unit, deadline=None, original_deadline=None, report_cycle="quarterly")
    assert titles(office.get("/tasks/?deadline_from=01/06/2030&deadline_to=31/07/2030")) == ["Tháng 6"]
    assert titles(office.get("/tasks/?deadline_from=2030-07-01")) == ["Tháng 9"]
    assert titles(office.get("/tasks/?ongoing=yes")) == ["Thường xuyên"]
    assert sorted(titles(office.get("/tasks/?ongoing=no"))) == ["Tháng 6", "Tháng 9"]


def test_a_bad_date_is_shown_as_an_error_and_the_other_filters_still_apply(office, units):
    make("Quá hạn", lead=units["tuyen_giao"], deadline=days(-2))
    make("Trong hạn", lead=units["tuyen_giao"], deadline=days(30))
    response = office.get("/tasks/?deadline_from=31/02/2030&standing=overdue")
    assert response.status_code == 200
    assert response.context["form"].errors["deadline_from"]
    assert titles(response) == ["Quá hạn"]


def test_sorting_by_title_deadline_and_standing(office, units):
    unit = units["tuyen_giao"]
    make("B trong hạn", lead=unit, deadline=days(40))
    make("A sắp đến hạn", lead=unit, deadline=days(2))
    make("C quá hạn", lead=unit, deadline=days(-5))
    make("D thường xuyên", lead=unit, deadline=None, original_deadline=None, report_cycle="quarterly")
    assert titles(office.get("/tasks/?sort=title")) == ["A sắp đến hạn", "B trong hạn", "C quá hạn", "D thường xuyên"]
    assert titles(office.get("/tasks/")) == ["C quá hạn", "A sắp đến hạn", "B trong hạn", "D thường xuyên"]
    assert titles(office.get("/tasks/?sort=-deadline")) == ["B trong hạn", "A sắp đến hạn", "C quá hạn",
                                                            "D thường xuyên"]
    assert titles(office.get("/tasks/?sort=standing")) == ["C quá hạn", "A sắp đến hạn", "B trong hạn",
                                                           "D thường xuyên"]


def test_pages_hold_25_tasks_and_their_links_keep_the_filters(office, units):
    for n in range(30):
        make(f"Nhiệm vụ tuyên truyền {n:02d}", lead=units["tuyen_giao"], deadline=days(-1 - n))
    make("Nhiệm vụ trong hạn", lead=units["tuyen_giao"], deadline=days(30))
    first = office.get("/tasks/?standing=overdue&sort=title")
    assert len(titles(first)) == 25
    page = first.content.decode()
    assert "?standing=overdue&amp;sort=title&amp;page=2" in page
    second = office.get("/tasks/?standing=overdue&sort=title&page=2")
    assert titles(second) == [f"Nhiệm vụ tuyên truyền {n:02d}" for n in range(25, 30)]
    # A page past the end (a link kept after the list shrank) shows the last page.
    assert titles(office.get("/tasks/?standing=overdue&sort=title&page=9")) == titles(second)


def test_a_row_shows_lead_unit_coordinating_count_and_the_first_deadline_when_moved(office, units):
    make("Nhiệm vụ đã gia hạn", lead=units["tuyen_giao"], coordinating=[units["kiem_tra"], units["cuu_chien_binh"]],
         deadline=datetime.date(2030, 9, 30), original_deadline=datetime.date(2030, 6, 30))
    page = office.get("/tasks/").content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in page
    assert "+ 2 đơn vị phối hợp" in page
    assert "30/09/2030" in page
    assert "gia hạn từ 30/06/2030" in page
    assert "standing-on_track" in page


def test_an_htmx_request_gets_only_the_results(office, units):
    make("Một nhiệm vụ", lead=units["tuyen_giao"])
    response = office.get("/tasks/?q=mot", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Một nhiệm vụ" in page
    assert "<html" not in page and 'id="id_q"' not in page
    assert "HX-Request" in response["Vary"]
    full = office.get("/tasks/?q=mot").content.decode()
    assert "<html" in full and 'hx-get="/tasks/"' in full and 'hx-push-url="true"' in full


def test_the_list_asks_the_database_the_same_few_times_whatever_the_page_size(client, units,
                                                                             django_assert_max_num_queries):
    unit = units["tuyen_giao"]
    directive = DirectiveFactory()

    def add(count, start):
        for n in range(start, start + count):
            make(f"Nhiệm vụ {n}", lead=unit, coordinating=[units["kiem_tra"]], directive=directive,
                 deadline=days(n - 3))

    client.force_login(leader(unit))
    # The session (read, and saved on every request: idle timeout) and the user: 5 queries with the savepoints;
    # who the person is (groups, memberships, sub-units): 3; the bell: 1; the list (count, rows) and the form's
    # choices (documents, units): 4. Nothing per row.
    add(3, 0)
    with django_assert_max_num_queries(13) as small:
        response = client.get("/tasks/?sort=standing")
    assert len(titles(response)) == 3
    add(40, 3)
    with django_assert_max_num_queries(13) as large:
        response = client.get("/tasks/?sort=standing")
    assert len(titles(response)) == 25
    assert len(large.captured_queries) == len(small.captured_queries)


def test_filter_tasks_is_usable_without_the_view(units):
    """The export and the dashboard reuse the form and filter_tasks directly."""
    unit = units["tuyen_giao"]
    make("Quá hạn của ban", lead=unit, deadline=days(-1))
    make("Trong hạn của ban", lead=unit, deadline=days(20))
    boss = leader(unit)
    form = TaskFilterForm({"standing": ["overdue"], "q": "qua han"}, user=boss)
    assert form.is_valid(), form.errors
    tasks = filter_tasks(visible_tasks(boss), form.cleaned_data, user=boss)
    assert [task.title for task in tasks] == ["Quá hạn của ban"]
    assert list(filter_tasks(visible_tasks(boss), {})) == list(visible_tasks(boss).order_by("deadline", "id"))


def test_the_unit_choices_are_only_the_units_the_person_sees(units):
    boss = leader(units["tuyen_giao"])
    choices = list(TaskFilterForm({}, user=boss).fields["unit"].queryset)
    assert choices == [units["tuyen_giao"]]
