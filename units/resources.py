"""Units and their members from an .xlsx sheet (django-import-export), for onboarding a province's staff at once.

The sheets speak Vietnamese ("Mã đơn vị", "Tên đăng nhập", ...), and a header is also recognised without accents
or by its English key ("ma don vi", "code"), so a sheet typed by hand or exported by another tool still imports.
A unit is keyed by its code, its parent by the parent's code; a member row links an account to a unit with a role,
creating the account when it does not exist yet. Any bad row stops the whole import (nothing is written).
"""
from __future__ import annotations

import secrets
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from core.text import search_key

from .models import Membership, MembershipRole, Unit, UnitKind
from .services import normalise_aliases

User = get_user_model()


def _text(value) -> str:
    """A cell as clean text: None, numbers and stray spaces handled, NFC (sheets arrive in NFC and NFD)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


# --- widgets ------------------------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class UnitCodeWidget(widgets.ForeignKeyWidget):
    """A unit named by its code; an unknown code is an error in the user's language, not a DoesNotExist."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(Unit, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValueError(_("Không có %(what)s mã “%(code)s” (đơn vị phải có sẵn hoặc nằm ở dòng trước).")
                             % {"what": self.what, "code": code})
        return unit


class ChoiceWidget(widgets.Widget):
    """A TextChoices value written as its key ("leader") or its label, with or without accents ("lanh dao")."""

    def __init__(self, choices: type[models.TextChoices], *, what: str, extra: dict[str, str] | None = None,
                 **kwargs):
        self.choices = choices
        self.what = what
        self.lookup = {search_key(value): value for value in choices.values}
        self.lookup.update({search_key(str(label)): value for value, label in choices.choices})
        self.lookup.update({search_key(word): value for word, value in (extra or {}).items()})
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None  # the field keeps its current value (or the model's default for a new row)
        try:
            return self.lookup[search_key(text)]
        except KeyError:
            raise ValueError(_("%(what)s “%(value)s” không hợp lệ; dùng một trong: %(allowed)s.") % {
                "what": self.what, "value": text, "allowed": "; ".join(str(label) for label in self.choices.labels),
            })

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value in self.choices.values else ""


class AliasesWidget(widgets.Widget):
    """A list written as one cell, items separated by "; " (a newline is accepted too)."""

    def clean(self, value, row=None, **kwargs):
        # kept as every alias list is kept (units.services.normalise_aliases: NFC, single spaces, no duplicates)
        return normalise_aliases(("" if value is None else str(value)).replace("\n", ";").split(";"))

    def render(self, value, obj=None, **kwargs):
        return "; ".join(value or [])


class YesNoWidget(widgets.Widget):
    TRUE = {"1", "x", "co", "true", "yes", "dang hoat dong"}
    FALSE = {"0", "khong", "false", "no", "ngung hoat dong", "ngung"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = search_key(_text(value))
        if not key:
            return None
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(_("Giá trị “%(value)s” không hợp lệ; ghi “có” hoặc “không”.") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        return _("có") if value else _("không")


class OrderWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("Thứ tự phải là số nguyên không âm, không phải “%(value)s”.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


# --- resources ----------------------------------------------------------------------------------------------


class VietnameseHeadersMixin:
    """Map each header of the sheet to a column name, whatever its accents, case or language.

    HEADER_ALIASES: {column name: [other ways of writing it]}. REQUIRED: column names a sheet must have.
    """

    HEADER_ALIASES: dict[str, list[str]] = {}
    REQUIRED: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        known = {}
        for field in self.get_import_fields():
            known[search_key(field.column_name)] = field.column_name
        for column, aliases in self.HEADER_ALIASES.items():
            for alias in aliases:
                known[search_key(alias)] = column
        dataset.headers = [known.get(search_key(_text(header)), _text(header)) for header in dataset.headers]
        missing = [column for column in self.REQUIRED if column not in dataset.headers]
        if missing:
            raise ValueError(_("Bảng tính thiếu cột: %(columns)s. Dòng đầu tiên phải là tên các cột.")
                             % {"columns": ", ".join(f"“{column}”" for column in missing)})
        super().before_import(dataset, **kwargs)


class UnitResource(VietnameseHeadersMixin, resources.ModelResource):
    """Units keyed by code; the parent by its code; aliases in one cell separated by "; "."""

    code = fields.Field(attribute="code", column_name="Mã đơn vị", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="Tên đơn vị", widget=TextWidget())
    short_name = fields.Field(attribute="short_name", column_name="Tên viết tắt", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="Loại đơn vị", saves_null_values=False,
                        widget=ChoiceWidget(UnitKind, what=gettext_lazy("Loại đơn vị")))
    parent = fields.Field(attribute="parent", column_name="Mã đơn vị cấp trên",
                          widget=UnitCodeWidget(what=gettext_lazy("đơn vị cấp trên")))
    email = fields.Field(attribute="email", column_name="Hộp thư đơn vị", widget=TextWidget())
    aliases = fields.Field(attribute="aliases", column_name="Tên gọi khác", widget=AliasesWidget())
    active = fields.Field(attribute="active", column_name="Đang hoạt động", saves_null_values=False,
                          widget=YesNoWidget())
    order = fields.Field(attribute="order", column_name="Thứ tự hiển thị", saves_null_values=False,
                         widget=OrderWidget())

    HEADER_ALIASES = {
        "Mã đơn vị": ["code", "unit code", "mã"],
        "Tên đơn vị": ["name", "tên", "unit"],
        "Tên viết tắt": ["short_name", "short name", "viết tắt"],
        "Loại đơn vị": ["kind", "loại"],
        "Mã đơn vị cấp trên": ["parent", "parent code", "đơn vị cấp trên", "cấp trên"],
        "Hộp thư đơn vị": ["email", "e-mail", "hộp thư", "thư điện tử"],
        "Tên gọi khác": ["aliases", "alias", "tên khác"],
        "Đang hoạt động": ["active", "hoạt động"],
        "Thứ tự hiển thị": ["order", "thứ tự"],
    }
    REQUIRED = ("Mã đơn vị", "Tên đơn vị")

    class Meta:
        model = Unit
        name = "Đơn vị"
        fields = ("code", "name", "short_name", "kind", "parent", "email", "aliases", "active", "order")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("parent")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # The database refuses a unit that is its own parent, but not a longer loop (A under B under A).
        ancestor, seen = instance.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if instance.pk is not None and ancestor.pk == instance.pk:
                raise ValidationError({"parent": _("Đơn vị cấp trên không được là chính đơn vị này hoặc đơn vị "
                                                   "cấp dưới của nó.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class MembershipResource(VietnameseHeadersMixin, resources.ModelResource):
    """A person's place in a unit. Accounts that do not exist are created, without a password anyone knows:
    the person sets one through "Quên mật khẩu" with the email address given here.
    """

    user = fields.Field(attribute="user", column_name="Tên đăng nhập",
                        widget=widgets.ForeignKeyWidget(User, field="username"))
    email = fields.Field(column_name="Email")
    full_name = fields.Field(column_name="Họ và tên")
    unit = fields.Field(attribute="unit", column_name="Mã đơn vị",
                        widget=UnitCodeWidget(what=gettext_lazy("đơn vị")))
    unit_name = fields.Field(attribute="unit__name", column_name="Tên đơn vị", readonly=True)
    role = fields.Field(attribute="role", column_name="Vai trò", saves_null_values=False,
                        widget=ChoiceWidget(MembershipRole, what=gettext_lazy("Vai trò"),
                                            extra={"lãnh đạo": MembershipRole.LEADER, "trưởng": MembershipRole.LEADER,
                                                   "phó": MembershipRole.LEADER}))

    HEADER_ALIASES = {
        "Tên đăng nhập": ["username", "user", "tài khoản"],
        "Email": ["e-mail", "thư điện tử", "hộp thư"],
        "Họ và tên": ["full name", "full_name", "name", "họ tên"],
        "Mã đơn vị": ["unit code", "unit_code", "code", "unit", "mã"],
        "Tên đơn vị": ["unit name", "unit_name"],
        "Vai trò": ["role", "chức vụ"],
    }
    REQUIRED = ("Tên đăng nhập", "Mã đơn vị")

    class Meta:
        model = Membership
        name = "Thành viên đơn vị"
        fields = ("user", "email", "full_name", "unit", "unit_name", "role")
        import_id_fields = ("user", "unit")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("user", "unit")

    def get_user_visible_fields(self):
        # The import page lists the columns a sheet needs; the unit's name is only a reading aid in exports.
        return [field for field in super().get_user_visible_fields() if not field.readonly]

    def dehydrate_email(self, membership):
        return membership.user.email

    def dehydrate_full_name(self, membership):
        return " ".join(part for part in (membership.user.last_name, membership.user.first_name) if part)

    def before_import_row(self, row, **kwargs):
        username = _text(row.get("Tên đăng nhập"))
        row["Tên đăng nhập"] = username
        if not username:
            raise ValidationError({"user": _("Thiếu tên đăng nhập.")})
        if not User.objects.filter(username=username).exists():
            self._create_account(username, _text(row.get("Email")), _text(row.get("Họ và tên")))

    def _create_account(self, username: str, email: str, full_name: str):
        """A new account for someone the sheet introduces. Existing accounts are linked, never changed."""
        errors = {}
        try:
            User.username_validator(username)
            if len(username) > 150:
                raise ValidationError(_("Tên đăng nhập dài quá 150 ký tự."))
        except ValidationError as error:
            errors["user"] = error.messages
        if not email:
            errors["email"] = [_("Tài khoản mới “%(username)s” cần địa chỉ email (để đặt mật khẩu và nhận nhắc "
                                 "việc).") % {"username": username}]
        else:
            try:
                validate_email(email)
            except ValidationError as error:
                errors["email"] = error.messages
        if errors:
            raise ValidationError(errors)
        last_name, _sep, first_name = full_name.rpartition(" ")
        user = User(username=username, email=email, first_name=first_name[:150], last_name=last_name[:150])
        # Not set_unusable_password(): Django's password reset skips accounts with an unusable password, and the
        # reset email is how these people get in. A long random password nobody is told is as closed as that.
        user.set_password(secrets.token_urlsafe(32))
        user.save()
