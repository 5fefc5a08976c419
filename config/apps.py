"""The third-party apps the admin lists, named in the office's language.

Their own packages name them in English ("AXES: Access attempts", "PERIODIC TASKS: Crontabs, Solar events"), with
no Vietnamese catalogue; these subclasses, listed in INSTALLED_APPS in their place, give the section and its models
Vietnamese names as msgids, translated to English by the portal's own catalogue like every other string. Only the
names shown change: the models' options recorded in the packages' migrations are untouched (Django's migration
state reads the options written in each model's Meta, not these), so no migration follows.
"""
from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


class NamedModelsMixin:
    """`model_names`: {model name: (singular, plural)}, set on the models when the app is ready."""

    model_names: dict[str, tuple[str, str]] = {}

    def ready(self):
        super().ready()
        for model_name, (singular, plural) in self.model_names.items():
            options = self.get_model(model_name)._meta
            options.verbose_name, options.verbose_name_plural = singular, plural


class LoginThrottlingConfig(NamedModelsMixin, AxesAppConfig):
    verbose_name = _("Truy cập đăng nhập")
    model_names = {
        "AccessAttempt": (_("lần đăng nhập sai đang tính"), _("lần đăng nhập sai đang tính (mở khóa tại đây)")),
        "AccessLog": (_("nhật ký đăng nhập"), _("nhật ký đăng nhập")),
        "AccessFailureLog": (_("lần đăng nhập sai"), _("các lần đăng nhập sai")),
    }


class PeriodicScheduleConfig(NamedModelsMixin, BeatConfig):
    verbose_name = _("Lịch chạy định kỳ")
    model_names = {
        "PeriodicTask": (_("việc chạy định kỳ"), _("các việc chạy định kỳ")),
        "IntervalSchedule": (_("lịch theo khoảng thời gian"), _("lịch theo khoảng thời gian")),
        "CrontabSchedule": (_("lịch theo giờ trong ngày (crontab)"), _("lịch theo giờ trong ngày (crontab)")),
        "SolarSchedule": (_("lịch theo mặt trời"), _("lịch theo mặt trời")),
        "ClockedSchedule": (_("lịch chạy một lần"), _("lịch chạy một lần")),
    }


class AuthenticatorAppConfig(NamedModelsMixin, OTPTOTPConfig):
    verbose_name = _("Xác thực hai lớp: ứng dụng")
    model_names = {"TOTPDevice": (_("ứng dụng xác thực"), _("ứng dụng xác thực"))}


class BackupCodesConfig(NamedModelsMixin, OTPStaticConfig):
    verbose_name = _("Xác thực hai lớp: mã dự phòng")
    model_names = {
        "StaticDevice": (_("bộ mã dự phòng"), _("bộ mã dự phòng")),
        "StaticToken": (_("mã dự phòng"), _("mã dự phòng")),
    }
