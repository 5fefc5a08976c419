from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .parsing.titles import SHORT_TITLE_MAX, short_title


class ResolutionKind(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
    KET_LUAN = "ket_luan", _("Kết luận")
    CHI_THI = "chi_thi", _("Chỉ thị")
    QUY_DINH = "quy_dinh", _("Quy định")
    THONG_BAO_KET_LUAN = "thong_bao_ket_luan", _("Thông báo kết luận")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    PHAT_BIEU = "phat_bieu", _("Phát biểu bế mạc")
    KHAC = "khac", _("Văn bản khác")


class Resolution(models.Model):
    """A source document (văn bản): a conclusion, resolution, instruction or closing speech that hands out work."""

    Kind = ResolutionKind

    kind = models.CharField(_("loại văn bản"), max_length=32, choices=Kind.choices, default=Kind.KET_LUAN)
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True, help_text=_("Ví dụ: 15-KL/TU"))
    title = models.CharField(pgettext_lazy("document", "trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, default="Tỉnh ủy Hậu Giang")
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    body = models.TextField(_("toàn văn"), blank=True)
    original_file = models.FileField(_("tệp gốc"), upload_to="resolutions/%Y/", blank=True)
    # SHA-256 of the normalised text: the importer refuses a document that is already recorded.
    source_sha256 = models.CharField(_("mã băm nội dung"), max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ResolutionKind.values), name="resolution_kind_is_known"
            ),
            models.UniqueConstraint(
                fields=["source_sha256"], condition=~models.Q(source_sha256=""),
                name="one_resolution_per_source_text",
            ),
        ]
        indexes = [
            # The office's "documents recently recorded" and the document list, newest first.
            models.Index(fields=["-issued_on", "-id"], name="resolution_issued_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The document's name as every list, export and report prints it, the kind written once: "Kết luận số
        15-KL/TU", or its title when it has no number, prefixed by the kind only when the title does not already
        start with it ("Phát biểu bế mạc Hội nghị …", never "Phát biểu bế mạc: Phát biểu bế mạc Hội nghị …")."""
        kind = self.kind_label
        if self.number:
            return _("%(kind)s số %(number)s") % {"kind": kind, "number": self.number}
        if self.title_names_kind:
            return self.title
        return f"{kind}: {self.title}"

    @property
    def title_names_kind(self) -> bool:
        """The title already says what kind of document it is ("Phát biểu bế mạc Hội nghị …")."""
        return self.title.casefold().startswith(self.kind_label.casefold())

    @property
    def kind_label(self) -> str:
        """The kind in words, as get_kind_display() gives it, without the dictionary of every choice that Django
        builds again on each call (~0.1 ms: an export or a report names a few thousand documents)."""
        try:
            return str(ResolutionKind(self.kind).label)
        except ValueError:
            return self.kind

    def get_absolute_url(self):
        return reverse("tasks:document", args=[self.pk])


class Directive(models.Model):
    """One directive item of a document (nội dung chỉ đạo): its place in the document and its text."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="directives"
    )
    section_path = models.CharField(_("mục"), max_length=64, blank=True, help_text=_("Ví dụ: I.3"))
    label = models.CharField(_("số thứ tự"), max_length=32, blank=True, help_text=_("Ví dụ: (4)"))
    order = models.PositiveIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung"))
    # A few words that name the directive in lists, emails and exports (trích yếu): proposed by the importer
    # (resolutions.parsing.titles.short_title), edited in the review step; the full text stays on the directive.
    short_title = models.CharField(pgettext_lazy("directive", "trích yếu"), max_length=SHORT_TITLE_MAX, blank=True)
    deadline_text = models.CharField(_("thời hạn (như văn bản ghi)"), max_length=255, blank=True)
    ongoing = models.BooleanField(_("thường xuyên"), default=False)
    scope_as_written = models.CharField(_("đối tượng (như văn bản ghi)"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung chỉ đạo")
        verbose_name_plural = _("nội dung chỉ đạo")
        ordering = ["resolution", "order"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "order"], name="one_directive_per_place_in_document"),
        ]

    def __str__(self):
        place = " ".join(part for part in (self.section_path, self.label) if part)
        return f"{place} {self.text[:80]}".strip()

    def get_absolute_url(self):
        return f"{self.resolution.get_absolute_url()}#directive-{self.pk}"

    @property
    def place(self) -> str:
        """Where the directive sits in its document: "I.3 (4)"."""
        return " ".join(part for part in (self.section_path, self.label) if part)

    @property
    def title(self) -> str:
        """The short title, or one proposed from the text when none was recorded."""
        return self.short_title or short_title(self.text)

    @property
    def anchor(self):
        return f"directive-{self.pk}"
