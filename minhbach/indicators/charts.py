"""Trend charts as inline SVG drawn on the server: no JavaScript library, no CDN (STYLE.md).

A chart scales to the width of the screen (``viewBox`` and ``width: 100%``), so it reads on a
phone; every chart is paired in the template with a ``<table>`` of the same numbers for screen
readers. N/A months are gaps in the line, never zeros (D5).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minhbach.indicators.trends import Point

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 22, 12, 36


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: Decimal, top: Decimal) -> float:
    span = HEIGHT - TOP - BOTTOM
    return TOP + span * (1 - float(value) / float(top or 1))


def line_chart(points: Sequence[Point], *, title: str, target: Decimal | None = None) -> SafeString:
    """A line chart of percentages (0–100) by month, with the target as a dashed line."""
    count = len(points)
    top = Decimal(100)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _y(Decimal(tick), top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>')
    if target is not None:
        y = _y(min(target, top), top)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b00" '
            f'stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, point in enumerate(points):
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_x(index, count):.1f},{_y(min(point.value, top), top):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline fill="none" stroke="#1f5fa8" stroke-width="2.5" points="{" ".join(seg)}"/>')
    for index, point in enumerate(points):
        x = _x(index, count)
        if point.value is not None:
            colour = "#1f5fa8" if point.meets is None else ("#2e7d32" if point.meets else "#c62828")
            y = _y(min(point.value, top), top)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        if count <= 16 or index % 2 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="10" text-anchor="middle">'
                f"{escape(point.start.strftime('%m/%y'))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
