"""/tasks/export.xlsx: the task list with the same filters, as a workbook the office can open and sort."""
from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from oversight import exports
from tasks.models import Assignment, Task
from tasks.standing import Standing
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user
from tests.tasks.dashboard_support import list_count, make_portfolio

pytestmark = pytest.mark.django_db

# The printed columns first (what a meeting reads), then those kept on screen for sorting and filtering.
HEADERS = ["STT", "Nhiệm vụ", "Văn bản", "Nội dung chỉ đạo", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn xử lý",
           "Tình hình thực hiện", "Bước xử lý", "Tiến độ (%)", "Ngày hoàn thành",
           "Hạn ban đầu", "Thời hạn (như văn bản ghi)", "Ngày giao", "Kỳ báo cáo", "Đường dẫn"]
BY_UNIT = "Theo đơn vị"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def task_sheet(response):
    return workbook(response)[BY_UNIT]


def rows(sheet):
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_export_has_vietnamese_headers_a_frozen_header_a_filter_and_real_dates(client):
    unit, partner = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy"), UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    TaskFactory(title="Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05", lead=unit, coordinating=[partner],
                deadline=deadline)
    client.force_login(office_user())
    response = client.get(reverse("oversight:export"))
    assert response["Content-Disposition"].startswith('attachment; filename="nhiem-vu-')
    sheet = task_sheet(response)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "C2"  # the header row (and the number and title columns) stay in view
    assert sheet.auto_filter.ref == "A1:P2"
    assert sheet.column_dimensions["B"].width >= 25
    row = sheet[2]
    assert row[1].value == "Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05"
    assert (row[4].value, row[5].value) == ("Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy")
    deadline_cell = row[6]
    assert deadline_cell.value.date() == deadline  # a real date, which Excel sorts and filters as one
    assert deadline_cell.number_format == "dd/mm/yyyy"
    assert row[11].number_format == "dd/mm/yyyy"
    assert (row[7].value, row[8].value) == (Standing.ON_TRACK.label, Task.Status.OPEN.label)
    assert row[15].value.endswith(f"/tasks/{Task.objects.get().pk}/")


def test_the_export_holds_exactly_the_tasks_of_the_list_with_the_same_filters(client):
    portfolio = make_portfolio(100)
    client.force_login(office_user())
    unit = portfolio.units[0]
    for query in [
        "",
        "?standing=overdue",
        f"?unit={unit.pk}&role=lead",
        f"?standing=done_on_time&standing=done_late&document={portfolio.documents[0].pk}",
        f"?period_from={portfolio.period.start:%d/%m/%Y}&period_to={portfolio.period.end:%d/%m/%Y}"
        f"&group={portfolio.group.pk}",
        "?ongoing=no&sort=-deadline",
        "?deadline_from=bad-date&standing=overdue",  # a bad field is ignored, as in the list
    ]:
        sheet = task_sheet(client.get(reverse("oversight:export") + query))
        exported = rows(sheet)
        assert len(exported) == list_count(client, reverse("tasks:list") + (query or "?")), query
        assert [r[0] for r in exported] == list(range(1, len(exported) + 1))
    # Unfiltered, every task is there once, cancelled ones included, as in the list.
    sheet = task_sheet(client.get(reverse("oversight:export")))
    assert len(rows(sheet)) == Task.objects.count() == 100


def test_a_unit_officer_exports_only_the_tasks_of_the_unit(client):
    mine, theirs = UnitFactory(), UnitFactory()
    TaskFactory(title="Việc của đơn vị tôi", lead=mine)
    TaskFactory(title="Việc phối hợp", lead=theirs, coordinating=[mine])
    TaskFactory(title="Việc của đơn vị khác", lead=theirs)
    client.force_login(member(mine))
    titles = {row[1] for row in rows(task_sheet(client.get(reverse("oversight:export"))))}
    assert titles == {"Việc của đơn vị tôi", "Việc phối hợp"}


def test_a_unit_leader_exports_the_unit_and_its_sub_units(client):
    parent = UnitFactory()
    child = UnitFactory(parent=parent)
    TaskFactory(title="Việc cấp trên", lead=parent)
    TaskFactory(title="Việc cấp dưới", lead=child)
    TaskFactory(title="Việc nơi khác", lead=UnitFactory())
    client.force_login(leader(parent))
    titles = {row[1] for row in rows(task_sheet(client.get(reverse("oversight:export"))))}
    assert titles == {"Việc cấp trên", "Việc cấp dưới"}


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("oversight:export"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_five_thousand_tasks_export_in_a_few_queries(django_assert_max_num_queries):
    unit, partner = UnitFactory(), UnitFactory()
    today = timezone.localdate()
    tasks = Task.objects.bulk_create(
        Task(title=f"Nhiệm vụ số {i}", deadline=today + datetime.timedelta(days=i % 90 - 45),
             original_deadline=today)
        for i in range(5000)
    )
    Assignment.objects.bulk_create(
        [Assignment(task=t, unit=unit, role=Assignment.Role.LEAD) for t in tasks]
        + [Assignment(task=t, unit=partner, role=Assignment.Role.COORDINATING) for t in tasks[::3]]
    )
    out = io.BytesIO()
    tasks = Task.objects.with_standing().order_by("id")
    directives = exports.export_directives(office_user(), tasks)
    # One query for each chunk of rows and one for its units: 10 chunks of 500; the directives' rows and the lead
    # units' names (the column's width) one each.
    with django_assert_max_num_queries(22):
        count = exports.write_workbook(out, tasks=tasks, directives=directives)
    assert count == 5000
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)[BY_UNIT]
    last = list(sheet.iter_rows(min_row=5001, max_row=5001, values_only=True))[0]
    assert last[0] == 5000 and last[1] == "Nhiệm vụ số 4999" and last[4] == unit.name


def bulk_tasks(n: int, unit, *, directive=None, title="Nhiệm vụ số {i}") -> None:
    today = timezone.localdate()
    tasks = Task.objects.bulk_create(
        Task(title=title.format(i=i), deadline=today + datetime.timedelta(days=i % 90 - 45), original_deadline=today,
             directive=directive)
        for i in range(n)
    )
    Assignment.objects.bulk_create(Assignment(task=t, unit=unit, role=Assignment.Role.LEAD) for t in tasks)


def test_a_long_export_reports_its_progress_up_to_the_number_of_tasks():
    """What a background job shows: a first call once the directives' sheet is written, then at least every
    thousand rows, the last one saying every task is written."""
    bulk_tasks(2500, UnitFactory())
    tasks = Task.objects.with_standing().order_by("id")
    calls = []
    count = exports.write_workbook(io.BytesIO(), tasks=tasks, directives=exports.export_directives(office_user(), tasks),
                                   progress=lambda done, total: calls.append((done, total)))
    assert count == 2500
    assert calls[0] == (0, 2500)
    assert calls[-1] == (2500, 2500)
    assert {total for _done, total in calls} == {2500}
    dones = [done for done, _total in calls]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert max(b - a for a, b in zip(dones, dones[1:])) <= 1000


def test_a_caller_who_counted_already_is_not_counted_again(django_assert_max_num_queries):
    bulk_tasks(10, UnitFactory())
    tasks = Task.objects.with_standing().order_by("id")
    directives = exports.export_directives(office_user(), tasks)
    calls = []
    out = io.BytesIO()
    exports.write_workbook(out, tasks=tasks, directives=directives, progress=lambda *a: calls.append(a), total=10)
    assert calls[-1] == (10, 10)
    with django_assert_max_num_queries(8):  # the same reads, and no COUNT
        exports.write_workbook(io.BytesIO(), tasks=tasks, directives=directives, progress=lambda *a: None, total=10)


def test_every_title_that_looks_like_a_formula_stays_text(client):
    """OWASP's list of formula starts, tab and carriage return included: each title is a string cell holding the
    title as typed, marked as text so that editing it in Excel keeps it text."""
    unit = UnitFactory()
    titles = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+84 cán bộ", "-1 đơn vị", "@SUM(A1:A2)",
              "\t=1+1", "\r=1+1"]
    for title in titles:
        TaskFactory(title=title, lead=unit)
    client.force_login(office_user())
    sheet = task_sheet(client.get(reverse("oversight:export")))
    cells = [sheet.cell(row=row, column=2) for row in range(2, 2 + len(titles))]
    assert sorted(cell.value for cell in cells) == sorted(titles)
    assert all(cell.data_type != "f" for cell in cells)
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells)


def test_an_export_without_tasks_has_both_sheets_and_their_headers(client):
    client.force_login(member(UnitFactory()))
    book = workbook(client.get(reverse("oversight:export")))
    assert book.sheetnames == ["Theo nội dung chỉ đạo", BY_UNIT]
    sheet = book[BY_UNIT]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert rows(sheet) == []
    assert sheet.auto_filter.ref == "A1:P2"


def test_each_row_is_as_tall_as_its_longest_wrapped_text_at_every_size():
    """The heights are measured row by row (the measures kept between rows must not leak from one to the next)."""
    from oversight.exports import layout

    unit = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
    long_title = " ".join(["Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05 về công tác tuyên truyền"] * 4)
    bulk_tasks(3, unit, title="Ngắn {i}")
    bulk_tasks(3, unit, title=long_title + " {i}")
    tasks = Task.objects.with_standing().order_by("id")
    out = io.BytesIO()
    exports.write_workbook(out, tasks=tasks, directives=exports.export_directives(office_user(), tasks))
    sheet = load_workbook(io.BytesIO(out.getvalue()))[BY_UNIT]
    width = sheet.column_dimensions["B"].width
    heights = [sheet.row_dimensions[row].height for row in range(2, 8)]
    assert len(set(heights[:3])) == 1  # the standing's two lines, whatever the row before
    assert heights[3:] == [layout.row_height(layout.line_count(long_title + " 0", width))] * 3
    assert heights[3] >= 4 * layout.LINE_HEIGHT > heights[0]


def test_a_control_character_pasted_into_a_title_is_left_out_of_the_cell(client):
    unit = UnitFactory()
    TaskFactory(title="Báo cáo\x07 quý\x0b III\nvà kế hoạch", lead=unit)
    client.force_login(office_user())
    [row] = rows(task_sheet(client.get(reverse("oversight:export"))))
    assert row[1] == "Báo cáo quý III\nvà kế hoạch"
