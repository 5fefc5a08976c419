from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Nhập văn bản")

    def ready(self):
        # A document too big to read in a request is read by a worker (intake.background).
        from jobs.registry import register

        from . import background

        register(background.READ_DOCUMENT, background.read_document, open_url=background.review_of,
                 back_url=background.start_again, time_limit=background.READ_TIME_LIMIT)
