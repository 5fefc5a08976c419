"""Where a task stands against its deadline (DESIGN.md, "the standing, exactly"). Never stored: computed from the
status, the current deadline (after approved extensions), the completion time and today in Asia/Ho_Chi_Minh.

    cancelled                                   -> cancelled
    done, no deadline or done by the deadline   -> done on time        done later -> done late
    open, no deadline                           -> ongoing (thường xuyên)
    open, deadline before today                 -> overdue
    open, today <= deadline <= today + 7        -> due soon
    open, deadline after that                   -> on track

The rule has three forms, written here side by side and checked against each other on every boundary
(tests/tasks/test_standing.py):

- `standing_case(today)`: the SQL CASE that annotates rows (TaskQuerySet.with_standing), so lists, counts and
  charts agree;
- `standing_condition(standings, today)`: "standing IN (...)" written on the columns, so the database can use the
  indexes on status and deadline (a filter on the CASE computes the standing of every task first: hundreds of
  milliseconds at 100,000 tasks, docs/benchmarks.md);
- `standing_of(...)`: the same rule for one task already in memory.
"""
from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import local_today

from .choices import OPEN_STATUSES, TaskStatus

DUE_SOON_DAYS = 7

# Where a task stands against its deadline, as a column heading and a filter's label: named apart from the workflow
# step (tasks.choices.STATUS_HEADING, "Bước xử lý"), and not "Tiến độ", which is the percentage a unit reports.
STANDING_HEADING = _("Tình hình thực hiện")


class Standing(models.TextChoices):
    ON_TRACK = "on_track", _("Đang thực hiện trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    ONGOING = "ongoing", _("Thường xuyên")
    CANCELLED = "cancelled", _("Đã hủy")


# The order in which standings need attention: what is late first, what is finished last.
ATTENTION_ORDER = [
    Standing.OVERDUE, Standing.DUE_SOON, Standing.ON_TRACK, Standing.ONGOING,
    Standing.DONE_LATE, Standing.DONE_ON_TIME, Standing.CANCELLED,
]
DONE = [Standing.DONE_ON_TIME, Standing.DONE_LATE]


def standing_case(today: datetime.date | None = None) -> Case:
    """The standing as a SQL expression (first matching branch wins)."""
    today = today or local_today()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return Case(
        When(status=TaskStatus.CANCELLED, then=Value(Standing.CANCELLED)),
        When(status=TaskStatus.DONE, deadline__isnull=True, then=Value(Standing.DONE_ON_TIME)),
        When(status=TaskStatus.DONE, completed_at__date__lte=F("deadline"), then=Value(Standing.DONE_ON_TIME)),
        When(status=TaskStatus.DONE, then=Value(Standing.DONE_LATE)),
        When(deadline__isnull=True, then=Value(Standing.ONGOING)),
        When(deadline__lt=today, then=Value(Standing.OVERDUE)),
        When(deadline__lte=soon, then=Value(Standing.DUE_SOON)),
        default=Value(Standing.ON_TRACK),
        output_field=models.CharField(max_length=16, choices=Standing.choices),
    )


def standing_condition(standings, today: datetime.date | None = None, *, prefix: str = "") -> Q:
    """`standing IN (standings)` on the columns: each standing's branch written so that no two overlap. `prefix`
    names the task through a relation ("tasks__" from a directive): the same rule on a joined task's columns, inside
    an aggregate's filter, instead of a subquery over every task."""
    today = today or local_today()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    chosen = set(standings)

    def on(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    # Open work: the chosen deadline ranges, neighbours merged (overdue + due soon + on track = any deadline).
    ranges = [(Standing.OVERDUE, None, today - datetime.timedelta(days=1)), (Standing.DUE_SOON, today, soon),
              (Standing.ON_TRACK, soon + datetime.timedelta(days=1), None)]
    merged: list[list] = []
    for value, start, end in ranges:
        if value not in chosen:
            continue
        if merged and merged[-1][2] is not None and start == merged[-1][2] + datetime.timedelta(days=1):
            merged[-1][2] = end
        else:
            merged.append([value, start, end])
    open_parts = []
    for _value, start, end in merged:
        bounds = {"deadline__isnull": False}
        if start is not None:
            bounds["deadline__gte"] = start
        if end is not None:
            bounds["deadline__lte"] = end
        open_parts.append(on(**bounds))
    if Standing.ONGOING in chosen:
        open_parts.append(on(deadline__isnull=True))
    conditions = []
    if open_parts:
        conditions.append(on(status__in=OPEN_STATUSES) & reduce(or_, open_parts))
    done = on(status=TaskStatus.DONE)
    deadline = F(prefix + "deadline")
    if Standing.DONE_ON_TIME in chosen:
        conditions.append(done & (on(deadline__isnull=True) | on(completed_at__date__lte=deadline)))
    if Standing.DONE_LATE in chosen:
        conditions.append(done & on(deadline__isnull=False, completed_at__date__gt=deadline))
    if Standing.CANCELLED in chosen:
        conditions.append(on(status=TaskStatus.CANCELLED))
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def standing_of(*, status: str, deadline: datetime.date | None, completed_at: datetime.datetime | None,
                today: datetime.date | None = None) -> str:
    """The standing of one task in memory."""
    today = today or local_today()
    if status == TaskStatus.CANCELLED:
        return Standing.CANCELLED
    if status == TaskStatus.DONE:
        done_on = timezone.localtime(completed_at).date()
        if deadline is None or done_on <= deadline:
            return Standing.DONE_ON_TIME
        return Standing.DONE_LATE
    if deadline is None:
        return Standing.ONGOING
    if deadline < today:
        return Standing.OVERDUE
    if deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Standing.DUE_SOON
    return Standing.ON_TRACK
