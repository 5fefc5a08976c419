"""The bell in the navigation bar (templates/notifications/partials/bell.html)."""
from django import template

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
