"""Administrative units and agencies, effective-dated (DOMAIN.md §2).

GSO codes are reused after the 1/7/2025 reorganisation (20900 was Xã Trà Sơn, then Xã Trà My),
so a unit is identified by ``(code, valid_from)``, never by its code alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EffectiveQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class AdministrativeUnit(models.Model):
    """Territorial unit (tỉnh, huyện, xã, phường, thị trấn, đặc khu) with its GSO code.

    Codes: 2 digits for a province, 3 for a district, 5 for a commune (QĐ 124/2004/QĐ-TTg;
    QĐ 19/2025/QĐ-TTg from 1/7/2025).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DISTRICT = "district", _("Cấp huyện")
        COMMUNE = "commune", _("Cấp xã")

    class Type(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
        DISTRICT = "district", _("Huyện")
        URBAN_DISTRICT = "urban_district", _("Quận")
        TOWN = "town", _("Thị xã")
        PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")
        TOWNSHIP = "township", _("Thị trấn")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(_("mã đơn vị hành chính"), max_length=5)
    name = models.CharField(_("tên"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    type = models.CharField(_("loại"), max_length=20, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="adminunit_code_valid_from_uniq"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="adminunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province(self) -> AdministrativeUnit | None:
        unit: AdministrativeUnit | None = self
        while unit is not None and unit.level != self.Level.PROVINCE:
            unit = unit.parent
        return unit


class UnitSuccession(models.Model):
    """Old unit → new unit on a date, with the resolution that decided it (many-to-many)."""

    class Kind(models.TextChoices):
        MERGED_INTO = "merged_into", _("Sáp nhập vào")
        RENAMED = "renamed", _("Đổi tên")
        SPLIT_INTO = "split_into", _("Chia tách thành")
        ABOLISHED = "abolished", _("Giải thể")

    old_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.PROTECT,
        related_name="predecessions",
        null=True,
        blank=True,
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(_("hình thức"), max_length=16, choices=Kind.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["effective_date", "old_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="succession_old_new_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.old_unit} → {self.new_unit or '—'} ({self.effective_date:%d/%m/%Y})"


class Agency(models.Model):
    """A body that receives, handles or signs: UBND, specialised office, one-stop desk, ...

    ``electronic_code`` is the identifier (format ``V1V2V3.Z1Z2.Y1Y2.MX1X2``) printed at the
    head of every dossier code (TT 01/2018/TT-VPCP Điều 19). ``path`` is a materialised path of
    primary keys (``/1/4/9/``) so that "this agency and everything under it" is one indexed
    ``LIKE`` on both SQLite and PostgreSQL.
    The reception cut-off (default 15:00, D10, NĐ 61/2018 Điều 20) is per agency.
    """

    class Kind(models.TextChoices):
        PEOPLE_COMMITTEE = "people_committee", _("Ủy ban nhân dân")
        OFFICE = "office", _("Cơ quan chuyên môn")
        ONE_STOP_DESK = "one_stop_desk", _("Bộ phận Một cửa")
        SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
        PUBLIC_SERVICE_UNIT = "public_service_unit", _("Đơn vị sự nghiệp công lập")
        COUNCIL = "council", _("Hội đồng")

    electronic_code = models.CharField(_("mã định danh điện tử"), max_length=32)
    slug = models.SlugField(_("đường dẫn"), max_length=80, unique=True)
    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="agencies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    cutoff_enabled = models.BooleanField(_("áp dụng giờ chốt tiếp nhận"), default=True)
    cutoff_time = models.TimeField(_("giờ chốt tiếp nhận"), default=dt.time(15, 0))

    spokesperson_name = models.CharField(_("người phát ngôn"), max_length=150, blank=True)
    spokesperson_position = models.CharField(_("chức vụ người phát ngôn"), max_length=150, blank=True)
    spokesperson_phone = models.CharField(_("điện thoại người phát ngôn"), max_length=30, blank=True)
    spokesperson_email = models.EmailField(_("thư điện tử người phát ngôn"), blank=True)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["electronic_code", "valid_from"], name="agency_code_valid_from_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def descendants_and_self(self):
        return Agency.objects.filter(path__startswith=self.path)


class WorkingHours(models.Model):
    """One office-hours interval of an agency on a weekday (0 = Monday).

    Seed: 07:00–11:00 and 13:00–17:00, Monday to Friday (QĐ 188/1999/QĐ-TTg; the province sets
    the exact hours by decision [R]). Make-up Saturdays use the hours of ``weekday`` 5 if any,
    else the Monday hours.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=[(i, str(i)) for i in range(7)])
    start = models.TimeField(_("từ"))
    end = models.TimeField(_("đến"))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="workinghours_end_after_start"
            ),
            models.UniqueConstraint(fields=["agency", "weekday", "start"], name="workinghours_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"
