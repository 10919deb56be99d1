"""Trusted clients of the Open311 GeoReport v2 endpoint (DOMAIN.md §6.7).

Reading published answers is public; submitting a PAKN through the API needs an ``api_key`` of
an ``ApiClient`` (a provincial portal, a mobile app of the district). Only the SHA-256 digest of
the key is stored: the key is shown once, by the ``open311_client`` command, and cannot be read
back from the database, a backup or the admin.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from minhbach.feedback.models import Channel

#: The feedback channels an API client may stand for: systems that relay a data message
#: (NĐ 20/2008 Điều 6: a portal submission counts as "in writing").
API_CHANNELS = (Channel.MINHBACH, Channel.PROVINCIAL_PORTAL, Channel.NATIONAL_PORTAL)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("tên ứng dụng"), max_length=150, unique=True)
    key_digest = models.CharField(_("mã băm SHA-256 của khóa"), max_length=64, unique=True, editable=False)
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị nhận mặc định"),
    )
    channel = models.CharField(
        _("kênh tiếp nhận"),
        max_length=20,
        choices=[(c.value, c.label) for c in API_CHANNELS],
        default=Channel.MINHBACH,
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
