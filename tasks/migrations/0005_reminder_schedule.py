"""The reminder schedule as django-celery-beat rows, so the office sees and edits it in the admin.

Beat (DatabaseScheduler) reads these rows. Times are Asia/Ho_Chi_Minh. The tasks themselves check for working
days (weekends and Vietnamese public holidays), so the crontab only says "mornings, Monday to Friday".
"""
import zoneinfo

from django.db import migrations

TZ = "Asia/Ho_Chi_Minh"

SCHEDULE = [
    # (name, task, crontab minute, hour, day_of_week, description)
    (
        "Nhắc hạn hằng ngày", "portal.daily_sweep", "0", "7", "1-5",
        "Ghi các lời nhắc đến hạn hôm nay vào sổ thông báo và gửi thư tổng hợp hằng ngày (giờ gửi sửa ở "
        "Chính sách nhắc hạn).",
    ),
    (
        "Gửi thông báo đang chờ", "portal.send_pending_notifications", "*/5", "*", "*",
        "Gửi các thư còn chờ, gửi lại thư lỗi tạm thời và thư bị gián đoạn.",
    ),
    (
        "Báo cáo tuần", "portal.weekly_summary", "30", "7", "1-5",
        "Báo cáo tuần cho Văn phòng và Thường trực, vào ngày làm việc đầu tiên của tuần.",
    ),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    ReminderPolicy = apps.get_model("tasks", "ReminderPolicy")
    ReminderPolicy.objects.get_or_create(pk=1)
    for name, task, minute, hour, day_of_week, description in SCHEDULE:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*", month_of_year="*",
            timezone=zoneinfo.ZoneInfo(TZ),
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True},
        )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULE]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0004_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
