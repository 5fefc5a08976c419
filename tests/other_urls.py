"""Another deployment's URLconf (ROOT_URLCONF in tests of what must not depend on config.urls): the portal's pages
at other addresses."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("quan-tri/", admin.site.urls),
    path("ngon-ngu/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("accounts.urls")),
    path("cong-viec/", include("intake.urls")),
    path("cong-viec/", include("jobs.urls")),
    path("cong-viec/", include("notifications.urls")),
    path("cong-viec/", include("oversight.urls")),
    path("cong-viec/", include("tasks.urls")),
]
