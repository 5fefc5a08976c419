"""The unit directory in the admin: units as a tree, their groups and members, imported and exported as .xlsx."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Value, When
from django.forms.models import ModelForm
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from core.admin import HistoryAdmin, OfficeImportExportMixin, PortalAdminMixin

from .models import Membership, Unit, UnitGroup
from .resources import MembershipResource, UnitResource
from .services import normalise_aliases
from .tree import descendant_ids


class UnitMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "unit"
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("thành viên")
    verbose_name_plural = _("thành viên của đơn vị")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").order_by("role", "user__username")


class ChildUnitInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    fields = ("name", "short_name", "code", "kind", "active", "order")
    show_change_link = True
    extra = 0
    verbose_name = _("đơn vị cấp dưới")
    verbose_name_plural = _("đơn vị cấp dưới")


class ParentUnitFilter(admin.SimpleListFilter):
    """Units that have sub-units, plus "cấp tỉnh" (no parent): picking one lists the units directly under it."""

    title = _("đơn vị cấp trên")
    parameter_name = "parent"
    TOP = "none"

    def lookups(self, request, model_admin):
        parents = Unit.objects.filter(Exists(Unit.objects.filter(parent=OuterRef("pk")))).order_by("order", "name")
        return [(self.TOP, _("(Không có – đơn vị cấp tỉnh)")), *((str(unit.pk), unit.name) for unit in parents)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.TOP:
            return queryset.filter(parent__isnull=True)
        if value and value.isdigit():
            return queryset.filter(parent_id=int(value))
        return queryset


class AliasesField(forms.Field):
    """The unit's aliases one a line, not as JSON: the office types names, and the list is kept normalised the
    way units.services keeps it (NFC, single spaces, no duplicate up to case)."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60, "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, str):  # posted back after an error: as typed
            return value
        return "\n".join(normalise_aliases(value or []))

    def to_python(self, value):
        return normalise_aliases((value or "").splitlines())

    def has_changed(self, initial, data):
        return normalise_aliases(initial or []) != self.to_python(data)


class UnitAdminForm(ModelForm):
    aliases = AliasesField(
        label=_("tên gọi khác"), required=False,
        help_text=_("Mỗi dòng một cách văn bản thường viết tên đơn vị, ví dụ: \"UBKT Tỉnh ủy\", \"Sở KH&ĐT\". "
                    "Trang nhập văn bản thêm vào đây những tên gọi được ghi nhớ."),
    )

    class Meta:
        model = Unit
        fields = "__all__"

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        unit = self.instance
        if parent is not None and unit.pk is not None and (parent.pk == unit.pk or
                                                            parent.pk in descendant_ids(unit)):
            raise ValidationError(
                _("Đơn vị cấp trên không được là chính đơn vị này hoặc một đơn vị cấp dưới của nó."), code="loop"
            )
        return parent


# Tree order without a stored path: units sort by (top ancestor, second level, third level). The directory is
# three levels deep at most (province → district committee → its People's Committee); deeper units still sort
# under their third-level ancestor.
_DEPTH = Case(
    When(parent__isnull=True, then=Value(0)),
    When(parent__parent__isnull=True, then=Value(1)),
    When(parent__parent__parent__isnull=True, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _tree_key(level: int, field: str):
    """The `field` (order or id) of the unit's ancestor at `level` (0 = top), or -1 below the unit's own depth."""
    whens = [When(depth=depth, then=F("parent__" * (depth - level) + field)) for depth in range(level, 4)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


class UnitTreeChangeList(ChangeList):
    """Unless the office sorts by a column, units come in tree order (annotated by UnitAdmin.get_queryset)."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return [f"tree_{level}_{field}" for level in range(3) for field in ("order", "id")]

    def get_ordering_field_columns(self):
        # In tree order no column is "the" sort column: mark none as sorted.
        return super().get_ordering_field_columns() if ORDER_VAR in self.params else {}


@admin.register(Unit)
class UnitAdmin(OfficeImportExportMixin, ImportExportModelAdmin, HistoryAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    list_display = ("tree_name", "short_name", "code", "kind", "member_count", "active")
    list_display_links = ("tree_name",)
    list_filter = (ParentUnitFilter, "kind", "active", "groups")
    search_fields = ("name", "short_name", "code", "aliases")
    list_per_page = 200
    autocomplete_fields = ("parent",)
    inlines = [ChildUnitInline, UnitMembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "code", "kind", "parent", "email", "active", "order")}),
        (_("Nhận diện trong văn bản"), {"fields": ("aliases",)}),
    )

    def get_queryset(self, request):
        # The whole directory: only the office and the standing committee hold the permissions to read it here
        # (accounts.roles), and both see every unit.
        queryset = Unit.objects.annotate(depth=_DEPTH, member_count=Count("memberships"))
        return queryset.annotate(**{
            f"tree_{level}_{field}": _tree_key(level, field) for level in range(3) for field in ("order", "id")
        })

    def get_changelist(self, request, **kwargs):
        return UnitTreeChangeList

    @admin.display(description=_("tên đơn vị"), ordering="name")
    def tree_name(self, unit):
        depth = min(getattr(unit, "depth", 0), 3)
        marker = "└ " if depth else ""
        return format_html('<span class="unit-depth-{}">{}{}</span>', depth, marker, unit.name)

    @admin.display(description=_("thành viên"), ordering="member_count")
    def member_count(self, unit):
        return unit.member_count


@admin.register(UnitGroup)
class UnitGroupAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "key", "unit_count")
    search_fields = ("name", "key")
    filter_horizontal = ("units",)
    fields = ("key", "name", "units", "phrases")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_count=Count("units"))

    @admin.display(description=_("số đơn vị"), ordering="unit_count")
    def unit_count(self, group):
        return group.unit_count


@admin.register(Membership)
class MembershipAdmin(OfficeImportExportMixin, ImportExportModelAdmin, HistoryAdmin):
    resource_classes = [MembershipResource]
    list_display = ("person", "username", "email", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "unit__name",
                     "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")
    show_full_result_count = False

    @admin.display(description=_("họ và tên"), ordering="user__last_name")
    def person(self, membership):
        return " ".join(p for p in (membership.user.last_name, membership.user.first_name) if p) or "—"

    @admin.display(description=_("tên đăng nhập"), ordering="user__username")
    def username(self, membership):
        return membership.user.username

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, membership):
        return membership.user.email
