"""In-app notifications (the bell and /notifications/) and the office's outbox (/outbox/).

Both read the notification ledger that the reminders and the services write. A person sees their own notices about
tasks they may still see (tasks.selectors.visible_tasks); the outbox is the office's, and 404 for everyone else.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import mail, roles
from .models import Assignment, Notification, NotificationPreference, OutgoingEmail, local_today
from .selectors import scope_for, visible_tasks

PAGE_SIZE = 30


def inbox(user):
    """A person's notices, newest first: those due by today, about tasks they may still see."""
    notices = Notification.objects.filter(recipient=user, due_on__lte=local_today())
    if not scope_for(user).all_units:
        notices = notices.filter(task__in=visible_tasks(user, with_standing=False).values("pk"))
    return notices.select_related("task").order_by("-due_on", "-created_at", "-id")


def unread_count(user) -> int:
    """The bell's number, on every page: inbox(user)'s unread notices, counted without building the inbox's
    queryset (a task subquery, select_related, ordering: ~5 ms of CPU per page). The same rows: the person's own
    notices (never a unit mailbox's), due by today, unread, about a task one of their units is assigned to."""
    if not (user and user.is_authenticated):
        return 0
    scope = scope_for(user)
    if scope.is_empty:
        return 0  # sees no task, so no notice (inbox() reads nothing either)
    # Written out once rather than through the ORM (building and compiling the count with its EXISTS was ~2 ms of CPU
    # per page); the visibility condition is selectors.sees_task's: one of the scope's units is assigned to the task.
    # Only quoted table and column names are formatted into the SQL; every value is a parameter.
    sql = _UNREAD_SQL
    params = [user.pk, connection.ops.adapt_datefield_value(local_today())]
    if not scope.all_units:
        unit_ids = sorted(scope.unit_ids)
        sql += _VISIBLE_SQL.format(", ".join(["%s"] * len(unit_ids)))
        params += unit_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _unread_sql() -> tuple[str, str]:
    q = connection.ops.quote_name
    notice = Notification._meta
    column = {name: q(notice.get_field(name).column) for name in ("recipient", "due_on", "read_at", "task")}
    assigned = Assignment._meta
    unread = (f"SELECT COUNT(*) FROM {q(notice.db_table)} n "  # nosec B608
              f"WHERE n.{column['recipient']} = %s AND n.{column['due_on']} <= %s AND n.{column['read_at']} IS NULL")
    visible = (f" AND EXISTS (SELECT 1 FROM {q(assigned.db_table)} a "  # nosec B608
               f"WHERE a.{q(assigned.get_field('task').column)} = n.{column['task']} "
               f"AND a.{q(assigned.get_field('unit').column)} IN ({{}}))")
    return unread, visible


_UNREAD_SQL, _VISIBLE_SQL = _unread_sql()


@login_required
def notification_list(request):
    notices = inbox(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=request.user).first()
    return render(request, "tasks/notification_list.html", {
        "page_obj": page, "notifications": page.object_list, "only_unread": only_unread,
        "unread": unread_count(request.user),
        "email_digest": preference.email_digest if preference else True,
    })


@login_required
def notification_open(request, pk):
    """Follow a notice to its task, marking it read on the way."""
    notice = get_object_or_404(inbox(request.user), pk=pk)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return redirect(notice.task.get_absolute_url())


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark one notice (`pk` in the form) or all of them read."""
    notices = inbox(request.user).filter(read_at__isnull=True)
    if request.POST.get("pk"):
        notices = notices.filter(pk=request.POST["pk"]) if request.POST["pk"].isdigit() else notices.none()
    Notification.objects.filter(pk__in=list(notices.values_list("pk", flat=True))).update(read_at=timezone.now())
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "tasks:notifications"
    return redirect(back)


@login_required
@require_POST
def notification_preferences(request):
    """Turn the daily digest on or off (overdue notices are sent whatever the choice)."""
    enabled = request.POST.get("email_digest") == "on"
    NotificationPreference.objects.update_or_create(user=request.user, defaults={"email_digest": enabled})
    if enabled:
        messages.success(request, _("Bạn sẽ nhận thư tổng hợp hằng ngày."))
    else:
        messages.success(request, _("Đã tắt thư tổng hợp hằng ngày. Thư báo nhiệm vụ quá hạn vẫn được gửi."))
    return redirect("tasks:notifications")


# --- The office's outbox ----------------------------------------------------------------------------------


def _office_only(request):
    if not roles.is_office(request.user):
        raise Http404("No outbox here.")


@login_required
def outbox(request):
    _office_only(request)
    emails = OutgoingEmail.objects.select_related("recipient", "recipient_unit").order_by("-day", "-id")
    status = request.GET.get("status", "")
    if status in OutgoingEmail.Status.values:
        emails = emails.filter(status=status)
    else:
        status = ""
    counts = dict(OutgoingEmail.objects.order_by().values_list("status").annotate(n=Count("id")))
    page = Paginator(emails.annotate(item_count=Count("items")), 50).get_page(request.GET.get("page"))
    return render(request, "tasks/outbox.html", {
        "page_obj": page, "emails": page.object_list, "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in OutgoingEmail.Status.choices],
    })


@login_required
def outbox_detail(request, pk):
    """One email: to whom, when, what happened, and the message as it reads (rendered again from the ledger)."""
    _office_only(request)
    email = get_object_or_404(OutgoingEmail.objects.select_related("recipient", "recipient_unit"), pk=pk)
    try:
        message, _items = mail.build_message(email)
    except Exception as exc:  # noqa: BLE001 - shown to the office, who can tell the administrator
        message, error = None, mail.describe(exc)
    else:
        error = ""
    return render(request, "tasks/outbox_detail.html", {
        "email": email, "message": message, "render_error": error,
        "items": email.items.select_related("task", "recipient", "recipient_unit").order_by("task_id"),
    })


@login_required
@require_POST
def outbox_resend(request, pk):
    _office_only(request)
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if email.status == OutgoingEmail.Status.SENDING:
        messages.warning(request, _("Thư đang được gửi; hãy thử lại sau ít phút."))
    else:
        mail.resend(email)
        messages.success(request, _("Đã đưa thư gửi %(to)s vào hàng đợi gửi lại.") % {"to": email.to_address})
    return redirect("tasks:outbox")
