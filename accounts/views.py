"""Two-factor login (TOTP, django-otp): enrol a phone app with a QR code, verify a code after the password.

Staff need a verified session for the admin when PORTAL_ADMIN_REQUIRE_2FA is on (accounts.security.TwoFactorMiddleware);
for everyone else it is optional, and once enrolled a code is asked after every login.
"""
from __future__ import annotations

import base64
import logging

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security import SESSION_HAS_DEVICE, admin_requires_2fa, otp_exempt, security_event

DEVICE_NAME = "Ứng dụng xác thực"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        min_length=6,
        max_length=16,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "form-control",
        }),
        help_text=_("Mã 6 chữ số trên ứng dụng xác thực, hoặc một mã dự phòng do Văn phòng cấp."),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next_url(request, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _qr_image(data: str) -> str:
    """The QR code of the otpauth URL as a data: URI for an <img> (the CSP allows data: images): an image the
    template escapes like any attribute, no markup of ours in the page."""
    return segno.make(data, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _throttled(user) -> bool:
    """After a wrong code each device refuses further codes for a while (1 s, 2 s, 4 s, ...)."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=True))


def _verify(user, token: str):
    """The confirmed device that accepts the token, or None (each device throttles its own failures)."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@otp_exempt
@never_cache
@sensitive_post_parameters("token")
@login_required
def verify(request):
    """Ask for a code; on success the session is OTP-verified (and its key renewed)."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user):
        request.session[SESSION_HAS_DEVICE] = False
        if user.is_staff and admin_requires_2fa():
            return redirect(f"{reverse('otp_setup')}?{urlencode({'next': next_url})}")
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify(user, form.cleaned_data["token"])
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            security_event("otp_verified", request, device=type(device).__name__)
            return redirect(next_url)
        security_event("otp_failed", request, level=logging.WARNING)
        if _throttled(user):
            form.add_error("token", _("Mã xác thực không đúng. Đã nhập sai nhiều lần: hãy đợi ít giây rồi nhập mã mới."))
        else:
            form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử mã mới."))
    return render(request, "otp/verify.html", {"form": form, "next": next_url})


@otp_exempt
@never_cache
@sensitive_post_parameters("token")
@login_required
def setup(request):
    """Enrol (or replace) the phone app. Replacing needs a verified session: a password alone cannot swap the
    second factor."""
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user) and not user.is_verified():
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            request.session.cycle_key()
            otp_login(request, device)
            request.session[SESSION_HAS_DEVICE] = True
            security_event("otp_enrolled", request)
            return render(request, "otp/setup_done.html", {"next": next_url})
        security_event("otp_enrol_failed", request, level=logging.WARNING)
        form.add_error("token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã mới."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "otp/setup.html", {
        "form": form,
        "next": next_url,
        "qr_image": _qr_image(device.config_url),
        # Grouped by four for typing by hand into the app.
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "issuer": getattr(settings, "OTP_TOTP_ISSUER", ""),
        "replacing": user_has_device(user),
        "required": user.is_staff and admin_requires_2fa(),
    })
