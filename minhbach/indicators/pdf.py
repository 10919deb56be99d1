"""The indicator report of a unit for a period as a PDF in Vietnamese administrative format.

Layout after NĐ 30/2020/NĐ-CP (issuing body top left, national motto top right, place and date,
title), with the full table: campaign targets against the plan, every Decision 766 indicator with
numerator, denominator, value and points, group scores, the total, and the formula sheet. The
font is DejaVu Serif, as for the counter posters (``procedures.posters``): it carries every
precomposed Vietnamese letter, so the PDF embeds one real font and needs no download.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from minhbach.indicators.compute import UnitTable


def _place(result: UnitTable) -> str:
    from minhbach.procedures.posters import UNIT_PREFIXES

    name = result.agency.administrative_unit.name
    for prefix in UNIT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def render_report(result: UnitTable) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    html = render_to_string(
        "indicators/report_pdf.html",
        {
            "result": result,
            "agency": result.agency,
            "parent": result.agency.parent,
            "place": _place(result),
            "today": timezone.localdate(),
            "campaign": [g for g in result.groups if not g.scored],
            "groups": [g for g in result.groups if g.scored],
        },
    )
    return HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf()
