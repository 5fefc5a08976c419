"""The portal's addresses: each app's own URLconf, included. DESIGN.md lists the pages that are contracts."""
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on their own, whatever the page links: send them to the portal's icon.
    Not permanent: the icon's hashed static address changes with each deployment that changes it."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


urlpatterns = [
    # For load balancers and monitoring: no login, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT), says only ok/error.
    path("", include("core.urls")),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("intake.urls")),
    path("", include("jobs.urls")),
    path("", include("notifications.urls")),
    path("", include("oversight.urls")),
    path("", include("tasks.urls")),
]
