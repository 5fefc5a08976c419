from . import roles


def portal(request):
    """What the base layout asks of every page: which of the two portal-wide roles the person holds (the menu's
    addresses are {% url %} in templates/base.html)."""
    user = getattr(request, "user", None)
    return {
        "is_office": roles.is_office(user),
        "is_standing_committee": roles.is_standing_committee(user),
    }
