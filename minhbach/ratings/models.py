"""Transaction satisfaction ratings (đánh giá mức độ hài lòng), DOMAIN.md §7.

A rating belongs to a dossier and to nothing else: no user, no IP address, no device id is
stored, so that no officer can tell who rated (§7.4). One rating per dossier is current; a newer
one supersedes it and the older stays as history (§7.1). The raw level is stored together with
``satisfied``, derived from the one-stop rule set in force on the day of rating, so a later change
of the mapping does not rewrite past results.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The nine criteria of TT 01/2018/TT-VPCP (Phụ lục), each scored 0, 1 or 2 (DOMAIN.md §5.8).
CRITERIA: tuple[str, ...] = (
    _("Tổng thời gian giải quyết TTHC so với quy định của pháp luật"),
    _("Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết (kể cả đơn vị phối hợp)"),
    _("Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ TTHC (kể cả trực tuyến)"),
    _("Số lượng cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ TTHC (kể cả trực tuyến)"),
    _("Thực hiện tổ chức tiếp nhận hồ sơ, giải quyết, trả kết quả tại Bộ phận Một cửa"),
    _("Công khai các thủ tục hành chính"),
    _("Thái độ của cán bộ, công chức, viên chức khi hướng dẫn lập hồ sơ, tiếp nhận hồ sơ và giải quyết TTHC"),
    _("Tiếp thu, giải trình đối với các ý kiến phản ánh, kiến nghị của tổ chức, cá nhân"),
    _("Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến của cơ quan có thẩm quyền"),
)
COMMENT_MAX_LENGTH = 1000


class RatingChannel(models.TextChoices):
    QR = "qr", _("Mã QR trên phiếu hẹn (điện thoại của người dân)")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại quầy")
    PORTAL = "portal", _("Cổng dịch vụ công")


class Rating(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.CharField(_("mức độ hài lòng"), max_length=32)
    satisfied = models.BooleanField(_("hài lòng"))
    criteria = models.JSONField(_("điểm các tiêu chí TT 01/2018"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), max_length=COMMENT_MAX_LENGTH, blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=10, choices=RatingChannel.choices)
    created_at = models.DateTimeField(_("thời điểm đánh giá"), auto_now_add=True)
    superseded = models.BooleanField(_("đã có đánh giá mới hơn"), default=False)

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(superseded=False), name="rating_one_current_per_dossier"
            )
        ]
        indexes = [models.Index(fields=["dossier", "superseded"], name="rating_dossier_current_idx")]

    def __str__(self) -> str:
        return f"{self.level} ({self.channel})"


class RatingTokenUse(models.Model):
    """A rating token that has been spent: the receipt's QR rates once (DOMAIN.md §7.4).

    Only a SHA-256 digest of the token is kept; the unique constraint makes two concurrent uses
    collide so that exactly one of them writes.
    """

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã đánh giá đã dùng")
        verbose_name_plural = _("mã đánh giá đã dùng")

    def __str__(self) -> str:
        return self.digest[:12]
