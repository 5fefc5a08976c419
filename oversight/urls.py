from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    # The task list as Excel: the list's own filters (tasks.filters), at the list's address.
    path("tasks/export.xlsx", views.export_tasks, name="export"),
    path("reports/implementation.docx", views.implementation_report, name="report"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
]
