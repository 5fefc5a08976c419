from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from . import roles

# The menu's addresses (templates/base.html), by URL name: reversed once per (URLconf, script prefix) instead of
# nine {% url %} on every page. An address that does not exist in this URLconf is "" (as {% url ... as var %}).
MENU_URLS = {
    "home": "tasks:home", "list": "tasks:list", "docs": "tasks:documents", "dashboard": "oversight:dashboard",
    "admin": "admin:index", "password_change": "password_change", "calendar": "oversight:calendar", "otp_setup": "otp_setup",
    "logout": "logout",
}
_MENU_CACHE: dict[tuple, dict[str, str]] = {}


def menu_urls() -> dict[str, str]:
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    urls = _MENU_CACHE.get(key)
    if urls is None:
        urls = {}
        for name, url_name in MENU_URLS.items():
            try:
                urls[name] = reverse(url_name)
            except NoReverseMatch:
                urls[name] = ""
        if len(_MENU_CACHE) > 32:
            _MENU_CACHE.clear()
        _MENU_CACHE[key] = urls
    return urls


@receiver(setting_changed)
def _forget_menu_urls(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _MENU_CACHE.clear()


def portal(request):
    user = getattr(request, "user", None)
    return {
        "is_office": roles.is_office(user),
        "is_standing_committee": roles.is_standing_committee(user),
        "menu_urls": menu_urls(),
    }
