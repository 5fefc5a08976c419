"""Form fields that every form of the portal uses: text as people type it, dates as dd/mm/yyyy, a choice among
database rows that refuses anything not offered; each with its error in Vietnamese."""
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 20_000
SHORT_TEXT_LIMIT = 5_000
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

REQUIRED = _("Vui lòng nhập thông tin này.")
TOO_LONG = _("Nội dung quá dài: tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")
INVALID_DATE = _("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2026.")
INVALID_CHOICE = _("Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách.")
INVALID_NUMBER = _("Hãy nhập một số nguyên.")


class TextField(forms.CharField):
    """Text as people type it: NFC, without NUL or other invisible control characters (tabs and newlines stay)."""

    def __init__(self, *, max_length=TEXT_LIMIT, textarea=True, rows=4, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}) if textarea else forms.TextInput())
        super().__init__(max_length=max_length, **kwargs)
        # Field.run_validators puts these messages on the validators' errors by code.
        self.error_messages = {**self.error_messages, "required": REQUIRED, "max_length": TOO_LONG}

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
            value = "".join(ch for ch in value if ch in "\n\r\t" or unicodedata.category(ch) != "Cc")
        return super().to_python(value)


class DateInput(forms.DateInput):
    """A text box in dd/mm/yyyy: the same on every browser and language, and easy to type on a phone."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DateField(forms.DateField):
    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Ngày/tháng/năm, ví dụ 30/06/2026."))
        super().__init__(**kwargs)
        self.error_messages = {**self.error_messages, "required": REQUIRED, "invalid": INVALID_DATE}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            # A year beyond 9999 or an absurd length is not a date anyone means; refuse before parsing.
            if len(value) > 10:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ChoiceOfRows(forms.ModelChoiceField):
    """A select of database rows: any value not offered (another unit's id, a NUL byte, text) is an invalid choice,
    said in Vietnamese (Django's own NUL check in to_python bypasses the field's error messages)."""

    required_message = REQUIRED

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self.error_messages = {
            **self.error_messages, "required": self.required_message, "invalid_choice": INVALID_CHOICE,
            "invalid_pk_value": INVALID_CHOICE, "invalid_list": INVALID_CHOICE,
        }

    def validate_no_null_characters(self, value):
        # Called for every submitted value before the database is asked: refuse here what the database would
        # choke on (a NUL byte; an id beyond 64 bits, which SQLite's driver raises OverflowError for).
        # isdecimal, not isdigit: "¹" is a digit that int() refuses (a 500 before this).
        text = str(value).strip()
        if "\x00" in text or (text.lstrip("-").isdecimal() and abs(int(text)) > 2**63 - 1):
            raise ValidationError(INVALID_CHOICE, code="invalid_choice")
