"""Factories for units and agencies (used by every app's tests)."""

from __future__ import annotations

import datetime as dt

import factory

from minhbach.units import services
from minhbach.units.importers import PRE2025_VALID_FROM
from minhbach.units.models import AdministrativeUnit, Agency


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code", "valid_from")

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = AdministrativeUnit.Level.COMMUNE
    type = AdministrativeUnit.Type.COMMUNE
    valid_from = PRE2025_VALID_FROM


def make_agency(
    *,
    name: str = "UBND xã Thử Nghiệm",
    kind: str = Agency.Kind.PEOPLE_COMMITTEE,
    parent: Agency | None = None,
    unit: AdministrativeUnit | None = None,
    code: str | None = None,
    **fields,
) -> Agency:
    """Create an agency through the real service, so its path and office hours are right."""
    make_agency.counter += 1  # type: ignore[attr-defined]
    n = make_agency.counter  # type: ignore[attr-defined]
    return services.agency_create(
        actor=None,
        electronic_code=code or f"000.{n:02d}.00.H{n:02d}"[:32],
        slug=f"agency-{n}",
        name=name,
        kind=kind,
        administrative_unit=unit or (parent.administrative_unit if parent else AdministrativeUnitFactory()),
        valid_from=dt.date(2008, 1, 1),
        parent=parent,
        **fields,
    )


make_agency.counter = 0  # type: ignore[attr-defined]
