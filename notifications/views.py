"""In-app notifications (the bell and /notifications/) and the office's outbox (/outbox/).

Both read the notification ledger that the reminders and the task events write. A person sees their own notices about
tasks they may still see (notifications.selectors, on tasks.access) and changes them through notifications.services;
the outbox is the office's, and 404 for everyone else.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from jobs.selectors import ready_files

from . import services
from .delivery import describe, resend
from .messages import build_message
from .models import OutgoingEmail
from .selectors import inbox, unread_count, wants_email_digest

PAGE_SIZE = 30
READY_FILES_SHOWN = 10  # the rest are in /files/


@login_required
def notification_list(request):
    notices = inbox(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {
        "page_obj": page, "notifications": page.object_list, "only_unread": only_unread,
        "unread": unread_count(request.user), "email_digest": wants_email_digest(request.user),
        "ready_files": list(ready_files(request.user)[:READY_FILES_SHOWN]),
    })


@login_required
def notification_open(request, pk):
    """Follow a notice to its task, marking it read on the way."""
    notice = get_object_or_404(inbox(request.user), pk=pk)
    if notice.read_at is None:
        services.mark_notification_read(user=request.user, pk=notice.pk)
    return redirect(notice.task.get_absolute_url())


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark one notice (`pk` in the form) or all of them read."""
    pk = request.POST.get("pk", "")
    if not pk:
        services.mark_all_notifications_read(user=request.user)
    elif pk.isdigit():
        services.mark_notification_read(user=request.user, pk=int(pk))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "notifications:inbox"
    return redirect(back)


@login_required
@require_POST
def notification_preferences(request):
    """Turn the daily digest on or off (overdue notices are sent whatever the choice)."""
    enabled = request.POST.get("email_digest") == "on"
    services.set_email_digest(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("Bạn sẽ nhận thư tổng hợp hằng ngày."))
    else:
        messages.success(request, _("Đã tắt thư tổng hợp hằng ngày. Thư báo nhiệm vụ quá hạn vẫn được gửi."))
    return redirect("notifications:inbox")


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
    return render(request, "notifications/outbox.html", {
        "page_obj": page, "emails": page.object_list, "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in OutgoingEmail.Status.choices],
    })


@login_required
def outbox_detail(request, pk):
    """One email: to whom, when, what happened, and the message as it reads (rendered again from the ledger)."""
    _office_only(request)
    email = get_object_or_404(OutgoingEmail.objects.select_related("recipient", "recipient_unit"), pk=pk)
    try:
        message, _items = build_message(email)
    except Exception as exc:  # noqa: BLE001 - shown to the office, who can tell the administrator
        message, error = None, describe(exc)
    else:
        error = ""
    return render(request, "notifications/outbox_detail.html", {
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
        resend(email)
        messages.success(request, _("Đã đưa thư gửi %(to)s vào hàng đợi gửi lại.") % {"to": email.to_address})
    return redirect("notifications:outbox")
