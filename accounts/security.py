"""Login protection and the security log.

- client_ip: the address lockouts and the log use (REMOTE_ADDR, or our own proxy's X-Forwarded-For entry).
- LoginThrottleBackend: django-axes' lockout check in front of Django's ModelBackend.
- lockout_response: the Vietnamese page a locked-out person sees (HTTP 429).
- TwoFactorMiddleware: staff need an OTP-verified session for the admin (PORTAL_ADMIN_REQUIRE_2FA); anyone who
  enrolled a device is asked for a code after every login. otp_exempt marks the views such a session may still
  open.
- SecurityEventMiddleware and the signal handlers: one line per security event on the "portal.security" logger
  (logins, failures, lockouts, denied access, group and permission changes, two-factor events). Never a password,
  a token, a session key or an OTP secret: only usernames, ids, addresses and paths.
"""
from __future__ import annotations

import datetime
import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.i18n import set_language
from django_otp import user_has_device

log = logging.getLogger("portal.security")

# Session flag set at login: this person has a confirmed OTP device, so every page asks for a code first.
SESSION_HAS_DEVICE = "portal_otp_enrolled"


# --- Who is asking ----------------------------------------------------------------------------------------
def client_ip(request) -> str:
    """The client's address. Behind our proxy (TRUST_X_FORWARDED_FOR=1) the last X-Forwarded-For entry is the
    one the proxy appended; anything before it came from the client and may be forged."""
    if request is None:
        return ""
    meta = getattr(request, "META", {})
    if getattr(settings, "PORTAL_TRUST_X_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return (meta.get("REMOTE_ADDR") or "")[:64]


def _clean(value, limit: int = 150) -> str:
    """One token for a log line: no control characters (no forged log lines), no spaces, bounded length."""
    text = "".join(ch if ch.isprintable() and not ch.isspace() else "_" for ch in ("" if value is None else str(value)))
    return text[:limit] or "-"


def security_event(event: str, request=None, *, user=None, level=logging.INFO, **fields) -> None:
    """Write one security event: `event=... user=... ip=... path=... key=value ...`."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    parts = [f"event={_clean(event)}"]
    if user is not None:
        parts.append(f"user={_clean(user.get_username())}")
        parts.append(f"user_id={user.pk}")
    if request is not None:
        parts.append(f"ip={_clean(client_ip(request))}")
        parts.append(f"method={_clean(getattr(request, 'method', ''))}")
        parts.append(f"path={_clean(getattr(request, 'path', ''), 300)}")
    for key, value in fields.items():
        parts.append(f"{key}={_clean(value, 300)}")
    log.log(level, " ".join(parts))


# --- Login throttling (django-axes) -----------------------------------------------------------------------
class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check. Every login path of the portal (the login page, the admin's login) passes the
    request; a call without one (the test client's login(), a shell) is not a web login and is not throttled,
    instead of failing as axes would."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Vietnamese lockout page, HTTP 429."""
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return render(
        request,
        "axes/lockout.html",
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@receiver(user_locked_out)
def _log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    security_event("login_locked_out", request, level=logging.WARNING, username=username,
                   limit=settings.AXES_FAILURE_LIMIT)


# --- Two-factor -------------------------------------------------------------------------------------------
def admin_requires_2fa() -> bool:
    return bool(getattr(settings, "PORTAL_ADMIN_REQUIRE_2FA", False))


def otp_exempt(view_func):
    """Mark a view that a session still waiting for its second factor may open: the two-factor pages themselves
    and logout. Read by TwoFactorMiddleware from the resolved view, as Django's LoginRequiredMiddleware reads
    login_not_required, so it holds under any URLconf and script prefix."""
    view_func.otp_exempt = True
    return view_func


def reachable_without_second_factor(view_func, match) -> bool:
    """Ours marked otp_exempt; any page that needs no login at all (Django's login_not_required: login, password
    reset, the admin's login, /healthz), since a password alone already opens it; and two of Django's own that
    we cannot mark: switching the language and the admin's logout (of whichever AdminSite)."""
    return (
        getattr(view_func, "otp_exempt", False)
        or not getattr(view_func, "login_required", True)
        or match.func is set_language
        or (match.url_name == "logout" and "admin" in match.app_names)
    )


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware. An unverified session of
    - a person who enrolled a device: sent to the verify page from every page;
    - staff, when PORTAL_ADMIN_REQUIRE_2FA is on: sent to verify (or to enrol) from the admin's pages.
    Decided on the view the request resolved to (process_view), not on its path. Static files never get here
    (WhiteNoise, or the development server's handler, serve them before the middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if getattr(user, "is_verified", None) is None or user.is_verified():
            return None
        match = request.resolver_match
        if request.session.get(SESSION_HAS_DEVICE, False):
            target = "otp_verify"
        elif user.is_staff and admin_requires_2fa() and "admin" in match.app_names:
            target = "otp_verify" if user_has_device(user) else "otp_setup"
        else:
            return None
        if reachable_without_second_factor(view_func, match):
            return None
        security_event("otp_required", request, target=target)
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


# --- Denied access ----------------------------------------------------------------------------------------
# Addresses browsers ask for on their own: a 404 there says nothing about the person.
_BROWSER_NOISE = ("/favicon.ico", "/apple-touch-icon", "/robots.txt", "/.well-known/")


class SecurityEventMiddleware:
    """Log refusals: every 403 (permission, CSRF) and, for signed-in people, every 404 (a foreign task is a 404,
    so repeated 404s from one account are how probing shows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 403:
            security_event("access_denied", request, level=logging.WARNING, status=status)
        elif (status == 404 and getattr(getattr(request, "user", None), "is_authenticated", False)
              and not request.path.startswith(_BROWSER_NOISE)):
            security_event("not_found", request, status=status)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            security_event("permission_denied", request, level=logging.WARNING, reason=type(exception).__name__)
        return None


# --- Logins -----------------------------------------------------------------------------------------------
@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_HAS_DEVICE] = user_has_device(user)
    security_event("login", request, user=user)


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event("logout", request, user=user)


@receiver(user_login_failed)
def _log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the username is written.
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    security_event("login_failed", request, level=logging.WARNING, username=username)


# --- Accounts, groups and permissions ---------------------------------------------------------------------
_WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _remember_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_WATCHED_FLAGS):
        return  # e.g. last_login after every login
    instance._portal_old_flags = sender.objects.filter(pk=instance.pk).values(*_WATCHED_FLAGS).first()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _log_flag_changes(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        security_event("user_created", target_user=instance.get_username(), target_id=instance.pk,
                       **{flag: getattr(instance, flag) for flag in _WATCHED_FLAGS})
        return
    old = getattr(instance, "_portal_old_flags", None) or {}
    for flag in _WATCHED_FLAGS:
        if flag in old and old[flag] != getattr(instance, flag):
            security_event("user_flag_changed", level=logging.WARNING, target_user=instance.get_username(),
                           target_id=instance.pk, flag=flag, before=old[flag], after=getattr(instance, flag))
    instance._portal_old_flags = None


def _m2m_names(model, pk_set) -> str:
    if model is Group:
        return ",".join(sorted(model.objects.filter(pk__in=pk_set).values_list("name", flat=True)))
    rows = model.objects.filter(pk__in=pk_set).values_list("content_type__app_label", "codename")
    return ",".join(sorted(f"{app}.{codename}" for app, codename in rows))


def _log_m2m(relation: str):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action != "post_clear" and not pk_set:
            return
        verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
        names = _m2m_names(model, pk_set) if pk_set else ""
        security_event(f"{relation}_{verb}", level=logging.WARNING, target=f"{type(instance).__name__}:{instance.pk}",
                       target_name=str(instance), items=names or "-")

    return handler


_user_groups_changed = _log_m2m("user_groups")
_user_permissions_changed = _log_m2m("user_permissions")
_group_permissions_changed = _log_m2m("group_permissions")


def connect_signals() -> None:
    """Called from TasksConfig.ready(): the m2m senders are the through models, known once apps are loaded."""
    User = get_user_model()
    m2m_changed.connect(_user_groups_changed, sender=User.groups.through, dispatch_uid="portal_sec_user_groups")
    m2m_changed.connect(_user_permissions_changed, sender=User.user_permissions.through,
                        dispatch_uid="portal_sec_user_perms")
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="portal_sec_group_perms")

    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        post_delete.connect(_log_device_removed, sender=model, dispatch_uid=f"portal_sec_del_{model.__name__}")


def _log_device_removed(sender, instance, **kwargs):
    security_event("otp_device_removed", level=logging.WARNING, target_user=instance.user.get_username(),
                   device=type(instance).__name__)
