"""One task's timeline: reports, contributions, extension requests and decisions, completion proposals and
reviews, and the history of the task and its assignments, merged newest first.

The caller has already checked that the person may see the task (tasks.access.get_visible_task): everything here is
about that one task. A fixed number of queries whatever the length of the history.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.names import person

from .models import Assignment, Attachment, ExtensionRequest, ProgressReport, Review, Task

# Task fields whose changes are shown, in this order; the rest (version, timestamps) is bookkeeping.
TRACKED_FIELDS = ("status", "deadline", "progress", "title", "description", "report_cycle", "cancel_reason")

# Ties on the same instant (a service writes its row and the task's history together): the event first.
KIND_RANK = {"review": 0, "extension_decision": 0, "proposal": 1, "extension_request": 1, "report": 1,
             "contribution": 1, "history": 2, "assignment": 3}


@dataclass
class Entry:
    when: datetime.datetime
    kind: str
    title: str
    who: object = None
    unit: object = None
    text: str = ""
    anchor: str = ""
    icon: str = "bi-dot"
    tone: str = "secondary"
    attachments: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # [(label, before, after)]
    percent: int | None = None

    @property
    def who_name(self) -> str:
        return person(self.who)

    @property
    def sort_key(self):
        return (self.when, -KIND_RANK.get(self.kind, 5))


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


# A service writes its event (report, decision...) and the task's history row in one transaction: a history row
# this close to an event by the same person is that event's effect on the task, shown under the event.
SAME_ACTION = datetime.timedelta(seconds=5)


def prefetch_events(task: Task) -> None:
    """Read the task's reports (with attachments), extension requests and reviews once, kept on the task object:
    the timeline, the page's "pending" badges and the policy (selectors.pending_extension) all use them."""
    if "reports" in getattr(task, "_prefetched_objects_cache", {}):
        return
    prefetch_related_objects(
        [task],
        Prefetch("reports", queryset=ProgressReport.objects.select_related("unit", "author").order_by("created_at")),
        Prefetch("extension_requests", queryset=ExtensionRequest.objects
                 .select_related("unit", "requested_by", "decided_by").order_by("created_at")),
        Prefetch("reviews", queryset=Review.objects.select_related("proposed_by", "reviewer").order_by("proposed_at")),
    )
    _prefetch_files(list(task.reports.all()), list(task.reviews.all()))


def _prefetch_files(reports: list, reviews: list) -> None:
    """The reports' and the completion proposals' files in one query (two prefetches would read the table twice),
    kept where `.attachments.all()` finds them, as prefetch_related keeps them."""
    files = list(Attachment.objects.filter(Q(report__in=reports) | Q(review__in=reviews)).order_by("pk")) \
        if reports or reviews else []
    for owners, key in ((reports, "report_id"), (reviews, "review_id")):
        for owner in owners:
            cached = owner.attachments.all()  # lazy: no query; filled below as prefetch_related fills it
            cached._result_cache = [f for f in files if getattr(f, key) == owner.pk]
            cached._prefetch_done = True
            owner._prefetched_objects_cache = {**getattr(owner, "_prefetched_objects_cache", {}),
                                               "attachments": cached}


def task_timeline(task: Task) -> list[Entry]:
    prefetch_events(task)  # nothing is read again when the caller already did
    events = _reports(task) + _extensions(task) + _reviews(task)
    entries = events + _merge_into_events(_task_history(task), events) + _assignment_history(task)
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


def _merge_into_events(history: list[Entry], events: list[Entry]) -> list[Entry]:
    """The history entries that are not the visible side of an event; the others lend it their changes."""
    kept = []
    for entry in history:
        candidates = [event for event in events
                      if entry.changes and entry.who is not None and event.who == entry.who and not event.changes
                      and event.kind in ("report", "proposal", "review", "extension_decision")
                      and abs(event.when - entry.when) <= SAME_ACTION]
        event = min(candidates, key=lambda event: abs(event.when - entry.when), default=None)
        if event is None:
            kept.append(entry)
        else:
            event.changes = entry.changes
    return kept


def _reports(task: Task) -> list[Entry]:
    reports = task.reports.all()
    entries = []
    for report in reports:
        contribution = report.kind == ProgressReport.Kind.CONTRIBUTION
        entries.append(Entry(
            when=report.created_at, kind="contribution" if contribution else "report",
            title=_("Ý kiến phối hợp") if contribution else _("Báo cáo tiến độ"),
            who=report.author, unit=report.unit, text=report.text, anchor=f"report-{report.pk}",
            icon="bi-people" if contribution else "bi-journal-text", tone="info" if contribution else "primary",
            attachments=list(report.attachments.all()), percent=None if contribution else report.percent,
        ))
    return entries


def _extensions(task: Task) -> list[Entry]:
    requests = task.extension_requests.all()
    entries = []
    for request in requests:
        entries.append(Entry(
            when=request.created_at, kind="extension_request",
            title=_("Đề nghị gia hạn: từ %(old)s đến %(new)s") % {
                "old": _date(request.current_deadline), "new": _date(request.requested_deadline)},
            who=request.requested_by, unit=request.unit, text=request.reason, anchor=f"extension-{request.pk}",
            icon="bi-calendar-plus", tone="warning",
        ))
        if request.status != ExtensionRequest.Status.PENDING and request.decided_at:
            approved = request.status == ExtensionRequest.Status.APPROVED
            entries.append(Entry(
                when=request.decided_at, kind="extension_decision",
                title=(request.approval_text() if approved
                       else _("Không đồng ý gia hạn đến %(new)s") % {"new": _date(request.requested_deadline)}),
                who=request.decided_by, text=request.decision_comment, anchor=f"extension-{request.pk}-decision",
                icon="bi-calendar-check" if approved else "bi-calendar-x", tone="success" if approved else "danger",
            ))
    return entries


def _reviews(task: Task) -> list[Entry]:
    reviews = task.reviews.all()
    entries = []
    for review in reviews:
        entries.append(Entry(
            when=review.proposed_at, kind="proposal", title=str(Task.Status.PROPOSED.label), who=review.proposed_by,
            text=review.result, anchor=f"review-{review.pk}", icon="bi-flag", tone="primary",
            attachments=list(review.attachments.all()),
        ))
        if review.outcome != Review.Outcome.PENDING and review.reviewed_at:
            approved = review.outcome == Review.Outcome.APPROVED
            entries.append(Entry(
                when=review.reviewed_at, kind="review",
                title=str(review.get_outcome_display()),
                who=review.reviewer, text=review.comment, anchor=f"review-{review.pk}-decision",
                icon="bi-check2-circle" if approved else "bi-arrow-counterclockwise",
                tone="success" if approved else "danger",
            ))
    return entries


def _display(field_name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field_name == "status":
        return str(Task.Status(value).label) if value in Task.Status.values else value
    if field_name == "report_cycle":
        return str(Task.ReportCycle(value).label) if value in Task.ReportCycle.values else value
    if field_name == "progress":
        return f"{value}%"
    if isinstance(value, datetime.date):
        return _date(value)
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def _task_history(task: Task) -> list[Entry]:
    records = list(task.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {name: Task._meta.get_field(name).verbose_name for name in TRACKED_FIELDS}
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            for name in TRACKED_FIELDS:
                before, after = getattr(previous, name), getattr(record, name)
                if before != after:
                    changes.append((str(labels[name]).capitalize(), _display(name, before), _display(name, after)))
        previous = record
        if record.history_type == "+":
            title = record.history_change_reason or _("Tạo nhiệm vụ")
        elif record.history_type == "-":
            title = _("Xóa nhiệm vụ")
        else:
            title = record.history_change_reason or _("Cập nhật nhiệm vụ")
            if not changes and not record.history_change_reason:
                continue
        entries.append(Entry(
            when=record.history_date, kind="history", title=title, who=record.history_user, changes=changes,
            icon="bi-clock-history", tone="secondary",
        ))
    return entries


def _assignment_history(task: Task) -> list[Entry]:
    """Who was given a part in the task, and who lost it; rows written together are shown as one entry."""
    records = (
        Assignment.history.filter(task_id=task.pk)
        .select_related("unit", "history_user").order_by("history_date", "history_id")
    )
    entries: list[Entry] = []
    for record in records:
        if record.history_type == "~":
            continue
        role = Assignment.Role(record.role).label if record.role in Assignment.Role.values else record.role
        line = f"{role}: {record.unit}"
        last = entries[-1] if entries else None
        if (last is not None and last.who == record.history_user and last.kind == "assignment"
                and last.icon == _assignment_icon(record.history_type)
                and record.history_date - last.when < datetime.timedelta(seconds=5)):
            last.changes.append((line, "", ""))
            continue
        entries.append(Entry(
            when=record.history_date, kind="assignment",
            title=_("Phân công đơn vị") if record.history_type == "+" else _("Thôi phân công đơn vị"),
            who=record.history_user, changes=[(line, "", "")], icon=_assignment_icon(record.history_type),
            tone="secondary",
        ))
    return entries


def _assignment_icon(history_type: str) -> str:
    return "bi-person-plus" if history_type == "+" else "bi-person-dash"
