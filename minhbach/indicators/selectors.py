"""Reads of the indicators app used by views and commands."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from minhbach.indicators.models import IndicatorSet
from minhbach.units.models import Agency


def find_unit(code: str, on: dt.date | None = None) -> Agency | None:
    """An agency by electronic code or slug; or the People's Committee of an administrative unit code."""
    code = code.strip()
    if not code:
        return None
    found = Agency.objects.filter(Q(electronic_code=code) | Q(slug=code)).order_by("path").first()
    if found is not None:
        return found
    return (
        Agency.objects.filter(administrative_unit__code=code, kind=Agency.Kind.PEOPLE_COMMITTEE)
        .order_by("-valid_from")
        .first()
    )


def find_indicator_set(spec: str, on: dt.date) -> IndicatorSet | None:
    """``code`` (newest version) or ``code:version``."""
    code, _sep, version = spec.partition(":")
    qs = IndicatorSet.objects.filter(code=code.strip())
    if version:
        if not version.isdigit():
            return None
        qs = qs.filter(version=int(version))
    return qs.order_by("-version").first()
