from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tasks import two_factor, views_dashboard
from tasks.views_health import healthz

admin.site.site_header = _("Theo dõi thực hiện chỉ đạo – Tỉnh ủy Hậu Giang")
admin.site.site_title = _("Quản trị hệ thống")
admin.site.index_title = _("Quản trị")

urlpatterns = [
    # For load balancers and monitoring: no login, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT), says only ok/error.
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/2fa/", two_factor.verify, name="otp_verify"),
    path("accounts/2fa/setup/", two_factor.setup, name="otp_setup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("resolutions/", include("resolutions.urls")),
    # Oversight (tasks/views_dashboard.py); the export of the task list is tasks:export.
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
    path("reports/implementation.docx", views_dashboard.implementation_report, name="implementation_report"),
    path("calendar/", views_dashboard.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views_dashboard.calendar_feed_view, name="calendar_feed"),
    path("", include("tasks.urls")),
]
