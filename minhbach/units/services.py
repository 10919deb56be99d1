"""Writes on units and agencies. Each one is atomic and leaves one ledger entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from minhbach.core import ledger
from minhbach.units.models import AdministrativeUnit, Agency, WorkingHours

# Seed office hours (QĐ 188/1999/QĐ-TTg: 8 hours a day, 40 a week). The province sets the
# real hours by decision [R]; officials correct them per agency.
SEED_HOURS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 0), dt.time(11, 0)),
    (dt.time(13, 0), dt.time(17, 0)),
)


def _set_path(agency: Agency) -> None:
    parent_path = agency.parent.path if agency.parent_id else "/"
    agency.path = f"{parent_path}{agency.pk}/"
    Agency.objects.filter(pk=agency.pk).update(path=agency.path)


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    electronic_code: str,
    slug: str,
    name: str,
    kind: str,
    administrative_unit: AdministrativeUnit,
    valid_from: dt.date,
    parent: Agency | None = None,
    seed_hours: bool = True,
    **fields: Any,
) -> Agency:
    """Create an agency under ``parent``, give it its materialised path and the seed office hours."""
    agency = Agency(
        electronic_code=electronic_code,
        slug=slug,
        name=name,
        kind=kind,
        administrative_unit=administrative_unit,
        valid_from=valid_from,
        parent=parent,
        **fields,
    )
    agency.full_clean()
    agency.save()
    _set_path(agency)
    if seed_hours:
        WorkingHours.objects.bulk_create(
            WorkingHours(agency=agency, weekday=weekday, start=start, end=end)
            for weekday in range(5)
            for start, end in SEED_HOURS
        )
    ledger.record(
        actor=actor,
        action="agency.created",
        obj=agency,
        unit_code=agency.electronic_code,
        payload={"name": name, "kind": kind, "parent": parent.pk if parent else None, "path": agency.path},
    )
    return agency


CONTACT_FIELDS = (
    "spokesperson_name",
    "spokesperson_position",
    "spokesperson_phone",
    "spokesperson_email",
    "address",
    "cutoff_enabled",
    "cutoff_time",
)


@transaction.atomic
def agency_update_settings(*, actor: Any, agency: Agency, **changes: Any) -> Agency:
    """Change an agency's spokesperson, address or reception cut-off; the ledger keeps old and new."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = {field: getattr(agency, field) for field in changes}
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.full_clean()
    agency.save(update_fields=[*changes])
    ledger.record(
        actor=actor,
        action="agency.settings_changed",
        obj=agency,
        unit_code=agency.electronic_code,
        payload={"before": before, "after": changes},
    )
    return agency
