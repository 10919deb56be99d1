"""The administrative procedure catalogue (DOMAIN.md §4).

A ``Procedure`` is the stable identity (its national code, e.g. ``1.001193`` or the local
variant ``1.012753.H19``). What the procedure *says* lives in ``ProcedureVersion``, one per
announcing decision (NĐ 63/2010/NĐ-CP Điều 13–15 as amended by NĐ 92/2017/NĐ-CP): a new
decision creates a new version and the old one stays, because a dossier is judged by the version
in force at its receipt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AnnouncingDecision(models.Model):
    """Quyết định công bố TTHC: the decision that adds, amends, replaces or abolishes procedures."""

    number = models.CharField(_("số, ký hiệu"), max_length=120, unique=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    effective_from = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    url = models.URLField(_("đường dẫn văn bản"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quyết định công bố thủ tục hành chính")
        verbose_name_plural = _("quyết định công bố thủ tục hành chính")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class ProcedureField(models.Model):
    """Lĩnh vực (field), e.g. Hộ tịch, Đất đai."""

    name = models.CharField(_("lĩnh vực"), max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    """Cấp thực hiện as the national database labels it (district level until 30/6/2025)."""

    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class Procedure(models.Model):
    """One procedure by its national code; ``current_version`` points at the version in force.

    ``search_text`` is the diacritic-free form (``core.text.fold``) of the current name, field and
    keywords, so that "dang ky khai sinh" finds "Đăng ký khai sinh" with a plain ``LIKE`` on both
    databases.
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản đang áp dụng"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field = models.ForeignKey(
        ProcedureField, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    search_text = models.TextField(editable=False, default="")
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    full_online_eligible = models.BooleanField(
        _("đủ điều kiện dịch vụ công trực tuyến toàn trình"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """What a procedure says under one announcing decision; never overwritten once in force."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("Đang áp dụng")
        AMENDED = "amended", _("Đã được sửa đổi, thay thế")
        ABOLISHED = "abolished", _("Đã bãi bỏ")

    class OnlineMode(models.TextChoices):
        FULL = "full", _("Toàn trình")
        PARTIAL = "partial", _("Một phần")
        NONE = "none", _("Không có")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    decision = models.ForeignKey(
        AnnouncingDecision,
        verbose_name=_("quyết định công bố"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices, default=Status.IN_FORCE)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)

    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field = models.ForeignKey(
        ProcedureField, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    kind = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    subjects = models.JSONField(_("đối tượng thực hiện"), default=list)
    competent_agencies = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    performing_agencies = models.TextField(_("cơ quan thực hiện"), blank=True)
    authorised_agencies = models.TextField(_("cơ quan được ủy quyền"), blank=True)
    cooperating_agencies = models.TextField(_("cơ quan phối hợp"), blank=True)
    receiving_address = models.TextField(_("địa chỉ tiếp nhận hồ sơ"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện thực hiện"), blank=True)
    related_procedures = models.TextField(_("thủ tục liên quan"), blank=True)
    keywords = models.TextField(_("từ khóa"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    full_online_eligible = models.BooleanField(
        _("đủ điều kiện dịch vụ công trực tuyến toàn trình"), default=False
    )
    online_mode = models.CharField(
        _("mức dịch vụ công trực tuyến"), max_length=10, choices=OnlineMode.choices, default=OnlineMode.NONE
    )
    has_paper_result = models.BooleanField(_("có kết quả bản giấy"), default=True)

    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 của bản ghi gốc đã nhập"))
    source_record = models.JSONField(_("bản ghi gốc"), default=dict, blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    review_notes = models.JSONField(_("ghi chú rà soát"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "decision"], name="procedureversion_code_decision_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.decision})"


class Channel(models.IntegerChoices):
    """Kênh thực hiện as the national portal numbers them."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    """Units of a time limit (DOMAIN.md §3.3); ``unspecified`` keeps records that state none."""

    WORKING_DAY = "working_day", _("ngày làm việc")
    DAY = "day", _("ngày")
    MONTH = "month", _("tháng")
    HOUR = "hour", _("giờ")
    WORKING_HOUR = "working_hour", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")
    UNSPECIFIED = "unspecified", _("không quy định")


class ProcedureChannel(models.Model):
    """One channel of a version: its time limit (value + unit, source text kept) and fees."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    channel = models.PositiveSmallIntegerField(_("hình thức nộp"), choices=Channel.choices)
    time_limit_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.UNSPECIFIED
    )
    time_limit_text = models.TextField(_("thời hạn (nguyên văn)"), blank=True)
    fee_text = models.TextField(_("phí, lệ phí (nguyên văn)"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["version", "channel", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_unit="unspecified")
                | Q(time_limit_value__isnull=False)
                | Q(time_limit_unit="same_day"),
                name="procedurechannel_value_with_unit",
            ),
        ]

    def __str__(self) -> str:
        value = self.time_limit_value if self.time_limit_value is not None else ""
        return f"{self.get_channel_display()}: {value} {self.get_time_limit_unit_display()}"


class FeeLine(models.Model):
    """A fee or charge of a channel, in VND; ``amount_vnd`` 0 means free, null means not stated."""

    channel = models.ForeignKey(ProcedureChannel, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("loại phí, lệ phí"), max_length=255, blank=True)
    amount_vnd = models.BigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    basis_text = models.TextField(_("nguyên văn"), blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["channel", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=True) | Q(amount_vnd__gte=0),
                name="feeline_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount_vnd}"


class ProcedureDocument(models.Model):
    """Thành phần hồ sơ: one required document, with its form template and number of copies."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    group = models.CharField(_("trường hợp, nhóm giấy tờ"), max_length=1000, blank=True)
    name = models.TextField(_("tên giấy tờ"))
    form_template = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), null=True, blank=True)
    quantity_text = models.CharField(_("số lượng (nguyên văn)"), max_length=255, blank=True)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name[:80]


class ProcedureResult(models.Model):
    """Kết quả thực hiện, with the national result code (e.g. ``KQ.G15.000033``)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.TextField(_("tên kết quả"))
    code = models.CharField(_("mã kết quả"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name[:80]


class LegalBasis(models.Model):
    """Căn cứ pháp lý: a legal text the procedure rests on."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    number = models.CharField(_("số, ký hiệu"), max_length=120, blank=True)
    title = models.TextField(_("tên văn bản"), blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.number or self.title[:80]


class ProcedureAssignment(models.Model):
    """Which agency receives and handles which procedure, over which period."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="assignments")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="procedure_assignments")
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thủ tục do đơn vị giải quyết")
        verbose_name_plural = _("thủ tục do đơn vị giải quyết")
        ordering = ["agency", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "agency", "valid_from"], name="assignment_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.procedure.code}"


class ProcedureListing(models.Model):
    """Niêm yết TTHC at the counter (paper or QR) for one agency and procedure (DOMAIN.md §4.4).

    The portal page is minhbach's own procedure page and always shows the version in force, so
    only the counter listing can lag. Whether the listing is ``in_sync``, ``stale`` or ``missing``
    is computed (``selectors``), never stored.
    """

    class Medium(models.TextChoices):
        PAPER = "paper", _("Bản giấy")
        QR = "qr", _("Mã QR")
        BOTH = "both", _("Bản giấy và mã QR")
        NONE = "none", _("Chưa niêm yết")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="listings")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="procedure_listings")
    counter_medium = models.CharField(_("hình thức niêm yết"), max_length=8, choices=Medium.choices)
    counter_location = models.CharField(_("vị trí niêm yết"), max_length=255, blank=True)
    counter_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản được niêm yết"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    counter_posted_on = models.DateField(_("ngày niêm yết"), null=True, blank=True)
    counter_checked_at = models.DateTimeField(_("ngày kiểm tra"), null=True, blank=True)
    counter_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("niêm yết thủ tục")
        verbose_name_plural = _("niêm yết thủ tục")
        constraints = [models.UniqueConstraint(fields=["procedure", "agency"], name="listing_uniq")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.procedure.code}: {self.get_counter_medium_display()}"


class OnlineService(models.Model):
    """Dịch vụ công trực tuyến of a procedure at a handling agency (NĐ 42/2022/NĐ-CP)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="online_services")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="online_services")
    mode = models.CharField(_("mức độ"), max_length=10, choices=ProcedureVersion.OnlineMode.choices[:2])
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("dịch vụ công trực tuyến")
        verbose_name_plural = _("dịch vụ công trực tuyến")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "agency", "valid_from"], name="onlineservice_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.agency}: {self.get_mode_display()}"
