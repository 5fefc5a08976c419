"""The forms of the task actions: one per action, each feeding one service in tasks.services.

Forms only parse and check input (Vietnamese messages, each ValidationError with a code); the rules of the
domain stay in the services, which check them again. Every text field drops NUL bytes (PostgreSQL cannot store
them) and has a length limit; dates read dd/mm/yyyy and also yyyy-mm-dd (what <input type="date"> sends);
selects offer only the units the action allows, so another unit's id is an invalid choice. Forms that change
the task carry the version they were read at, so a save over someone else's newer change is refused.
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from core.forms import INVALID_CHOICE, INVALID_NUMBER, REQUIRED, SHORT_TEXT_LIMIT, ChoiceOfRows, DateField, TextField
from core.uploads import check_upload
from resolutions.models import Directive
from units.models import Unit

from .choices import CONFIRM_COMPLETION, ExtensionRequestStatus, TaskStatus
from .models import Task
from .policy import lead_unit_of
from .services.common import TITLE_LENGTH

class UnitChoiceField(ChoiceOfRows):
    required_message = _("Vui lòng chọn đơn vị.")


class UnitMultipleChoiceField(UnitChoiceField, forms.ModelMultipleChoiceField):
    pass


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django 5.2's pattern); each is checked by content in the form's clean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        # An empty file is refused by check_upload, with its name in the message.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages, "required": _("Vui lòng chọn tệp."), "invalid": _("Tệp gửi lên không hợp lệ."),
            "missing": _("Không nhận được tệp."), "empty": _("Tệp gửi lên rỗng."),
            "max_length": _("Tên tệp quá dài."),
        }

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)]
        return [file for file in files if file]


def version_field():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
        error_messages={"required": _("Thiếu phiên bản của nhiệm vụ: hãy tải lại trang."),
                        "invalid": _("Phiên bản nhiệm vụ không hợp lệ: hãy tải lại trang."),
                        "min_value": _("Phiên bản nhiệm vụ không hợp lệ: hãy tải lại trang."),
                        "max_value": _("Phiên bản nhiệm vụ không hợp lệ: hãy tải lại trang.")},
    )


# --- bases --------------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A form about one task, shown to one person. `service_error_fields` puts a service's refusal (by code)
    next to the field it is about; other refusals are shown above the form."""

    service_error_fields: dict[str, str] = {}

    def __init__(self, *args, task: Task | None = None, user=None, **kwargs):
        self.task = task
        self.user = user
        super().__init__(*args, **kwargs)

    def add_service_error(self, error: ValidationError):
        field = self.service_error_fields.get(getattr(error, "code", None))
        self.add_error(field if field in self.fields else None, error)


class VersionedForm(ActionForm):
    """A form that changes the task: it carries the version it was read at (optimistic locking)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_field()
        if self.task is not None:
            self.fields["version"].initial = self.task.version


class AttachmentsMixin:
    """Attachments checked by content (PDF, DOCX, XLSX, JPG, PNG), each at most PORTAL_MAX_ATTACHMENT_BYTES.

    `refused_uploads` are the files the upload handler dropped while reading the request (too large or too
    many): they never reached the disk, and the person is told which ones.
    """

    def __init__(self, *args, refused_uploads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_uploads = list(refused_uploads)
        limit = filesizeformat(settings.PORTAL_MAX_ATTACHMENT_BYTES)
        self.fields["attachments"] = MultipleFileField(
            label=_("Tệp đính kèm"), required=False,
            help_text=_("PDF, DOCX, XLSX, JPG hoặc PNG; mỗi tệp tối đa %(limit)s, tối đa %(count)s tệp.")
            % {"limit": limit, "count": settings.PORTAL_MAX_ATTACHMENTS},
        )

    def clean_attachments(self):
        errors = [
            ValidationError(_("Tệp “%(name)s” không được nhận: quá lớn (tối đa %(limit)s) hoặc vượt số tệp cho phép."),
                            code="refused_upload",
                            params={"name": name, "limit": filesizeformat(settings.PORTAL_MAX_ATTACHMENT_BYTES)})
            for name in self.refused_uploads
        ]
        files = self.cleaned_data.get("attachments") or []
        if len(files) > settings.PORTAL_MAX_ATTACHMENTS:
            errors.append(ValidationError(_("Tối đa %(count)s tệp cho một lần gửi."), code="too_many",
                                          params={"count": settings.PORTAL_MAX_ATTACHMENTS}))
        checked = []
        for upload in files:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


# --- unit actions -------------------------------------------------------------------------------------------


class ProgressReportForm(AttachmentsMixin, ActionForm):
    text = TextField(label=_("Nội dung báo cáo"), rows=5)
    percent = forms.IntegerField(
        label=_("Tỷ lệ hoàn thành (%)"), min_value=0, max_value=100,
        error_messages={"required": REQUIRED, "invalid": INVALID_NUMBER,
                        "min_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100."),
                        "max_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100.")},
    )
    service_error_fields = {"percent": "percent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"inputmode": "numeric", "min": 0, "max": 100})
        if self.task is not None:
            self.fields["percent"].initial = self.task.progress


class ContributionForm(AttachmentsMixin, ActionForm):
    text = TextField(label=_("Ý kiến phối hợp"), rows=5,
                     help_text=_("Đơn vị chủ trì xem ý kiến này khi tổng hợp báo cáo."))


class ProposeCompletionForm(AttachmentsMixin, VersionedForm):
    """The result, with the documents and products that show it attached (as the help text asks)."""

    result = TextField(label=_("Kết quả thực hiện"), rows=5,
                       help_text=_("Nêu kết quả đã đạt được và văn bản, sản phẩm kèm theo (nếu có)."))
    service_error_fields = {"required": "result"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["result", "attachments", "version"])


class ExtensionRequestForm(VersionedForm):
    new_deadline = DateField(label=_("Hạn đề nghị"))
    reason = TextField(label=_("Lý do xin gia hạn"), max_length=SHORT_TEXT_LIMIT)
    service_error_fields = {"not_later": "new_deadline", "required": "reason"}

    def clean_new_deadline(self):
        new_deadline = self.cleaned_data["new_deadline"]
        current = self.task.deadline if self.task else None
        if current and new_deadline <= current:
            raise ValidationError(_("Hạn đề nghị phải sau hạn hiện tại (%(deadline)s)."), code="not_later",
                                  params={"deadline": current.strftime("%d/%m/%Y")})
        if new_deadline < local_today():
            raise ValidationError(_("Hạn đề nghị đã qua: hãy chọn một ngày từ hôm nay trở đi."), code="past")
        return new_deadline


class DelegateForm(ActionForm):
    """Hand the task (or part of it) to one of the lead unit's active sub-units as a child task."""

    unit = UnitChoiceField(Unit.objects.none(), label=_("Đơn vị cấp dưới"))
    title = TextField(label=_("Tên nhiệm vụ giao lại"), max_length=TITLE_LENGTH, textarea=False, required=False,
                      help_text=_("Để trống: dùng tên của nhiệm vụ gốc."))
    description = TextField(label=_("Nội dung"), required=False,
                            help_text=_("Để trống: dùng nội dung của nhiệm vụ gốc."))
    deadline = DateField(label=_("Hạn xử lý"), required=False)
    service_error_fields = {"not_sub_unit": "unit", "inactive_unit": "unit", "late": "deadline"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = lead_unit_of(self.task) if self.task else None
        self.fields["unit"].queryset = (
            Unit.objects.filter(parent=lead, active=True).order_by("order", "name") if lead else Unit.objects.none()
        )
        if self.task is not None and self.task.deadline:
            self.fields["deadline"].help_text = _("Không sau hạn của nhiệm vụ gốc (%(deadline)s); để trống: "
                                                  "cùng hạn.") % {"deadline": self.task.deadline.strftime("%d/%m/%Y")}

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and self.task is not None and self.task.deadline and deadline > self.task.deadline:
            raise ValidationError(_("Hạn của nhiệm vụ giao lại không được sau hạn của nhiệm vụ gốc (%(deadline)s)."),
                                  code="late", params={"deadline": self.task.deadline.strftime("%d/%m/%Y")})
        return deadline


# --- decisions (the office, or the parent's lead for a delegated task) ----------------------------------------


class DecisionForm(VersionedForm):
    """Approve, or send back with a reason. Subclasses name the two choices."""

    approve_label = _("Đồng ý")
    refuse_label = _("Không đồng ý")
    comment_required_message = _("Khi không đồng ý, vui lòng ghi rõ lý do.")

    comment = TextField(label=_("Ý kiến"), max_length=SHORT_TEXT_LIMIT, required=False, rows=3)
    service_error_fields = {"required": "comment"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"] = forms.ChoiceField(
            label=_("Quyết định"), widget=forms.RadioSelect,
            choices=[("approve", self.approve_label), ("refuse", self.refuse_label)],
            error_messages={"required": _("Vui lòng chọn quyết định."), "invalid_choice": INVALID_CHOICE},
        )
        self.order_fields(["decision", "comment"])

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("comment"):
            self.add_error("comment", ValidationError(self.comment_required_message, code="required"))
        return data

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class DecideCompletionForm(DecisionForm):
    approve_label = CONFIRM_COMPLETION
    refuse_label = TaskStatus.RETURNED.label
    comment_required_message = _("Khi trả lại, vui lòng ghi rõ lý do.")


class DecideExtensionForm(DecisionForm):
    """Approve the request, for the date asked or another one the office grants (earlier or later), or refuse."""

    approve_label = _("Đồng ý gia hạn")
    refuse_label = _("Không đồng ý")
    service_error_fields = {"required": "comment", "not_later": "granted_deadline", "past": "granted_deadline"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A task has at most one request waiting (one_pending_extension_per_task): the one being decided.
        self.extension = (self.task.extension_requests.filter(status=ExtensionRequestStatus.PENDING).first()
                          if self.task is not None else None)
        self.fields["granted_deadline"] = DateField(
            label=_("Gia hạn đến"), required=False,
            help_text=_("Để nguyên: hạn đơn vị đề nghị. Có thể đổi sang ngày khác, sớm hoặc muộn hơn, từ hôm nay trở "
                        "đi và sau hạn hiện tại."),
        )
        if self.extension is not None:
            self.fields["granted_deadline"].initial = self.extension.requested_deadline
        self.order_fields(["decision", "granted_deadline", "comment"])

    def clean(self):
        data = super().clean()
        granted = data.get("granted_deadline")
        if data.get("decision") != "approve" or granted is None:
            data["granted_deadline"] = None
            return data
        if granted < local_today():
            self.add_error("granted_deadline", ValidationError(
                _("Hạn gia hạn đã qua: hãy chọn một ngày từ hôm nay trở đi."), code="past"))
        elif self.task is not None and self.task.deadline and granted <= self.task.deadline:
            self.add_error("granted_deadline", ValidationError(
                _("Hạn gia hạn phải sau hạn hiện tại (%(deadline)s)."), code="not_later",
                params={"deadline": self.task.deadline.strftime("%d/%m/%Y")}))
        return data


# --- the office's own actions -----------------------------------------------------------------------------------


class ChangeLeadForm(VersionedForm):
    unit = UnitChoiceField(Unit.objects.none(), label=_("Đơn vị chủ trì mới"))
    service_error_fields = {"same": "unit", "inactive_unit": "unit"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).order_by("order", "name")
        lead = lead_unit_of(self.task) if self.task else None
        if lead is not None:
            units = units.exclude(pk=lead.pk)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs.update({"data-unit-picker": ""})


class CancelTaskForm(VersionedForm):
    reason = TextField(label=_("Lý do hủy"), max_length=SHORT_TEXT_LIMIT, rows=3)
    service_error_fields = {"required": "reason"}


class TaskFieldsMixin:
    """Deadline or report cycle: a task has one deadline, or is ongoing and reports by cycle."""

    def _add_schedule_fields(self):
        self.fields["deadline"] = DateField(
            label=_("Hạn xử lý"), required=False,
            help_text=_("Ngày/tháng/năm. Để trống nếu là nhiệm vụ thường xuyên (báo cáo theo kỳ)."),
        )
        self.fields["report_cycle"] = forms.ChoiceField(
            label=_("Kỳ báo cáo (nhiệm vụ thường xuyên)"), required=False,
            choices=[("", _("— Không (có hạn xử lý) —")), *Task.ReportCycle.choices],
            error_messages={"invalid_choice": INVALID_CHOICE},
        )

    def _clean_schedule(self, data):
        if not data.get("deadline") and not data.get("report_cycle") and "deadline" not in self.errors:
            self.add_error("deadline", ValidationError(
                _("Hãy nhập hạn xử lý, hoặc chọn kỳ báo cáo nếu là nhiệm vụ thường xuyên."), code="no_schedule"))
        if data.get("deadline"):
            data["report_cycle"] = ""
        return data


class TaskCreateForm(TaskFieldsMixin, ActionForm):
    """The office enters a task by hand (a directive that came by phone, a task from a meeting)."""

    title = TextField(label=_("Tên nhiệm vụ"), max_length=TITLE_LENGTH, textarea=False)
    description = TextField(label=_("Nội dung"), required=False, rows=5)
    lead_unit = UnitChoiceField(Unit.objects.none(), label=_("Đơn vị chủ trì"))
    coordinating_units = UnitMultipleChoiceField(Unit.objects.none(), label=_("Đơn vị phối hợp"), required=False)
    directive = ChoiceOfRows(Directive.objects.none(), label=_("Văn bản, nội dung chỉ đạo (nếu có)"), required=False)
    service_error_fields = {"inactive_unit": "lead_unit"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).order_by("order", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
        self.fields["directive"].queryset = Directive.objects.select_related("resolution").order_by(
            "-resolution__issued_on", "resolution_id", "order")
        self.fields["directive"].label_from_instance = _directive_label
        for name in ("lead_unit", "coordinating_units", "directive"):
            self.fields[name].widget.attrs.update({"data-unit-picker": ""})
        self._add_schedule_fields()
        self.order_fields(["title", "description", "lead_unit", "coordinating_units", "deadline", "report_cycle",
                           "directive"])

    def clean(self):
        data = super().clean()
        lead, coordinating = data.get("lead_unit"), data.get("coordinating_units") or []
        if lead is not None and lead in coordinating:
            self.add_error("coordinating_units", ValidationError(
                _("%(unit)s đã là đơn vị chủ trì, không đồng thời là đơn vị phối hợp."), code="lead_coordinating",
                params={"unit": lead}))
        return self._clean_schedule(data)


def _directive_label(directive: Directive) -> str:
    place = " ".join(part for part in (directive.section_path, directive.label) if part)
    text = " ".join(directive.text.split())
    return f"{directive.resolution} · {place} {text[:90]}{'…' if len(text) > 90 else ''}"


class TaskEditForm(TaskFieldsMixin, VersionedForm):
    """The office corrects a task's wording or deadline (the first deadline is kept and shown)."""

    title = TextField(label=_("Tên nhiệm vụ"), max_length=TITLE_LENGTH, textarea=False)
    description = TextField(label=_("Nội dung"), required=False, rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_schedule_fields()
        if self.task is not None:
            for name in ("title", "description", "deadline", "report_cycle"):
                self.fields[name].initial = getattr(self.task, name)
        self.order_fields(["title", "description", "deadline", "report_cycle", "version"])

    def clean(self):
        return self._clean_schedule(super().clean())

