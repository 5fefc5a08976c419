"""Small helpers for the page layout (templates/base.html)."""
from django import template

from tasks import roles
from tasks.models import Membership
from tasks.selectors import scope_for
from tasks.timeline import person

register = template.Library()


@register.filter
def sees_overview(user) -> bool:
    """The oversight dashboard is for the office, the standing committee and unit leaders."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if roles.sees_all_units(user):
        return True
    return Membership.Role.LEADER in scope_for(user).memberships.values()


@register.filter
def display_name(user) -> str:
    """"Lê Thị Tuyên": family name first, as Vietnamese names are written."""
    return person(user)
