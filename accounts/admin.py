"""Django's user and group admin, with the units a person belongs to.

The office manages people (accounts, their units, their role groups) but cannot grant what only a superuser may:
superuser status, permissions one by one, or a group's permissions. Those fields are not on its forms (so a posted
value is ignored, not just hidden), and a superuser's account is not the office's to change, its password included
(else the office could take it over). Only a superuser changes a superuser.
"""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.admin import PortalAdminMixin
from units.models import Membership

from . import names

User = get_user_model()


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("unit", "role")
    autocomplete_fields = ("unit",)
    extra = 0
    verbose_name = _("đơn vị công tác")
    verbose_name_plural = _("đơn vị công tác")


admin.site.unregister(User)
admin.site.unregister(Group)

# What only a superuser grants.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    """Django's user admin, with the units a person belongs to."""

    inlines = [UserMembershipInline]
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")

    @admin.display(description=_("họ và tên"), ordering="last_name")
    def full_name(self, user):
        return names.full_name(user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [(name, {**options, "fields": tuple(field for field in options["fields"]
                                                  if field not in SUPERUSER_ONLY_FIELDS)})
                for name, options in fieldsets]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        """The list's "delete selected" too leaves superusers to a superuser."""
        super().delete_queryset(request, queryset if request.user.is_superuser else queryset.filter(is_superuser=False))


@admin.register(Group)
class GroupAdmin(PortalAdminMixin, DjangoGroupAdmin):
    """The role groups: their permissions are a superuser's to change; the office sees them."""

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, "permissions")
