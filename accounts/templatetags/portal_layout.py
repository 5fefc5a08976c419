"""Small helpers for the page layout (templates/base.html)."""
from django import template

from accounts.names import person

register = template.Library()


@register.filter
def display_name(user) -> str:
    """"Lê Thị Tuyên": family name first, as Vietnamese names are written."""
    return person(user)
