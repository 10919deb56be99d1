"""QR codes that open a procedure's canonical page.

A QR code at the counter that opens the procedure's record is an electronic form of listing
under NĐ 63/2010/NĐ-CP Điều 17 as amended by NĐ 92/2017/NĐ-CP (DOMAIN.md §4.4). The code
leaves the browser (it is printed), so it encodes an absolute URL built from
``settings.PUBLIC_BASE_URL``, never from the request's host. The URL is the stable
``/thu-tuc/<code>/``: a new announcing decision changes the page, not the code on the wall.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse

#: Error correction M (15 %): survives a scuffed or partly covered sticker while keeping the
#: symbol small; segno raises it for free when the data leaves room.
ERROR_CORRECTION = "m"
#: Pixels per module of the PNG: a version-4 symbol (33 modules + 2×4 quiet zone) is 410 px,
#: sharp on a screen and on a printed A4 page.
PNG_SCALE = 10
SVG_SCALE = 4
QUIET_ZONE = 4


def _absolute(path: str) -> str:
    return str(settings.PUBLIC_BASE_URL).rstrip("/") + path


def procedure_url(code: str) -> str:
    """Absolute canonical URL of a procedure's public page, e.g.
    ``http://127.0.0.1:8000/thu-tuc/1.012753.H19/``."""
    return _absolute(reverse("procedures:detail", kwargs={"code": code}))


def qr_image_url(code: str, kind: str) -> str:
    """Absolute URL of the QR image, ``kind`` being ``svg`` or ``png``."""
    return _absolute(reverse(f"procedures:qr-{kind}", kwargs={"code": code}))


def procedure_qr(code: str) -> segno.QRCode:
    return segno.make(procedure_url(code), error=ERROR_CORRECTION, micro=False)


def qr_png(code: str, *, scale: int = PNG_SCALE) -> bytes:
    buffer = io.BytesIO()
    procedure_qr(code).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def qr_svg(code: str, *, scale: int = SVG_SCALE, title: str = "") -> bytes:
    """SVG with a viewBox, so it scales to any size in a page or a poster."""
    buffer = io.BytesIO()
    procedure_qr(code).save(
        buffer,
        kind="svg",
        scale=scale,
        border=QUIET_ZONE,
        xmldecl=False,
        title=title or procedure_url(code),
        encoding="utf-8",
    )
    return buffer.getvalue()
