"""The worker's side of jobs: run one, and the periodic pass (beat) that expires and cleans up."""
from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name=services.RUN_JOB, soft_time_limit=settings.PORTAL_JOB_TIME_LIMIT,
             time_limit=settings.PORTAL_JOB_TIME_LIMIT + 30)
def run_job(job_id, **kwargs):
    return services.run(job_id)


@shared_task(name="portal.tend_jobs")
def tend_jobs(**kwargs):
    return services.tend()
