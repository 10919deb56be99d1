"""Indicator definitions as data, and the daily rollups the formulas read (DOMAIN.md §9, §10.5).

Definitions are rows, grouped in versioned sets that a campaign pins (§9.6): changing a formula
makes a new set version, never an edit, so that a stored result always names the definition that
produced it. Rollups are counters per unit (and per procedure and channel) and local day; open
dossiers are counted with *difference* columns (+1 on the day a dossier becomes open, −1 on the
day it stops), so that "open within time at the end of P" is a prefix sum and every change of a
dossier touches a handful of rows (ADR 0007).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scoring(models.TextChoices):
    LINEAR = "linear", _("Tuyến tính (đạt 100% mới tối đa)")
    THRESHOLD_LINEAR = "threshold_linear", _("Tuyến tính đến ngưỡng")
    BOOLEAN = "boolean", _("Có / không")
    MONITOR = "monitor", _("Theo dõi, không chấm điểm")
    TARGET = "target", _("Chỉ tiêu phong trào (so với mục tiêu)")


class Scope(models.TextChoices):
    PROVINCE = "P", _("Chỉ cấp tỉnh, bộ")
    UNIT = "U", _("Mọi đơn vị giải quyết")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    BELOW = "lt", "<"
    EQUAL = "eq", "="


class ValueKind(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ (%)")
    COUNT = "count", _("Số lượng")
    DAYS = "days", _("Số ngày")


class IndicatorSet(models.Model):
    """A versioned, pinnable set of indicator definitions (e.g. campaign + Decision 766, 2023–2024)."""

    code = models.CharField(_("mã bộ chỉ số"), max_length=50)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=255)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.TextField(_("căn cứ"), blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="indicatorset_code_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class IndicatorGroup(models.Model):
    """A group of the 766 index (with its maximum) or the campaign's target list (no maximum)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã nhóm"), max_length=20)
    name = models.CharField(_("tên nhóm"), max_length=255)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator_set", "order"]
        constraints = [models.UniqueConstraint(fields=["indicator_set", "code"], name="indicatorgroup_code")]

    def __str__(self) -> str:
        return self.name


class IndicatorDefinition(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="definitions")
    group = models.ForeignKey(IndicatorGroup, on_delete=models.CASCADE, related_name="definitions")
    code = models.CharField(_("mã chỉ số"), max_length=20)
    name = models.CharField(_("tên chỉ số"), max_length=500)
    formula = models.TextField(_("công thức"))
    explanation = models.TextField(_("giải thích dễ hiểu"), blank=True)
    family = models.CharField(_("nguồn số liệu"), max_length=40)
    measure = models.CharField(_("đại lượng"), max_length=40)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=0)
    threshold = models.DecimalField(_("ngưỡng đạt tối đa (%)"), max_digits=6, decimal_places=2, default=100)
    scoring = models.CharField(_("cách chấm"), max_length=20, choices=Scoring.choices)
    target = models.DecimalField(_("mục tiêu (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    target_comparison = models.CharField(max_length=3, choices=Comparison.choices, blank=True)
    lower_is_better = models.BooleanField(default=False)
    value_kind = models.CharField(
        _("loại giá trị"), max_length=10, choices=ValueKind.choices, default="percent"
    )
    scope = models.CharField(_("phạm vi"), max_length=1, choices=Scope.choices, default=Scope.UNIT)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source_ref = models.CharField(_("căn cứ"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("định nghĩa chỉ số")
        verbose_name_plural = _("định nghĩa chỉ số")
        ordering = ["indicator_set", "group__order", "order"]
        constraints = [models.UniqueConstraint(fields=["indicator_set", "code"], name="indicatordef_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


COUNTER_FIELDS: tuple[str, ...] = (
    "received",
    "received_online",
    "accepted",
    "one_go",
    "fee_dossiers",
    "paid_online",
    "digitised",
    "reused",
    "ended_ok",
    "ended_late",
    "ended_good",
    "ended_days",
    "ended_paper",
    "ended_eresult",
    "returned_rated",
    "returned_satisfied",
    "open_delta",
    "within_delta",
    "within_clean_delta",
)
# Difference columns: their value on day d is the change of a stock at the end of d.
DELTA_FIELDS = ("open_delta", "within_delta", "within_clean_delta")


class RollupCounters(models.Model):
    day = models.DateField()
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    one_go = models.IntegerField(default=0)
    fee_dossiers = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    ended_ok = models.IntegerField(default=0)
    ended_late = models.IntegerField(default=0)
    ended_good = models.IntegerField(default=0)
    # Σ (end day − acceptance day) of the dossiers closed that day: 766 indicator 2.2.
    ended_days = models.BigIntegerField(default=0)
    ended_paper = models.IntegerField(default=0)
    ended_eresult = models.IntegerField(default=0)
    returned_rated = models.IntegerField(default=0)
    returned_satisfied = models.IntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    within_delta = models.IntegerField(default=0)
    within_clean_delta = models.IntegerField(default=0)

    class Meta:
        abstract = True


class UnitDayRollup(RollupCounters):
    """Counters per handling unit and local day: what the campaign and 766 tables read."""

    agency = models.ForeignKey("units.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="unitdayrollup_key")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class ProcedureDayRollup(RollupCounters):
    """Counters per receiving unit, procedure, channel and day: per-procedure indicators (3.2, 3.5).

    Keyed by the receiving desk, because procedures are assigned to the unit that receives them
    (``ProcedureAssignment``); the unit table reads ``UnitDayRollup`` (handling unit) instead.
    """

    agency = models.ForeignKey("units.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "channel", "day"], name="proceduredayrollup_key"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "day"], name="proceduredayrollup_agency_day"),
            # 766 group 3 asks per (unit, procedure) whether anything happened in P (EXISTS): without
            # this index SQLite walked every rollup row of the unit for each pair (1.4 s → 60 ms).
            models.Index(fields=["agency", "procedure", "day"], name="proceduredayrollup_proc_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.channel} {self.day}"


class DossierFact(models.Model):
    """What one dossier contributes to the rollups, as last applied (so a change can be undone).

    One narrow row per dossier. Rebuilt in SQL by ``rebuild_rollups``; kept current by the
    services through ``rollups.refresh``.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey("units.Agency", on_delete=models.CASCADE, related_name="+")
    # The receiving desk: procedures are assigned to (and listed at) the unit that receives them.
    desk = models.ForeignKey("units.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.PositiveSmallIntegerField()
    accept_day = models.DateField(null=True)
    end_day = models.DateField(null=True)
    return_day = models.DateField(null=True)
    overdue_from = models.DateField(null=True)
    counted = models.BooleanField(default=False)
    ended_ok = models.BooleanField(default=False)
    withdrawn = models.BooleanField(default=False)
    online = models.BooleanField(default=False)
    one_go = models.BooleanField(default=False)
    fee = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    with_result = models.BooleanField(default=False)
    paper_result = models.BooleanField(default=False)
    eresult = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)
    rated = models.BooleanField(default=False)
    satisfied = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.dossier_id)
