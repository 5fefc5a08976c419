"""How a person is written: "Họ đệm Tên" (Lê Thị Tuyên), family name first, as Vietnamese names are written, and
"đồng chí Lê Thị Tuyên" where a Party office names or addresses someone in a sentence.

Django's own fields are kept, no full-name field of our own: `first_name` holds the given name (Tuyên) and
`last_name` the family and middle names (Lê Thị). Django's `get_full_name()` writes them the other way round
("Tuyên Lê Thị"), so nothing in the portal calls it: every name goes through `person` or `comrade` (in templates
the `person` and `comrade` filters of accounts/templatetags/people.py).
"""
from django.utils.translation import gettext as _


def full_name(user) -> str:
    """"Lê Thị Tuyên", or "" when the account carries no name."""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def person(user) -> str:
    """A person's name in Vietnamese order, or the username; "Hệ thống" for what no person did."""
    if user is None:
        return _("Hệ thống")
    return full_name(user) or user.get_username()


def comrade(user) -> str:
    """"đồng chí Lê Thị Tuyên": how the office names a person in a sentence or a greeting. An account with no name
    (a service or test login) is named by its username, without the title."""
    if user is None:
        return _("Hệ thống")
    name = full_name(user)
    return _("đồng chí %(name)s") % {"name": name} if name else user.get_username()


def person_column(field: str, label):
    """An admin list column naming the person in `field` as `person` does (the admin would print the username):
    `list_display = (…, person_column("author", _("người báo cáo")), …)`; sorted by family name."""
    from django.contrib import admin

    @admin.display(description=label, ordering=f"{field}__last_name")
    def column(obj):
        return person(getattr(obj, field)) if getattr(obj, f"{field}_id") else "—"

    column.__name__ = f"{field}_person"
    return column
