from django.urls import path

from .views import actions, choices, detail, directives, documents, home, lists

app_name = "tasks"

urlpatterns = [
    path("", home.home, name="home"),
    path("tasks/", lists.TaskListView.as_view(), name="list"),
    # The list's searchable drop-downs (tasks/views/choices.py): documents, and units for the office.
    path("tasks/choices/documents/", choices.document_choices, name="document_choices"),
    path("tasks/choices/units/", choices.unit_choices, name="unit_choices"),
    path("tasks/<int:pk>/", detail.task_detail, name="detail"),
    # Work by directive (tasks/views/directives.py): one row per directive, and one opened onto its units.
    path("directives/", directives.DirectiveListView.as_view(), name="directives"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive"),
    path("attachments/<int:pk>/", actions.attachment_download, name="attachment"),
    # The actions (tasks/views/actions.py): each a form that calls one service.
    path("tasks/new/", actions.create, name="create"),
    path("tasks/<int:pk>/report/", actions.report, name="report"),
    path("tasks/<int:pk>/contribute/", actions.contribute, name="contribute"),
    path("tasks/<int:pk>/propose/", actions.propose, name="propose"),
    path("tasks/<int:pk>/decide-completion/", actions.decide_completion, name="decide_completion"),
    path("tasks/<int:pk>/extension/", actions.request_extension, name="extension"),
    path("extensions/<int:pk>/decide/", actions.decide_extension, name="decide_extension"),
    path("tasks/<int:pk>/delegate/", actions.delegate, name="delegate"),
    path("tasks/<int:pk>/change-lead/", actions.change_lead, name="change_lead"),
    path("tasks/<int:pk>/cancel/", actions.cancel, name="cancel"),
    path("tasks/<int:pk>/edit/", actions.edit, name="edit"),
    # The documents the person's tasks come from (tasks/views/documents.py); importing one is the intake app's.
    path("resolutions/", documents.ResolutionListView.as_view(), name="documents"),
    path("resolutions/<int:pk>/", documents.resolution_detail, name="document"),
    path("resolutions/<int:pk>/original/", documents.original_file, name="document_file"),
]
