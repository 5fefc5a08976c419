from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("Theo dõi, báo cáo")

    def ready(self):
        # The export and the report, when too big for a request, run as background jobs (oversight.background).
        from jobs.registry import register

        from .background import RUNNERS

        for kind, runner in RUNNERS.items():
            register(kind, runner)
