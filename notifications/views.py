"""In-app notifications (the bell and /notifications/) and the office's outbox (/outbox/).

Both read the notification ledger that the reminders and the task events write. A person sees their own notices about
tasks they may still see (tasks.access); the outbox is the office's, and 404 for everyone else.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from core.dates import local_today
from tasks.access import visible

from .delivery import describe, resend
from .messages import build_message
from .models import Notification, NotificationPreference, OutgoingEmail

PAGE_SIZE = 30


def inbox(user):
    """A person's notices, newest first: those due by today, about tasks they may still see (tasks.access)."""
    notices = visible(Notification.objects.filter(recipient=user, due_on__lte=local_today()), user)
    return notices.select_related("task").order_by("-due_on", "-created_at", "-id")


def unread_count(user) -> int:
    """The bell's number, on every page: the inbox's unread notices."""
    if not (user and user.is_authenticated):
        return 0
    unread = Notification.objects.filter(recipient=user, due_on__lte=local_today(), read_at__isnull=True)
    return visible(unread, user).count()


@login_required
def notification_list(request):
    notices = inbox(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=request.user).first()
    return render(request, "notifications/notification_list.html", {
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
        back = "notifications:inbox"
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
