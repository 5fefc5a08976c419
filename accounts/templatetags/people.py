"""Names in templates, written by accounts.names: {{ user|person }} ("Lê Thị Tuyên") and {{ user|comrade }}
("đồng chí Lê Thị Tuyên")."""
from django import template

from accounts import names

register = template.Library()


@register.filter
def person(user) -> str:
    return names.person(user)


@register.filter
def comrade(user) -> str:
    return names.comrade(user)
