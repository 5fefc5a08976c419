"""How a person is written: "Họ đệm Tên" (Lê Thị Tuyên), family name first, as Vietnamese names are written."""
from django.utils.translation import gettext as _


def person(user) -> str:
    """A person's name in Vietnamese order, or the username; "Hệ thống" for what no person did."""
    if user is None:
        return _("Hệ thống")
    return " ".join(part for part in (user.last_name, user.first_name) if part) or user.get_username()
