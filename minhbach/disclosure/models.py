"""Publication of information (*công khai*, DOMAIN.md §8): the register of items due, the news and
documents of the public portal, and the effective-dated contacts of each unit.

The register exists so that criterion C1 (§8.3) can be computed: every item is created from a
trigger (a decision, an approval, an assignment) with a due date computed from the rule set
``disclosure`` in force on the trigger day, never typed in after the fact.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minhbach.units.models import Agency


class Kind(models.TextChoices):
    """The rows of the table of DOMAIN.md §8.2."""

    PROCEDURE_LISTING = "procedure_listing", _("Niêm yết thủ tục hành chính")
    FEEDBACK_ANSWER = "feedback_answer", _("Công khai trả lời phản ánh, kiến nghị")
    RECEPTION_CONTACT = "reception_contact", _("Địa chỉ tiếp nhận phản ánh, kiến nghị")
    SPOKESPERSON = "spokesperson", _("Người phát ngôn")
    BUDGET = "budget", _("Công khai ngân sách")
    PLAN_REPORT = "plan_report", _("Kế hoạch, báo cáo")
    GRASSROOTS = "grassroots", _("Thực hiện dân chủ ở cơ sở")
    EMULATION_RESULT = "emulation_result", _("Kết quả thi đua, khen thưởng")
    OTHER = "other", _("Khác")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng/Trang thông tin điện tử")
    NOTICE_BOARD = "notice_board", _("Niêm yết tại trụ sở")
    LOUDSPEAKER = "loudspeaker", _("Hệ thống truyền thanh")
    MEDIA = "media", _("Báo chí, phương tiện thông tin đại chúng")
    LETTER = "letter", _("Văn bản gửi")


class PublicationItem(models.Model):
    """One thing a unit must make public, with its due date (§8.2) and when it actually was.

    ``trigger_ref`` names what created the item (``feedback:PAKN.…``, ``decision:123/QĐ-UBND``);
    ``(agency, kind, trigger_ref)`` is unique so that a trigger fired twice creates one item.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="publication_items"
    )
    kind = models.CharField(_("loại thông tin"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    trigger_kind = models.CharField(_("loại căn cứ phát sinh"), max_length=32)
    trigger_ref = models.CharField(_("căn cứ phát sinh"), max_length=120)
    trigger_at = models.DateTimeField(_("thời điểm phát sinh"))
    due_at = models.DateField(_("hạn công khai"))
    due_rule = models.JSONField(_("quy tắc tính hạn"), default=dict, blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    url = models.URLField(_("đường dẫn công khai"), max_length=500, blank=True)
    channels = models.JSONField(_("hình thức công khai"), default=list, blank=True)
    evidence = models.TextField(_("minh chứng"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thông tin phải công khai")
        verbose_name_plural = _("sổ theo dõi công khai thông tin")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "trigger_ref"], name="publicationitem_trigger_uniq"
            ),
        ]
        indexes = [models.Index(fields=["agency", "due_at"], name="publicationitem_agency_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.published_at is None and self.due_at < today

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels or []]


class Article(models.Model):
    """A news item or document on the public portal; publishing it may fulfil a register item."""

    class Category(models.TextChoices):
        NEWS = "news", _("Tin tức")
        PLAN = "plan", _("Kế hoạch")
        DECISION = "decision", _("Quyết định")
        BUDGET = "budget", _("Ngân sách")
        REPORT = "report", _("Báo cáo")
        OTHER = "other", _("Khác")

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="articles"
    )
    category = models.CharField(_("chuyên mục"), max_length=16, choices=Category.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    publication_item = models.ForeignKey(
        PublicationItem,
        verbose_name=_("thông tin phải công khai"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tin, văn bản công khai")
        verbose_name_plural = _("tin, văn bản công khai")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["published_at"], name="article_published_idx")]

    def __str__(self) -> str:
        return self.title

    def paragraphs(self) -> list[str]:
        """The body split at blank lines; the template escapes each one (no HTML, no markdown)."""
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return f"disclosure/{instance.article_id or 'new'}/{filename}"


class ArticleAttachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=_attachment_path, max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class UnitContact(models.Model):
    """An effective-dated contact block of a unit (§8.4): spokesperson, PAKN reception, one-stop desk.

    These are the agency's official phone numbers and addresses, public by law (NĐ 20/2008 Điều 13;
    NĐ 09/2017/NĐ-CP), not a citizen's personal data.
    """

    class Kind(models.TextChoices):
        SPOKESPERSON = "spokesperson", _("Người phát ngôn")
        PAKN_RECEPTION = "pakn_reception", _("Tiếp nhận phản ánh, kiến nghị")
        ONE_STOP_DESK = "one_stop_desk", _("Bộ phận Một cửa")

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(_("loại đầu mối"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("họ tên, bộ phận"), max_length=150)
    title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    office_hours = models.CharField(_("giờ làm việc"), max_length=255, blank=True)
    decision_number = models.CharField(_("số quyết định phân công"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("thời điểm xác nhận"))

    class Meta:
        verbose_name = _("đầu mối liên hệ")
        verbose_name_plural = _("đầu mối liên hệ")
        ordering = ["agency", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unitcontact_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"
