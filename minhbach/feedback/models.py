"""Citizen feedback and petitions (phản ánh, kiến nghị, PAKN): DOMAIN.md §6.

NĐ 20/2008/NĐ-CP (receiving and handling feedback on administrative regulations) and
QĐ 31/2021/QĐ-TTg Điều 46 (answers published on the National Public Service Portal). The
original text and the sender's data stay here; the public pages show only ``question_redacted``
and ``answer`` after staff confirmed the redaction (§6.6).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """NĐ 20/2008 Điều 5 (DOMAIN.md §6.1)."""

    CONDUCT = "conduct", _("Hành vi chậm trễ, gây phiền hà của cơ quan, cán bộ")
    UNSUITABLE = "unsuitable", _("Quy định không phù hợp với thực tế")
    INCONSISTENT = "inconsistent", _("Quy định không đồng bộ, không thống nhất")
    UNLAWFUL = "unlawful", _("Quy định không hợp pháp")
    TREATY = "treaty", _("Quy định trái với điều ước quốc tế")
    OTHER = "other", _("Vấn đề khác")
    PROPOSAL = "proposal", _("Phương án xử lý")
    INITIATIVE = "initiative", _("Sáng kiến ban hành mới quy định")


class Class766(models.TextChoices):
    """Decision 766 petition classes: officials' behaviour vs regulations and procedures."""

    STAFF = "staff", _("Hành vi của cán bộ, công chức")
    REGULATION = "regulation", _("Quy định, chính sách, TTHC")


def class_766_of(category: str) -> str:
    return Class766.STAFF if category == Category.CONDUCT else Class766.REGULATION


class State(models.TextChoices):
    RECEIVED = "received", _("Chờ tiếp nhận")
    REFUSED = "refused", _("Từ chối")
    INFO_REQUESTED = "info_requested", _("Yêu cầu bổ sung thông tin")
    FORWARDED = "forwarded", _("Chuyển cơ quan có thẩm quyền")
    HANDLING = "handling", _("Đang xử lý")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ duyệt")
    AWAITING_PUBLICATION = "awaiting_publication", _("Chờ công khai")
    PUBLISHED = "published", _("Đã công khai")
    REOPENED = "reopened", _("Phản ánh lại về kết quả")


class Channel(models.TextChoices):
    """NĐ 20/2008 Điều 6 forms, by the system they came through (DOMAIN.md §6.2)."""

    NATIONAL_PORTAL = "national_portal", _("Cổng Dịch vụ công quốc gia")
    PROVINCIAL_PORTAL = "provincial_portal", _("Cổng dịch vụ công tỉnh")
    MINHBACH = "minhbach", _("Trang Minh bạch")
    COUNTER = "counter", _("Trực tiếp tại cơ quan")
    HOTLINE = "hotline", _("Đường dây nóng")
    LETTER = "letter", _("Thư, văn bản")
    COMMENT_BOX = "comment_box", _("Hòm thư góp ý")


class SenderKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")
    BUSINESS = "business", _("Doanh nghiệp")


class Substantiated(models.TextChoices):
    PENDING = "pending", _("Đang xác minh")
    YES = "yes", _("Có căn cứ")
    NO = "no", _("Không có căn cứ")


class FeedbackSequence(models.Model):
    """One row per day: the last number given (codes ``PAKN.YYYYMMDD.NNNN``, one national series)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


class Feedback(models.Model):
    code = models.CharField(_("mã PAKN"), max_length=20, unique=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))

    sender_name = models.CharField(_("họ tên người gửi"), max_length=200, blank=True)
    sender_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    sender_phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    sender_kind = models.CharField(
        _("loại người gửi"), max_length=20, choices=SenderKind.choices, default=SenderKind.PERSON
    )
    anonymous = models.BooleanField(_("ẩn danh"), default=False)

    title = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    text = models.TextField(_("nội dung"))
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("thủ tục liên quan"),
    )  # fmt: skip
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("hồ sơ liên quan"),
    )  # fmt: skip
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="feedback_items",
        verbose_name=_("đơn vị xử lý"),
    )
    target_official = models.ForeignKey(
        "accounts.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cán bộ bị phản ánh"),
    )  # fmt: skip

    category = models.CharField(_("loại phản ánh"), max_length=20, choices=Category.choices)
    class_766 = models.CharField(_("phân loại 766"), max_length=20, choices=Class766.choices)
    valid = models.BooleanField(_("hợp lệ"), default=True)
    out_of_scope = models.BooleanField(_("khiếu nại, tố cáo (ngoài phạm vi)"), default=False)

    state = models.CharField(_("trạng thái"), max_length=25, choices=State.choices, default=State.RECEIVED)
    timer_start = models.DateTimeField(_("mốc tính thời hạn"))
    forward_count = models.PositiveSmallIntegerField(default=0)
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    first_info_requested_at = models.DateTimeField(null=True, blank=True)
    info_received_at = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("số ngày làm việc chờ bổ sung"), default=0)
    handling_started_at = models.DateTimeField(null=True, blank=True)

    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answer_submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    question_redacted = models.TextField(_("nội dung phản ánh đã ẩn thông tin cá nhân"), blank=True)
    substantiated = models.CharField(
        _("kết quả xác minh"), max_length=10, choices=Substantiated.choices, blank=True
    )
    reopened = models.PositiveSmallIntegerField(_("số lần phản ánh lại"), default=0)
    # Due moments of the timers (DOMAIN.md §6.4), denormalised by the services from ``sla.py`` at
    # receipt, transfer, the sender's reply and approval, so that the 766 counts (indicators 5.2,
    # 5.3) are plain SQL comparisons with the moments the timers were met. Exclusive: 24:00 of the
    # due day. ``publish_due_at`` is set once the answer is approved.
    refuse_due_at = models.DateTimeField(_("hạn từ chối"), null=True, blank=True, editable=False)
    request_info_due_at = models.DateTimeField(
        _("hạn yêu cầu bổ sung"), null=True, blank=True, editable=False
    )
    answer_due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True, editable=False)
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True, editable=False)
    forward_due_at = models.DateTimeField(_("hạn chuyển đơn"), null=True, blank=True, editable=False)
    # Folded (lower-case, no diacritics) published text for the public search; never sender data.
    search_folded = models.TextField(blank=True, editable=False)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at"]
        permissions = [("approve_feedback", _("Duyệt và công khai câu trả lời phản ánh, kiến nghị"))]
        indexes = [models.Index(fields=["state", "agency"]), models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return self.code


class FeedbackEvent(models.Model):
    """Append-only history of a feedback item (one row per transition, never edited)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=25, blank=True)
    to_state = models.CharField(max_length=25)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    # For moves bound by a timer (``forward``: NĐ 20/2008 Điều 9 khoản 1 điểm d, 5 working days):
    # whether the move came after its due moment. ``None`` for moves without a timer.
    late = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "agency", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class FeedbackReaction(models.Model):
    """Like or dislike on a published answer: one per device per item, changeable (§6.5)."""

    class Value(models.TextChoices):
        LIKE = "like", _("Hữu ích")
        DISLIKE = "dislike", _("Chưa hữu ích")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reactions")
    value = models.CharField(max_length=10, choices=Value.choices)
    device_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "device_hash"], name="feedback_reaction_one_per_device"
            )
        ]

    def __str__(self) -> str:
        return self.value


class FeedbackFollowUp(models.Model):
    """A citizen's follow-up complaint about a published result (DOMAIN.md §6.3 ``published → reopened``).

    Kept apart from the item so the original question stays as it was answered; the sender's data
    is held here under the same rule as on ``Feedback`` (never public, NĐ 13/2023/NĐ-CP). The item
    counts as unsatisfied (766 indicator 5.3, §6.5) through ``Feedback.reopened``.
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="follow_ups")
    text = models.TextField(_("nội dung phản ánh lại"))
    sender_name = models.CharField(_("họ tên người gửi"), max_length=200)
    sender_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    sender_phone = models.CharField(_("điện thoại"), max_length=30)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    device_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("phản ánh lại về kết quả")
        verbose_name_plural = _("phản ánh lại về kết quả")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["device_hash", "received_at"])]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.received_at:%Y-%m-%d}"
