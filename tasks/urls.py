from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.TaskListView.as_view(), name="list"),
    path("tasks/<int:pk>/", views.task_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
