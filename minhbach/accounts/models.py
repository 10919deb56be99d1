"""Accounts and people: the custom User, the Official profile and dated unit memberships.

Citizens need no account. An official's scope is the set of agencies he is a member of on a
given day, with everything beneath them (``minhbach.accounts.policies``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minhbach.units.models import EffectiveQuerySet


class User(AbstractUser):
    """Login account. Custom from the start so that fields can be added without a painful swap."""

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")


class Official(models.Model):
    """Cán bộ, công chức, viên chức: a person who can be rated, disciplined or awarded.

    Gender is kept because NĐ 98/2023/NĐ-CP Điều 4 gives priority to women (and collectives with
    ≥ 70% women) when candidates tie (DOMAIN.md §10.12, D9).
    """

    class Gender(models.TextChoices):
        FEMALE = "female", _("Nữ")
        MALE = "male", _("Nam")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="official"
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """An official working in an agency over a period (a transfer ends one and starts another)."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("chức vụ tại đơn vị"), max_length=150, blank=True)
    is_leader = models.BooleanField(_("lãnh đạo đơn vị"), default=False)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("công tác tại đơn vị")
        verbose_name_plural = _("công tác tại đơn vị")
        ordering = ["agency", "-is_leader", "official__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} @ {self.agency}"
