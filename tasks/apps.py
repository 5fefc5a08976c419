from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = _("Theo dõi nhiệm vụ")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.sessions import record_login

        # The idle timeout's clock starts at login (config/sessions.py).
        user_logged_in.connect(record_login, dispatch_uid="portal_session_record_login")

        from . import roles

        # Permissions exist only after migrate has run, so the role groups are granted theirs then.
        post_migrate.connect(roles.ensure_role_groups, sender=self)

        from . import security

        # The security log (logins, lockouts, group and permission changes); after the role groups above.
        security.connect_signals()
