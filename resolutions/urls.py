from django.urls import path

from . import views, views_import

app_name = "resolutions"

urlpatterns = [
    path("", views.ResolutionListView.as_view(), name="list"),
    path("import/", views_import.import_start, name="import"),
    path("import/<slug:draft_id>/", views_import.import_review, name="import_review"),
    path("import/<slug:draft_id>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.resolution_detail, name="detail"),
]
