"""Display helpers of the indicator pages: numbers in the Vietnamese way, N/A kept as ``N/A`` (D5)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from minhbach.indicators.reports import fmt

register = template.Library()


@register.filter
def num(value: Decimal | None) -> str:
    """``62,50``; ``N/A`` when there is no value (never 0)."""
    text = fmt(value)
    return text if text == "N/A" else text.replace(".", ",")


@register.filter
def whole(value: Decimal | None) -> str:
    """A count without decimals (numerators and denominators)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
