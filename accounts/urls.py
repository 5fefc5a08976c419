"""Signing in and out, passwords (Django's own views and names: login, logout, password_change, ...) and two-factor
login. Not namespaced: Django's authentication views reverse these names as they are."""
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .security import otp_exempt

urlpatterns = [
    path("2fa/", views.verify, name="otp_verify"),
    path("2fa/setup/", views.setup, name="otp_setup"),
    # Django's logout, before django.contrib.auth.urls' own: marked so that a session without its second factor
    # can still end itself.
    path("logout/", otp_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("", include("django.contrib.auth.urls")),
]
