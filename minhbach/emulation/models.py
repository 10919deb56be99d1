"""Emulation and commendation (thi đua, khen thưởng): DOMAIN.md §10.

A movement (phong trào thi đua, Luật Thi đua, khen thưởng 2022 Điều 3, Điều 8) is launched by a
competent level, runs over a fixed period and is judged by criteria pinned to the movement
(§0.3: a ``CriteriaSet`` version). Units compete inside emulation groups (cụm, khối) with a
quota of leading collectives and individuals (§10.2). Reviews (sơ kết, tổng kết, §10.4) compute
every criterion for every member unit and registered individual from the evidence registers
below; the results are immutable rows (``Evaluation``, ``CriterionResult``, ``Standing``) and a
recomputation is a new version, never an edit (§10.15).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImmutableRow(models.Model):
    """A stored result: written once, never updated (DOMAIN.md §10.4: corrections are new versions)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Kết quả đã lưu không được sửa; hãy tính lại thành phiên bản mới.")
        super().save(*args, **kwargs)


# --- Criteria as code ---------------------------------------------------------------------------


class CriteriaSet(models.Model):
    """A versioned criteria file (``minhbach/emulation/criteria/*.json``) loaded into the database.

    Policy is data (DOMAIN.md §11): wording, roles, thresholds, weights, tie-breaks (D9) and quotas
    live in the file. Once an evaluation has used a version (``locked_at``), its content can no
    longer change: a changed file must carry a new version (§0.3, "every stored result records the
    rule-set version that produced it").
    """

    code = models.CharField(_("mã bộ tiêu chí"), max_length=80)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=255)
    valid_from = models.DateField(_("hiệu lực từ"))
    legal_bases = models.TextField(_("căn cứ pháp lý"), blank=True)
    settings = models.JSONField(_("thiết lập vòng xét"), default=dict)
    content = models.JSONField(_("nội dung tệp"), default=dict)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64)
    source_path = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("thời điểm nạp"), auto_now_add=True)
    locked_at = models.DateTimeField(_("khóa từ (đã dùng để tính)"), null=True, blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí thi đua")
        verbose_name_plural = _("bộ tiêu chí thi đua")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteriaset_code_version_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Subject(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Criterion(models.Model):
    """One row of the §10.5 table: a gate, a score or both, with its source and threshold."""

    class Role(models.TextChoices):
        GATE = "gate", _("Điều kiện bắt buộc")
        SCORE = "score", _("Chấm điểm")
        GATE_SCORE = "gate_score", _("Điều kiện và chấm điểm")

    class Comparison(models.TextChoices):
        LT = "lt", "<"
        LTE = "lte", "≤"
        EQ = "eq", "="
        GTE = "gte", "≥"
        GT = "gt", ">"

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices)
    code = models.CharField(_("mã"), max_length=10)
    wording = models.TextField(_("nội dung tiêu chí"))
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    source = models.CharField(_("nguồn số liệu"), max_length=60)
    comparison = models.CharField(_("phép so sánh"), max_length=4, choices=Comparison.choices, blank=True)
    threshold = models.CharField(_("ngưỡng"), max_length=20, blank=True)
    weight = models.DecimalField(_("trọng số"), max_digits=6, decimal_places=2, default=0)
    options = models.JSONField(_("tùy chọn"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí thi đua")
        verbose_name_plural = _("tiêu chí thi đua")
        ordering = ["criteria_set", "subject", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "subject", "code"], name="criterion_code_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.wording[:40]}"

    @property
    def is_gate(self) -> bool:
        return self.role in (self.Role.GATE, self.Role.GATE_SCORE)

    @property
    def is_score(self) -> bool:
        return self.role in (self.Role.SCORE, self.Role.GATE_SCORE)


# --- Movement, reviews, groups -------------------------------------------------------------------


class Movement(models.Model):
    """Phong trào thi đua (Luật TĐKT 2022 Điều 3 khoản 1; Điều 8): launched by decision, fixed period."""

    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("Thi đua theo chuyên đề")
        REGULAR = "regular", _("Thi đua thường xuyên")

    name = models.CharField(_("tên phong trào"), max_length=500)
    launching_agency = models.ForeignKey(
        "units.Agency", verbose_name=_("cơ quan phát động"), on_delete=models.PROTECT, related_name="+"
    )
    launch_decision_number = models.CharField(_("số quyết định phát động"), max_length=60, blank=True)
    launch_decision_date = models.DateField(_("ngày quyết định phát động"), null=True, blank=True)
    kind = models.CharField(_("loại hình"), max_length=10, choices=Kind.choices, default=Kind.THEMATIC)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="movements"
    )
    # The indicator definitions the movement is judged by (§9.6: movements pin definitions); empty =
    # the set in force at the end of each review's window.
    indicator_set = models.ForeignKey(
        "indicators.IndicatorSet", verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="movement_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """Sơ kết (mid-term) or tổng kết (final) of a movement, over its own data window (§10.4)."""

    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("Sơ kết")
        FINAL = "final", _("Tổng kết")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang tổng hợp")
        EVALUATED = "evaluated", _("Đã tính kết quả")
        PUBLISHED = "published", _("Đã công bố")

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    data_from = models.DateField(_("số liệu từ ngày"))
    data_to = models.DateField(_("số liệu đến ngày"))
    snapshot_at = models.DateTimeField(_("thời điểm chốt số liệu"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("đợt sơ kết, tổng kết")
        verbose_name_plural = _("đợt sơ kết, tổng kết")
        ordering = ["movement", "data_to"]
        constraints = [
            models.CheckConstraint(condition=Q(data_to__gte=models.F("data_from")), name="review_window"),
            models.UniqueConstraint(fields=["movement", "kind"], name="review_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.movement}"


class EmulationGroup(models.Model):
    """Cụm, khối thi đua with its head and deputy units and the plan's quota (§10.2; no statutory quota)."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="groups")
    code = models.CharField(_("mã cụm, khối"), max_length=20)
    name = models.CharField(_("tên cụm, khối"), max_length=255)
    head_unit = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cụm trưởng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deputy_unit = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cụm phó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quota_collective = models.PositiveSmallIntegerField(_("số tập thể dẫn đầu được đề nghị"), default=2)
    quota_individual = models.PositiveSmallIntegerField(_("số cá nhân được đề nghị"), default=3)

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["movement", "code"]
        constraints = [models.UniqueConstraint(fields=["movement", "code"], name="group_code_uniq")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GroupMember(models.Model):
    group = models.ForeignKey(EmulationGroup, on_delete=models.PROTECT, related_name="members")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("thành viên cụm, khối")
        verbose_name_plural = _("thành viên cụm, khối")
        ordering = ["group", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["group", "agency"], name="groupmember_uniq")]

    def __str__(self) -> str:
        return f"{self.group.code}: {self.agency}"


class Registration(models.Model):
    """Đăng ký thi đua of a unit (§10.3), with its targets and the individuals it registers.

    States follow vendors' software (MISA CeGov); the allowed moves are the table in
    ``transitions.py``. Every unit is computed; only ``approved`` registrants can be proposed.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Chưa gửi")
        SUBMITTED = "submitted", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại để hoàn thiện")

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="registrations")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    pledges = models.TextField(_("nội dung đăng ký"), blank=True)
    targets = models.JSONField(_("chỉ tiêu đăng ký"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        ordering = ["movement", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["movement", "agency"], name="registration_uniq")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.movement}"


class RegistrationEvent(models.Model):
    """Append-only history of a registration (one row per transition, never edited)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class RegisteredIndividual(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="individuals")
    official = models.ForeignKey("accounts.Official", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cá nhân đăng ký thi đua")
        verbose_name_plural = _("cá nhân đăng ký thi đua")
        constraints = [
            models.UniqueConstraint(fields=["registration", "official"], name="registered_individual_uniq")
        ]

    def __str__(self) -> str:
        return str(self.official)


# --- Evidence registers --------------------------------------------------------------------------


class Initiative(models.Model):
    """Sáng kiến, mô hình, giải pháp (Luật TĐKT 2022 Điều 3 khoản 4; §10.6).

    Counts for K7 and P3 only with a recognition decision by a competent level.
    """

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Sáng kiến")
        MODEL = "model", _("Mô hình")
        SOLUTION = "solution", _("Giải pháp")

    class Level(models.TextChoices):
        GRASSROOTS = "grassroots", _("Cấp cơ sở")
        DISTRICT = "district", _("Cấp huyện")
        PROVINCE = "province", _("Cấp tỉnh")
        NATIONAL = "national", _("Cấp toàn quốc")

    title = models.CharField(_("tên sáng kiến, mô hình"), max_length=500)
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    authors = models.ManyToManyField(
        "accounts.Official", verbose_name=_("tác giả"), blank=True, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    recognition_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    recognition_date = models.DateField(_("ngày quyết định công nhận"), null=True, blank=True)
    recognition_issuer = models.CharField(_("cơ quan công nhận"), max_length=255, blank=True)
    recognition_level = models.CharField(_("cấp công nhận"), max_length=12, choices=Level.choices, blank=True)
    effect = models.TextField(_("hiệu quả áp dụng"), blank=True)
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/initiatives/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        verbose_name = _("sáng kiến, mô hình, giải pháp")
        verbose_name_plural = _("sáng kiến, mô hình, giải pháp")
        ordering = ["-recognition_date", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def recognised(self) -> bool:
        return bool(self.recognition_number and self.recognition_date)


class RatingLevel(models.TextChoices):
    """Annual rating levels, best first (NĐ 90/2020/NĐ-CP as amended by NĐ 48/2023/NĐ-CP)."""

    HTXSNV = "HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "HTTNV", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "HTNV", _("Hoàn thành nhiệm vụ")
    KHTNV = "KHTNV", _("Không hoàn thành nhiệm vụ")


# Higher is better; comparisons (I1: ≥ HTTNV) go through this order, never through the strings.
RATING_ORDER: dict[str, int] = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}


class AnnualRating(models.Model):
    """Xếp loại chất lượng hằng năm of an official (§10.7); one per official and year."""

    official = models.ForeignKey("accounts.Official", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    level = models.CharField(_("mức xếp loại"), max_length=8, choices=RatingLevel.choices)
    decided_on = models.DateField(_("ngày quyết định"))
    decided_by = models.CharField(_("cấp có thẩm quyền đánh giá"), max_length=255)
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/ratings/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        verbose_name = _("xếp loại chất lượng hằng năm")
        verbose_name_plural = _("xếp loại chất lượng hằng năm")
        ordering = ["official", "year"]
        constraints = [models.UniqueConstraint(fields=["official", "year"], name="annualrating_uniq")]

    def __str__(self) -> str:
        return f"{self.official} {self.year}: {self.level}"


class DisciplineCase(models.Model):
    """Kỷ luật cán bộ, công chức (NĐ 112/2020/NĐ-CP as amended; §10.8).

    NĐ 98/2023 Điều 4: no award while discipline is being considered; after discipline,
    achievements count only from the end of the disciplinary period.
    """

    class Form(models.TextChoices):
        REPRIMAND = "reprimand", _("Khiển trách")
        WARNING = "warning", _("Cảnh cáo")
        SALARY_DOWNGRADE = "salary_downgrade", _("Hạ bậc lương")
        DEMOTION = "demotion", _("Giáng chức")
        DISMISSAL_FROM_POST = "dismissal_from_post", _("Cách chức")
        DISMISSAL = "dismissal", _("Buộc thôi việc")

    class Status(models.TextChoices):
        UNDER_CONSIDERATION = "under_consideration", _("Đang xem xét kỷ luật")
        DECIDED = "decided", _("Đã quyết định kỷ luật")
        EXPIRED = "expired", _("Đã hết thời hạn")

    official = models.ForeignKey("accounts.Official", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField(_("hình thức kỷ luật"), max_length=20, choices=Form.choices, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices)
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/discipline/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        verbose_name = _("vụ việc kỷ luật")
        verbose_name_plural = _("vụ việc kỷ luật")
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="discipline_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official}: {self.get_form_display() or self.get_status_display()}"


class Verification(models.Model):
    """Thanh tra, kiểm tra, xác minh khiếu nại, tố cáo of an official or a unit (NĐ 98/2023 Điều 4)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Thanh tra, kiểm tra")
        INVESTIGATION = "investigation", _("Điều tra")
        COMPLAINT = "complaint", _("Xác minh khiếu nại, tố cáo")
        PRESS = "press", _("Xác minh thông tin báo chí phản ánh")

    class Outcome(models.TextChoices):
        NONE = "", _("Chưa có kết luận")
        CLEARED = "cleared", _("Không có vi phạm")
        VIOLATION = "violation", _("Có vi phạm")

    official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    opened_on = models.DateField(_("ngày bắt đầu"))
    closed_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    outcome = models.CharField(_("kết luận"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/verifications/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        verbose_name = _("thanh tra, kiểm tra, xác minh")
        verbose_name_plural = _("thanh tra, kiểm tra, xác minh")
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(official__isnull=False) & Q(agency__isnull=True))
                | (Q(official__isnull=True) & Q(agency__isnull=False)),
                name="verification_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.opened_on:%d/%m/%Y}"


class TaskCompletion(models.Model):
    """Kết quả thực hiện nhiệm vụ: a unit's or an official's completion of an assigned task in a year.

    Evidence for the reviews and for the council (§10.15); entered with its deciding document.
    """

    class Result(models.TextChoices):
        COMPLETED = "completed", _("Hoàn thành đúng hạn")
        COMPLETED_LATE = "completed_late", _("Hoàn thành nhưng chậm")
        NOT_COMPLETED = "not_completed", _("Không hoàn thành")

    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official", verbose_name=_("cán bộ, công chức"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("năm"))
    task = models.TextField(_("nhiệm vụ được giao"))
    result = models.CharField(_("kết quả"), max_length=16, choices=Result.choices)
    decided_by = models.CharField(_("cơ quan đánh giá"), max_length=255)
    decided_on = models.DateField(_("ngày đánh giá"))
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/tasks/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả thực hiện nhiệm vụ")
        verbose_name_plural = _("kết quả thực hiện nhiệm vụ")
        ordering = ["-year", "agency", "-created_at"]

    def __str__(self) -> str:
        return f"{self.year}: {self.task[:60]}"


class ParIndexResult(models.Model):
    """Chỉ số cải cách hành chính (PAR index) of a unit for a year, as published by the province."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=255)
    attachment = models.FileField(_("tệp minh chứng"), upload_to="emulation/par_index/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        verbose_name = _("chỉ số cải cách hành chính")
        verbose_name_plural = _("chỉ số cải cách hành chính")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="parindex_uniq")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}: {self.value}"


class ManualValue(models.Model):
    """An override of a computed criterion value (§10.15): actor, reason, time; both values kept.

    The latest row for (review, participant, criterion) wins; the computed value stays in the
    ``CriterionResult`` beside the override, and the public sees both.
    """

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="manual_values")
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criterion_code = models.CharField(_("mã tiêu chí"), max_length=10)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=4)
    reason = models.TextField(_("lý do"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"))

    class Meta:
        verbose_name = _("giá trị nhập tay")
        verbose_name_plural = _("giá trị nhập tay")
        ordering = ["entered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(official__isnull=False) & Q(agency__isnull=True))
                | (Q(official__isnull=True) & Q(agency__isnull=False)),
                name="manualvalue_one_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} = {self.value}"


# --- Stored results ------------------------------------------------------------------------------


class Evaluation(ImmutableRow):
    """One computation of a review: version, criteria set, inputs hash and the draw seed (§10.15, D9)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="evaluations")
    version = models.PositiveIntegerField(_("phiên bản"))
    computed_at = models.DateTimeField(_("thời điểm tính"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    inputs_hash = models.CharField(_("mã băm dữ liệu đầu vào"), max_length=64)
    draw_seed = models.CharField(_("hạt giống bốc thăm"), max_length=100, blank=True)
    as_of = models.DateField(_("tình trạng hồ sơ kỷ luật, xác minh tính đến ngày"))
    reason = models.TextField(_("lý do tính lại"), blank=True)

    class Meta:
        verbose_name = _("kết quả tính điểm")
        verbose_name_plural = _("kết quả tính điểm")
        ordering = ["review", "-version"]
        constraints = [models.UniqueConstraint(fields=["review", "version"], name="evaluation_version_uniq")]

    def __str__(self) -> str:
        return f"{self.review} v{self.version}"


class Participant(models.Model):
    """A unit (collective) or an official (individual) in a result row."""

    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def participant_key(self) -> str:
        return f"official:{self.official_id}" if self.official_id else f"agency:{self.agency_id}"


class CriterionResult(Participant, ImmutableRow):
    """One criterion for one participant in one evaluation, with its evidence for drill-down."""

    class Status(models.TextChoices):
        OK = "ok", _("Đã tính")
        NA = "na", _("Không áp dụng (N/A)")
        PENDING = "pending", _("Chờ số liệu")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="criterion_results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    s = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    passed = models.BooleanField(null=True)
    na = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OK)
    evidence = models.JSONField(default=dict, blank=True)
    computed_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    override = models.ForeignKey(
        ManualValue, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["evaluation", "criterion__position"]
        indexes = [
            models.Index(fields=["evaluation", "subject", "agency", "official"], name="critres_part_idx")
        ]

    def __str__(self) -> str:
        return f"{self.participant_key} {self.criterion_id}"


class Standing(Participant, ImmutableRow):
    """The place of a participant in its group: score, gates, rank, proposal, tie-break, margin."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="standings")
    group = models.ForeignKey(EmulationGroup, on_delete=models.PROTECT, related_name="+")
    nominating_agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered = models.BooleanField(_("đã được duyệt đăng ký"), default=False)
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=4, null=True, blank=True)
    score_source = models.CharField(max_length=12, blank=True)  # "own" or "unit_score" (fallback)
    eligible = models.BooleanField(_("đủ điều kiện"), default=False)
    blocked_by = models.JSONField(_("vướng điều kiện"), default=list, blank=True)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)
    proposed = models.BooleanField(_("được đề nghị"), default=False)
    tie_break = models.CharField(_("tiêu chí phân định"), max_length=20, blank=True)
    margin = models.DecimalField(
        _("cách hạng kế tiếp"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    women = models.BooleanField(_("ưu tiên nữ"), default=False)
    on_time = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    draw_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["evaluation", "group", "subject", "rank", "pk"]

    def __str__(self) -> str:
        return f"{self.participant_key} #{self.rank}"


# --- Right of reply (§10.9) ----------------------------------------------------------------------


class ReplyWindow(models.Model):
    """The period in which units and candidates may object to provisional results (§10.9).

    Opened by the standing body (Phòng Nội vụ) on one evaluation version; its end is computed on
    the working-day calendar (default 5 working days, ``settings.reply_working_days`` of the
    criteria set). ``closes_at`` is exclusive (00:00 after the last day, BLDS 2015 Điều 148).
    """

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reply_windows")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="reply_windows")
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    opened_at = models.DateTimeField(_("mở lúc"))
    last_day = models.DateField(_("ngày cuối nhận phản hồi"))
    closes_at = models.DateTimeField(_("hết hạn lúc"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thời hạn phản hồi kết quả")
        verbose_name_plural = _("thời hạn phản hồi kết quả")
        ordering = ["review", "-opened_at"]

    def __str__(self) -> str:
        return f"{self.review}: {self.opened_at:%d/%m/%Y}–{self.last_day:%d/%m/%Y}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.closed_at is None and self.opened_at <= at < self.closes_at


class Objection(models.Model):
    """Ý kiến phản hồi of a unit on one criterion (or one evidence row) of its provisional results.

    Decided by the standing body with written reasons; an accepted one records a ``ManualValue``
    and a re-evaluation (a new version), so the council sees both (§10.9, §10.15).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        ACCEPTED = "accepted", _("Chấp nhận")
        REJECTED = "rejected", _("Không chấp nhận")

    window = models.ForeignKey(ReplyWindow, on_delete=models.PROTECT, related_name="objections")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="objections")
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("đơn vị phản hồi"), on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official",
        verbose_name=_("cá nhân được phản hồi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    criterion_code = models.CharField(_("tiêu chí"), max_length=10)
    evidence_ref = models.CharField(_("dòng minh chứng"), max_length=60, blank=True)
    text = models.TextField(_("nội dung phản hồi"))
    attachment = models.FileField(_("tệp đính kèm"), upload_to="emulation/objections/%Y/", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("gửi lúc"))
    status = models.CharField(
        _("kết quả xem xét"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_reason = models.TextField(_("lý do"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    manual_value = models.ForeignKey(
        ManualValue, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    reevaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ý kiến phản hồi kết quả")
        verbose_name_plural = _("ý kiến phản hồi kết quả")
        ordering = ["filed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agency} {self.criterion_code}: {self.get_status_display()}"


# --- Award forms, base salary, rounds and proposals (§10.10, §10.13) -----------------------------


class AwardForm(models.Model):
    """Hình thức khen thưởng / danh hiệu with its vote rule (D8) and reward coefficients (§10.13).

    Policy as data: seeded by migration from NĐ 98/2023/NĐ-CP (Điều 30 khoản 7 for the votes,
    Điều 54 for the coefficients); a district can change them without code.
    """

    class Base(models.TextChoices):
        ALL_MEMBERS = "all_members", _("Tổng số thành viên Hội đồng")
        PRESENT = "present", _("Số thành viên dự họp")

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    certificate_title = models.CharField(_("tiêu đề trên bằng"), max_length=100, blank=True)
    vote_required = models.BooleanField(_("cần Hội đồng bỏ phiếu"), default=True)
    threshold = models.DecimalField(_("tỷ lệ phiếu đồng ý"), max_digits=4, decimal_places=3)
    strict = models.BooleanField(_("phải vượt quá tỷ lệ (>)"), default=False)
    base = models.CharField(_("tính trên"), max_length=12, choices=Base.choices, default=Base.ALL_MEMBERS)
    coefficient_individual = models.DecimalField(
        _("hệ số tiền thưởng cá nhân"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    coefficient_collective = models.DecimalField(
        _("hệ số tiền thưởng tập thể"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    legal_basis = models.TextField(_("căn cứ"), blank=True)

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BaseSalary(models.Model):
    """Mức lương cơ sở, effective-dated (NĐ 24/2023/NĐ-CP; NĐ 73/2024/NĐ-CP Điều 3)."""

    valid_from = models.DateField(_("áp dụng từ"), unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("mức lương cơ sở (đồng)"))
    legal_basis = models.CharField(_("căn cứ"), max_length=255)

    class Meta:
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.amount_vnd:,} từ {self.valid_from:%d/%m/%Y}"


class AwardRound(models.Model):
    """Đợt xét khen thưởng of a review for one award form (§10.10; Luật TĐKT 2022, NĐ 98/2023)."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="award_rounds")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="award_rounds")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="award_rounds")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="rounds")
    issuing_agency = models.ForeignKey(
        "units.Agency", verbose_name=_("cơ quan khen thưởng"), on_delete=models.PROTECT, related_name="+"
    )
    issuing_role = models.CharField(_("thẩm quyền quyết định"), max_length=255)
    legal_basis = models.TextField(_("căn cứ"))
    tie_breaks = models.JSONField(_("thứ tự phân định"), default=list)
    opened_on = models.DateField(_("ngày mở đợt xét"))
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("đợt xét khen thưởng")
        verbose_name_plural = _("đợt xét khen thưởng")
        ordering = ["-opened_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "award_form"], name="awardround_review_form_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.award_form} — {self.review}"


class Proposal(models.Model):
    """Đề nghị khen thưởng of one proposed standing (§10.10); moves in ``transitions.PROPOSAL``."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đề nghị")
        SUBMITTED = "submitted_to_council", _("Trình Hội đồng")
        PASSED = "passed", _("Hội đồng thông qua")
        FAILED = "failed", _("Hội đồng không thông qua")
        DECIDED = "decided", _("Đã quyết định khen thưởng")
        REVOKED = "revoked", _("Đã hủy quyết định khen thưởng")

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="proposals")
    standing = models.ForeignKey(Standing, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposing_agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(EmulationGroup, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=4, null=True)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True)
    tie_break = models.CharField(_("tiêu chí phân định"), max_length=20, blank=True)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.PROPOSED)
    agree_votes = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    vote_base = models.PositiveSmallIntegerField(_("trên tổng số"), null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["round", "group__code", "subject", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "standing"], name="proposal_standing_uniq")]

    def __str__(self) -> str:
        return self.nominee_name

    @property
    def nominee_name(self) -> str:
        return self.official.full_name if self.official_id else self.agency.name


class ProposalEvent(models.Model):
    """Append-only history of a proposal (one row per transition, never edited)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


# --- Council and voting (§10.11) -----------------------------------------------------------------


class Council(models.Model):
    """Hội đồng Thi đua – Khen thưởng of the issuing level: it advises, the Chủ tịch decides."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên Hội đồng"), max_length=255)
    established_by = models.CharField(_("quyết định thành lập"), max_length=255, blank=True)
    # Quorum as a fraction, so that 6 of 9 is exactly 2/3 (NĐ 98/2023/NĐ-CP Điều 47: ≥ 2/3).
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ dự họp tối thiểu: tử số"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ dự họp tối thiểu: mẫu số"), default=3)

    class Meta:
        verbose_name = _("Hội đồng Thi đua – Khen thưởng")
        verbose_name_plural = _("Hội đồng Thi đua – Khen thưởng")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A seat on the council, effective-dated (members change; the vote base is the day's list)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch Hội đồng")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
        STANDING = "standing", _("Ủy viên thường trực")
        MEMBER = "member", _("Ủy viên")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members")
    official = models.ForeignKey("accounts.Official", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("chức danh"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("chức vụ"), max_length=255, blank=True)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên Hội đồng")
        verbose_name_plural = _("thành viên Hội đồng")
        ordering = ["council", "role", "official__full_name"]

    def __str__(self) -> str:
        return f"{self.official} ({self.get_role_display()})"


class CouncilSession(models.Model):
    """Phiên họp of the council on one award round: attendance, quorum, the draw seed and witnesses.

    Quorum: ≥ 2/3 of the members on the session date by default (NĐ 98/2023/NĐ-CP Điều 47).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Đang họp")
        CLOSED = "closed", _("Đã kết thúc, đã kiểm phiếu")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    members_count = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    present_count = models.PositiveSmallIntegerField(_("số thành viên dự họp"))
    quorum_met = models.BooleanField(_("đủ số thành viên dự họp"))
    draw_seed = models.CharField(_("hạt giống bốc thăm"), max_length=100, blank=True)
    witnesses = models.TextField(_("người chứng kiến bốc thăm"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên họp Hội đồng")
        verbose_name_plural = _("phiên họp Hội đồng")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.council} {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"))

    class Meta:
        ordering = ["session", "member__role", "member__official__full_name"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_uniq")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.present}"


class Vote(models.Model):
    """Phiếu của một thành viên cho một đề nghị; an absent member votes in writing (NĐ 98/2023 Điều 30).

    No row means no agreement: an abstention counts as not agreeing (§10.11).
    """

    class Choice(models.TextChoices):
        AGREE = "agree", _("Đồng ý")
        DISAGREE = "disagree", _("Không đồng ý")

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("ý kiến"), max_length=10, choices=Choice.choices)
    written = models.BooleanField(_("phiếu bằng văn bản (vắng mặt)"), default=False)
    cast_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")
        ordering = ["session", "proposal", "member"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member", "proposal"], name="vote_once_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.proposal_id}: {self.choice}"


# --- Decision, recipients, revocation (§10.13, §10.14) -------------------------------------------


class AwardDecision(models.Model):
    """Quyết định khen thưởng of the Chủ tịch (the council only advises)."""

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("số quyết định"), max_length=60)
    date = models.DateField(_("ngày quyết định"))
    issuing_agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("người ký"), max_length=255)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255)
    legal_basis = models.TextField(_("căn cứ"))
    base_salary = models.ForeignKey(BaseSalary, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_agency", "number"], name="awarddecision_number_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.date:%d/%m/%Y}"


class AwardRecipient(models.Model):
    """One person or unit awarded by a decision; names are copied at the decision (the paper's text).

    ``thematic`` is true for movement awards: they never count as prerequisites for a higher
    award (NĐ 98/2023/NĐ-CP Điều 4; §10.1).
    """

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="recipients")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="recipient")
    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên"), max_length=255)
    unit_name = models.CharField(_("đơn vị"), max_length=255, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    coefficient = models.DecimalField(_("hệ số"), max_digits=5, decimal_places=2)
    base_salary_vnd = models.PositiveBigIntegerField(_("lương cơ sở áp dụng"))
    amount_vnd = models.PositiveBigIntegerField(_("tiền thưởng (đồng)"))
    thematic = models.BooleanField(_("khen thưởng theo chuyên đề"), default=True)
    position_in_decision = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("người, tập thể được khen thưởng")
        verbose_name_plural = _("người, tập thể được khen thưởng")
        ordering = ["decision", "position_in_decision", "pk"]

    def __str__(self) -> str:
        return self.name


class Revocation(models.Model):
    """Hủy bỏ quyết định khen thưởng (Luật TĐKT 2022 Chương VII): the award stays, marked revoked."""

    class Grounds(models.TextChoices):
        FALSE_DECLARATION = "false_declaration", _("Gian dối trong kê khai thành tích")
        FALSIFIED_RECORDS = "falsified_records", _("Làm giả hồ sơ, giấy tờ")
        UNLAWFUL_VETTING = "unlawful_vetting", _("Xét, đề nghị khen thưởng trái pháp luật")
        CRITERIA_NOT_MET = (
            "criteria_not_met",
            _("Phát hiện sau không đủ tiêu chuẩn trong thời gian lập thành tích"),
        )

    recipient = models.OneToOneField(AwardRecipient, on_delete=models.PROTECT, related_name="revocation")
    grounds = models.CharField(_("căn cứ hủy"), max_length=20, choices=Grounds.choices)
    reason = models.TextField(_("lý do (công khai)"))
    decision_number = models.CharField(_("số quyết định hủy"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định hủy"))
    amount_recovered_vnd = models.PositiveBigIntegerField(_("số tiền thu hồi"), default=0)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hủy quyết định khen thưởng")
        verbose_name_plural = _("hủy quyết định khen thưởng")

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.recipient}"
