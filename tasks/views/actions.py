"""The action views: forms that change a task. Each is thin: find the task the person may see (404 otherwise,
before anything else is read or written), check the policy, validate the form, call one service, then redirect
to the task (post/redirect/get) or show the form again with its errors.

With htmx the forms load into the task page and post in place (the response is the form partial; on success an
HX-Redirect reloads the task page so the timeline shows the change). Without JavaScript every action is a plain
page with a plain POST.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from core.downloads import private_download
from core.errors import ConflictError, ServiceError

from .. import forms, policy, services
from ..access import get_visible_attachment, get_visible_task, visible
from ..models import ExtensionRequest, Review, Task
from ..selectors.tasks import contributions_for_lead

PAGE_TEMPLATE = "tasks/task_form.html"
REFUSED = gettext_lazy("Bạn không thể thực hiện thao tác này với nhiệm vụ ở trạng thái hiện tại.")
TOO_BIG = gettext_lazy("Không đọc được dữ liệu gửi lên: quá lớn, quá nhiều tệp hoặc sai định dạng. Hãy rút gọn nội "
                       "dung hoặc gửi ít tệp hơn.")

action_view = require_http_methods(["GET", "HEAD", "POST"])


class AttachmentLimitHandler(FileUploadHandler):
    """Drops a file larger than PORTAL_MAX_ATTACHMENT_BYTES, or past PORTAL_MAX_ATTACHMENTS, while the request
    streams in: it never reaches memory or disk. The dropped names are kept on the request for the form."""

    def __init__(self, request):
        super().__init__(request)
        self.limit = settings.PORTAL_MAX_ATTACHMENT_BYTES
        self.files_seen = 0
        request.refused_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.files_seen += 1
        # Refused at its first chunk, not here: the parser's clean-up after SkipFile closes every handler's
        # current file, and before the next handlers have started this one, that would be the previous file.
        self.refuse_current = self.files_seen > settings.PORTAL_MAX_ATTACHMENTS

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.refuse_current or self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file

    def _refuse(self):
        self.request.refused_uploads.append(self.file_name)
        raise SkipFile


# --- the common flow ----------------------------------------------------------------------------------------


def _handle(request, *, task: Task | None, form_class, allowed: bool, perform: Callable[[forms.ActionForm], str],
            template: str, heading: str, context: dict | None = None,
            success_url: Callable[[], str] | None = None):
    """GET shows the form; POST validates it and runs `perform` (one service call, returning the message)."""
    if not allowed:
        return _refuse(request, task)
    kwargs = {"task": task, "user": request.user}
    status = 200
    if request.method == "POST":
        try:
            data, files = request.POST, request.FILES
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            form = form_class(**kwargs)
            context = {**(context or {}), "request_error": TOO_BIG}
            status = 413
        else:
            if hasattr(request, "refused_uploads"):
                kwargs["refused_uploads"] = request.refused_uploads
            form = form_class(data, files, **kwargs)
            status = 400
            if form.is_valid():
                try:
                    message = perform(form)  # one service: its own transaction, nothing written if it refuses
                except ConflictError as error:
                    form.add_error(None, error)
                    status = 409
                except ServiceError as error:
                    form.add_service_error(error)
                except ValidationError as error:  # a model check inside the service: shown, never a 500
                    form.add_error(None, error.messages)
                except PermissionDenied:
                    return _refuse(request, task)
                else:
                    messages.success(request, message)
                    url = success_url() if success_url else task.get_absolute_url()
                    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    else:
        form = form_class(**kwargs)
    context = {"task": task, "form": form, "heading": heading, "form_template": template,
               "action_url": request.path, "conflict": status == 409, **(context or {})}
    if request.htmx:
        # htmx swaps only 2xx answers: the partial with its errors comes back as 200 to be shown in place.
        return render(request, template, context)
    return render(request, PAGE_TEMPLATE, context, status=status)


def _refuse(request, task: Task | None):
    """Visible but not allowed (or no longer allowed: the task moved on since the page was shown)."""
    message = str(REFUSED)
    if request.htmx and task is not None:
        messages.warning(request, message)
        return HttpResponseClientRedirect(task.get_absolute_url())
    return render(request, PAGE_TEMPLATE, {"task": task, "refusal": message, "heading": _("Không thực hiện được")},
                  status=403)


def _find_task(request, pk):
    return get_visible_task(request.user, pk), {}


def _find_extension(request, pk):
    extension = get_object_or_404(
        visible(ExtensionRequest.objects.select_related("task", "unit", "requested_by"), request.user), pk=pk)
    return get_visible_task(request.user, extension.task_id), {"extension": extension}


def task_action(form_class, template: str, heading, *, allowed, find=_find_task, uploads=False, extra_context=None):
    """Turn `perform(request, task, form, **found)` (one service call, returning the success message) into the
    action's view. The task is looked up first, among those the person may see (404 before the request body is
    even read); the body is then read through AttachmentLimitHandler when the form takes files, which is why the
    CSRF check runs inside, once the handler is in place."""

    def decorate(perform):
        @csrf_exempt
        @login_required
        @action_view
        @functools.wraps(perform)
        def view(request, pk):
            task, found = find(request, pk)
            if uploads and request.method == "POST":
                request.upload_handlers.insert(0, AttachmentLimitHandler(request))

            def handle(request):
                context = {**found, **(extra_context(task) if extra_context else {})}
                return _handle(request, task=task, form_class=form_class, allowed=allowed(request.user, task, **found),
                               perform=lambda form: perform(request, task, form, **found),
                               template=f"tasks/partials/forms/{template}.html", heading=heading, context=context)

            return csrf_protect(handle)(request)

        return view

    return decorate


# --- unit actions -------------------------------------------------------------------------------------------


@task_action(forms.ProgressReportForm, "report", gettext_lazy("Báo cáo tiến độ"), allowed=policy.can_report,
             uploads=True, extra_context=lambda task: {"contributions": contributions_for_lead(task)})
def report(request, task, form):
    """Báo cáo tiến độ: the lead unit's officer or leader, with attachments."""
    data = form.cleaned_data
    services.submit_progress_report(task=task, user=request.user, text=data["text"], percent=data["percent"],
                                    files=data["attachments"])
    return _("Đã gửi báo cáo tiến độ.")


@task_action(forms.ContributionForm, "contribute", gettext_lazy("Gửi ý kiến phối hợp"),
             allowed=policy.can_contribute, uploads=True)
def contribute(request, task, form):
    """Ý kiến phối hợp: a coordinating unit's contribution, which the lead sees when it writes its report."""
    data = form.cleaned_data
    services.submit_contribution(task=task, user=request.user, text=data["text"], files=data["attachments"])
    return _("Đã gửi ý kiến phối hợp.")


@task_action(forms.ProposeCompletionForm, "propose", Task.Status.PROPOSED.label,
             allowed=policy.can_propose_completion, uploads=True)
def propose(request, task, form):
    """Đề nghị hoàn thành: the lead unit's leader, with the result's documents attached."""
    data = form.cleaned_data
    services.propose_completion(task=task, user=request.user, result=data["result"], files=data["attachments"],
                                expected_version=data["version"])
    return _("Đã gửi đề nghị hoàn thành. Nhiệm vụ chờ đánh giá.")


@task_action(forms.ExtensionRequestForm, "extension", gettext_lazy("Xin gia hạn"),
             allowed=policy.can_request_extension)
def request_extension(request, task, form):
    data = form.cleaned_data
    services.request_extension(task=task, user=request.user, new_deadline=data["new_deadline"],
                               reason=data["reason"], expected_version=data["version"])
    return _("Đã gửi đề nghị gia hạn.")


@task_action(forms.DelegateForm, "delegate", gettext_lazy("Giao lại cho đơn vị cấp dưới"),
             allowed=policy.can_delegate)
def delegate(request, task, form):
    data = form.cleaned_data
    services.delegate_task(task=task, user=request.user, unit=data["unit"], title=data["title"],
                           description=data["description"], deadline=data["deadline"])
    return _("Đã giao lại nhiệm vụ cho %(unit)s.") % {"unit": data["unit"]}


# --- decisions (the office; for a delegated task, the parent's lead leader) --------------------------------------


def _pending_review(task):
    return {"review": task.reviews.filter(outcome=Review.Outcome.PENDING).select_related("proposed_by").first()}


@task_action(forms.DecideCompletionForm, "decide_completion", gettext_lazy("Đánh giá đề nghị hoàn thành"),
             allowed=policy.can_decide_completion, extra_context=_pending_review)
def decide_completion(request, task, form):
    services.decide_completion(task=task, user=request.user, approve=form.approved,
                               comment=form.cleaned_data["comment"], expected_version=form.cleaned_data["version"])
    return _("Đã xác nhận hoàn thành.") if form.approved else _("Đã trả lại nhiệm vụ cho đơn vị.")


def _may_decide_extension(user, task, extension):
    return extension.status == ExtensionRequest.Status.PENDING and policy.can_decide_extension(user, task)


@task_action(forms.DecideExtensionForm, "decide_extension", gettext_lazy("Xem xét đề nghị gia hạn"),
             allowed=_may_decide_extension, find=_find_extension)
def decide_extension(request, task, form, extension):
    data = form.cleaned_data
    decided = services.decide_extension(extension=extension, user=request.user, approve=form.approved,
                                        comment=data["comment"], expected_version=data["version"],
                                        granted_deadline=data["granted_deadline"])
    if form.approved:
        return _("Đã đồng ý %(summary)s.") % {"summary": decided.grant_summary()}
    return _("Đã trả lời không đồng ý gia hạn.")


# --- the office -------------------------------------------------------------------------------------------------


@task_action(forms.ChangeLeadForm, "change_lead", gettext_lazy("Đổi đơn vị chủ trì"), allowed=policy.can_change_lead)
def change_lead(request, task, form):
    unit = form.cleaned_data["unit"]
    services.change_lead(task=task, user=request.user, unit=unit, expected_version=form.cleaned_data["version"])
    return _("Đã đổi đơn vị chủ trì thành %(unit)s.") % {"unit": unit}


@task_action(forms.CancelTaskForm, "cancel", gettext_lazy("Hủy nhiệm vụ"), allowed=policy.can_cancel)
def cancel(request, task, form):
    services.cancel_task(task=task, user=request.user, reason=form.cleaned_data["reason"],
                         expected_version=form.cleaned_data["version"])
    return _("Đã hủy nhiệm vụ.")


@task_action(forms.TaskEditForm, "task_fields", gettext_lazy("Sửa nhiệm vụ"), allowed=policy.can_edit)
def edit(request, task, form):
    data = form.cleaned_data
    services.update_task(task=task, user=request.user, expected_version=data["version"], title=data["title"],
                         description=data["description"], deadline=data["deadline"], report_cycle=data["report_cycle"])
    return _("Đã lưu thay đổi của nhiệm vụ.")


@login_required
@action_view
def create(request):
    """/tasks/new/: the office enters a task by hand."""
    created = {}

    def perform(form):
        data = form.cleaned_data
        created["task"] = services.create_task(
            created_by=request.user, title=data["title"], description=data["description"],
            lead_unit=data["lead_unit"], coordinating_units=list(data["coordinating_units"]),
            directive=data["directive"], deadline=data["deadline"], report_cycle=data["report_cycle"])
        return _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": data["lead_unit"]}

    return _handle(request, task=None, form_class=forms.TaskCreateForm, allowed=policy.can_create_task(request.user),
                   perform=perform, template="tasks/partials/forms/task_fields.html", heading=_("Nhập nhiệm vụ mới"),
                   success_url=lambda: created["task"].get_absolute_url())


# --- attachments --------------------------------------------------------------------------------------------


@login_required
@require_safe
def attachment_download(request, pk):
    """An attachment, only to those who may see its task (404 otherwise), always as a download: a file is never
    rendered by the browser in the portal's origin, whatever it claims to be."""
    attachment = get_visible_attachment(request.user, pk)
    return private_download(attachment.file, attachment.original_name, attachment.content_type)
