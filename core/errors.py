"""The errors a service raises when the rules refuse what was asked (every app's services share them, so a view
shows any of them the same way)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class ServiceError(ValidationError):
    """A transition the rules refuse (the message is for the user, in their language, with a code)."""


class ConflictError(ServiceError):
    """Someone else saved the object after this person read it."""


def require(allowed: bool) -> None:
    """Refuse with PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
