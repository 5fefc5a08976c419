"""A piece of long work a person asked for (an export, a report) and the file it made."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang tạo tệp")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")
    EXPIRED = "expired", _("Đã hết hạn")


class Job(models.Model):
    """One export or report made in the background for one person, who alone may see it and download its file.

    The id is random (a UUID): the job's address says nothing about how many others there are. `done` and `total`
    count what the runner has written (rows), `progress` is done / total, written by the worker as it goes.
    """

    State = JobState
    UNFINISHED = (JobState.QUEUED, JobState.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.CASCADE,
                              related_name="jobs")
    # What to write (a name jobs.registry knows) and with what: the parameters of the page that asked, as sent.
    kind = models.CharField(_("loại"), max_length=40)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    # The words shown in the list and the bell ("Danh sách nhiệm vụ (Excel), 100.000 dòng"), in the asker's language.
    title = models.CharField(_("tên"), max_length=300)
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    state = models.CharField(_("trạng thái"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.FloatField(_("tiến độ"), default=0.0)
    done = models.PositiveIntegerField(_("đã ghi"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to="exports/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=120, blank=True)
    size = models.BigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("thời điểm bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    # When the person downloaded the file (or opened its page once it was ready): the bell stops counting it.
    seen_at = models.DateTimeField(_("thời điểm đã xem"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đã xuất")
        verbose_name_plural = _("tệp đã xuất")
        ordering = ["-created_at"]
        indexes = [
            # A person's list, newest first, and the bell's count of their files ready and not yet seen.
            models.Index(fields=["owner", "-created_at"], name="job_owner_newest_idx"),
            # The hourly clean-up: finished files past their time, and unfinished jobs that were abandoned.
            models.Index(fields=["state", "expires_at"], name="job_state_expiry_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jobs:detail", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.state not in self.UNFINISHED

    @property
    def downloadable(self) -> bool:
        return self.state == JobState.DONE and bool(self.file)

    @property
    def download_url(self) -> str | None:
        kind = registry.kind_of(self.kind)
        if kind is not None and kind.open_url is not None:
            return None  # its file is for the page it opens, not a download
        return reverse("jobs:download", kwargs={"pk": self.pk}) if self.downloadable else None

    @property
    def open_url(self) -> str | None:
        """Where a finished job of a kind that makes no download leads (the import's review), else None."""
        kind = registry.kind_of(self.kind)
        if self.state == JobState.DONE and self.file and kind is not None and kind.open_url is not None:
            return kind.open_url(self)
        return None

    @property
    def result_url(self) -> str | None:
        """What the bell, the inbox and the list link a finished job to: its review, or its file."""
        return self.open_url or self.download_url

    @property
    def back_url(self) -> str | None:
        """Where a failed job of a kind with a page to start from sends the person, else None ("make it again")."""
        kind = registry.kind_of(self.kind)
        return kind.back_url(self) if kind is not None and kind.back_url is not None else None

    @property
    def percent(self) -> int:
        return int(round(100 * min(max(self.progress, 0.0), 1.0)))
