"""The unit directory: party committees, boards, departments and organisations, their groups, and who belongs
to which (Membership). Which units lie below a unit: units.tree."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    PARTY_BOARD = "party_board", _("Ban đảng, cơ quan tham mưu")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy trực thuộc")
    PARTY_DELEGATION = "party_delegation", _("Ban cán sự đảng, đảng đoàn")
    FRONT = "front", _("Mặt trận, đoàn thể")
    GOVERNMENT = "government", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    OTHER = "other", _("Khác")


class Unit(models.Model):
    """A party committee, board, department or organisation that receives tasks."""

    Kind = UnitKind

    name = models.CharField(_("tên đơn vị"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("hộp thư đơn vị"), blank=True)
    aliases = models.JSONField(
        _("tên gọi khác"), default=list, blank=True,
        help_text=_("Các cách văn bản thường viết tên đơn vị, ví dụ: \"UBKT Tỉnh ủy\", \"Sở KH&ĐT\"."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    history = HistoricalRecords(table_name="tasks_historicalunit")

    class Meta:
        # The tables keep the names they had when units lived in the tasks app (moved without copying a row).
        db_table = "tasks_unit"
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_is_known"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_is_not_its_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:list") + f"?unit={self.pk}"


class UnitGroup(models.Model):
    """A named set of units that broad phrases resolve to ("cấp ủy, chính quyền, các cơ quan, đơn vị")."""

    key = models.SlugField(_("mã nhóm"), max_length=32, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=255)
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị"), related_name="groups", blank=True)
    phrases = models.JSONField(_("cụm từ trong văn bản"), default=list, blank=True)

    class Meta:
        db_table = "tasks_unitgroup"
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        ordering = ["key"]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("Lãnh đạo đơn vị")
    OFFICER = "officer", _("Chuyên viên")


class Membership(models.Model):
    """A person's place in a unit: a leader may delegate and propose, an officer reports."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    history = HistoricalRecords(table_name="tasks_historicalmembership")

    class Meta:
        db_table = "tasks_membership"
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")
        ordering = ["unit", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_user_and_unit"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_is_known"),
        ]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.get_role_display()})"
