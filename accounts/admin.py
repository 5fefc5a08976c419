"""Django's user admin, with the units a person belongs to."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    """Django's user admin, with the units a person belongs to."""

    inlines = [UserMembershipInline]
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")

    @admin.display(description=_("họ và tên"), ordering="last_name")
    def full_name(self, user):
        return names.full_name(user)
