"""One-stop dossiers (hồ sơ một cửa), DOMAIN.md §5.

The external state is the national portal's status 1–10; the allowed moves are the table in
``transitions.py``. Every timestamp the clock rules need is stored, together with the deadline
trace that justifies the due date, so that punctuality can be recomputed and audited.
Personal data (citizen ID, address, phone, email) lives only on ``Applicant`` and never leaves
the back office.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minhbach.procedures.models import Channel, TimeUnit


class Status(models.IntegerChoices):
    """TrangThaiHoSo of the National Public Service Portal [V-3P]."""

    REGISTERED = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    IN_PROGRESS = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    FINANCIAL_OBLIGATION = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Punctuality(models.TextChoices):
    """Trước hạn / đúng hạn / quá hạn for ended dossiers; trong hạn / quá hạn for open ones (§5.6)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")
    WITHIN_TIME = "within_time", _("Trong hạn")
    OVERDUE = "overdue", _("Quá hạn (chưa xong)")


def fold_name(name: str) -> str:
    """A name as the person-matching rules compare it: NFC, case-folded, single spaces.

    "NGUYỄN  Văn An" and "Nguyễn Văn An" (typed in NFD by another system) give the same key.
    Folding in Python, not with the database's UPPER or LIKE, makes the match the same on
    SQLite (whose LIKE folds ASCII letters only) and PostgreSQL (whose UPPER depends on the
    database's locale), and lets an index serve the equality.
    """
    folded = unicodedata.normalize("NFC", name or "").casefold()
    return unicodedata.normalize("NFC", " ".join(folded.split()))


class NameKeyField(models.CharField):
    """``fold_name`` of another field of the row, recomputed by the ORM on every insert and save.

    ``pre_save`` runs for ``save`` and ``bulk_create`` alike, so no writer can forget it; the
    benchmark's SQL generator writes the same key itself.
    """

    def __init__(self, *args, source: str = "full_name", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = fold_name(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class Applicant(models.Model):
    """Chủ hồ sơ or người nộp. Personal data: shown to officers in scope only."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")

    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ và tên, tên tổ chức"), max_length=255)
    # The name as one-go rule 3 and the withdraw-and-resubmit flag match it (with the phone).
    name_key = NameKeyField(_("họ tên để đối chiếu"), max_length=255, source="full_name", default="")
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    vneid_verified = models.BooleanField(_("tài khoản xác thực VNeID"), default=False)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        # The person keys of one-go rule 3 and the withdraw-and-resubmit flag (citizen ID, tax
        # code, name and phone) are looked up from the few refusals and withdrawals.
        indexes = [
            models.Index(fields=["citizen_id"], name="applicant_citizen_id_idx"),
            models.Index(fields=["tax_code"], name="applicant_tax_code_idx"),
            models.Index(fields=["phone", "name_key"], name="applicant_phone_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class DossierSequence(models.Model):
    """Last dossier number issued by an agency on a day (TT 01/2018/TT-VPCP Điều 19; D12).

    A row per agency and day, incremented under a row lock in the allocating transaction, so
    numbers are consecutive and never reused even if the dossier is later refused or withdrawn.
    """

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiersequence_agency_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Dossier(models.Model):
    class Source(models.TextChoices):
        NATIVE = "native", _("Tiếp nhận trên minhbach")
        IMPORTED = "imported", _("Nhập từ hệ thống của tỉnh")

    class Stage(models.TextChoices):
        """Sub-state of status 5: before acceptance (clock not started) or after (clock paused)."""

        NONE = "", _("—")
        BEFORE_ACCEPTANCE = "before_acceptance", _("Trước khi tiếp nhận")
        AFTER_ACCEPTANCE = "after_acceptance", _("Sau khi tiếp nhận")

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.NATIVE)
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("kênh thực hiện"), choices=Channel.choices)
    receiving_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    handling_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        Applicant, verbose_name=_("chủ hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    submitter = models.ForeignKey(
        Applicant,
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    subject = models.CharField(_("nội dung yêu cầu"), max_length=500, blank=True)

    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.REGISTERED
    )
    stage = models.CharField(
        _("giai đoạn bổ sung"), max_length=20, choices=Stage.choices, blank=True, default=""
    )
    lock_version = models.PositiveIntegerField(
        default=0, help_text=_("Khóa lạc quan: tăng sau mỗi lần chuyển")
    )

    # The time limit is pinned at acceptance from the channel of the procedure version (§0.3).
    time_limit_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(max_length=16, choices=TimeUnit.choices, blank=True)
    ruleset = models.ForeignKey(
        "core.RuleSet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    accepted_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    day_zero = models.DateField(_("ngày bắt đầu tính (ngày 0)"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hạn trả ban đầu"), null=True, blank=True)
    printed_due_at = models.DateTimeField(_("ngày hẹn trả in trên phiếu"), null=True, blank=True)
    effective_due_at = models.DateTimeField(_("hạn giải quyết (sau tạm dừng)"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("ngày hẹn lại (xin lỗi)"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    ended_at = models.DateTimeField(_("thời điểm kết thúc xử lý"), null=True, blank=True)
    # The running clock: the day zero of the current segment and what is left of the time limit
    # when it started (changes after each pause, DOMAIN.md §5.6 rule 2).
    clock_started_at = models.DateTimeField(null=True, blank=True)
    clock_day_zero = models.DateField(null=True, blank=True)
    remaining_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    deadline_trace = models.JSONField(_("diễn giải hạn giải quyết"), default=dict, blank=True)

    supplements_before = models.PositiveSmallIntegerField(default=0)
    supplements_after = models.PositiveSmallIntegerField(default=0)
    punctuality = models.CharField(
        _("kết quả đúng hạn"), max_length=12, choices=Punctuality.choices, blank=True, default=""
    )
    non_standard_transition = models.BooleanField(default=False)
    one_go_exemption = models.TextField(
        _("lý do miễn xét “một lần” (có tình tiết mới)"),
        blank=True,
        help_text=_("Cán bộ ghi khi hồ sơ nộp lại có tình tiết mới; được ghi sổ cái."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["receiving_agency", "status"], name="dossier_agency_status_idx"),
            models.Index(fields=["status", "effective_due_at"], name="dossier_status_due_idx"),
            models.Index(fields=["accepted_at"], name="dossier_accepted_idx"),
            # One-go rule 3 and the withdraw-and-resubmit flag look for earlier failures at a desk
            # within a window: a small partial index instead of every dossier of the desk
            # (5.8× on 1,000,000 dossiers, bench/bench_indicators.py).
            models.Index(
                fields=["receiving_agency", "ended_at"],
                condition=Q(status__in=[3, 7, 8]),
                name="dossier_failures_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=5) | Q(stage=""), name="dossier_stage_only_when_supplement"
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"


class DossierEvent(models.Model):
    """One transition or dated fact of a dossier; append-only (also mirrored in the ledger)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action}"


class SupplementRequest(models.Model):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) with the full list of missing items."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="supplement_requests")
    stage = models.CharField(max_length=20, choices=Dossier.Stage.choices[1:])
    requested_at = models.DateTimeField()
    items = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.requested_at:%d/%m/%Y}"


class Extension(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): at most one per dossier (NĐ 61/2018 Điều 21 k5)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="extension")
    issued_at = models.DateTimeField()
    reason = models.TextField(_("lý do"))
    new_due_at = models.DateTimeField(_("ngày hẹn trả mới"))
    apology_late = models.BooleanField(default=False, help_text=_("Gửi muộn hơn 1 ngày làm việc trước hạn"))

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_at:%d/%m/%Y}"


class DossierDocument(models.Model):
    """A submitted component (thành phần hồ sơ đã nộp), with the digitisation flags of §5.9."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    procedure_document = models.ForeignKey(
        "procedures.ProcedureDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    digitised = models.BooleanField(_("đã số hóa"), default=False)
    reused = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)
    file = models.FileField(_("tệp đính kèm"), upload_to="dossiers/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name[:80]


class OnlinePayment(models.IntegerChoices):
    """DuocThanhToanTrucTuyen [V-3P]."""

    NO = 0, _("Không thanh toán trực tuyến")
    NATIONAL_PORTAL = 1, _("Cổng Dịch vụ công quốc gia")
    LOCAL_GATEWAY = 2, _("Cổng thanh toán của bộ, tỉnh")


class DossierFee(models.Model):
    """A fee charged on a dossier (DanhSachLePhi) and how it was paid."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("loại phí, lệ phí"), max_length=255)
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    paid_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    online_channel = models.PositiveSmallIntegerField(
        _("thanh toán trực tuyến"), choices=OnlinePayment.choices, default=OnlinePayment.NO
    )

    class Meta:
        verbose_name = _("phí, lệ phí của hồ sơ")
        verbose_name_plural = _("phí, lệ phí của hồ sơ")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gte=0), name="dossierfee_amount_non_negative")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount_vnd}"


class DossierStep(models.Model):
    """One hand-over on the control slip (Mẫu 05), with its own deadline and punctuality (§5.6 rule 8)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="dossier_steps"
    )
    received_at = models.DateTimeField(_("nhận lúc"))
    handed_over_at = models.DateTimeField(_("giao lúc"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    punctuality = models.CharField(max_length=12, choices=Punctuality.choices, blank=True, default="")
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["dossier", "received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} @ {self.agency}"


class DossierResult(models.Model):
    """Kết quả giải quyết, with its electronic copy when there is one (MaKetQua, DuongDanTepTinKetQua)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="result")
    name = models.CharField(_("tên kết quả"), max_length=500, blank=True)
    code = models.CharField(_("mã kết quả"), max_length=64, blank=True)
    file_url = models.CharField(_("đường dẫn tệp kết quả"), max_length=500, blank=True)
    issued_at = models.DateTimeField(_("ngày ký"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả giải quyết")
        verbose_name_plural = _("kết quả giải quyết")

    def __str__(self) -> str:
        return self.code or self.name

    @property
    def electronic(self) -> bool:
        return bool(self.file_url)


class Slip(models.Model):
    """A rendered form with the data snapshot it was printed from (DOMAIN.md §5.4).

    Code refers to forms by role; the rule set maps roles to the numbers of the 2018 set
    (TT 01/2018/TT-VPCP) or the 2025 set (TT 03/2025/TT-VPCP) in force on the issue date.
    """

    class Role(models.TextChoices):
        RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT_REQUEST = "supplement_request", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
        APOLOGY_EXTENSION = "apology_extension", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        STOP_NOTICE = "stop_notice", _("Thông báo dừng giải quyết hồ sơ")
        CONTROL_SLIP = "control_slip", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="slips")
    role = models.CharField(max_length=24, choices=Role.choices)
    form_set = models.CharField(max_length=8, default="2018")
    form_number = models.CharField(max_length=8)
    number = models.CharField(_("số phiếu"), max_length=64, blank=True)
    issued_at = models.DateTimeField()
    snapshot = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("phiếu, mẫu đã in")
        verbose_name_plural = _("phiếu, mẫu đã in")
        ordering = ["dossier", "issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} Mẫu {self.form_number}"
