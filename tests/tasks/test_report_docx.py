"""The implementation report (.docx): the party's administrative layout, a summary whose figures agree with the
database (by standing, unit group, document, the overdue directives, the units most behind, the previous period),
the per-task detail in a landscape appendix, and a read in a fixed number of queries."""
from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from oversight.dashboard.periods import custom, half, parse_period_key, quarter, whole_year, years
from oversight.report.data import previous_period
from tasks.models import Task
from tasks.standing import Standing
from tests.factories import (DirectiveFactory, ProgressReportFactory, ResolutionFactory, TaskFactory, UnitFactory,
                             UnitGroupFactory, leader, member, office_user)
from tests.tasks.dashboard_support import custom_query, make_portfolio, truth

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fetch(client, params=None) -> bytes:
    response = client.get(reverse("oversight:report"), params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-thuc-hien-chi-dao-')
    return response.content


def open_report(client, params=None):
    return Document(io.BytesIO(fetch(client, params)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_by_header(document, *first_cells):
    """The table whose header row starts with these cells."""
    return next(t for t in document.tables
                if [c.text for c in t.rows[0].cells[:len(first_cells)]] == list(first_cells))


def appendix_rows(document) -> list[list[str]]:
    """The appendix's task rows (a row per task; the document and directive rows span the table)."""
    table = table_by_header(document, "STT", "Đơn vị chủ trì", "Nhiệm vụ")
    rows = []
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len(set(cells)) > 1:
            rows.append(cells)
    return rows


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@pytest.fixture
def portfolio():
    return make_portfolio(100)


def test_the_report_has_the_party_administrative_layout(client, portfolio):
    client.force_login(office_user())
    today = timezone.localdate()
    document = open_report(client, {"period": quarter_of(today)})
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["TỈNH ỦY HẬU GIANG", "VĂN PHÒNG", "*", "Số:        -BC/VPTU"]
    party, _blank, place_date = right.paragraphs
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].bold and party.runs[0].underline
    assert place_date.text == f"Hậu Giang, ngày {today:%d} tháng {today:%m} năm {today.year}"
    assert place_date.runs[0].italic
    body = texts(document)
    quarter_name = ["I", "II", "III", "IV"][(today.month - 1) // 3]
    assert "BÁO CÁO" in body
    assert (f"kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy quý {quarter_name}/{today.year}"
            in body)
    headings = [t for t in body if t[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.")]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V", "VI"]
    signature = next(t for t in document.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    assert signature.rows[0].cells[1].paragraphs[0].text == "CHÁNH VĂN PHÒNG"
    summary, appendix = document.sections
    assert (round(summary.page_width.cm, 1), round(summary.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (summary.top_margin, summary.bottom_margin, summary.left_margin,
                                     summary.right_margin)] == [2.0, 2.0, 3.0, 1.5]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (round(appendix.page_width.cm, 1), round(appendix.page_height.cm, 1)) == (29.7, 21.0)
    assert "PHỤ LỤC" in body and body.index("PHỤ LỤC") > body.index("VI. ĐÁNH GIÁ, ĐỀ XUẤT")
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    assert fonts == {"Times New Roman"}
    sizes = {run.font.size for p in document.paragraphs for run in p.runs}
    assert Pt(13) in sizes and Pt(14) in sizes
    # The appendix's header row is repeated on every page it runs over.
    header = table_by_header(document, "STT", "Đơn vị chủ trì", "Nhiệm vụ").rows[0]
    assert header._tr.trPr.xpath("./w:tblHeader")


def test_the_figures_agree_with_the_database(client, portfolio):
    client.force_login(office_user())
    document = open_report(client, custom_query(portfolio.period))
    expected = truth(Task.objects.all(), portfolio.period, portfolio.today)
    total = sum(len(ids) for ids in expected.values())
    summary = next(t for t in texts(document) if t.startswith("Tổng số"))
    assert summary.startswith(f"Tổng số {total} nhiệm vụ; hoàn thành đúng hạn "
                              f"{len(expected[Standing.DONE_ON_TIME])}; hoàn thành quá hạn "
                              f"{len(expected[Standing.DONE_LATE])}; quá hạn chưa hoàn thành "
                              f"{len(expected[Standing.OVERDUE])};")
    figures = table_by_header(document, "Chỉ tiêu")
    column = {row.cells[0].text: row.cells[1].text for row in figures.rows[1:]}
    assert column["Nhiệm vụ trong kỳ"] == str(total)
    assert column["Quá hạn, chưa hoàn thành"] == str(len(expected[Standing.OVERDUE]))

    # Section II.2: one row per document, the database's counts, and their sum.
    documents = table_by_header(document, "STT", "Văn bản")
    by_document = {}
    for task in Task.objects.filter(pk__in=set().union(*expected.values())).select_related("directive"):
        key = task.directive.resolution_id if task.directive_id else None
        by_document.setdefault(key, []).append(task.pk)
    assert len(documents.rows) - 2 == len(by_document)
    assert documents.rows[-1].cells[1].text == "Cộng"
    assert documents.rows[-1].cells[2].text == str(total)
    assert sorted(int(row.cells[2].text) for row in documents.rows[1:-1]) == sorted(
        len(ids) for ids in by_document.values())

    # The appendix: one row per task of the period, with its standing.
    rows = appendix_rows(document)
    assert len(rows) == total
    overdue_label = Standing.OVERDUE.label
    assert sum(1 for row in rows if row[4] == overdue_label) == len(expected[Standing.OVERDUE])

    # Section III names every directive with overdue work, and the tasks in it add up.
    overdue = table_by_header(document, "STT", "Nội dung chỉ đạo")
    overdue_directives = {Task.objects.get(pk=pk).directive_id or f"t{pk}" for pk in expected[Standing.OVERDUE]}
    assert len(overdue.rows) - 1 == len(overdue_directives)


def test_the_previous_period_is_the_one_just_before():
    assert previous_period(quarter(2022, 2)) == quarter(2022, 1)
    assert previous_period(quarter(2022, 1)) == quarter(2021, 4)
    assert previous_period(half(2023, 1)) == half(2022, 2)
    assert previous_period(half(2023, 2)) == half(2023, 1)
    assert previous_period(whole_year(2023)) == whole_year(2022)
    assert previous_period(years(2022, 2026)) == years(2017, 2021)
    before = previous_period(custom(datetime.date(2026, 3, 11), datetime.date(2026, 3, 20)))
    assert (before.start, before.end) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))


def test_the_previous_quarter_is_counted_beside_this_one(client):
    unit = UnitFactory(name="Sở Tư pháp")
    q1, q2 = parse_period_key("2022-Q1"), parse_period_key("2022-Q2")
    TaskFactory(lead=unit, deadline=q1.end, status=Task.Status.DONE, progress=100,
                completed_at=timezone.make_aware(datetime.datetime(2022, 3, 20, 9)))
    TaskFactory(lead=unit, deadline=q1.end)  # still open: overdue
    TaskFactory(lead=unit, deadline=q2.end)
    TaskFactory(lead=unit, deadline=q2.start, status=Task.Status.DONE, progress=100,
                completed_at=timezone.make_aware(datetime.datetime(2022, 5, 2, 9)))
    client.force_login(office_user())
    document = open_report(client, {"period": "2022-Q2"})
    figures = table_by_header(document, "Chỉ tiêu", "Quý II/2022", "Quý I/2022")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in figures.rows[1:]}
    assert rows["Nhiệm vụ trong kỳ"] == ["2", "2", "0"]
    assert rows["Hoàn thành đúng hạn"] == ["0", "1", "-1"]
    assert rows["Hoàn thành quá hạn"] == ["1", "0", "+1"]
    assert rows["Quá hạn, chưa hoàn thành"] == ["1", "1", "0"]
    assert rows["Tỷ lệ hoàn thành đúng hạn"] == ["0%", "50%", "-50%"]
    changes = " ".join(texts(document))
    assert "Hoàn thành trong kỳ: 1 nhiệm vụ (đúng hạn 0, quá hạn 1)" in changes
    assert "ngoài ra còn 1 nhiệm vụ quá hạn từ các kỳ trước chưa hoàn thành" in changes


def test_groups_documents_and_the_units_most_behind(client):
    today = timezone.localdate()
    government, boards = UnitGroupFactory(key="cq", name="Chính quyền"), UnitGroupFactory(key="bd", name="Các ban")
    late_unit, fine_unit = UnitFactory(name="Sở Xây dựng", order=2), UnitFactory(name="Ban Dân vận", order=1)
    government.units.set([late_unit])
    boards.units.set([fine_unit])
    speech = ResolutionFactory(kind="phat_bieu", number="", title="Phát biểu bế mạc Hội nghị lần thứ 8",
                               issued_on=today.replace(day=1))
    directive = DirectiveFactory(resolution=speech, section_path="I.3", label="(2)",
                                 short_title="Tăng cường công tác phòng cháy")
    for unit in (late_unit, fine_unit):
        TaskFactory(lead=unit, directive=directive, title="Tăng cường công tác phòng cháy",
                    deadline=today - datetime.timedelta(days=3 if unit == late_unit else -20))
    client.force_login(office_user())
    document = open_report(client, {"period": str(today.year)})
    groups = table_by_header(document, "STT", "Nhóm đơn vị")
    assert {row.cells[1].text: row.cells[5].text for row in groups.rows[1:]} == {"Các ban": "0", "Chính quyền": "1"}
    documents = table_by_header(document, "STT", "Văn bản")
    name_cell = documents.rows[1].cells[1]
    assert name_cell.paragraphs[0].text == "Phát biểu bế mạc Hội nghị lần thứ 8"
    assert "1 nội dung chỉ đạo" in name_cell.paragraphs[1].text
    section_two = "\n".join(c.text for t in (groups, documents) for r in t.rows for c in r.cells)
    assert section_two.count("Phát biểu bế mạc") == 1
    overdue = table_by_header(document, "STT", "Nội dung chỉ đạo")
    row = [c.text for c in overdue.rows[1].cells]
    assert row[1].startswith("Tăng cường công tác phòng cháy") and "mục I.3 (2)" in row[1]
    assert row[2] == "Sở Xây dựng" and row[4] == "3"
    behind = table_by_header(document, "STT", "Đơn vị chủ trì", "Nhiệm vụ đã đến hạn")
    assert [[c.text for c in r.cells] for r in behind.rows[1:]] == [["1", "Sở Xây dựng", "1", "1", "0", "0%"]]


def test_the_appendix_gives_the_last_report_date_not_its_text(client):
    unit = UnitFactory(name="Ban Dân vận Tỉnh ủy")
    today = timezone.localdate()
    task = TaskFactory(title="Tổng kết 10 năm thực hiện Nghị quyết", lead=unit, deadline=today)
    ProgressReportFactory(task=task, text="Đã tổ chức hội nghị sơ kết tại 8 huyện.")
    TaskFactory(title="Việc chưa báo cáo", lead=unit, deadline=today)
    client.force_login(office_user())
    document = open_report(client, {"period": str(today.year)})
    rows = {row[2]: row for row in appendix_rows(document)}
    assert rows["Tổng kết 10 năm thực hiện Nghị quyết"][5] == f"{today:%d/%m/%Y}"
    assert rows["Việc chưa báo cáo"][5] == "–"
    everything = " ".join(texts(document)) + " ".join(c.text for t in document.tables for r in t.rows
                                                       for c in r.cells)
    assert "hội nghị sơ kết" not in everything
    assert "chưa có báo cáo tiến độ" not in everything


def test_a_unit_leader_reports_on_the_unit_and_its_sub_units_only(client):
    parent = UnitFactory(name="Huyện ủy Châu Thành")
    child = UnitFactory(name="UBND huyện Châu Thành", parent=parent)
    elsewhere = UnitFactory(name="Thành ủy Vị Thanh")
    for unit in (parent, child, elsewhere):
        TaskFactory(lead=unit, deadline=timezone.localdate())
    client.force_login(leader(parent))
    document = open_report(client, {"period": str(timezone.localdate().year)})
    assert sorted(row[1] for row in appendix_rows(document)) == ["Huyện ủy Châu Thành", "UBND huyện Châu Thành"]
    assert document.tables[0].rows[0].cells[0].paragraphs[1].text == "HUYỆN ỦY CHÂU THÀNH"


def test_an_officer_gets_404(client):
    client.force_login(member(UnitFactory()))
    assert client.get(reverse("oversight:report")).status_code == 404


@pytest.mark.parametrize("period, subject", [
    ("2026-H1", "6 tháng đầu năm 2026"),
    ("2025", "năm 2025"),
    ("custom&date_from=2026-02-01&date_to=2026-03-15", "từ ngày 01/02/2026 đến ngày 15/03/2026"),
])
def test_the_title_names_the_period(client, period, subject):
    client.force_login(office_user())
    response = client.get(reverse("oversight:report") + "?period=" + period)
    body = texts(Document(io.BytesIO(response.content)))
    assert f"kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy {subject}" in body


def test_an_empty_period_says_so(client):
    client.force_login(office_user())
    body = texts(open_report(client, {"period": "2001"}))
    assert "Không có nhiệm vụ nào trong kỳ." in body
    assert "Không có nội dung chỉ đạo nào quá hạn chưa hoàn thành." in body


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        fetch(client, params)
    return len(queries)


def test_the_queries_do_not_grow_with_the_tasks(client):
    """The report reads the period in a fixed handful of grouped queries: ten times the tasks, documents,
    directives, units and reports, the same count."""
    today = timezone.localdate()
    client.force_login(office_user())
    make_portfolio(12, seed=1)
    few = count_queries(client, {"period": str(today.year)})
    groups = [UnitGroupFactory() for _ in range(3)]
    for d in range(5):
        directives = [DirectiveFactory(resolution=ResolutionFactory(issued_on=today)) for _ in range(4)]
        for i in range(24):
            unit = UnitFactory()
            unit.groups.set(groups[: i % 3 + 1])
            task = TaskFactory(lead=unit, directive=directives[i % 4],
                               deadline=today + datetime.timedelta(days=i - 12))
            if i % 2:
                ProgressReportFactory(task=task)
    many = count_queries(client, {"period": str(today.year)})
    assert Task.objects.count() >= 130
    assert many == few
    # The session and the user, their scope, then the report's four reads.
    assert many <= 10, many


def many_tasks_report(today):
    """Two documents of two directives each and a few tasks entered by hand, 455 tasks in all due today."""
    from django.http import QueryDict

    from oversight.dashboard.forms import DashboardFilterForm
    from oversight.dashboard.periods import current_quarter
    from tasks.models import Assignment

    units = [UnitFactory(name=f"Đơn vị {n}", order=n) for n in range(5)]
    directives = [DirectiveFactory(resolution=resolution, section_path="I.3")
                  for resolution in (ResolutionFactory(issued_on=today), ResolutionFactory(issued_on=today))
                  for _ in range(2)]
    tasks = Task.objects.bulk_create(
        [Task(title=f"Nhiệm vụ số {i}", deadline=today, original_deadline=today, directive=directives[i % 4])
         for i in range(450)]
        + [Task(title=f"Việc giao trực tiếp {i}", deadline=today, original_deadline=today) for i in range(5)])
    Assignment.objects.bulk_create(Assignment(task=task, unit=units[i % 5], role=Assignment.Role.LEAD)
                                   for i, task in enumerate(tasks))
    user = office_user()
    form = DashboardFilterForm(QueryDict(f"period={today.year}"), user=user, today=today,
                               default_period=current_quarter(today))
    return user, form.selection()


def test_a_long_appendix_keeps_its_table_and_says_how_far_it_is():
    """What a background job shows while the report is written (progress up to the appendix's rows, `size` the
    same number counted beforehand), and what the office sees in the file: the header row repeated on every page,
    each task's row kept whole, the document and directive rows merged across the table, every row as wide as the
    columns."""
    from docx.shared import Cm

    from oversight import report
    from oversight.report.document import APPENDIX_WIDTHS

    today = timezone.localdate()
    user, selection = many_tasks_report(today)
    assert report.size(user, selection, today) == 455
    data = report.collect(user, selection, today)
    calls = []
    document = Document(io.BytesIO(report.render(data, progress=lambda done, total: calls.append((done, total)))))

    assert {total for _done, total in calls} == {455}
    dones = [done for done, _total in calls]
    assert dones == sorted(dones) and dones[-1] == 455 and len(dones) >= 3
    assert max(b - a for a, b in zip([0, *dones], dones)) <= 200

    table = table_by_header(document, "STT", "Đơn vị chủ trì", "Nhiệm vụ")
    header, *rows = table.rows
    assert header._tr.trPr.xpath("./w:tblHeader") and header._tr.trPr.xpath("./w:cantSplit")
    merged = [row for row in rows if len(row._tr.tc_lst) == 1]
    tasks = [row for row in rows if len(row._tr.tc_lst) == 6]
    assert len(merged) + len(tasks) == len(rows)
    assert len(tasks) == 455
    # Three document rows (two documents and the tasks entered by hand), four directive rows.
    assert len(merged) == 3 + 4
    assert all(row._tr.tc_lst[0].grid_span == 6 for row in merged)
    bold = [row.cells[0].text for row in merged if row.cells[0].paragraphs[0].runs[0].bold]
    assert len(bold) == 3 and bold[-1] == "Nhiệm vụ không gắn với văn bản"
    assert all(row._tr.trPr.xpath("./w:cantSplit") for row in tasks)
    assert [row.cells[0].text for row in tasks] == [str(n) for n in range(1, 456)]
    assert {round(cell.width.cm, 1) for row in tasks[:3] for cell in row.cells} == set(APPENDIX_WIDTHS)
    assert all(round(row._tr.tc_lst[0].width.cm, 1) == round(Cm(sum(APPENDIX_WIDTHS)).cm, 1) for row in merged)
    # The rows are the layout's own: the task's columns left- and centre-aligned, the standing in words.
    first = tasks[0]
    assert first.cells[1].paragraphs[0].alignment == 0 and first.cells[3].paragraphs[0].alignment == 1
    assert first.cells[4].text == Standing.DUE_SOON.label
    assert first.cells[5].text == "–"
