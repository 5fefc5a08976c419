"""The dashboard tells the truth: it opens on a period that holds work and remembers the one chosen, offers every
year with work, draws the overdue trend from deadlines and completion days (never from when a task was recorded),
counts overdue work as the home page does or says on the page why the two differ, and every chart says why it is
empty when it is."""
from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.dashboard.board import build, trend_points
from oversight.dashboard.charts import LABEL_LINES, LABEL_WIDTH
from oversight.dashboard.forms import Selection
from oversight.dashboard.periods import custom, parse_period_key, quarter, whole_year, years
from tasks.models import Task
from tasks.standing import Standing
from tests.factories import ResolutionFactory, DirectiveFactory, TaskFactory, UnitFactory, leader, office_user
from tests.tasks.dashboard_support import aware, make_portfolio, own_cache  # noqa: F401 - own_cache: a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]

DAY = datetime.timedelta(days=1)


def dashboard(client, **query):
    response = client.get(reverse("oversight:dashboard"), query)
    assert response.status_code == 200
    return response


def overdue_at(tasks, day: datetime.date) -> int:
    """The rule, task by task in Python: due before `day`, not cancelled, not completed by the end of `day`."""
    count = 0
    for task in tasks:
        if task.status == Task.Status.CANCELLED or task.deadline is None or not task.deadline < day:
            continue
        if task.completed_at is None or timezone.localtime(task.completed_at).date() > day:
            count += 1
    return count


# --- the period: the default, what is offered, what is kept ---------------------------------------------------


def test_with_no_work_the_dashboard_opens_on_this_year(client):
    client.force_login(office_user())
    response = dashboard(client)
    assert response.context["selection"].period == whole_year(timezone.localdate().year)


def test_it_opens_on_the_years_that_hold_work_and_offers_each_of_them_with_its_halves_and_quarters(client):
    unit = UnitFactory()
    TaskFactory(lead=unit, deadline=datetime.date(2022, 6, 30))
    TaskFactory(lead=unit, deadline=datetime.date(2023, 3, 31), status=Task.Status.DONE,
                completed_at=aware(datetime.date(2023, 3, 30)))
    TaskFactory(lead=unit, deadline=datetime.date(2021, 5, 1), status=Task.Status.CANCELLED)  # no work
    client.force_login(office_user())
    response = dashboard(client)
    assert response.context["selection"].period == years(2022, 2023)
    html = response.content.decode()
    assert re.search(r'<option value="2022-2023" selected>\s*Từ năm 2022 đến năm 2023', html)
    offered = [value for value, _label in response.context["form"].fields["period"].widget.choices]
    for key in ("2022", "2022-H1", "2022-H2", "2022-Q1", "2022-Q4", "2023", "2023-Q2", "custom"):
        assert key in offered
    assert "2021" not in offered and "2024" not in offered  # years without work are not offered
    figures = {f.key: f.value for f in response.context["board"].figures}
    assert figures["total"] == 2 and figures["overdue"] == 1 and figures["done_on_time"] == 1


def test_a_unit_leader_is_offered_the_years_of_the_units_work_only(client):
    mine, other = UnitFactory(), UnitFactory()
    TaskFactory(lead=mine, deadline=datetime.date(2023, 9, 1))
    TaskFactory(lead=other, deadline=datetime.date(2022, 9, 1))
    client.force_login(leader(mine))
    response = dashboard(client)
    assert response.context["selection"].period == whole_year(2023)
    offered = [value for value, _label in response.context["form"].fields["period"].widget.choices]
    assert "2023-Q3" in offered and "2022" not in offered


def test_the_chosen_period_is_kept_for_the_next_visit_and_for_this_person_only(client):
    unit = UnitFactory()
    TaskFactory(lead=unit, deadline=datetime.date(2022, 5, 20))
    TaskFactory(lead=unit, deadline=datetime.date(2023, 5, 20))
    boss = office_user()
    client.force_login(boss)
    assert dashboard(client, period="2022-Q2").context["selection"].period == quarter(2022, 2)
    again = dashboard(client)
    assert again.context["selection"].period == quarter(2022, 2)
    assert re.search(r'<option value="2022-Q2" selected>', again.content.decode())
    # The "see all" pages and the next visit keep it too; a new choice replaces it.
    assert dashboard(client, all="units").context["selection"].period == quarter(2022, 2)
    dashboard(client, period="custom", date_from="2023-05-01", date_to="2023-05-31")
    assert dashboard(client).context["selection"].period == custom(datetime.date(2023, 5, 1),
                                                                   datetime.date(2023, 5, 31))
    # A choice that does not validate is neither shown nor kept.
    dashboard(client, period="2023-Q9")
    assert dashboard(client).context["selection"].period.key == "custom"
    # Another person opens on the default.
    client.logout()
    client.force_login(office_user())
    assert dashboard(client).context["selection"].period == years(2022, 2023)


def test_a_report_link_to_an_older_period_stays_selected_in_the_drop_down(client):
    TaskFactory(lead=UnitFactory(), deadline=datetime.date(2023, 5, 20))
    client.force_login(office_user())
    response = dashboard(client, period="2019-Q1")
    assert response.context["selection"].period == quarter(2019, 1)
    assert re.search(r'<option value="2019-Q1" selected>\s*Quý I/2019', response.content.decode())


def test_a_run_of_years_is_a_period_the_report_reads_too():
    period = parse_period_key("2022-2026")
    assert (period.start, period.end, period.kind) == (datetime.date(2022, 1, 1), datetime.date(2026, 12, 31),
                                                       "years")
    assert str(period.label) == "từ năm 2022 đến năm 2026"
    assert parse_period_key("2026-2022") is None and parse_period_key("2022-20x6") is None


# --- the overdue trend ------------------------------------------------------------------------------------------


def test_the_trend_counts_overdue_work_at_each_week_end_from_deadlines_and_completion_days():
    today = timezone.localdate()
    period = quarter(today.year - 1, 2)
    points = trend_points(period, today)
    monday = next(start for start, _end in points if start.weekday() == 0)  # the first whole week
    sunday = monday + 6 * DAY
    unit = UnitFactory()
    # Due and completed within the same week: never overdue at a week's end.
    same_week = TaskFactory(lead=unit, deadline=monday + DAY, status=Task.Status.DONE,
                            completed_at=aware(monday + 3 * DAY))
    # Due on Friday, completed on the Tuesday two weeks later: overdue at two week ends.
    late = TaskFactory(lead=unit, deadline=monday + 4 * DAY, status=Task.Status.DONE,
                       completed_at=aware(sunday + 9 * DAY))
    # Due on the Sunday itself: not yet overdue at that week's end; still open, overdue ever after.
    open_task = TaskFactory(lead=unit, deadline=sunday)
    # Due on Saturday and completed on the Sunday, late in the evening: done by the week's end.
    by_sunday = TaskFactory(lead=unit, deadline=sunday - DAY, status=Task.Status.DONE,
                            completed_at=aware(sunday, hour=23))
    # Recorded today (a document entered late): counted from its deadline, not from when it was recorded.
    recorded_late = TaskFactory(lead=unit, deadline=monday + 2 * DAY)
    # Cancelled: never counted.
    TaskFactory(lead=unit, deadline=monday, status=Task.Status.CANCELLED)
    for task in (same_week, late, open_task, by_sunday):
        Task.objects.filter(pk=task.pk).update(created_at=aware(monday - 30 * DAY))
    assert timezone.localtime(Task.objects.get(pk=recorded_late.pk).created_at).date() == today

    board = build(office_user(), Selection(period=period), today)
    counts = {w["end"]: w["count"] for w in board.weeks}
    assert [w["end"].weekday() for w in board.weeks[:-1]] == [6] * (len(board.weeks) - 1)
    assert board.weeks[-1]["end"] == period.end  # the last point ends with the period
    assert counts[sunday] == 2  # late (due Friday) and recorded_late (due Wednesday)
    assert counts[sunday + 7 * DAY] == 3  # late still open at that Sunday, the Sunday-due task now overdue
    assert counts[sunday + 14 * DAY] == 2  # late was completed on the Tuesday before
    assert counts[sunday - 7 * DAY] == 0
    tasks = list(Task.objects.all())
    assert [w["count"] for w in board.weeks] == [overdue_at(tasks, w["end"]) for w in board.weeks]
    # Overdue now, whatever the period: the two tasks still open, as the home page counts them.
    assert board.overdue_now == 2 == Task.objects.with_standing(today).filter(standing=Standing.OVERDUE).count()


def test_the_trend_over_the_current_year_ends_today_and_its_last_point_is_overdue_now(client):
    today = timezone.localdate()
    portfolio = make_portfolio(60)
    board = build(office_user(), Selection(period=whole_year(today.year)), today)
    assert board.weeks[-1]["end"] == today and board.weeks[0]["start"] == datetime.date(today.year, 1, 1)
    assert board.weeks[-1]["count"] == board.overdue_now
    tasks = list(Task.objects.filter(pk__in=portfolio.tasks))
    assert [w["count"] for w in board.weeks] == [overdue_at(tasks, w["end"]) for w in board.weeks]


def test_a_long_period_is_drawn_by_month_and_every_point_still_counts_at_its_own_end():
    today = timezone.localdate()
    portfolio = make_portfolio(60)
    period = years(today.year - 2, today.year)
    board = build(office_user(), Selection(period=period), today)
    assert board.trend_step == "month"
    assert len(board.weeks) == 24 + today.month
    tasks = list(Task.objects.filter(pk__in=portfolio.tasks))
    assert [w["count"] for w in board.weeks] == [overdue_at(tasks, w["end"]) for w in board.weeks]


# --- the home page and the dashboard --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_home_page_and_the_dashboard_on_first_open_count_the_same_work(client, who):
    portfolio = make_portfolio(80)
    person = office_user() if who == "office" else leader(portfolio.parent)
    client.force_login(person)
    home = client.get("/").context["counts"]
    board = dashboard(client).context["board"]
    shown = {f.key: f.value for f in board.figures}
    assert home[Standing.OVERDUE] > 0
    assert shown["overdue"] == home[Standing.OVERDUE] == board.overdue_now
    assert shown["done_on_time"] == home[Standing.DONE_ON_TIME]
    assert shown["done_late"] == home[Standing.DONE_LATE]
    assert shown["total"] == sum(n for s, n in home.items() if s != Standing.CANCELLED)
    # Nothing to explain when they agree.
    assert "data-overdue-now" not in dashboard(client).content.decode()


def test_when_the_period_counts_less_than_the_home_page_the_dashboard_says_why(client):
    today = timezone.localdate()
    unit = UnitFactory()
    for n in range(3):
        TaskFactory(lead=unit, deadline=datetime.date(today.year - 2, 3, 1 + n))
    TaskFactory(lead=unit, deadline=today - 2 * DAY)
    client.force_login(office_user())
    home = client.get("/")
    assert home.context["counts"][Standing.OVERDUE] == 4
    assert "mọi kỳ" in home.content.decode()  # the home page says it counts every period
    response = dashboard(client, period=str(today.year))
    html = response.content.decode()
    figures = {f.key: f.value for f in response.context["board"].figures}
    assert figures["overdue"] == 1
    assert 'data-overdue-now="4"' in html
    assert "Tính mọi kỳ, hiện có <strong>4</strong> nhiệm vụ đang quá hạn: đó là số «Quá hạn» trên trang chủ." \
        in html


# --- labels and empty states ------------------------------------------------------------------------------------


def test_every_chart_says_why_it_is_empty_when_there_is_no_work(client):
    client.force_login(office_user())
    response = dashboard(client)
    html = response.content.decode()
    assert "<canvas" not in html
    for key in ("standingByUnit", "onTimeByUnit", "documentProgress"):
        assert f'data-empty="{key}"' in html
    assert "Không có nhiệm vụ nào trong năm" in html
    assert "Không có nhiệm vụ nào quá hạn vào cuối tuần nào trong kỳ này." in html


def test_a_period_with_nothing_due_yet_and_one_not_begun_say_so(client):
    today = timezone.localdate()
    TaskFactory(lead=UnitFactory(), deadline=datetime.date(today.year + 1, 6, 1))
    client.force_login(office_user())
    html = dashboard(client, period=f"{today.year + 1}").content.decode()
    assert "Kỳ này chưa bắt đầu" in html
    assert "Chưa có nhiệm vụ nào đến hạn trong năm" in html
    assert "Không có nhiệm vụ nào gắn với văn bản trong kỳ này" in html  # a task entered by hand
    assert html.count("<canvas") == 1  # the units' standing


def test_the_on_time_chart_is_not_drawn_flat_when_nothing_was_done_on_time(client):
    today = timezone.localdate()
    unit = UnitFactory()
    TaskFactory(lead=unit, deadline=today - 3 * DAY)
    client.force_login(office_user())
    html = dashboard(client, period=str(today.year)).content.decode()
    assert "Chưa có nhiệm vụ nào hoàn thành đúng hạn trong kỳ này" in html
    assert 'data-chart="onTimeByUnit"' not in html
    assert 'data-chart="standingByUnit"' in html and 'data-chart="overdueByWeek"' in html


def test_a_long_document_name_is_wrapped_on_the_chart_and_whole_in_its_tooltip(client):
    today = timezone.localdate()
    name = "Phát biểu bế mạc Hội nghị lần thứ 8 Ban Chấp hành Đảng bộ tỉnh khóa XIV, nhiệm kỳ 2020 - 2025"
    document = ResolutionFactory(kind="phat_bieu", number="", title=name, issued_on=today - 30 * DAY)
    TaskFactory(lead=UnitFactory(name="Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", short_name=""),
                directive=DirectiveFactory(resolution=document), deadline=today - DAY)
    client.force_login(office_user())
    response = dashboard(client, period=str(today.year))
    charts = response.context["drawing"].charts
    label, = charts["documentProgress"]["labels"]
    assert 1 <= len(label) <= LABEL_LINES and all(len(line) <= LABEL_WIDTH for line in label)
    assert " ".join(label).rstrip("…") in name and label[-1].endswith("…")
    assert charts["documentProgress"]["titles"] == [str(document)]
    assert str(document).count("Phát biểu bế mạc") == 1
    unit_label, = charts["standingByUnit"]["labels"]
    assert unit_label == ["Ủy ban Mặt trận Tổ quốc", "Việt Nam tỉnh"]
    # The table names the document once: no title under a name that is already the title.
    html = response.content.decode()
    table = html[html.index('aria-labelledby="chart-documentProgress-heading"'):]
    table = table[:table.index("</table>")]
    assert table.count("Hội nghị lần thứ 8 Ban Chấp hành") == 1
