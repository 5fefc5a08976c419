"""The Django admin, in Vietnamese: what every app's admin pages share.

Who gets in is Django's rule (staff only; unit users are not staff). What they may do there comes from the two
role groups (accounts.roles): the office holds every permission, the standing committee only the view permissions,
so Django shows it every page without save, delete or add buttons. Which rows anyone sees is the portal's rule
(tasks.access), the same as on every other page.
"""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import XLSX
from import_export.tmp_storages import MediaStorage
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = _("Theo dõi thực hiện chỉ đạo – Tỉnh ủy Hậu Giang")
admin.site.site_title = _("Quản trị hệ thống")
admin.site.index_title = _("Quản trị")
# The lists are wide (long Vietnamese titles, unit names, a badge, filters on the right): on an office screen the
# page needs the room more than a second menu beside the breadcrumbs and the home page's app list.
admin.site.enable_nav_sidebar = False


class PortalAdminMixin:
    """Styles shared by every page of the admin (CSP allows stylesheets from 'self' only, no inline styles)."""

    class Media:
        css = {"all": ["css/portal-admin.css"]}


class HistoryAdmin(PortalAdminMixin, SimpleHistoryAdmin):
    """simple_history's admin, minus one gap: its "revert to this version" page saves on POST after checking only
    the *view* permission. Whoever may not change the object may look at old versions, never restore one."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class OfficeImportExportMixin:
    """Import is a change (the office only); export is reading (whoever may view). Sheets are .xlsx.

    The uploaded sheet waits between "check" and "confirm" in the media storage rather than the web process's
    /tmp, so the two requests may reach different web processes or machines.
    """

    import_formats = [XLSX]
    export_formats = [XLSX]
    tmp_storage_class = MediaStorage

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)
