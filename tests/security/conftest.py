"""Helpers for the security tests."""
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's password


def totp_now(device: TOTPDevice) -> str:
    """The code the person's phone shows right now for this device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def enrolled():
    """Give a user a confirmed phone app; returns the device."""

    def make(user):
        return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)

    return make
