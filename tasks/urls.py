from django.urls import path

from . import views, views_actions, views_choices, views_dashboard, views_notifications

app_name = "tasks"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.TaskListView.as_view(), name="list"),
    # The list's searchable drop-downs (tasks/views_choices.py): documents, and units for the office.
    path("tasks/choices/documents/", views_choices.document_choices, name="document_choices"),
    path("tasks/choices/units/", views_choices.unit_choices, name="unit_choices"),
    path("tasks/<int:pk>/", views.task_detail, name="detail"),
    path("tasks/export.xlsx", views_dashboard.export_tasks, name="export"),
    path("attachments/<int:pk>/", views_actions.attachment_download, name="attachment"),
    # The actions (tasks/views_actions.py): each a form that calls one service.
    path("tasks/new/", views_actions.create, name="create"),
    path("tasks/<int:pk>/report/", views_actions.report, name="report"),
    path("tasks/<int:pk>/contribute/", views_actions.contribute, name="contribute"),
    path("tasks/<int:pk>/propose/", views_actions.propose, name="propose"),
    path("tasks/<int:pk>/decide-completion/", views_actions.decide_completion, name="decide_completion"),
    path("tasks/<int:pk>/extension/", views_actions.request_extension, name="extension"),
    path("extensions/<int:pk>/decide/", views_actions.decide_extension, name="decide_extension"),
    path("tasks/<int:pk>/delegate/", views_actions.delegate, name="delegate"),
    path("tasks/<int:pk>/change-lead/", views_actions.change_lead, name="change_lead"),
    path("tasks/<int:pk>/cancel/", views_actions.cancel, name="cancel"),
    path("tasks/<int:pk>/edit/", views_actions.edit, name="edit"),
    # Notifications and the office's outbox (tasks/views_notifications.py).
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views_notifications.notification_open, name="notification_open"),
    path("notifications/read/", views_notifications.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/preferences/", views_notifications.notification_preferences,
         name="notification_preferences"),
    path("outbox/", views_notifications.outbox, name="outbox"),
    path("outbox/<int:pk>/", views_notifications.outbox_detail, name="outbox_detail"),
    path("outbox/<int:pk>/resend/", views_notifications.outbox_resend, name="outbox_resend"),
]
