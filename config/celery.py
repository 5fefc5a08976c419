"""The Celery application. Broker and behaviour come from Django settings (CELERY_* names)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app keeps its Celery tasks in celery_tasks.py (tasks.tasks would read oddly for an app named "tasks").
app.autodiscover_tasks(related_name="celery_tasks")
