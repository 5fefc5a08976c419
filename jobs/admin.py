"""The files people exported, for the office to see what runs and what failed: read-only (a person's file is theirs;
the periodic pass deletes it when it expires)."""
from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "state", "progress", "size", "created_at", "finished_at", "expires_at")
    list_filter = ("state", "kind")
    search_fields = ("title", "owner__username", "owner__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
