"""The pass that hands the workers what is still waiting and takes back the claims of a worker that died
(portal.send_pending_notifications) runs every minute instead of every five: with claims kept alive by a heartbeat,
a killed worker's batch is then sent again within a minute or two. Only the schedule this project created is
changed; one the office edited in the admin is left as it is."""
import zoneinfo

from django.db import migrations

NAME = "Gửi thông báo đang chờ"
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _move(apps, old_minute: str, new_minute: str):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    task = PeriodicTask.objects.filter(name=NAME, task="portal.send_pending_notifications",
                                       crontab__minute=old_minute, crontab__hour="*").first()
    if task is None:
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=new_minute, hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TZ)
    task.crontab = crontab
    task.description = "Gửi các thư còn chờ, gửi lại thư lỗi tạm thời và thư của bộ xử lý nền bị dừng giữa chừng."
    task.save(update_fields=["crontab", "description"])


def every_minute(apps, schema_editor):
    _move(apps, "*/5", "*")


def every_five_minutes(apps, schema_editor):
    _move(apps, "*", "*/5")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("tasks", "0005_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_minute, every_five_minutes)]
