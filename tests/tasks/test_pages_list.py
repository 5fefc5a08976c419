"""/tasks/: every filter narrows the list, search ignores diacritics, pages keep the filters, bounded queries."""
import datetime
import re
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.filters import TaskFilter, filter_tasks
from tasks.models import Task
from units.models import Unit
from tasks.access import visible_tasks
from tasks.views.choices import CHOICES_LIMIT
from tests.factories import DirectiveFactory, ResolutionFactory, TaskFactory, UnitFactory, leader, office_user

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
    # The page links: the next page, the current one named for screen readers, each loaded in place by htmx.
    assert ('<a class="page-link" rel="next" href="/tasks/?standing=overdue&amp;sort=title&amp;page=2" '
            'hx-get="/tasks/?standing=overdue&amp;sort=title&amp;page=2" hx-target="#task-results" '
            'hx-push-url="true">') in page
    assert ('<li class="page-item active" aria-current="page"><span class="page-link">'
            '<span class="visually-hidden">Trang </span>1</span></li>') in page
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' not in second.content.decode()
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


def test_the_filters_and_filter_tasks_are_usable_without_the_view(units):
    """The export uses TaskFilter directly; the dashboard filter_tasks with data it has cleaned itself."""
    unit = units["tuyen_giao"]
    make("Quá hạn của ban", lead=unit, deadline=days(-1))
    make("Trong hạn của ban", lead=unit, deadline=days(20))
    boss = leader(unit)
    filterset = TaskFilter({"standing": ["overdue"], "q": "qua han"}, visible_tasks(boss), user=boss)
    assert filterset.is_valid(), filterset.errors
    assert [task.title for task in filterset.qs] == ["Quá hạn của ban"]
    tasks = filter_tasks(visible_tasks(boss), filterset.form.cleaned_data, user=boss)
    assert [task.title for task in tasks] == ["Quá hạn của ban"]
    assert list(filter_tasks(visible_tasks(boss), {})) == list(visible_tasks(boss).order_by("deadline", "id"))


def test_the_unit_choices_are_only_the_units_the_person_sees(units):
    boss = leader(units["tuyen_giao"])
    choices = list(TaskFilter({}, user=boss).form.fields["unit"].queryset)
    assert choices == [units["tuyen_giao"]]


def test_a_title_is_shown_as_text_never_as_markup(office, units):
    make('<script>alert("x")</script> & <b>đậm</b>', lead=units["tuyen_giao"], coordinating=[units["kiem_tra"]])
    page = office.get("/tasks/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in page
    assert "<script>alert" not in page


def test_a_row_shows_an_ongoing_task_its_report_cycle_a_delegated_task_and_the_status(office, units):
    parent = make("Nhiệm vụ gốc", lead=units["tuyen_giao"], deadline=days(10))
    make("Báo cáo định kỳ", lead=units["tuyen_giao"], deadline=None, original_deadline=None, report_cycle="quarterly")
    child = make("Giao lại cho ban", lead=units["kiem_tra"], parent=parent, deadline=days(-1),
                 status=Task.Status.RETURNED)
    page = office.get("/tasks/").content.decode()
    assert "báo cáo hằng quý" in page
    assert re.search(r'href="%s">Giao lại cho ban</a> <span class="badge[^"]*">Giao lại</span>' % (
        child.get_absolute_url()), page)
    assert "standing-overdue\">Quá hạn<" in page and "Trả lại nhiệm vụ" in page
    assert "standing-ongoing\">Thường xuyên<" in page


def test_the_filter_bar_labels_every_field_and_ties_each_error_to_its_field(office, units):
    page = office.get("/tasks/?deadline_from=31/02/2030&deadline_to=01/01/2030&status=nope").content.decode()
    for name in ("q", "sort", "status", "ongoing", "document", "unit", "role", "deadline_from", "deadline_to"):
        assert f'for="id_{name}"' in page and f'id="id_{name}"' in page, name
    # A bad date: the field says so, in Vietnamese, and points at its message; the form opens on the errors.
    assert re.search(r'name="deadline_from" value="31/02/2030"[^>]*class="dateinput form-control is-invalid" '
                     r'aria-invalid="true" aria-describedby="id_deadline_from_error"', page)
    assert ('<div id="id_deadline_from_error" class="invalid-feedback"><p id="error_1_id_deadline_from">'
            "<strong>Nhập một ngày hợp lệ.</strong></p></div>") in page
    assert 'aria-describedby="id_status_error"' in page and 'id="id_status_error"' in page
    status = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert "selected" not in status  # a value that is not a choice selects nothing, as Django's Select did
    assert 'id="id_deadline_to_error"' not in page  # the end date is only wrong against a valid start
    assert '<details class="filter-more" open>' in page
    # The submitted values come back selected or checked.
    page = office.get("/tasks/?standing=overdue&standing=ongoing&sort=title&ongoing=no").content.decode()
    assert '<option value="title" selected>' in page and '<option value="no" selected>' in page
    assert 'value="overdue" id="id_standing_2" checked>' in page
    assert 'value="ongoing" id="id_standing_5" checked>' in page
    assert 'value="due_soon" id="id_standing_1">' in page
    assert "aria-invalid" not in page


def test_the_page_carries_only_the_chosen_document_and_searches_the_others(office, units):
    chosen, other = DirectiveFactory(), DirectiveFactory()
    make("Theo văn bản đã chọn", lead=units["tuyen_giao"], directive=chosen)
    make("Theo văn bản khác", lead=units["tuyen_giao"], directive=other)
    page = office.get(f"/tasks/?document={chosen.resolution_id}").content.decode()
    select = re.search(r'<select name="document".*?</select>', page, re.S).group(0)
    assert f'data-choices-url="{reverse("tasks:document_choices")}"' in select
    assert re.findall(r"<option[^>]*>[^<]*</option>", select) == [
        '<option value="">Tất cả văn bản</option>',
        f'<option value="{chosen.resolution_id}" selected>{chosen.resolution}</option>',
    ]
    # The office's unit drop-down (every unit) is searched too; a unit leader's units are listed in the page.
    assert f'data-choices-url="{reverse("tasks:unit_choices")}"' in page
    assert "js/remote-choices.js" in page and "tom-select.bootstrap5" in page


def test_a_unit_leader_picks_among_the_units_of_the_page(client, units):
    child = UnitFactory(name="Phòng trực thuộc", parent=units["tuyen_giao"])
    UnitFactory(name="Phòng đã giải thể", parent=units["tuyen_giao"], active=False)
    client.force_login(leader(units["tuyen_giao"]))
    page = client.get(f"/tasks/?unit={child.pk}").content.decode()
    select = re.search(r'<select name="unit".*?</select>', page, re.S).group(0)
    assert "data-choices-url" not in select
    assert f'<option value="{child.pk}" selected>Phòng trực thuộc</option>' in select
    assert "Ban Tuyên giáo Tỉnh ủy" in select
    assert "Phòng đã giải thể" not in select and "Ủy ban Kiểm tra" not in select


def test_a_changed_task_is_shown_changed_on_the_next_view(office, units):
    """The rows' markup is kept (templates/tasks/partials/task_rows.html, {% cache %}) keyed by the rows' values:
    a change to any of them is shown at once."""
    task = make("Tên cũ", lead=units["tuyen_giao"], deadline=days(10))
    assert "Tên cũ" in office.get("/tasks/").content.decode()
    Task.objects.filter(pk=task.pk).update(title="Tên mới", deadline=days(-1))
    page = office.get("/tasks/").content.decode()
    assert "Tên mới" in page and "Tên cũ" not in page
    assert "standing-overdue" in page and "standing-on_track" not in page


def test_each_view_of_the_filter_bar_shows_its_own_values(office, units):
    """The filters' markup is kept keyed by their values: values that would join into the same key (the cache tag
    joins its keys with ":") still show their own."""
    first = office.get("/tasks/", {"q": "a:", "sort": "b"}).content.decode()
    second = office.get("/tasks/", {"q": "a", "sort": ":b"}).content.decode()
    assert 'name="q" value="a:"' in first
    assert 'name="q" value="a"' in second and 'id="id_sort_error"' in second
    assert 'id="id_sort_error"' not in office.get("/tasks/", {"q": "a", "sort": "title"}).content.decode()


def test_a_renamed_unit_is_shown_renamed_in_the_drop_down(client, units):
    """The filters' markup is kept keyed by their choices too: a leader's units as the database has them now."""
    client.force_login(leader(units["tuyen_giao"]))
    assert ">Ban Tuyên giáo Tỉnh ủy</option>" in client.get("/tasks/").content.decode()
    Unit.objects.filter(pk=units["tuyen_giao"].pk).update(name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    page = client.get("/tasks/").content.decode()
    assert ">Ban Tuyên giáo và Dân vận Tỉnh ủy</option>" in page and ">Ban Tuyên giáo Tỉnh ủy</option>" not in page


def test_the_kept_markup_follows_the_language(office, units):
    parent = make("Nhiệm vụ gốc", lead=units["tuyen_giao"], deadline=days(10))
    make("Giao lại cho ban", lead=units["kiem_tra"], parent=parent, deadline=days(10))
    assert "Hạn xử lý (gần nhất trước)" in office.get("/tasks/").content.decode()
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = office.get("/tasks/").content.decode()
    assert "Deadline (soonest first)" in page and "Hạn xử lý (gần nhất trước)" not in page
    assert ">Delegated</span>" in page


def test_a_unit_leader_picks_a_role_for_the_units_own_tasks_and_the_filters_count(client, units):
    a = units["tuyen_giao"]
    make("Đơn vị mình chủ trì", lead=a)
    client.force_login(leader(a))
    page = client.get("/tasks/?role=lead&ongoing=no").content.decode()
    assert '<option value="lead" selected>Chủ trì</option>' in page
    assert '<span class="badge text-bg-primary">2</span>' in page  # two filters narrow the list


# --- the drop-downs' search (tasks/views_choices.py) ---------------------------------------------------------


def choices(client, kind, **params):
    response = client.get(reverse(f"tasks:{kind}_choices"), params)
    assert response["Content-Type"] == "application/json"
    return response


def test_a_unit_leader_searches_only_the_documents_of_the_units_tasks(client, units):
    own = DirectiveFactory(resolution=ResolutionFactory(number="15-KL/TU", title="Về công tác tuyên giáo"))
    foreign = DirectiveFactory(resolution=ResolutionFactory(number="16-KL/TU", title="Về công tác kiểm tra"))
    ResolutionFactory(number="17-KL/TU", title="Văn bản chưa giao nhiệm vụ nào")
    make("Của ban tuyên giáo", lead=units["kiem_tra"], coordinating=[units["tuyen_giao"]], directive=own)
    make("Của ủy ban kiểm tra", lead=units["kiem_tra"], directive=foreign)
    client.force_login(leader(units["tuyen_giao"]))
    found = choices(client, "document").json()
    assert found == {"results": [{"value": str(own.resolution_id), "text": "Kết luận số 15-KL/TU",
                                  "detail": "Về công tác tuyên giáo"}], "more": False}
    # Another unit's document is found neither by its number nor by its title.
    for query in ("16-KL", "kiem tra", "17-KL"):
        assert choices(client, "document", q=query).json()["results"] == []
    # ... and cannot be chosen in the list either.
    response = client.get(f"/tasks/?document={foreign.resolution_id}")
    assert response.context["form"].errors["document"]
    assert titles(response) == ["Của ban tuyên giáo"]


def test_the_document_search_ignores_diacritics_and_answers_a_bounded_page_newest_first(office):
    for n in range(CHOICES_LIMIT + 5):
        ResolutionFactory(number=f"{n}-KL/TU", title=f"Về phát triển kinh tế số {n}",
                          issued_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    ResolutionFactory(kind="chi_thi", number="05-CT/TU", title="Về tăng cường quản lý đất đai")
    found = choices(office, "document", q="kinh te").json()
    assert len(found["results"]) == CHOICES_LIMIT and found["more"] is True
    assert found["results"][0]["text"] == f"Kết luận số {CHOICES_LIMIT + 4}-KL/TU"
    assert [row["text"] for row in choices(office, "document", q="QUAN LY dat dai").json()["results"]] == [
        "Chỉ thị số 05-CT/TU"]
    assert [row["text"] for row in choices(office, "document", q="chi thi 05").json()["results"]] == [
        "Chỉ thị số 05-CT/TU"]
    assert len(choices(office, "document").json()["results"]) == CHOICES_LIMIT


def test_a_document_without_a_number_is_named_once_in_the_document_search(office):
    ResolutionFactory(kind="phat_bieu", number="", title="Phát biểu bế mạc Hội nghị Tỉnh ủy lần thứ 8")
    [found] = choices(office, "document", q="be mac").json()["results"]
    assert (found["text"], found["detail"]) == ("Phát biểu bế mạc Hội nghị Tỉnh ủy lần thứ 8", "")


def test_the_unit_search_answers_the_persons_active_units_only(client, units):
    child = UnitFactory(name="Phòng Tuyên truyền", short_name="PTT", parent=units["tuyen_giao"])
    UnitFactory(name="Phòng Tuyên truyền cũ", parent=units["tuyen_giao"], active=False)
    client.force_login(leader(units["tuyen_giao"]))
    assert sorted(row["text"] for row in choices(client, "unit", q="tuyen").json()["results"]) == [
        "Ban Tuyên giáo Tỉnh ủy", "Phòng Tuyên truyền"]
    assert choices(client, "unit", q="kiem tra").json()["results"] == []
    assert choices(client, "unit", q="ptt").json()["results"] == [
        {"value": str(child.pk), "text": "Phòng Tuyên truyền", "detail": "PTT"}]
    client.force_login(office_user())
    assert [row["text"] for row in choices(client, "unit", q="kiem tra").json()["results"]] == [
        "Ủy ban Kiểm tra Tỉnh uỷ"]


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "x" * 201])
@pytest.mark.parametrize("kind", ["document", "unit"])
def test_a_bad_search_is_refused_with_a_message_not_a_server_error(office, kind, query):
    response = choices(office, kind, q=query)
    assert response.status_code == 400
    assert response.json() == {"error": "Từ khóa tìm kiếm không hợp lệ (tối đa 200 ký tự).", "results": [],
                               "more": False}


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "_", "😀" * 50, "\u202e", "   ", "ﷺ", "Ủy ban\u0301"])
def test_any_other_search_is_an_answer_possibly_empty(office, query):
    for kind in ("document", "unit"):
        response = choices(office, kind, q=query)
        assert response.status_code == 200 and isinstance(response.json()["results"], list)


def test_the_searches_are_for_signed_in_people_and_read_only(client):
    url = reverse("tasks:document_choices")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(office_user())
    assert client.post(url, {"q": "a"}).status_code == 405


@pytest.mark.parametrize("params", [
    {"document": "9" * 30}, {"unit": "9" * 30}, {"directive": "9" * 30}, {"group": "9" * 30},
    {"document": "¹"}, {"unit": "\x00"}, {"document": "-1"}, {"directive": "abc"}, {"standing": "nope"},
    {"sort": "<script>"}, {"q": "\x00"}, {"q": "x" * 500}, {"period_from": "99/99/9999"}, {"page": "-1"},
])
def test_any_filter_value_gives_the_list_with_the_bad_field_shown_never_a_server_error(office, units, params):
    make("Một nhiệm vụ", lead=units["tuyen_giao"])
    response = office.get("/tasks/", params)
    assert response.status_code == 200
    assert "Nhiệm vụ" in response.content.decode()
