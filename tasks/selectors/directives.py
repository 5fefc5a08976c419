"""Work by directive: one row per directive (nội dung chỉ đạo) with how its units' tasks stand, for the office's and
the standing committee's /directives/, a unit leader's (the directives their units have tasks in), and the
export's "by directive" sheet.

    rows = directive_rows(user)                          # every directive this person sees a task of
    rows = directive_rows(user, document=5, standing="overdue", overdue_only=True, q="tuyen truyen",
                          sort="-overdue")
    for row in rows:                                     # Directive objects, resolution read with them
        row.resolution.display_name, row.place, row.title, row.unit_count, row.done_count, row.overdue_count,
        row.worst_standing (Standing(row.worst_standing).label), row.nearest_deadline

One query: the directives joined to the tasks this person may see (tasks.access.visible_tasks, the one rule), grouped
by directive; each count is a filtered COUNT over that join, the standing of each task decided by
tasks.standing.standing_condition (the rule on the columns). No query per row.
"""
from __future__ import annotations

import datetime

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models import CharField, IntegerField

from core.dates import local_today
from core.text import search_words
from resolutions.models import Directive

from ..access import visible_tasks
from ..choices import OPEN_STATUSES
from ..standing import ATTENTION_ORDER, DONE, Standing, standing_condition

# The annotations of each row, in the order a table shows them. Only the tasks the directive gave (not sub-tasks a
# unit delegated) and only those this person may see are counted; a cancelled task counts nowhere but in `cancelled`.
COUNTED_STANDINGS = {
    "overdue_count": [Standing.OVERDUE],
    "due_soon_count": [Standing.DUE_SOON],
    "on_track_count": [Standing.ON_TRACK],
    "ongoing_count": [Standing.ONGOING],
    "done_on_time_count": [Standing.DONE_ON_TIME],
    "done_late_count": [Standing.DONE_LATE],
    "done_count": DONE,
    "cancelled_count": [Standing.CANCELLED],
}

SORTS = {
    # name: the order (tasks.views.directives.SORT_LABELS says each in words); ties broken by place in the document
    "attention": ["worst_rank", "nearest_deadline_is_null", "nearest_deadline", "resolution_id", "order"],
    "document": ["-resolution__issued_on", "resolution_id", "order"],
    "deadline": ["nearest_deadline_is_null", "nearest_deadline", "resolution_id", "order"],
    "-overdue": ["-overdue_count", "worst_rank", "resolution_id", "order"],
    "-units": ["-unit_count", "resolution_id", "order"],
    "title": ["short_title", "resolution_id", "order"],
}
DEFAULT_SORT = "attention"


def _counted(standings, today) -> Q:
    """A joined task (tasks__…) whose standing is one of `standings`: the rule on the joined row's own columns (a
    subquery over every task per count made the export's 5,000-row sheet wait 0.25 s for this query)."""
    return standing_condition(standings, today, prefix="tasks__")


def directive_rows(user, *, document: int | None = None, standing: str | None = None, overdue_only: bool = False,
                   q: str = "", sort: str = DEFAULT_SORT, today: datetime.date | None = None) -> QuerySet[Directive]:
    """The directives this person sees a task of, one row each, annotated (all computed in the database):

    unit_count        tasks the directive gave that are not cancelled: one per unit, each task having one lead unit
    overdue_count, due_soon_count, on_track_count, ongoing_count, done_on_time_count, done_late_count
                      how many of those tasks stand so (tasks.standing)
    done_count        done_on_time_count + done_late_count
    cancelled_count   tasks the directive gave that were cancelled (not in unit_count)
    worst_rank        the position in tasks.standing.ATTENTION_ORDER of the standing that needs attention first
    worst_standing    that standing (a tasks.standing.Standing value): "overdue" as soon as one unit is late
    nearest_deadline  the soonest deadline among the tasks still open (None: none open, or all ongoing)
    nearest_deadline_is_null  1 when nearest_deadline is None, for sorting those last on either database

    Filters: `document` (a Resolution pk), `standing` (the worst standing is this), `overdue_only` (at least one
    unit overdue), `q` (words of the short title or the text, without diacritics is fine: matched on the tasks'
    search key and the directive's own words), `sort` one of SORTS. The rows come with `resolution` read.
    """
    today = today or local_today()
    tasks = visible_tasks(user, with_standing=False).filter(parent__isnull=True).values("pk")
    rows = Directive.objects.filter(tasks__in=tasks)
    counts = {name: Count("tasks", filter=_counted(standings, today)) for name, standings in COUNTED_STANDINGS.items()}
    rows = rows.annotate(**counts).annotate(
        unit_count=Count("tasks", filter=~_counted([Standing.CANCELLED], today)),
        nearest_deadline=Min("tasks__deadline", filter=Q(tasks__status__in=OPEN_STATUSES)),
    )
    rank_of = {standing: rank for rank, standing in enumerate(ATTENTION_ORDER)}
    field_of = {standings[0]: name for name, standings in COUNTED_STANDINGS.items() if len(standings) == 1}
    rows = rows.annotate(
        worst_rank=Case(*[When(**{f"{field_of[standing]}__gt": 0}, then=Value(rank_of[standing]))
                          for standing in ATTENTION_ORDER], default=Value(len(ATTENTION_ORDER)),
                        output_field=IntegerField()),
        worst_standing=Case(*[When(**{f"{field_of[standing]}__gt": 0}, then=Value(str(standing)))
                              for standing in ATTENTION_ORDER], default=Value(""),
                            output_field=CharField(max_length=16, choices=Standing.choices)),
        nearest_deadline_is_null=Case(When(nearest_deadline__isnull=True, then=Value(1)), default=Value(0),
                                      output_field=IntegerField()),
    )
    if document:
        rows = rows.filter(resolution_id=document)
    if standing in rank_of:
        rows = rows.filter(worst_rank=rank_of[standing])
    if overdue_only:
        rows = rows.filter(overdue_count__gt=0)
    for word in (q or "").split():
        # The words as typed in the directive's own text, or as a search key (no diacritics) in its visible tasks'
        # (title, description, lead unit): Exists rather than a second join to the tasks, which would multiply
        # the counts.
        in_tasks = visible_tasks(user, with_standing=False).filter(directive=OuterRef("pk")).filter(
            *[Q(search_text__contains=key) for key in search_words(word)])
        rows = rows.filter(Q(short_title__icontains=word) | Q(text__icontains=word) | Exists(in_tasks))
    return (rows.select_related("resolution").defer("resolution__body")
            .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])))
