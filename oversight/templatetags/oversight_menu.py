"""The menu's link to the dashboard (templates/base.html) is shown to whoever may open it."""
from django import template

from oversight.access import may_see_dashboard

register = template.Library()


@register.filter
def sees_overview(user) -> bool:
    return may_see_dashboard(user)
