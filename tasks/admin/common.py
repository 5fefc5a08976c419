"""What the task admins share: rows scoped to the tasks a person may see, and the standing badge."""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from ..access import visible
from ..standing import Standing


class TaskScopedAdmin(admin.ModelAdmin):
    """Rows that hang off a task: nobody sees rows of a task they could not see (the office and the standing
    committee see all, so for them this adds nothing to the query)."""

    task_path = "task"

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user, task_ref=self.task_path)


STANDING_CSS = {
    Standing.ON_TRACK: "on-track", Standing.DUE_SOON: "due-soon", Standing.OVERDUE: "overdue",
    Standing.DONE_ON_TIME: "done-on-time", Standing.DONE_LATE: "done-late", Standing.ONGOING: "ongoing",
    Standing.CANCELLED: "cancelled",
}


def standing_badge(standing: str):
    return format_html('<span class="standing-badge standing-{}">{}</span>', STANDING_CSS.get(standing, "unknown"),
                       Standing(standing).label)
