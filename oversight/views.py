"""Oversight pages: the dashboard, the Excel export of the task list, the implementation report (.docx) and the
personal calendar feed.

Thin views: the reads live in oversight.dashboard, oversight.exports, oversight.report and
oversight.calendar_feed, and who may see what in tasks.access. The dashboard and the report are for the office,
the standing committee and unit leaders; anyone else gets 404, as for anything they may not see (DESIGN.md: never
403, never a hint). An officer's navigation has no link to them, so a 404 only answers a typed or forwarded
address; a redirect would quietly hide that the address is wrong for them.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.identity import scope_for
from jobs.web import answer_with_job
from core.dates import local_today
from units.models import Unit

from . import background, calendar_feed, exports, report
from .access import may_see_dashboard
from .dashboard import cache as board_cache
from .dashboard import links, tables
from .dashboard.choice import dashboard_form
from .dashboard.page import BoardDrawing
from .models import CalendarToken

def _require_dashboard(user):
    if not may_see_dashboard(user):
        raise Http404("No dashboard for this person.")


def _scope_label(user) -> str:
    scope = scope_for(user)
    if scope.all_units:
        return _("Toàn bộ các đơn vị")
    names = list(Unit.objects.filter(pk__in=scope.led_unit_ids).order_by("order", "name").values_list("name", flat=True))
    return _("%(units)s và các đơn vị trực thuộc") % {"units": ", ".join(names)}


def _document_choices_url() -> str:
    """The documents' search endpoint of the task list's drop-down (tasks/views/choices.py), when installed."""
    try:
        return reverse("tasks:document_choices")
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def dashboard_view(request):
    """/dashboard/: the figures, the four charts and their tables (the first rows of each); ?all=units (with
    sort=rate for the ranking) or ?all=documents: one whole table, a page at a time, for the same selection."""
    user = request.user
    _require_dashboard(user)
    today = local_today()
    form, selection = dashboard_form(request, today=today)
    choices_url = _document_choices_url()
    report_query = urlencode(selection.query_params())
    context = {
        "form": form,
        "selection": selection,
        "scope_label": _scope_label(user),
        "document_options": form.document_options(searched=bool(choices_url), selection=selection),
        "document_choices_url": choices_url,
        "report_url": reverse("oversight:report") + "?" + report_query,
        "export_url": links.export_url({**selection.list_data(), "standing": links.COUNTED}),
        "list_url": links.list_url({**selection.list_data(), "standing": links.COUNTED}),
        "dashboard_url": reverse("oversight:dashboard") + "?" + report_query,
    }
    what = request.GET.get("all")
    if what == "documents":
        section, page = tables.all_documents_table(user, selection, request.GET.get("page"), today)
        return render(request, "oversight/dashboard_all.html", {**context, "section": section, "page_obj": page})
    board = board_cache.cached_build(user, selection, today)
    context["board"] = board
    if what == "units":
        sort = "rate" if request.GET.get("sort") == "rate" else "overdue"
        section, page = tables.all_units_table(board, sort, request.GET.get("page"))
        return render(request, "oversight/dashboard_all.html", {**context, "section": section, "page_obj": page})
    context["drawing"] = BoardDrawing(board)
    return render(request, "oversight/dashboard.html", context)


@login_required
@require_GET
def export_tasks(request):
    """/tasks/export.xlsx: what /tasks/ shows with the same parameters: a sheet by directive (those of the tasks
    shown) and a sheet of the tasks, one row per unit's task. Up to PORTAL_EXPORT_DIRECT_ROWS tasks the file itself;
    more, a background job and a redirect to its page (jobs)."""
    user = request.user
    tasks = background.exported_tasks(user, request.GET)
    rows = tasks.count()
    if rows > settings.PORTAL_EXPORT_DIRECT_ROWS:
        title = ngettext("Danh sách nhiệm vụ (Excel), %(n)s nhiệm vụ", "Danh sách nhiệm vụ (Excel), %(n)s nhiệm vụ",
                         rows) % {"n": number_format(rows, force_grouping=True)}
        return answer_with_job(request, kind=background.TASKS_XLSX, title=title,
                               params={"query": request.GET.urlencode()})
    return FileResponse(exports.workbook_file(user, tasks), as_attachment=True, filename=exports.export_filename(),
                        content_type=background.XLSX)


@login_required
@require_GET
def implementation_report(request):
    """/reports/implementation.docx?period=2026-Q3 (or 2026-H1, 2026, custom with date_from and date_to),
    optionally document and group: the quarterly report by default. With more than PORTAL_REPORT_DIRECT_ROWS tasks
    in its appendix, a background job and a redirect to its page (jobs)."""
    user = request.user
    _require_dashboard(user)
    today = local_today()
    selection = background.report_form(user, request.GET, today).selection()
    if report.size(user, selection, today) > settings.PORTAL_REPORT_DIRECT_ROWS:
        title = _("Báo cáo kết quả thực hiện %(period)s") % {"period": selection.period.label}
        return answer_with_job(request, kind=background.REPORT_DOCX, title=title,
                               params={"query": request.GET.urlencode()})
    data = report.collect(user, selection, today)
    response = HttpResponse(report.render(data), content_type=background.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(data)}"'
    return response


# --- calendar -----------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """/calendar/: the person's secret feed address, and buttons to create, replace or switch it off."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            calendar_feed.revoke_token(user=user)
            messages.success(request, _("Đã tắt lịch cá nhân. Địa chỉ cũ không còn dùng được."))
        else:
            had_one = CalendarToken.objects.filter(user=user).exists()
            calendar_feed.regenerate_token(user=user)
            messages.success(request, _("Đã tạo địa chỉ mới. Địa chỉ cũ không còn dùng được.") if had_one
                             else _("Đã tạo địa chỉ lịch cá nhân."))
        return redirect("oversight:calendar")
    token = CalendarToken.objects.filter(user=user).first()
    url = calendar_feed.feed_url(token) if token else ""
    context = {
        "token": token,
        "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
        "event_count": calendar_feed.feed_tasks(user).count() if token else None,
    }
    return render(request, "oversight/calendar.html", context)


@never_cache
@require_GET
def calendar_feed_view(request, token):
    """/calendar/<token>.ics: no login (calendar clients cannot log in); 404 for any token that is not live."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(calendar_feed.build_calendar(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-nhiem-vu.ics"'
    # The address is the secret: keep it out of search engines and shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
