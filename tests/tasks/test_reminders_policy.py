"""The reminder policy as pure functions of dates: every boundary, weekends and Tết (no database)."""
import datetime

import pytest

from notifications.models import Notification
from notifications.reminders import (
    Audience,
    Rules,
    days_to_sweep,
    deadline_reminders,
    first_working_day_of_week,
    is_escalated,
    is_working_day,
    report_cycle_reminders,
    report_due_date,
    report_period,
    reminders_on,
)

Kind = Notification.Kind
D = datetime.date


def told(deadline, day, rules=Rules()):
    """{(kind, audience)} sent on `day` for a task due on `deadline`."""
    return {(r.kind, r.audience) for r in deadline_reminders(deadline, day, rules)}


LEAD_BEFORE = (Kind.BEFORE_DEADLINE, Audience.LEAD)
COORD_BEFORE = (Kind.BEFORE_DEADLINE, Audience.COORDINATING)
LEAD_TODAY = (Kind.DEADLINE_TODAY, Audience.LEAD)
LEAD_OVERDUE = (Kind.OVERDUE, Audience.LEAD)

# Wednesday 18 March 2026: an ordinary week, no holiday near it.
WEDNESDAY = D(2026, 3, 18)


def test_seven_days_before_the_lead_and_the_coordinating_units_are_told():
    assert told(WEDNESDAY, D(2026, 3, 11)) == {LEAD_BEFORE, COORD_BEFORE}


def test_eight_and_six_days_before_nobody_is_told():
    assert told(WEDNESDAY, D(2026, 3, 10)) == set()
    assert told(WEDNESDAY, D(2026, 3, 12)) == set()


def test_one_day_before_only_the_lead_unit_is_told():
    assert told(WEDNESDAY, D(2026, 3, 17)) == {LEAD_BEFORE}


def test_on_the_deadline_the_lead_unit_is_told_it_is_due_today():
    assert told(WEDNESDAY, WEDNESDAY) == {LEAD_TODAY}


def test_three_days_before_on_a_sunday_goes_out_on_the_friday_before():
    # T-3 is Sunday 15 March: brought forward to Friday 13 March; nothing on the weekend itself.
    assert told(WEDNESDAY, D(2026, 3, 13)) == {LEAD_BEFORE}
    assert told(WEDNESDAY, D(2026, 3, 15)) == set()
    assert told(WEDNESDAY, D(2026, 3, 16)) == set()


def test_the_day_after_the_deadline_the_lead_unit_is_told_it_is_overdue():
    assert told(WEDNESDAY, D(2026, 3, 19)) == {LEAD_OVERDUE}


def test_overdue_notices_repeat_weekly_and_not_in_between():
    days_told = [
        day for day in (WEDNESDAY + datetime.timedelta(days=n) for n in range(1, 30))
        if LEAD_OVERDUE in told(WEDNESDAY, day)
    ]
    assert days_told == [D(2026, 3, 19), D(2026, 3, 26), D(2026, 4, 2), D(2026, 4, 9), D(2026, 4, 16)]


def test_an_overdue_notice_falling_on_a_weekend_waits_for_monday_never_goes_before_the_lateness():
    friday = D(2026, 3, 20)
    # T+1 is Saturday: told on Monday 23 March, and not on the deadline Friday.
    assert LEAD_OVERDUE not in told(friday, friday)
    assert told(friday, D(2026, 3, 23)) == {LEAD_OVERDUE}


def test_the_office_can_change_the_days_and_the_repeat_interval():
    rules = Rules(lead_days_before=(10, 2), coordinating_days_before=(), overdue_repeat_days=3)
    assert told(WEDNESDAY, D(2026, 3, 16)) == set()
    assert told(WEDNESDAY, D(2026, 3, 16), rules) == {LEAD_BEFORE}  # T-2
    assert told(WEDNESDAY, D(2026, 3, 6), rules) == {LEAD_BEFORE}  # T-10 is Sunday 8 March
    assert told(WEDNESDAY, D(2026, 3, 11), rules) == set()
    overdue_days = [day for day in (D(2026, 3, 19) + datetime.timedelta(days=n) for n in range(12))
                    if told(WEDNESDAY, day, rules)]
    # T+1, T+4 (Sunday 22, held over to Monday), T+7, T+10 (Saturday 28, held over to Monday)
    assert overdue_days == [D(2026, 3, 19), D(2026, 3, 23), D(2026, 3, 25), D(2026, 3, 30)]


def test_escalation_is_past_fourteen_days_overdue():
    assert not is_escalated(WEDNESDAY, WEDNESDAY + datetime.timedelta(days=14))
    assert is_escalated(WEDNESDAY, WEDNESDAY + datetime.timedelta(days=15))
    assert is_escalated(WEDNESDAY, WEDNESDAY + datetime.timedelta(days=8), Rules(escalation_after_days=7))


# --- Working days: weekends and Vietnamese public holidays ----------------------------------------------------


def test_weekends_and_tet_2026_are_not_working_days():
    assert is_working_day(D(2026, 2, 13))  # Friday before Tết Bính Ngọ
    assert not any(is_working_day(D(2026, 2, day)) for day in range(14, 23))  # 14-22 February: weekend + Tết
    assert is_working_day(D(2026, 2, 23))


def test_other_national_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 4, 30))  # Reunification Day, a Thursday
    assert not is_working_day(D(2026, 5, 1))
    assert not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2027, 1, 1))


def test_every_reminder_before_a_deadline_just_after_tet_2026_goes_out_before_the_holiday():
    deadline = D(2026, 2, 23)  # Monday after Tết: T-7, T-3 and T-1 all fall on days off
    assert told(deadline, D(2026, 2, 13)) == {LEAD_BEFORE, COORD_BEFORE}
    assert [day for day in (D(2026, 2, 14) + datetime.timedelta(days=n) for n in range(9))
            if told(deadline, day)] == []
    assert told(deadline, deadline) == {LEAD_TODAY}


def test_a_deadline_on_the_last_day_of_tet_2027_is_announced_on_the_last_working_day_before_it():
    deadline = D(2027, 2, 10)  # Wednesday, the fifth day of Tết Đinh Mùi
    assert told(deadline, D(2027, 2, 3)) == {LEAD_BEFORE, COORD_BEFORE, LEAD_TODAY}
    assert told(deadline, D(2027, 2, 11)) == {LEAD_OVERDUE}


def test_an_overdue_repeat_falling_in_tet_waits_until_work_resumes():
    deadline = D(2026, 2, 12)  # Thursday before Tết: T+1 on Friday 13, T+8 on Friday 20 (a Tết holiday)
    assert told(deadline, D(2026, 2, 13)) == {LEAD_OVERDUE}
    assert told(deadline, D(2026, 2, 20)) == set()
    assert told(deadline, D(2026, 2, 23)) == {LEAD_OVERDUE}


def test_nothing_is_sent_on_a_day_off():
    assert told(D(2026, 2, 17), D(2026, 2, 17)) == set()


# --- Ongoing tasks: report cycles -----------------------------------------------------------------------------


def test_report_periods_are_calendar_months_quarters_halves_and_years():
    assert report_period("monthly", D(2026, 2, 10)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert report_period("quarterly", D(2026, 5, 31)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert report_period("half_yearly", D(2026, 7, 1)) == (D(2026, 7, 1), D(2026, 12, 31))
    assert report_period("yearly", D(2026, 12, 31)) == (D(2026, 1, 1), D(2026, 12, 31))


def test_a_quarterly_report_falls_due_on_the_fifteenth_of_the_quarters_last_month():
    assert report_due_date("quarterly", (D(2026, 4, 1), D(2026, 6, 30))) == D(2026, 6, 15)
    assert report_due_date("quarterly", (D(2026, 4, 1), D(2026, 6, 30)), Rules(report_due_day=20)) == D(2026, 6, 20)


def reports_told(cycle, day, **kwargs):
    return [(r.kind, r.period) for r in report_cycle_reminders(cycle, day, **kwargs)]


Q2 = (D(2026, 4, 1), D(2026, 6, 30))


def test_the_quarterly_report_reminder_comes_a_week_before_it_falls_due():
    assert reports_told("quarterly", D(2026, 6, 8)) == [(Kind.REPORT_DUE, Q2)]
    assert reports_told("quarterly", D(2026, 6, 9)) == []
    assert reports_told("quarterly", D(2026, 5, 8)) == []  # not the quarter's last month


def test_a_report_reminder_on_a_sunday_goes_out_on_friday():
    # Q1 2026 falls due on Sunday 15 March; a week before is Sunday 8 March: told on Friday 6 March.
    assert reports_told("quarterly", D(2026, 3, 6)) == [(Kind.REPORT_DUE, (D(2026, 1, 1), D(2026, 3, 31)))]


def test_a_closed_quarter_is_announced_the_next_working_day():
    assert reports_told("quarterly", D(2026, 7, 1)) == [(Kind.REPORT_MISSING, Q2)]
    assert reports_told("quarterly", D(2026, 7, 2)) == []


def test_a_year_closing_on_new_years_day_is_announced_on_the_first_working_day_of_the_next():
    # 1 January 2027 is a Friday and a holiday: held over to Monday 4 January.
    assert reports_told("yearly", D(2027, 1, 4)) == [(Kind.REPORT_MISSING, (D(2026, 1, 1), D(2026, 12, 31)))]
    assert reports_told("yearly", D(2026, 12, 8)) == [(Kind.REPORT_DUE, (D(2026, 1, 1), D(2026, 12, 31)))]


def test_monthly_reports_are_reminded_every_month():
    days = [day for day in (D(2026, 3, 1) + datetime.timedelta(days=n) for n in range(92))
            if any(kind == Kind.REPORT_DUE for kind, _ in reports_told("monthly", day))]
    assert days == [D(2026, 3, 6), D(2026, 4, 8), D(2026, 5, 8)]  # 8 March is a Sunday


def test_a_task_given_after_the_report_fell_due_is_not_told_the_period_closed_without_it():
    assert reports_told("quarterly", D(2026, 7, 1), created_on=D(2026, 6, 20)) == []
    assert reports_told("quarterly", D(2026, 7, 1), created_on=D(2026, 6, 10)) == [(Kind.REPORT_MISSING, Q2)]


def test_no_reminder_for_a_rule_day_before_the_task_was_given():
    reminders = reminders_on(D(2026, 3, 11), deadline=WEDNESDAY, report_cycle="", created_on=D(2026, 3, 12))
    assert reminders == []


def test_a_task_with_neither_deadline_nor_cycle_gets_nothing():
    assert reminders_on(WEDNESDAY, deadline=None, report_cycle="", created_on=D(2026, 1, 1)) == []


# --- Calendar helpers -----------------------------------------------------------------------------------------


def test_the_weekly_summary_day_is_the_weeks_first_working_day():
    assert first_working_day_of_week(D(2026, 3, 19)) == D(2026, 3, 16)
    assert first_working_day_of_week(D(2026, 4, 29)) == D(2026, 4, 28)  # Monday 27 April: Hùng Kings (observed)
    assert first_working_day_of_week(D(2026, 2, 18)) is None  # the whole week is Tết


@pytest.mark.parametrize(
    "last, day, expected",
    [
        (None, D(2026, 3, 18), [D(2026, 3, 18)]),
        (D(2026, 3, 18), D(2026, 3, 18), [D(2026, 3, 18)]),
        (D(2026, 3, 16), D(2026, 3, 18), [D(2026, 3, 17), D(2026, 3, 18)]),
        (D(2026, 1, 1), D(2026, 3, 18), [D(2026, 3, 12) + datetime.timedelta(days=n) for n in range(7)]),
    ],
)
def test_a_sweep_catches_up_on_the_days_missed_since_the_last_one_at_most_a_week(last, day, expected):
    assert days_to_sweep(last, day) == expected
