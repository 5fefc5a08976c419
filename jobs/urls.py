from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("files/", views.job_list, name="list"),
    path("files/<uuid:pk>/", views.job_detail, name="detail"),
    path("files/<uuid:pk>/download/", views.job_download, name="download"),
    path("files/<uuid:pk>/retry/", views.job_retry, name="retry"),
]
