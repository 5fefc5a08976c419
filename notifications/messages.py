"""What an email says: the daily digest (one line per task, with its standing and a link) and the weekly summary
for the office and the standing committee. Titles and links only: no report text, no attachments (some
directives are confidential)."""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.names import comrade
from tasks.models import ExtensionRequest, Review, Task
from tasks.standing import Standing

from . import reminders
from .models import Notification, OutgoingEmail
from .sweep import current_rules


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def standing_phrase(task: Task, day: datetime.date) -> str:
    """'còn 3 ngày', 'hôm nay', 'quá hạn 5 ngày' as of the email's day (no phrase for ongoing or closed tasks)."""
    if task.deadline is None or not task.is_open:
        return ""
    days = (task.deadline - day).days
    if days == 0:
        return _("đến hạn hôm nay")
    if days > 0:
        return ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", -days) % {"n": -days}


@dataclass
class Item:
    task: Task
    url: str
    standing: str
    standing_label: str
    phrase: str
    reasons: list[str]


STANDING_ORDER = [Standing.OVERDUE, Standing.DUE_SOON, Standing.ONGOING, Standing.ON_TRACK, Standing.DONE_LATE,
                  Standing.DONE_ON_TIME, Standing.CANCELLED]


def digest_items(email: OutgoingEmail, rows: list[Notification] | None = None) -> tuple[list[Item], list[int]]:
    """One line per task (title, standing, link), from the ledger rows this email carries.

    Reminders about a task that was closed meanwhile are dropped; the notices of events stay. Returns the lines
    and the ids of the rows they tell (the rest are marked skipped with the email).
    """
    if rows is None:
        rows = list(email.items.select_related("task").order_by("task_id", "id"))
    by_task: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.kind in reminders.REMINDER_KINDS and row.task.status not in reminders.REMINDED_STATUSES:
            continue
        by_task[row.task_id].append(row)
    items, told = [], []
    for task_rows in by_task.values():
        task = task_rows[0].task
        standing = task.compute_standing(today=email.day)
        label = Standing(standing).label
        # Why the task is in the email, where the standing does not already say it ("Được giao nhiệm vụ").
        reasons = [reason for reason in dict.fromkeys(_reason(row) for row in task_rows) if reason != label]
        items.append(Item(task, absolute(task.get_absolute_url()), standing, label,
                          standing_phrase(task, email.day), reasons))
        told += [row.pk for row in task_rows]
    items.sort(key=lambda i: (STANDING_ORDER.index(i.standing), i.task.deadline or datetime.date.max, i.task.pk))
    return items, told


def _reason(row: Notification) -> str:
    """What the notice says: its kind ("Được giao nhiệm vụ"), or for an approved extension the date granted and,
    when the office chose another, the one asked (ExtensionRequest.approval_text, as the task's timeline says it)."""
    if row.kind == Notification.Kind.EXTENSION_APPROVED:
        extension = (row.task.extension_requests.filter(status=ExtensionRequest.Status.APPROVED)
                     .order_by("-decided_at", "-pk").first())
        if extension is not None:
            return extension.approval_text()
    return str(row.get_kind_display())


def weekly_context(email: OutgoingEmail) -> tuple[dict, list[int]]:
    """Overdue tasks by lead unit (with the escalations), completions and extension requests of the past week."""
    day = email.day
    week_start = day - datetime.timedelta(days=7)
    rules = current_rules()
    overdue = (
        Task.objects.filter(status__in=Task.OPEN_STATUSES, deadline__lt=day)
        .with_lead_unit()
        .order_by("deadline", "pk")
    )
    units = {}
    for task in overdue:
        units.setdefault(task.lead_unit_id, {"name": task.lead_unit_name or "—", "tasks": []})
        units[task.lead_unit_id]["tasks"].append({
            "task": task, "url": absolute(task.get_absolute_url()), "days": reminders.days_overdue(task.deadline, day),
            "escalated": reminders.is_escalated(task.deadline, day, rules),
        })
    by_unit = sorted(units.values(), key=lambda u: (-len(u["tasks"]), u["name"]))
    completions = [
        {"task": review.task, "url": absolute(review.task.get_absolute_url()), "on": review.reviewed_at}
        for review in Review.objects.filter(
            outcome=Review.Outcome.APPROVED, reviewed_at__date__gte=week_start, reviewed_at__date__lt=day
        ).select_related("task").order_by("reviewed_at")
    ]
    extensions = [
        {"request": ext, "task": ext.task, "url": absolute(ext.task.get_absolute_url())}
        for ext in ExtensionRequest.objects.filter(
            created_at__date__gte=week_start, created_at__date__lt=day
        ).select_related("task", "unit").order_by("created_at")
    ]
    escalated = [entry for unit in by_unit for entry in unit["tasks"] if entry["escalated"]]
    context = {
        "by_unit": by_unit, "overdue_count": sum(len(u["tasks"]) for u in by_unit), "escalated": escalated,
        "completions": completions, "extensions": extensions, "week_start": week_start,
        "escalation_after_days": rules.escalation_after_days,
    }
    return context, list(email.items.values_list("pk", flat=True))


def build_message(email: OutgoingEmail, rows: list[Notification] | None = None
                  ) -> tuple[EmailMultiAlternatives | None, list[int]]:
    """The message for this email, or None when nothing is left to tell. Titles and links only: no report text,
    no attachments (some directives are confidential). `rows`: the email's ledger rows with their tasks, when the
    caller has read them already (a batch reads them for all its emails at once)."""
    address = email.recipient.email if email.recipient_id else email.recipient_unit.email
    with translation.override(settings.LANGUAGE_CODE):
        if email.kind == OutgoingEmail.Kind.WEEKLY:
            context, item_ids = weekly_context(email)
            template = "email/weekly"
        else:
            items, item_ids = digest_items(email, rows)
            if not items:
                return None, [row.pk for row in rows] if rows is not None else list(
                    email.items.values_list("pk", flat=True))
            context = {
                "items": items, "overdue_count": sum(i.standing == Standing.OVERDUE for i in items),
            }
            template = "email/digest"
        context |= {
            "email": email, "day": email.day, "site_url": settings.SITE_URL,
            # "Kính gửi đồng chí Lê Thị Tuyên," to a person, "Kính gửi Ban Tuyên giáo Tỉnh ủy," to a unit's mailbox.
            "recipient_name": comrade(email.recipient) if email.recipient_id else email.recipient_unit.name,
            "preferences_url": absolute("/notifications/"),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    return message, item_ids
