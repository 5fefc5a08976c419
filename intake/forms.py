"""The forms of the import wizard (intake.views): the upload, the document's details, one form per
candidate directive. They only parse and check what the office typed (Vietnamese messages, each with a code);
the draft they edit lives in the session until the office confirms, and intake.importing records it.
"""
from __future__ import annotations

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import INVALID_CHOICE, REQUIRED, DateField, TextField
from resolutions.models import Resolution
from resolutions.parsing.titles import SHORT_TITLE_MAX
from tasks.models import Task
from units.models import Unit, UnitGroup

from . import importing

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


class ImportUploadForm(forms.Form):
    """Step 1: a .docx, .pdf or .txt file, or the text pasted."""

    file = forms.FileField(
        label=_("Tệp văn bản"), required=False,
        help_text=_("Tệp .docx, .pdf (có lớp chữ, không phải bản quét) hoặc .txt; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
        error_messages={"invalid": _("Tệp gửi lên không hợp lệ."), "missing": _("Không nhận được tệp."),
                        "empty": _("Tệp rỗng: không có nội dung nào để đọc."), "max_length": _("Tên tệp quá dài.")},
    )
    text = TextField(label=_("Hoặc dán nội dung văn bản"), required=False, rows=10, max_length=importing.BODY_LIMIT)

    def __init__(self, *args, refused_uploads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_uploads = list(refused_uploads)
        self.fields["file"].widget.attrs.update({"class": "form-control"})
        self.fields["text"].widget.attrs.update({"class": "form-control", "spellcheck": "false"})

    def clean(self):
        data = super().clean()
        if self.refused_uploads:
            raise ValidationError(_("Tệp “%(name)s” quá lớn: chỉ nhận tệp đến 20 MB."), code="too_big",
                                  params={"name": self.refused_uploads[0]})
        has_file, has_text = bool(data.get("file")), bool((data.get("text") or "").strip())
        if not self.errors and not has_file and not has_text:
            raise ValidationError(_("Hãy chọn tệp văn bản để tải lên, hoặc dán nội dung văn bản."), code="nothing")
        if has_file and has_text:
            raise ValidationError(_("Chỉ chọn một cách: tải tệp lên hoặc dán nội dung, không cả hai."), code="both")
        return data


class DocumentDetailsForm(forms.Form):
    """The document's details, read from its header where the parser found them; title and date are required
    only when the office goes on to confirm (the review can be saved half filled)."""

    prefix = "doc"

    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=Resolution.Kind.choices,
                             error_messages={"invalid_choice": INVALID_CHOICE, "required": REQUIRED})
    number = TextField(label=_("Số, ký hiệu"), required=False, max_length=64, textarea=False)
    issued_on = DateField(label=_("Ngày ban hành"), required=False)
    issuing_body = TextField(label=_("Cơ quan ban hành"), required=False, max_length=255, textarea=False)
    signer = TextField(label=_("Người ký"), required=False, max_length=255, textarea=False)
    title = TextField(label=pgettext_lazy("document", "Trích yếu"), required=False, max_length=500, rows=2)

    def __init__(self, *args, confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirming = confirming
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["number"].widget.attrs["placeholder"] = _("Ví dụ: 15-KL/TU")

    def clean_issued_on(self):
        issued_on = self.cleaned_data.get("issued_on")
        if issued_on and not EARLIEST_YEAR <= issued_on.year <= LATEST_YEAR:
            raise ValidationError(_("Năm ban hành không hợp lý."), code="year")
        return issued_on

    def clean(self):
        data = super().clean()
        if self.confirming:
            for name in ("title", "issued_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(REQUIRED, code="required"))
        return data

    @staticmethod
    def initial_from(details: dict) -> dict:
        initial = dict(details)
        if initial.get("issued_on"):
            initial["issued_on"] = datetime.date.fromisoformat(initial["issued_on"])
        return initial

    def draft_values(self) -> dict:
        """The fields that are valid, as the draft keeps them (a wrong date is not kept; its error is shown)."""
        values = {}
        for name in self.fields:
            if name in self.errors or name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            values[name] = value.isoformat() if isinstance(value, datetime.date) else (value or "")
        return values


def assignee_choices() -> list:
    """Unit groups and active units for the pickers: `group:<key>` and `unit:<pk>`, in directory order."""
    groups = UnitGroup.objects.annotate(active_units=Count("units", filter=Q(units__active=True))).order_by("key")
    units = Unit.objects.filter(active=True).order_by("order", "name")
    return [
        (_("Nhóm đơn vị"), [(importing.group_ref(group.key),
                             _("%(name)s (nhóm, %(count)s đơn vị)") % {"name": group.name, "count": group.active_units})
                            for group in groups]),
        (_("Đơn vị"), [(importing.unit_ref(unit), unit.name) for unit in units]),
    ]


class AssigneeField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_choice": INVALID_CHOICE,
                               "invalid_list": INVALID_CHOICE}


class ImportItemForm(forms.Form):
    """One candidate directive in the review: who leads and coordinates, the deadline or the report cycle, and
    where to split it. Prefixed by the item's id, so one page posts them all."""

    short_title = TextField(
        label=pgettext_lazy("directive", "Trích yếu"), required=False, max_length=SHORT_TITLE_MAX, textarea=False,
        help_text=_("Vài chữ gọi tên nội dung chỉ đạo trong danh sách, thư nhắc và báo cáo; toàn văn vẫn được giữ. "
                    "Để trống: dùng trích yếu đề xuất."))
    leads = AssigneeField(label=_("Chủ trì"))
    coordinating = AssigneeField(label=_("Phối hợp"))
    deadline = DateField(label=_("Hạn xử lý"), required=False, help_text="")
    report_cycle = forms.ChoiceField(
        label=_("Thường xuyên: kỳ báo cáo"), required=False,
        choices=[("", _("Không")), *Task.ReportCycle.choices],
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    split_at = forms.ChoiceField(label=_("Tách sau đoạn"), required=False,
                                 error_messages={"invalid_choice": INVALID_CHOICE})
    split_from = TextField(label=_("hoặc tách từ chữ"), required=False, max_length=500, textarea=False)
    # Posted with every item the page shows: an item the page did not show is left as it is.
    shown = forms.Field(widget=forms.HiddenInput, required=False, initial="1")

    # Names the directory does not know get a unit picker each (alias_<n>_unit) and "Ghi nhớ tên gọi này"
    # (alias_<n>_remember); alias_<n>_name says which name the page showed, so a stale page maps nothing wrong.
    MAX_ALIASES = 10

    def __init__(self, *args, item: dict, choices: list, **kwargs):
        kwargs.setdefault("prefix", f"item-{item['id']}")
        kwargs.setdefault("initial", {
            "short_title": importing.item_short_title(item),
            "leads": item["leads"], "coordinating": item["coordinating"],
            "deadline": datetime.date.fromisoformat(item["deadline"]) if item["deadline"] else None,
            "report_cycle": item["report_cycle"] if item["ongoing"] else "",
        })
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["leads"].choices = choices
        self.fields["coordinating"].choices = choices
        paragraphs = importing.item_paragraphs(item)
        self.fields["split_at"].choices = [("", _("— chọn —"))] + [
            (str(offset), _("Đoạn %(number)s") % {"number": number})
            for number, offset in enumerate(importing.paragraph_offsets(item), start=1)
        ] if len(paragraphs) > 1 else [("", "—")]
        for name in ("leads", "coordinating"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "data-import-picker": "",
                                                   "size": "4"})
        self.fields["deadline"].widget.attrs.update({"class": "form-control form-control-sm"})
        self.fields["short_title"].widget.attrs.update({"class": "form-control form-control-sm",
                                                        "aria-describedby": f"short-title-help-{item['id']}"})
        for name in ("report_cycle", "split_at"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm"})
        self.fields["split_from"].widget.attrs.update({"class": "form-control form-control-sm",
                                                       "data-split-from": item["id"]})
        # The words each field was read from are named under it (templates/intake/partials/import_sources.html).
        for name, source_field in (("leads", "lead"), ("coordinating", "coordinating"), ("deadline", "deadline"),
                                   ("report_cycle", "ongoing")):
            if importing.sources_of(item, source_field):
                self.fields[name].widget.attrs["aria-describedby"] = f"source-{item['id']}-{source_field}"
        unit_options = [(value, label) for _group, options in choices for value, label in options
                        if str(value).startswith("unit:")]
        for number, name in enumerate(item.get("unmatched", [])[:self.MAX_ALIASES]):
            self.fields[f"alias_{number}_name"] = forms.CharField(widget=forms.HiddenInput, required=False,
                                                                  initial=name)
            self.fields[f"alias_{number}_unit"] = forms.ChoiceField(
                label=_("Đơn vị ứng với “%(name)s”") % {"name": name}, required=False,
                choices=[("", _("— chưa chọn —")), *unit_options],
                error_messages={"invalid_choice": INVALID_CHOICE},
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-alias-unit": ""}),
            )
            self.fields[f"alias_{number}_remember"] = forms.BooleanField(
                label=_("Ghi nhớ tên gọi này"), required=False,
                help_text=_("Lần nhập sau, “%(name)s” được nhận là đơn vị đã chọn.") % {"name": name},
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def alias_rows(self) -> list[dict]:
        """The unmatched names with their fields, for the template."""
        return [{"name": name, "unit": self[f"alias_{number}_unit"], "remember": self[f"alias_{number}_remember"],
                 "name_field": self[f"alias_{number}_name"]}
                for number, name in enumerate(self.item.get("unmatched", [])[:self.MAX_ALIASES])]

    def unit_mappings(self) -> list[tuple[str, str, bool]]:
        """(name as written, "unit:<pk>", remember) for each name the office mapped (call when valid)."""
        mappings = []
        for number, name in enumerate(self.item.get("unmatched", [])[:self.MAX_ALIASES]):
            ref = self.cleaned_data.get(f"alias_{number}_unit")
            if ref and self.cleaned_data.get(f"alias_{number}_name") == name:
                mappings.append((name, ref, bool(self.cleaned_data.get(f"alias_{number}_remember"))))
        return mappings

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and not EARLIEST_YEAR <= deadline.year <= LATEST_YEAR:
            raise ValidationError(_("Năm của hạn xử lý không hợp lý."), code="year")
        return deadline

    def clean(self):
        data = super().clean()
        both = [ref for ref in data.get("leads") or [] if ref in (data.get("coordinating") or [])]
        if both:
            labels = dict(choice for _group, options in self.fields["leads"].choices for choice in options)
            self.add_error("coordinating", ValidationError(
                _("%(unit)s đã là đơn vị chủ trì, không đồng thời là đơn vị phối hợp."), code="lead_coordinating",
                params={"unit": labels.get(both[0], both[0])}))
        for number, name in enumerate(self.item.get("unmatched", [])[:self.MAX_ALIASES]):
            posted_name = data.get(f"alias_{number}_name")
            if data.get(f"alias_{number}_unit") and posted_name and posted_name != name:
                self.add_error(f"alias_{number}_unit", ValidationError(
                    _("Danh sách tên chưa nhận ra đã thay đổi (trang đã cũ): hãy chọn lại."), code="alias_stale"))
            elif data.get(f"alias_{number}_remember") and not data.get(f"alias_{number}_unit"):
                self.add_error(f"alias_{number}_unit", ValidationError(
                    _("Hãy chọn đơn vị để ghi nhớ tên gọi “%(name)s”."), code="alias_unit_required",
                    params={"name": name}))
        return data

    def apply_to(self, item: dict) -> dict:
        """The item with the office's choices (call only when the form is valid)."""
        data = self.cleaned_data
        # A reading the office changed counts as checked: the item moves down the list of what to look at.
        confidence = dict(item.get("confidence") or {})
        deadline = data["deadline"].isoformat() if data["deadline"] else None
        if list(data["leads"]) != item["leads"]:
            confidence["lead"] = 1.0
        if list(data["coordinating"]) != item["coordinating"]:
            confidence["coordinating"] = 1.0
        if deadline != item["deadline"] or data["report_cycle"] != (item["report_cycle"] if item["ongoing"] else ""):
            confidence["timing"] = 1.0
        if "confidence" in item:
            item["confidence"] = confidence
        item["short_title"] = " ".join(data["short_title"].split()) or importing.short_title(item["text"])
        item["leads"] = list(data["leads"])
        item["coordinating"] = list(data["coordinating"])
        item["deadline"] = data["deadline"].isoformat() if data["deadline"] else None
        item["ongoing"] = bool(data["report_cycle"])
        item["report_cycle"] = data["report_cycle"]
        return item

    def split_offset(self) -> int | None:
        """Where the office asked to split: a paragraph boundary, or the words the new item starts with.
        Raises ValidationError (on split_from) when the words are not in the text or start or end it."""
        data = self.cleaned_data
        if data.get("split_at"):
            return int(data["split_at"])
        words = " ".join((data.get("split_from") or "").split())
        if not words:
            raise ValidationError(_("Hãy chọn đoạn để tách, hoặc gõ (bôi đen) những chữ mở đầu mục mới."),
                                  code="split_where")
        offset = _find_words(self.item["text"], words)
        if offset is None:
            raise ValidationError(_("Không tìm thấy “%(words)s” trong nội dung mục này."), code="split_not_found",
                                  params={"words": words[:80]})
        if not self.item["text"][:offset].strip() or not self.item["text"][offset:].strip():
            raise ValidationError(_("Chỗ tách phải ở giữa nội dung: cả hai phần đều phải có chữ."),
                                  code="split_edge")
        return offset


def _find_words(text: str, words: str) -> int | None:
    """Where `words` start in `text`, with any run of whitespace matching any other and case ignored."""
    text = unicodedata.normalize("NFC", text)
    words = unicodedata.normalize("NFC", words).casefold().split()
    if not words:
        return None
    tokens = [(m_start, token) for m_start, token in _tokens(text)]
    folded = [token.casefold() for _start, token in tokens]
    for i in range(len(tokens) - len(words) + 1):
        window = folded[i:i + len(words)]
        if window[:-1] == words[:-1] and window[-1].startswith(words[-1]):
            return tokens[i][0]
    joined = text.casefold()
    position = joined.find(" ".join(words))
    return position if position >= 0 else None


def _tokens(text: str):
    start = None
    for index, char in enumerate(text):
        if char.isspace():
            if start is not None:
                yield start, text[start:index]
                start = None
        elif start is None:
            start = index
    if start is not None:
        yield start, text[start:]
