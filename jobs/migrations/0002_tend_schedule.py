"""The periodic pass over exported files (portal.tend_jobs) as a django-celery-beat row, beside the reminders', so
the office sees it in the admin: expired files deleted, jobs no worker took or finished marked failed."""
import zoneinfo

from django.db import migrations

NAME = "Dọn tệp đã xuất"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="*/5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"),
    )
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "portal.tend_jobs", "crontab": crontab, "enabled": True,
        "description": "Xoá các tệp đã xuất quá hạn giữ; báo lỗi các yêu cầu xuất tệp không được xử lý kịp.",
    })


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
