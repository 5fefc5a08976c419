"""Signing in and out, passwords (Django's own views and names: login, logout, password_change, ...) and two-factor
login. Not namespaced: Django's authentication views reverse these names as they are."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("2fa/", views.verify, name="otp_verify"),
    path("2fa/setup/", views.setup, name="otp_setup"),
    path("", include("django.contrib.auth.urls")),
]
