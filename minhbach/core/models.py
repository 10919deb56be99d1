"""Shared backbone: versioned rule sets, the working-day calendar and the tamper-evident ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """A versioned bundle of policy settings pinned to the legal texts it implements.

    DOMAIN.md §11: every number the code compares against (cut-off time, weekly rest, SLAs,
    weights, quotas) lives here, never in a constant. A change creates a new ``version``; stored
    results keep the version that produced them.
    """

    class Domain(models.TextChoices):
        ONESTOP = "onestop", _("Một cửa, thời hạn giải quyết")
        FEEDBACK = "feedback", _("Phản ánh, kiến nghị")
        INDICATORS = "indicators", _("Chỉ số, chỉ tiêu")
        EMULATION = "emulation", _("Thi đua, khen thưởng")
        DISCLOSURE = "disclosure", _("Công khai thông tin")

    domain = models.CharField(_("lĩnh vực áp dụng"), max_length=20, choices=Domain.choices)
    code = models.CharField(_("mã bộ quy tắc"), max_length=50)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=255)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_bases = models.TextField(_("căn cứ pháp lý"), blank=True)
    settings = models.JSONField(_("thiết lập"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ quy tắc")
        verbose_name_plural = _("bộ quy tắc")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version_uniq")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class CalendarDay(models.Model):
    """An exception to the weekly pattern (Mon–Fri working, Sat–Sun rest).

    Legal basis: BLLĐ 2019 Điều 111–112 (holidays, substitute days off), QĐ 188/1999/QĐ-TTg
    Điều 1 (weekly rest of state offices) and the Prime Minister's yearly swap notices. Seeded
    from the ``holidays`` package and confirmed by an administrator: this table, not the
    library, is authoritative (DOMAIN.md §3.6). The most specific scope wins: unit > province >
    national.
    """

    class Kind(models.TextChoices):
        PUBLIC_HOLIDAY = "public_holiday", _("Ngày nghỉ lễ, Tết")
        SUBSTITUTE_DAY_OFF = "substitute_day_off", _("Ngày nghỉ bù")
        SWAP_DAY_OFF = "swap_day_off", _("Ngày nghỉ do hoán đổi")
        MAKEUP_WORKING_DAY = "makeup_working_day", _("Ngày làm bù")
        LOCAL_DAY_OFF = "local_day_off", _("Ngày nghỉ của địa phương")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Toàn quốc")
        PROVINCE = "province", _("Cấp tỉnh")
        UNIT = "unit", _("Đơn vị")

    class Source(models.TextChoices):
        SEED = "seed", _("Khởi tạo từ thư viện holidays")
        MANUAL = "manual", _("Cán bộ nhập, điều chỉnh")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=255)
    legal_ref = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    scope = models.CharField(_("phạm vi"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL)
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("Tỉnh (phạm vi cấp tỉnh) hoặc đơn vị (phạm vi đơn vị); để trống nếu toàn quốc."),
    )
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    confirmed = models.BooleanField(_("đã đối chiếu văn bản"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ngày đặc biệt trong lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(scope="national"), name="calendarday_national_date_uniq"
            ),
            models.UniqueConstraint(
                fields=["date", "scope", "unit"],
                condition=~Q(scope="national"),
                name="calendarday_scoped_uniq",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="national", unit__isnull=True) | (~Q(scope="national") & Q(unit__isnull=False))
                ),
                name="calendarday_scope_unit_consistent",
            ),
        ]
        indexes = [models.Index(fields=["date", "scope"], name="calendarday_date_scope_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKING_DAY


class LedgerEntry(models.Model):
    """One link of the append-only, hash-chained event log that every service writes through.

    ``hash = SHA-256(prev_hash + canonical JSON of the entry)``. UPDATE and DELETE are refused by
    database triggers (migration 0002), so history can only be rewritten by someone who disables
    them, and ``verify_ledger`` then names the first broken link (DOMAIN.md §10.15).
    Actor and unit are plain columns, not foreign keys: a ledger must outlive the rows it
    describes and must never be touched by a cascade.
    """

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    unit_code = models.CharField(_("đơn vị"), max_length=64, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    action = models.CharField(_("hành động"), max_length=100)
    payload = models.TextField(_("nội dung (JSON chuẩn hóa)"))
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("bút toán sổ cái")
        verbose_name_plural = _("sổ cái sự kiện")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="ledger_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
