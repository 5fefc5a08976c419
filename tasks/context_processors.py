from . import roles


def portal(request):
    user = getattr(request, "user", None)
    return {
        "is_office": roles.is_office(user),
        "is_standing_committee": roles.is_standing_committee(user),
    }
