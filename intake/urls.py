from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("resolutions/import/", views.import_start, name="import"),
    path("resolutions/import/from-job/<uuid:pk>/", views.import_from_job, name="import_from_job"),
    path("resolutions/import/<slug:draft_id>/", views.import_review, name="import_review"),
    path("resolutions/import/<slug:draft_id>/confirm/", views.import_confirm, name="import_confirm"),
]
