from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Tài khoản và đăng nhập")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import roles, security, sessions

        # The idle timeout's clock starts at login (accounts/sessions.py).
        user_logged_in.connect(sessions.record_login, dispatch_uid="portal_session_record_login")
        # Permissions exist only after migrate has run, so the role groups (auth's groups) are granted theirs then.
        # Django sends post_migrate only for apps with models, which this one has not: on auth's, and
        # ensure_role_groups makes the managed apps' permissions first, whichever app is migrated after.
        post_migrate.connect(roles.ensure_role_groups, sender=apps.get_app_config("auth"),
                             dispatch_uid="portal_role_groups")
        # The security log (logins, lockouts, group and permission changes); after the role groups above.
        security.connect_signals()
