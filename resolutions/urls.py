from django.urls import path

from . import views

app_name = "resolutions"

urlpatterns = [
    path("", views.ResolutionListView.as_view(), name="list"),
    path("<int:pk>/", views.resolution_detail, name="detail"),
]
