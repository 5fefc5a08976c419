from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Thông báo và nhắc hạn")

    def ready(self):
        from tasks.events import task_event

        from . import ledger

        # What happens to a task (tasks.events) becomes ledger rows for the people told.
        task_event.connect(ledger.on_task_event, dispatch_uid="portal_notify_task_events")
