"""The portal's addresses: each app's own URLconf, included. DESIGN.md lists the pages that are contracts."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # For load balancers and monitoring: no login, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT), says only ok/error.
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("intake.urls")),
    path("", include("notifications.urls")),
    path("", include("oversight.urls")),
    path("", include("tasks.urls")),
]
