"""The bell in the navigation bar (templates/notifications/partials/bell.html): unread notices, and exported files
ready and not yet downloaded (jobs)."""
from django import template

from jobs.selectors import files_for_bell
from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the signed-in person's notices are unread (one query; cached for the rest of the render)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    cached = getattr(request, "_portal_unread_notifications", None)
    if cached is None:
        cached = unread_count(user)
        if request is not None:
            request._portal_unread_notifications = cached
    return cached


@register.simple_tag(takes_context=True)
def ready_files(context) -> int:
    """How many of the person's exported files are ready and not yet downloaded (no query for a person who started
    no export in this session: jobs.selectors.files_for_bell)."""
    request = context.get("request")
    return files_for_bell(request) if request is not None else 0
