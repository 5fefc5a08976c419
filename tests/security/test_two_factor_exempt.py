"""The pages an unverified session may still open (two-factor, logout, static files) are worked out once per
URLconf and script prefix, and follow both: under a sub-path or another URLconf they are that deployment's pages."""
from django.test import override_settings
from django.urls import include, path, reverse, set_script_prefix

from accounts.security import TwoFactorMiddleware

exempt = TwoFactorMiddleware._exempt


def _page(request):  # pragma: no cover - never requested
    raise AssertionError


# Another deployment's URLconf (this module, under override_settings): the same names at other paths.
urlpatterns = [
    path("khac/2fa/", _page, name="otp_verify"),
    path("khac/2fa/setup/", _page, name="otp_setup"),
    path("khac/logout/", _page, name="logout"),
    path("khac/admin/", include(([path("logout/", _page, name="logout")], "admin"))),
]


def test_the_two_factor_page_and_logout_stay_reachable_but_other_pages_do_not():
    assert exempt(reverse("otp_verify")) and exempt(reverse("logout")) and exempt("/static/app.css")
    assert not exempt("/tasks/") and not exempt("/admin/")


def test_under_a_script_prefix_the_prefixed_pages_are_exempt():
    try:
        set_script_prefix("/portal/")
        assert exempt("/portal/accounts/2fa/")
        assert not exempt("/accounts/2fa/")
    finally:
        set_script_prefix("/")
    assert exempt("/accounts/2fa/")


def test_another_urlconf_gets_its_own_pages():
    assert exempt("/accounts/2fa/")  # the portal's, computed first
    with override_settings(ROOT_URLCONF=__name__):
        assert exempt("/khac/2fa/") and exempt("/khac/admin/logout/")
        assert not exempt("/accounts/2fa/")
    assert exempt("/accounts/2fa/") and not exempt("/khac/2fa/")
