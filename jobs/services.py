"""Starting, running and cleaning up jobs. Keyword-only, each change of state in one short transaction.

- start: a row, then a message to the workers once the row is committed (published by name, bounded in time:
  core.broker). The same request again while the first is waiting or running finds the first instead of starting
  another; a person has at most PORTAL_JOBS_PER_PERSON unfinished at once.
- run (in the worker): claims the row, writes the document into a temporary file through the kind's runner
  (jobs.registry) in the asker's language, reporting progress, then keeps the file in the storage until it expires;
  a runner's refusal (registry.Refused) fails the job with its reason; a kind may have a time limit of its own.
  A message delivered again (a worker killed mid-way: acks_late) runs the job again from the start, at most
  MAX_ATTEMPTS times; a finished job is never run again.
- tend (beat, every few minutes): expires finished files past their time (file deleted), fails jobs that no worker
  took or finished in time, and forgets rows older than PORTAL_JOBS_KEEP_DAYS.
"""
from __future__ import annotations

import datetime
import logging
import tempfile
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.broker import publish

from . import registry
from .models import Job

logger = logging.getLogger(__name__)
State = Job.State
RUN_JOB = "portal.run_job"
MAX_ATTEMPTS = 3
PROGRESS_EVERY_S = 0.5  # the worker writes its progress at most this often


class JobRefused(Exception):
    """Why a job was not started, in the person's language."""


# Errors kept on the row are written in Vietnamese (the worker has no request) and shown translated: marked here
# for makemessages, translated where they are shown (templates/jobs, views.job_json).
TIMED_OUT = gettext_noop("Không xong trong thời gian cho phép nên đã dừng. Hãy thu hẹp (lọc bớt danh sách, hoặc "
                         "tách văn bản thành nhiều phần) rồi làm lại.")
BROKEN = gettext_noop("Có lỗi khi tạo tệp. Lỗi đã được ghi lại để Văn phòng xử lý; hãy thử lại sau.")
NOT_TAKEN = gettext_noop("Bộ xử lý nền không nhận yêu cầu. Hãy thử lại sau ít phút.")
ABANDONED = gettext_noop("Bộ xử lý nền dừng giữa chừng. Hãy thử lại.")
UNKNOWN_KIND = gettext_noop("Loại tệp này không còn được hỗ trợ.")


def _now():
    return timezone.now()


# --- start ----------------------------------------------------------------------------------------------------


def start(*, owner, kind: str, title: str, params: dict) -> Job:
    """The job for this person, kind and parameters: the one already waiting or running, else a new one handed to
    the workers when the transaction commits. Raises JobRefused when the person has too many unfinished."""
    if registry.runner_for(kind) is None:
        raise ValueError(f"No runner is registered for jobs of kind {kind!r}.")
    with transaction.atomic():
        unfinished = Job.objects.select_for_update().filter(owner=owner, state__in=Job.UNFINISHED)
        same = [job for job in unfinished if job.kind == kind and job.params == params]
        if same:
            return same[0]
        if len(unfinished) >= settings.PORTAL_JOBS_PER_PERSON:
            raise JobRefused(_("Bạn đang có %(n)d tệp đang được tạo. Hãy chờ một tệp xong rồi yêu cầu tiếp.")
                             % {"n": len(unfinished)})
        job = Job.objects.create(owner=owner, kind=kind, title=title[:300], params=params,
                                 language=translation.get_language() or settings.LANGUAGE_CODE)
        transaction.on_commit(lambda: hand_over(job))
    return job


def hand_over(job: Job) -> bool:
    """Publish the job's message; a broker that does not take it fails the job at once, with a message saying so
    (the person is watching its page: better a clear answer and a button to try again than a wait for nothing)."""
    kind = registry.kind_of(job.kind)
    limits = {} if kind is None or kind.time_limit is None else {
        "soft_time_limit": kind.time_limit, "time_limit": kind.time_limit + 30}
    if publish(RUN_JOB, args=(str(job.pk),), what=f"background job {job.pk}", **limits):
        return True
    Job.objects.filter(pk=job.pk, state=State.QUEUED).update(state=State.FAILED, error=NOT_TAKEN, finished_at=_now())
    return False


# --- run ------------------------------------------------------------------------------------------------------


def _claim(job_id) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).select_related("owner").first()
        if job is None or job.finished:
            return None  # removed, or already done by an earlier delivery of the same message
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, ABANDONED)
            return None
        job.state, job.started_at, job.attempts = State.RUNNING, _now(), job.attempts + 1
        job.progress, job.done = 0.0, 0
        job.save(update_fields=["state", "started_at", "attempts", "progress", "done"])
    return job


def _fail(job: Job, error: str) -> None:
    Job.objects.filter(pk=job.pk, state__in=Job.UNFINISHED).update(
        state=State.FAILED, error=error, finished_at=_now())


class _Progress:
    """The runner's progress(done, total), written to the row at most every PROGRESS_EVERY_S seconds."""

    def __init__(self, job: Job):
        self.job, self.last = job, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_S and done < total:
            return
        self.last = now
        share = min(done / total, 1.0) if total else 0.0
        # The last few per cent are the file being kept: 1.0 only once the job is done.
        Job.objects.filter(pk=self.job.pk, state=State.RUNNING).update(
            progress=round(0.99 * share, 4), done=done, total=total)


def run(job_id) -> str:
    """Run one job (the Celery task portal.run_job calls this); returns its final state."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    runner = registry.runner_for(job.kind)
    if runner is None:
        _fail(job, UNKNOWN_KIND)
        return State.FAILED
    with tempfile.TemporaryFile() as out:
        try:
            with translation.override(job.language):
                written = runner(job.owner, job.params, out, _Progress(job))
        except registry.Refused as refusal:  # the document cannot be made, and the runner says why
            _fail(job, str(refusal)[:500])
            return State.FAILED
        except Exception as error:  # noqa: BLE001 - whatever the runner raised, the person gets a clear answer
            timed_out = isinstance(error, SoftTimeLimitExceeded)
            if not timed_out:
                logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _fail(job, TIMED_OUT if timed_out else BROKEN)
            return State.FAILED
        size = out.tell()
        out.seek(0)
        return _keep(job, written, File(out), size)


def _keep(job: Job, written: registry.Written, content: File, size: int) -> str:
    """Store the file and mark the job done, unless it stopped being this worker's meanwhile."""
    extension = written.filename.rsplit(".", 1)[-1] if "." in written.filename else "bin"
    name = job.file.field.generate_filename(job, f"{job.pk.hex}.{extension}")
    stored = job.file.storage.save(name, content)
    now = _now()
    updated = Job.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts).update(
        state=State.DONE, file=stored, filename=written.filename, content_type=written.content_type, size=size,
        progress=1.0, finished_at=now, expires_at=now + keep_for(), error="")
    if not updated:  # failed by tend() as abandoned, or taken over by a later delivery: this file is nobody's
        job.file.storage.delete(stored)
        return "superseded"
    return State.DONE


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PORTAL_JOBS_KEEP_HOURS)


# --- seen, tend -----------------------------------------------------------------------------------------------


def mark_seen(job: Job) -> None:
    if job.seen_at is None:
        Job.objects.filter(pk=job.pk, seen_at__isnull=True).update(seen_at=_now())


def tend(now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic pass: expire, fail what was abandoned, forget what is old. Returns how many of each."""
    now = now or _now()
    past = list(Job.objects.filter(state=State.DONE, expires_at__lte=now).only("pk", "file"))
    for job in past:
        if job.file:
            job.file.storage.delete(job.file.name)
    expired = Job.objects.filter(pk__in=[job.pk for job in past], state=State.DONE).update(
        state=State.EXPIRED, file="")
    limit = datetime.timedelta(seconds=settings.PORTAL_JOB_TIME_LIMIT + 300)
    never_taken = Job.objects.filter(state=State.QUEUED, created_at__lt=now - limit).update(
        state=State.FAILED, error=NOT_TAKEN, finished_at=now)
    abandoned = Job.objects.filter(state=State.RUNNING, started_at__lt=now - limit).update(
        state=State.FAILED, error=ABANDONED, finished_at=now)
    old = list(Job.objects.filter(created_at__lt=now - datetime.timedelta(days=settings.PORTAL_JOBS_KEEP_DAYS))
               .exclude(state__in=Job.UNFINISHED).only("pk", "file"))
    for job in old:
        if job.file:
            job.file.storage.delete(job.file.name)
    forgotten = Job.objects.filter(pk__in=[job.pk for job in old]).delete()[0]
    return {"expired": expired, "never_taken": never_taken, "abandoned": abandoned, "forgotten": forgotten}
