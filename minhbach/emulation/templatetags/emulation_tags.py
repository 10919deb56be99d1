"""Display helpers of the scoreboards: N/A is shown as "N/A", never as 0% or 100% (D5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TIE_BREAKS = {
    "score": _("Điểm"),
    "women_priority": _("Ưu tiên nữ / tập thể có từ 70% nữ"),
    "on_time_rate": _("Tỷ lệ hồ sơ đúng hạn"),
    "recorded_draw": _("Bốc thăm có ghi nhận"),
}
BLOCKS = {
    "not_registered": _("chưa được duyệt đăng ký"),
    "pending_rating": _("chờ kết quả xếp loại (I1)"),
    "verification": _("đang thanh tra, kiểm tra, xác minh"),
    "no_score": _("không có số liệu để tính điểm"),
}


@register.filter
def num(value, places: int = 2) -> str:
    if value is None:
        return "N/A"
    quantum = Decimal(1).scaleb(-int(places))
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}".replace(",", " ").replace(".", ",")


@register.filter
def tie_label(code: str) -> str:
    return str(TIE_BREAKS.get(code, code))


@register.filter
def block_label(code: str) -> str:
    return str(BLOCKS.get(code, code))


@register.filter
def gate_mark(result) -> str:
    """✓ passed, ✗ failed, N/A not applicable, … waiting for data (D6)."""
    if result.status == "pending":
        return "…"
    if result.na and result.passed is None:
        return "N/A"
    return "✓" if result.passed else "✗"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def vnd(value) -> str:
    """Đồng with the Vietnamese thousands separator: 1410000 → "1.410.000"."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")
