"""The reminder policy: who is told what, and on which day (DESIGN.md, "Reminders").

The core is pure functions of dates: given a deadline (or a report cycle), a day and the office's rules, which
reminders go out that day. Nothing in the core touches the database, so every boundary (T-7, T-3, T-1, T0, T+1,
weekly repeats, report periods, weekends, Tết) is tested with plain dates.

The layer above it (notifications.sweep) gathers the rows, writes the notification ledger (unique per task,
recipient, kind and day: a second run writes nothing) and plans the day's emails, which notifications.delivery
sends. Nothing is ever scheduled as an ETA: beat runs the sweep every working morning, and the sweep finds what is
due from the dates in the database.
"""
from __future__ import annotations

import datetime
import enum
import functools
from dataclasses import dataclass

import holidays

from tasks.choices import TaskReportCycle, TaskStatus

from .models import Notification, ReminderPolicy, parse_day_offsets

ONE_DAY = datetime.timedelta(days=1)
Kind = Notification.Kind

# A reminder is about a task still being worked on: these go quiet once the task is done or cancelled (and
# while the office considers a completion proposal: the unit has done its part).
REMINDED_STATUSES = (TaskStatus.OPEN, TaskStatus.RETURNED)
REMINDER_KINDS = frozenset({
    Kind.BEFORE_DEADLINE, Kind.DEADLINE_TODAY, Kind.OVERDUE, Kind.ESCALATION, Kind.REPORT_DUE, Kind.REPORT_MISSING,
})
# A person may turn the daily digest off, but not these.
MANDATORY_KINDS = frozenset({Kind.OVERDUE, Kind.REPORT_MISSING, Kind.ESCALATION})
# How far back a sweep catches up on days it missed (beat stopped over a weekend, a server down for days).
CATCH_UP_DAYS = 7


# --- The calendar: working days in Việt Nam ------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.VN(years=year))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not a Vietnamese public holiday (Tết, Hùng Kings, 30/4, 1/5, 2/9, and days given
    in lieu, as the `holidays` package knows them)."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def working_day_on_or_before(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += ONE_DAY
    return day


def days_brought_forward_to(day: datetime.date) -> list[datetime.date]:
    """The calendar days whose early reminders go out on `day`.

    A reminder that would fall on a day off goes out on the working day before: a working day carries its own
    reminders and those of the days off that follow it. A day off carries none.
    """
    if not is_working_day(day):
        return []
    days = [day]
    following = day + ONE_DAY
    while not is_working_day(following):
        days.append(following)
        following += ONE_DAY
    return days


def days_held_over_to(day: datetime.date) -> list[datetime.date]:
    """The calendar days whose late notices go out on `day`.

    A notice that something is late cannot go out before it is late, so an overdue notice that would fall on a day
    off waits for the next working day: a working day carries its own and those of the days off before it.
    """
    if not is_working_day(day):
        return []
    days = [day]
    previous = day - ONE_DAY
    while not is_working_day(previous):
        days.append(previous)
        previous -= ONE_DAY
    return days


def first_working_day_of_week(day: datetime.date) -> datetime.date | None:
    """The working day of `day`'s week (Monday to Friday) on which the weekly summary goes out, if there is one."""
    monday = day - datetime.timedelta(days=day.weekday())
    for offset in range(5):
        candidate = monday + datetime.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return None


# --- The rules the office edits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The reminder policy as plain values (ReminderPolicy holds them in the database; the defaults are DESIGN.md's)."""

    lead_days_before: tuple[int, ...] = (7, 3, 1, 0)
    coordinating_days_before: tuple[int, ...] = (7,)
    overdue_repeat_days: int = 7
    escalation_after_days: int = 14
    report_due_day: int = 15
    report_reminder_days: int = 7
    send_time: datetime.time = datetime.time(7, 0)

    @classmethod
    def from_policy(cls, policy: ReminderPolicy) -> Rules:
        return cls(
            lead_days_before=parse_day_offsets(policy.lead_days_before),
            coordinating_days_before=parse_day_offsets(policy.coordinating_days_before),
            overdue_repeat_days=max(1, policy.overdue_repeat_days),
            escalation_after_days=policy.escalation_after_days,
            report_due_day=policy.report_due_day,
            report_reminder_days=policy.report_reminder_days,
            send_time=policy.send_time,
        )


# --- The core: which reminders a task gets on a day -------------------------------------------------------


class Audience(enum.StrEnum):
    LEAD = "lead"
    COORDINATING = "coordinating"


@dataclass(frozen=True)
class Reminder:
    kind: str
    audience: Audience
    # The calendar day the rule names (T-7, T+1, ...), before moving to a working day.
    nominal_day: datetime.date
    # For report cycles: the period (first day, last day) the report is for.
    period: tuple[datetime.date, datetime.date] | None = None


def deadline_reminders(deadline: datetime.date, day: datetime.date, rules: Rules = Rules()) -> list[Reminder]:
    """What a task with this deadline gets on `day`: before (lead and coordinating units), on, and after it."""
    found = []
    for nominal in days_brought_forward_to(day):
        before = (deadline - nominal).days
        kind = Kind.DEADLINE_TODAY if before == 0 else Kind.BEFORE_DEADLINE
        if before in rules.lead_days_before:
            found.append(Reminder(kind, Audience.LEAD, nominal))
        if before in rules.coordinating_days_before:
            found.append(Reminder(kind, Audience.COORDINATING, nominal))
    for nominal in days_held_over_to(day):
        late = (nominal - deadline).days
        if late >= 1 and (late - 1) % rules.overdue_repeat_days == 0:
            found.append(Reminder(Kind.OVERDUE, Audience.LEAD, nominal))
    return found


def days_overdue(deadline: datetime.date, day: datetime.date) -> int:
    return max(0, (day - deadline).days)


def is_escalated(deadline: datetime.date, day: datetime.date, rules: Rules = Rules()) -> bool:
    """Past the threshold (14 days by default) the task goes into the office's weekly escalation."""
    return days_overdue(deadline, day) > rules.escalation_after_days


CYCLE_MONTHS = {
    TaskReportCycle.MONTHLY: 1,
    TaskReportCycle.QUARTERLY: 3,
    TaskReportCycle.HALF_YEARLY: 6,
    TaskReportCycle.YEARLY: 12,
}


def report_period(cycle: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The reporting period containing `day`: a calendar month, quarter, half-year or year."""
    months = CYCLE_MONTHS[cycle]
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    last_month = first_month + months - 1
    following = datetime.date(day.year + 1, 1, 1) if last_month == 12 else datetime.date(day.year, last_month + 1, 1)
    return start, following - ONE_DAY


def report_due_date(cycle: str, period: tuple[datetime.date, datetime.date], rules: Rules = Rules()) -> datetime.date:
    """A period's report falls due on the report day (the 15th) of the period's last month."""
    end = period[1]
    return datetime.date(end.year, end.month, rules.report_due_day)


def report_cycle_reminders(
    cycle: str, day: datetime.date, rules: Rules = Rules(), *, created_on: datetime.date | None = None
) -> list[Reminder]:
    """What an ongoing task reporting on `cycle` gets on `day`.

    A reminder `report_reminder_days` before each report falls due (brought forward to a working day), and a
    notice on the first day after a period closed (held over to a working day) — both only "if no report": the
    caller drops those for periods in which the unit already reported.
    """
    found = []
    for nominal in days_brought_forward_to(day):
        falls_due = nominal + datetime.timedelta(days=rules.report_reminder_days)
        period = report_period(cycle, falls_due)
        if falls_due == report_due_date(cycle, period, rules):
            found.append(Reminder(Kind.REPORT_DUE, Audience.LEAD, nominal, period))
    for nominal in days_held_over_to(day):
        period = report_period(cycle, nominal - ONE_DAY)
        # The task must have existed when that period's report fell due.
        if period[1] == nominal - ONE_DAY and (created_on is None or created_on <= report_due_date(cycle, period, rules)):
            found.append(Reminder(Kind.REPORT_MISSING, Audience.LEAD, nominal, period))
    return found


def reminders_on(
    day: datetime.date, *, deadline: datetime.date | None, report_cycle: str, created_on: datetime.date,
    rules: Rules = Rules(),
) -> list[Reminder]:
    """Every reminder one task gets on `day` (none for a rule day before the task was given)."""
    if deadline is not None:
        found = deadline_reminders(deadline, day, rules)
    elif report_cycle in CYCLE_MONTHS:
        found = report_cycle_reminders(report_cycle, day, rules, created_on=created_on)
    else:
        found = []
    return [reminder for reminder in found if reminder.nominal_day >= created_on]


def days_to_sweep(last_swept_on: datetime.date | None, day: datetime.date) -> list[datetime.date]:
    """The days a sweep for `day` covers: `day`, and the days missed since the last sweep (at most a week back)."""
    if last_swept_on is None or last_swept_on >= day:
        return [day]
    start = max(last_swept_on + ONE_DAY, day - datetime.timedelta(days=CATCH_UP_DAYS - 1))
    return [start + datetime.timedelta(days=n) for n in range((day - start).days + 1)]
