"""Documents and their directives in the admin, with the tasks each gave (a unit sees only documents and
directives behind its own tasks: tasks.access)."""
from __future__ import annotations

import posixpath

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.identity import scope_for
from core.admin import HistoryAdmin
from core.dates import dmy
from resolutions.models import Directive, Resolution

from ..access import visible_resolutions, visible_tasks
from ..models import Task
from .common import standing_badge


class DirectiveInline(admin.StackedInline):
    model = Directive
    fields = (("order", "section_path", "label"), "text", ("deadline_text", "ongoing"), "scope_as_written")
    extra = 0
    show_change_link = True
    verbose_name = _("nội dung chỉ đạo")
    verbose_name_plural = _("các nội dung chỉ đạo")


class _StoredOriginal(str):
    """The stored file's name, with the address of the permission-checked download (tasks:document_file) as its
    url: files are never served from MEDIA_URL."""

    def __new__(cls, field_file):
        stored = super().__new__(cls, posixpath.basename(field_file.name))
        stored.url = reverse("tasks:document_file", args=[field_file.instance.pk])
        return stored


class OriginalFileWidget(AdminFileWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and value.instance.pk:
            context["widget"]["value"] = _StoredOriginal(value)
        return context


@admin.register(Resolution)
class ResolutionAdmin(HistoryAdmin):
    inlines = [DirectiveInline]
    formfield_overrides = {models.FileField: {"widget": OriginalFileWidget}}
    list_display = ("label", "short_title", "kind", "issued_dmy", "directive_count", "task_count")
    list_filter = ("kind", "issuing_body")
    search_fields = ("number", "title", "signer")
    date_hierarchy = "issued_on"
    readonly_fields = ("created_by", "created_at", "source_sha256")
    fieldsets = (
        (None, {"fields": ("kind", "number", "title", "issued_on", "issuing_body", "signer")}),
        (_("Nội dung"), {"classes": ("collapse",), "fields": ("body", "original_file")}),
        (_("Theo dõi"), {"classes": ("collapse",), "fields": ("created_by", "created_at", "source_sha256")}),
    )

    def get_fieldsets(self, request, obj=None):
        # Read-only (the standing committee), the file is shown through original_file_link, not Django's MEDIA_URL link.
        if self.has_change_permission(request, obj):
            return self.fieldsets
        return [(title, {**options, "fields": tuple("original_file_link" if field == "original_file" else field
                                                    for field in options["fields"])})
                for title, options in self.fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "original_file_link")

    @admin.display(description=_("tệp gốc"))
    def original_file_link(self, resolution):
        if not resolution.original_file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("tasks:document_file", args=[resolution.pk]),
                           posixpath.basename(resolution.original_file.name))

    def get_queryset(self, request):
        return visible_resolutions(request.user).annotate(
            directive_count=Count("directives", distinct=True),
            task_count=Count("directives__tasks", distinct=True),
        )

    @admin.display(description=_("văn bản"), ordering="number")
    def label(self, resolution):
        return resolution.number or resolution.get_kind_display()

    @admin.display(description=pgettext_lazy("document", "trích yếu"), ordering="title")
    def short_title(self, resolution):
        return Truncator(resolution.title).chars(120)

    @admin.display(description=_("ngày ban hành"), ordering="issued_on")
    def issued_dmy(self, resolution):
        return dmy(resolution.issued_on)

    @admin.display(description=_("nội dung chỉ đạo"), ordering="directive_count")
    def directive_count(self, resolution):
        return resolution.directive_count

    @admin.display(description=_("nhiệm vụ"), ordering="task_count")
    def task_count(self, resolution):
        return resolution.task_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class DirectiveTaskInline(admin.TabularInline):
    """The directive's roll-up: every task made from it, its lead unit and where it stands. Tasks are edited on
    their own page (the link), not here."""

    model = Task
    fk_name = "directive"
    fields = ("title", "lead_unit", "deadline_dmy", "standing_display", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name = _("nhiệm vụ")
    verbose_name_plural = _("nhiệm vụ giao từ nội dung này")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return visible_tasks(request.user).filter(parent__isnull=True).with_lead_unit()

    @admin.display(description=_("đơn vị chủ trì"))
    def lead_unit(self, task):
        return task.lead_unit_name

    @admin.display(description=_("hạn xử lý"))
    def deadline_dmy(self, task):
        return dmy(task.deadline)

    @admin.display(description=_("tình trạng thời hạn"))
    def standing_display(self, task):
        return standing_badge(task.compute_standing())


@admin.register(Directive)
class DirectiveAdmin(HistoryAdmin):
    inlines = [DirectiveTaskInline]
    list_display = ("place", "short_text", "resolution", "task_count", "ongoing")
    list_filter = ("ongoing", "resolution")
    search_fields = ("text", "section_path", "label", "resolution__number", "resolution__title")
    list_select_related = ("resolution",)
    autocomplete_fields = ("resolution",)
    show_full_result_count = False

    def get_queryset(self, request):
        directives = super().get_queryset(request).annotate(task_count=Count("tasks"))
        if scope_for(request.user).all_units:
            return directives
        return directives.filter(Exists(visible_tasks(request.user).filter(directive=OuterRef("pk"))))

    @admin.display(description=_("mục"), ordering="order")
    def place(self, directive):
        return " ".join(part for part in (directive.section_path, directive.label) if part) or "—"

    @admin.display(description=_("nội dung"))
    def short_text(self, directive):
        return Truncator(directive.text).chars(140)

    @admin.display(description=_("nhiệm vụ"), ordering="task_count")
    def task_count(self, directive):
        return directive.task_count
