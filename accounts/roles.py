"""The two portal-wide roles, as Django groups: the office (full rights) and the standing committee (read-only).

Unit roles (leader, officer) are Memberships. Which units a person sees is accounts.identity; which tasks, tasks.access.
"""
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from .identity import OFFICE_GROUP, STANDING_GROUP, group_names

# Apps whose models the office manages in the admin and the standing committee reads.
MANAGED_APPS = ("units", "tasks", "resolutions", "notifications", "oversight", "auth", "django_celery_beat")
# Beyond those, the office unlocks accounts that django-axes locked out: it sees and deletes lockout records.
OFFICE_EXTRA_PERMISSIONS = (
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
)


def ensure_role_groups(**kwargs):
    """Create the role groups and give them their permissions (idempotent; runs after every migrate).

    post_migrate fires app by app, so the permissions of apps migrated after this one may not exist yet:
    create them first, or a fresh database would leave the office without rights on documents.
    """
    extra_apps = {app_label for app_label, _codename in OFFICE_EXTRA_PERMISSIONS}
    for app_config in apps.get_app_configs():
        if app_config.label in MANAGED_APPS or app_config.label in extra_apps:
            create_permissions(app_config, verbosity=0)
    office, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    standing, _ = Group.objects.get_or_create(name=STANDING_GROUP)
    managed = Permission.objects.filter(content_type__app_label__in=MANAGED_APPS)
    extra = Permission.objects.none()
    for app_label, codename in OFFICE_EXTRA_PERMISSIONS:
        extra = extra | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    # set() changes nothing when nothing changed, so a re-run of migrate logs no permission change.
    office.permissions.set(managed | extra)
    standing.permissions.set(managed.filter(codename__startswith="view_"))


def is_office(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (
        user.is_superuser or OFFICE_GROUP in group_names(user)
    ))


def is_standing_committee(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and STANDING_GROUP in group_names(user))


def sees_all_units(user) -> bool:
    return is_office(user) or is_standing_committee(user)


def people_in(*names: str):
    """The active accounts in these role groups (OFFICE_GROUP, STANDING_GROUP), each once."""
    return get_user_model().objects.filter(is_active=True, groups__name__in=names).distinct()
