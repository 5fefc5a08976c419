"""The daily sweep and the planning of emails: the layer between the reminder policy (notifications.reminders,
pure dates) and the database.

`sweep` writes into the ledger the reminders due on a day (and on days missed since the last sweep) and plans the
day's digests; `plan_events` puts the notices written during the day into the day's digests; `weekly_summary` plans
the office's and the standing committee's Monday summary. Each is safe to run twice, or twice at once: the ledger's
and the outbox's unique constraints make the second a no-op.
"""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts import roles
from core.dates import local_today
from core.installation import installation_id
from tasks.models import Assignment, ProgressReport, Task
from units.models import Membership, Unit

from . import queue
from .models import Notification, OutgoingEmail, ReminderPolicy
from .reminders import (
    CATCH_UP_DAYS,
    MANDATORY_KINDS,
    REMINDED_STATUSES,
    REMINDER_KINDS,
    Audience,
    Reminder,
    Rules,
    days_to_sweep,
    first_working_day_of_week,
    is_working_day,
    reminders_on,
)

logger = logging.getLogger(__name__)
User = get_user_model()
Kind = Notification.Kind


def current_rules() -> Rules:
    return Rules.from_policy(ReminderPolicy.load())




@dataclass
class SweepResult:
    day: datetime.date
    working_day: bool
    days: list[datetime.date] = field(default_factory=list)
    reminders_written: int = 0
    emails_planned: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _TaskFacts:
    pk: int
    deadline: datetime.date | None
    report_cycle: str
    created_on: datetime.date


def _open_tasks() -> list[_TaskFacts]:
    rows = (
        Task.objects.filter(status__in=REMINDED_STATUSES)
        .filter(Q(deadline__isnull=False) | ~Q(report_cycle=""))
        .values_list("pk", "deadline", "report_cycle", "created_at")
    )
    return [
        _TaskFacts(pk, deadline, cycle or "", timezone.localtime(created).date())
        for pk, deadline, cycle, created in rows.iterator(chunk_size=2000)
    ]


def _reported(task_ids: Iterable[int], period: tuple[datetime.date, datetime.date]) -> set[int]:
    """The tasks among these with a progress report (not a contribution) dated inside the period."""
    return set(
        ProgressReport.objects.filter(
            task_id__in=list(task_ids), kind=ProgressReport.Kind.REPORT, created_at__date__range=period
        ).values_list("task_id", flat=True)
    )


@dataclass
class _Audiences:
    """Who hears about each task: members and mailboxes of its lead and coordinating units (three queries)."""

    units: dict[tuple[int, Audience], list[int]] = field(default_factory=lambda: defaultdict(list))
    members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    mailboxes: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, task_ids: Iterable[int]) -> _Audiences:
        audiences = cls()
        rows = Assignment.objects.filter(task_id__in=list(task_ids), unit__active=True).values_list(
            "task_id", "unit_id", "role"
        )
        for task_id, unit_id, role in rows:
            audience = Audience.LEAD if role == Assignment.Role.LEAD else Audience.COORDINATING
            audiences.units[task_id, audience].append(unit_id)
        unit_ids = {unit_id for ids in audiences.units.values() for unit_id in ids}
        for unit_id, user_id in Membership.objects.filter(unit_id__in=unit_ids, user__is_active=True).values_list(
            "unit_id", "user_id"
        ):
            audiences.members[unit_id].append(user_id)
        audiences.mailboxes = set(Unit.objects.filter(pk__in=unit_ids).exclude(email="").values_list("pk", flat=True))
        return audiences

    def rows(self, task_id: int, reminder: Reminder, day: datetime.date) -> list[Notification]:
        rows = []
        for unit_id in self.units.get((task_id, reminder.audience), ()):
            rows += [
                Notification(task_id=task_id, recipient_id=user_id, kind=reminder.kind, due_on=day)
                for user_id in self.members.get(unit_id, ())
            ]
            if unit_id in self.mailboxes:
                rows.append(Notification(task_id=task_id, recipient_unit_id=unit_id, kind=reminder.kind, due_on=day))
        return rows


def write_reminders(day: datetime.date, rules: Rules) -> int:
    """Write the ledger rows for the reminders going out on `day`; returns how many rows are new."""
    due: list[tuple[int, Reminder]] = []
    for task in _open_tasks():
        for reminder in reminders_on(
            day, deadline=task.deadline, report_cycle=task.report_cycle, created_on=task.created_on, rules=rules
        ):
            due.append((task.pk, reminder))
    # Report reminders only for periods the unit has not reported on yet.
    by_period = defaultdict(set)
    for task_id, reminder in due:
        if reminder.period:
            by_period[reminder.period].add(task_id)
    reported = {period: _reported(task_ids, period) for period, task_ids in by_period.items()}
    due = [(task_id, r) for task_id, r in due if not (r.period and task_id in reported[r.period])]
    if not due:
        return 0
    audiences = _Audiences.of({task_id for task_id, _reminder in due})
    rows = [row for task_id, reminder in due for row in audiences.rows(task_id, reminder, day)]
    before = Notification.objects.filter(due_on=day, kind__in=REMINDER_KINDS).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.filter(due_on=day, kind__in=REMINDER_KINDS).count() - before


def sweep(day: datetime.date | None = None, *, hand_over: bool = True) -> SweepResult:
    """The daily run: write the reminders due on `day` (and on days missed since the last sweep), then plan the
    day's digests. Safe to run twice, or twice at once: the ledger's unique constraints make the second a no-op.

    With `hand_over` the planned emails go to the workers once the transaction commits (`send_reminders --sync`
    sends them itself).
    """
    day = day or local_today()
    policy = ReminderPolicy.load()
    rules = Rules.from_policy(policy)
    result = SweepResult(day=day, working_day=is_working_day(day), days=days_to_sweep(policy.last_swept_on, day))
    with transaction.atomic():
        for swept in result.days:
            result.reminders_written += write_reminders(swept, rules)
        ReminderPolicy.objects.filter(pk=policy.pk).filter(
            Q(last_swept_on__isnull=True) | Q(last_swept_on__lt=day)
        ).update(last_swept_on=day)
        if result.working_day:
            result.emails_planned = plan_digests(day)
        if hand_over:
            transaction.on_commit(lambda: queue.enqueue(result.emails_planned))
    logger.info(
        "Reminder sweep for %s: %d new ledger rows, %d emails planned", day, result.reminders_written,
        len(result.emails_planned),
    )
    return result


def events_may_go_out(now: datetime.datetime | None = None) -> datetime.date | None:
    """The day whose digest a notice written now may join: today, on a working day from the send time on."""
    local = timezone.localtime(now or timezone.now())
    if is_working_day(local.date()) and local.time() >= ReminderPolicy.load().send_time:
        return local.date()
    return None


# --- Planning emails --------------------------------------------------------------------------------------


def _skip_undeliverable(pending) -> None:
    """Rows nobody can or wants to receive by email are marked skipped (the bell still shows them)."""
    now = timezone.now()
    no_address = Q(recipient__isnull=False) & (Q(recipient__email="") | Q(recipient__is_active=False))
    no_mailbox = Q(recipient_unit__isnull=False) & (Q(recipient_unit__email="") | Q(recipient_unit__active=False))
    opted_out = Q(
        recipient__notification_preference__email_digest=False
    ) & ~Q(kind__in=MANDATORY_KINDS)
    pending.filter(no_address | no_mailbox | opted_out).update(status=Notification.Status.SKIPPED, sent_at=now)


def message_id_for(*, kind: str, day: datetime.date, user_id: int | None = None, unit_id: int | None = None) -> str:
    """The same (recipient, day, kind) always gives the same Message-ID in one installation, so duplicates can be
    counted (and the ID is kept on the email's row, so a resend uses it again); two installations with the same
    SITE_URL give different ones (core.installation)."""
    domain = urlparse(settings.SITE_URL).hostname or "portal.invalid"
    who = f"user{user_id}" if user_id else f"unit{unit_id}"
    return f"<{kind}.{day:%Y%m%d}.{who}@{installation_id()}.{domain}>"


def _email_for(*, kind: str, day: datetime.date, user=None, unit=None) -> OutgoingEmail:
    lookup = {"recipient": user} if user is not None else {"recipient_unit": unit}
    email, _created = OutgoingEmail.objects.get_or_create(
        kind=kind, day=day, **lookup,
        defaults={
            "to_address": (user or unit).email,
            "message_id": message_id_for(
                kind=kind, day=day, user_id=getattr(user, "pk", None), unit_id=getattr(unit, "pk", None)
            ),
        },
    )
    return email


def _attach(email: OutgoingEmail, rows) -> int:
    """Put these pending rows into `email`, unless a worker already took it (then they wait for the next one).

    The row lock (PostgreSQL; on SQLite the write transaction) orders this against the sender's claim, so a row is
    never added to a message that is already being sent.
    """
    locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if locked.status != OutgoingEmail.Status.PENDING:
        return 0
    return rows.update(email=locked)


def plan_digests(day: datetime.date) -> list[int]:
    """Gather every pending notice due by `day` that no email carries yet into its recipient's digest for `day`.

    One digest per person (and per unit mailbox) per day. Must run inside a transaction. Returns the ids of the
    digests that received rows.

    A fixed handful of queries whatever the number of recipients (issue 7: asking per recipient took ~14 s for
    3,000 digests at 100,000 tasks): the digests are created together (the unique constraints make an existing
    one win), locked together, then filled by one UPDATE per kind of recipient.
    """
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, email__isnull=True, due_on__lte=day
    ).exclude(kind=Kind.ESCALATION)
    _skip_undeliverable(pending)
    kind = OutgoingEmail.Kind.DIGEST
    planned = []
    for field, model in (("recipient", User), ("recipient_unit", Unit)):
        addresses = dict(
            model.objects.filter(pk__in=pending.filter(**{f"{field}__isnull": False}).values(f"{field}_id"))
            .values_list("pk", "email")
        )
        if not addresses:
            continue
        id_field = "user_id" if field == "recipient" else "unit_id"
        OutgoingEmail.objects.bulk_create(
            [
                OutgoingEmail(kind=kind, day=day, to_address=address, **{f"{field}_id": pk},
                              message_id=message_id_for(kind=kind, day=day, **{id_field: pk}))
                for pk, address in addresses.items()
            ],
            ignore_conflicts=True, batch_size=500,
        )
        # The row locks order this against the sender's claim: a row never joins a message already being sent.
        emails = dict(
            OutgoingEmail.objects.select_for_update()
            .filter(kind=kind, day=day, status=OutgoingEmail.Status.PENDING, **{f"{field}_id__in": list(addresses)})
            .values_list(f"{field}_id", "pk")
        )
        if not emails:
            continue
        digest = OutgoingEmail.objects.filter(
            kind=kind, day=day, status=OutgoingEmail.Status.PENDING, **{field: OuterRef(field)}
        ).values("pk")[:1]
        pending.filter(**{f"{field}_id__in": list(emails)}).update(email=Subquery(digest))
        planned += [emails[pk] for pk in sorted(emails)]
    return planned


def plan_events(now: datetime.datetime | None = None) -> list[int]:
    """Notices written during the day (assignment, decisions, a returned task) join the recipient's digest of the
    day when it has not gone yet; otherwise they wait for the next working morning (the bell shows them at once)."""
    day = events_may_go_out(now)
    if day is None:
        return []
    with transaction.atomic():
        return plan_digests(day)


# --- The weekly summary -----------------------------------------------------------------------------------


def summary_recipients():
    """The office and the standing committee."""
    return roles.people_in(roles.OFFICE_GROUP, roles.STANDING_GROUP)


def escalated_tasks(day: datetime.date, rules: Rules):
    """Open tasks more than `escalation_after_days` overdue on `day`."""
    return Task.objects.filter(
        status__in=Task.OPEN_STATUSES,
        deadline__lt=day - datetime.timedelta(days=rules.escalation_after_days),
    )


def weekly_summary(day: datetime.date | None = None) -> list[int]:
    """On the first working day of the week: escalation rows for the office, one summary email each for the office
    and the standing committee. Returns the ids of the planned emails (none on other days)."""
    day = day or local_today()
    if first_working_day_of_week(day) != day:
        return []
    rules = current_rules()
    office = list(roles.people_in(roles.OFFICE_GROUP))
    with transaction.atomic():
        rows = [
            Notification(task_id=task_id, recipient=user, kind=Kind.ESCALATION, due_on=day)
            for task_id in escalated_tasks(day, rules).values_list("pk", flat=True)
            for user in office
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        escalations = Notification.objects.filter(
            kind=Kind.ESCALATION, status=Notification.Status.PENDING, email__isnull=True, due_on__lte=day
        )
        planned = []
        for user in summary_recipients().exclude(email="").order_by("pk"):
            email = _email_for(kind=OutgoingEmail.Kind.WEEKLY, day=day, user=user)
            _attach(email, escalations.filter(recipient=user))
            if email.status == OutgoingEmail.Status.PENDING:
                planned.append(email.pk)
        escalations.filter(recipient__email="").update(status=Notification.Status.SKIPPED)
        transaction.on_commit(lambda: queue.enqueue(planned))
    return planned


# --- Settings the office edits ----------------------------------------------------------------------------

DAILY_SWEEP_TASK = "portal.daily_sweep"


def sync_beat_schedule(policy: ReminderPolicy) -> None:
    """Move the daily sweep's crontab (django-celery-beat) to the policy's send time, so the two never disagree."""
    for periodic in PeriodicTask.objects.filter(task=DAILY_SWEEP_TASK).select_related("crontab"):
        current = periodic.crontab
        if current is None:
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=str(policy.send_time.minute), hour=str(policy.send_time.hour), day_of_week=current.day_of_week,
            day_of_month=current.day_of_month, month_of_year=current.month_of_year, timezone=current.timezone,
        )
        if crontab.pk != current.pk:
            periodic.crontab = crontab
            periodic.save(update_fields=["crontab"])
