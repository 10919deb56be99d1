"""Reads on administrative units across time (DOMAIN.md §2).

Units are reference data, public by law (QĐ 124/2004/QĐ-TTg; QĐ 19/2025/QĐ-TTg), so these
helpers take no acting user: scoping by unit happens in the selectors of the apps that hold
dossiers, feedback and scores, which call these to find "the unit valid on the event date".

GSO codes are reused across the 1/7/2025 reorganisation (20900: Xã Trà Sơn, then Xã Trà My), so
a code alone never identifies a unit; every lookup by code takes a date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from minhbach.units.models import AdministrativeUnit, UnitSuccession


def unit_on(code: str, day: dt.date) -> AdministrativeUnit | None:
    """The unit that carried ``code`` on ``day`` (both ends of the validity period included), or ``None``.

    Validity periods of one code do not overlap (the importer refuses an overlap); should they
    ever, the most recently started unit wins.
    """
    return (
        AdministrativeUnit.objects.valid_on(day)
        .filter(code=code)
        .select_related("parent")
        .order_by("-valid_from")
        .first()
    )


def successors(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The units that took over ``unit`` (one step), by code. Empty for an abolished unit."""
    return (
        AdministrativeUnit.objects.filter(predecessions__old_unit=unit)
        .distinct()
        .order_by("code", "valid_from")
    )


def predecessors(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The units that ``unit`` took over (one step), by code."""
    return (
        AdministrativeUnit.objects.filter(successions__new_unit=unit)
        .distinct()
        .order_by("code", "valid_from")
    )


def successions_of(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """The succession rows leaving ``unit``, with their kind and legal basis (including ``abolished``)."""
    return UnitSuccession.objects.filter(old_unit=unit).select_related("new_unit").order_by("new_unit__code")


def unit_subtree(unit: AdministrativeUnit, *, day: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """``unit`` and every unit under it (at most two levels down: tỉnh → huyện → xã), in one query,
    provinces first (ordered by code length, then code).

    With ``day``, only the units valid on that day: a 2025 province's subtree on 2024-01-01 is
    empty, because its communes start on 01/7/2025.
    """
    queryset = AdministrativeUnit.objects.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit))
    if day is not None:
        queryset = queryset.valid_on(day)
    return queryset.order_by(Length("code"), "code", "valid_from")
