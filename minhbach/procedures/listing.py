"""Writes on "which unit handles which procedure" and on its counter listing (DOMAIN.md §4.4).

Every call is atomic and writes one ledger entry when, and only when, something changed, so the
demo loader and the poster can call them again without growing the ledger. Bad input raises
``ValidationError`` with a Vietnamese message before anything is written.

Niêm yết tại nơi tiếp nhận: NĐ 63/2010/NĐ-CP Điều 17 (as amended by NĐ 92/2017/NĐ-CP) and
TT 02/2017/TT-VPCP Chương III.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.procedures.coverage import version_in_force
from minhbach.procedures.models import Procedure, ProcedureAssignment, ProcedureListing, ProcedureVersion
from minhbach.units.models import Agency

MEDIA = frozenset(ProcedureListing.Medium.values)


@transaction.atomic
def procedures_assign(
    *,
    actor: Any,
    agency: Agency,
    procedures: Iterable[Procedure],
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> int:
    """Give ``agency`` the procedures it receives from ``valid_from``; returns how many were new.

    Pairs already assigned from the same day are left alone. One ledger entry lists the codes
    added, so a unit's catalogue can be traced to who set it up and when.
    """
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("Ngày kết thúc không được trước ngày bắt đầu."))
    wanted = {p.pk: p for p in procedures}
    existing = set(
        ProcedureAssignment.objects.filter(
            agency=agency, valid_from=valid_from, procedure_id__in=wanted
        ).values_list("procedure_id", flat=True)
    )
    new = [p for pk, p in wanted.items() if pk not in existing]
    if not new:
        return 0
    ProcedureAssignment.objects.bulk_create(
        ProcedureAssignment(procedure=p, agency=agency, valid_from=valid_from, valid_to=valid_to) for p in new
    )
    ledger.record(
        actor=actor,
        action="procedure.assigned",
        obj=agency,
        unit_code=agency.electronic_code,
        payload={
            "codes": sorted(p.code for p in new),
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return len(new)


def _snapshot(listing: ProcedureListing) -> dict[str, Any]:
    return {
        "medium": listing.counter_medium,
        "location": listing.counter_location,
        "version": listing.counter_version_id,
        "posted_on": listing.counter_posted_on,
    }


@transaction.atomic
def listing_record(
    *,
    actor: Any,
    agency: Agency,
    procedure: Procedure,
    medium: str,
    location: str = "",
    version: ProcedureVersion | None = None,
    posted_on: dt.date | None = None,
) -> tuple[ProcedureListing, bool]:
    """Record what the counter of ``agency`` shows for ``procedure``; returns (listing, changed).

    ``version`` defaults to the version in force on ``posted_on`` (default today): a listing
    shows what was in force when it was put up. An empty ``location`` keeps the one already on
    record. ``medium`` ``none`` records that the listing was taken down.
    """
    today = timezone.localdate()
    posted_on = posted_on or today
    if medium not in MEDIA:
        raise ValidationError(_("Hình thức niêm yết không hợp lệ."))
    if posted_on > today:
        raise ValidationError(_("Ngày niêm yết không được sau ngày hôm nay."))
    if medium == ProcedureListing.Medium.NONE:
        version = None
    elif version is None:
        version = version_in_force(procedure, posted_on)
        if version is None:
            raise ValidationError(
                _("Thủ tục %(code)s không có phiên bản nào áp dụng vào ngày %(day)s.")
                % {"code": procedure.code, "day": posted_on.strftime("%d/%m/%Y")}
            )
    elif version.procedure_id != procedure.pk:
        raise ValidationError(_("Phiên bản được chọn không thuộc thủ tục này."))

    listing = ProcedureListing.objects.select_for_update().filter(agency=agency, procedure=procedure).first()
    before = _snapshot(listing) if listing is not None else None
    if listing is None:
        listing = ProcedureListing(agency=agency, procedure=procedure)
    listing.counter_medium = medium
    listing.counter_location = location or listing.counter_location
    listing.counter_version = version
    listing.counter_posted_on = posted_on
    after = _snapshot(listing)
    if after == before:
        return listing, False
    listing.save()
    ledger.record(
        actor=actor,
        action="procedure.listing_recorded",
        obj=listing,
        unit_code=agency.electronic_code,
        payload={"code": procedure.code, "agency": agency.pk, "before": before, "after": after},
    )
    return listing, True


@transaction.atomic
def listing_check(
    *, actor: Any, listing: ProcedureListing, checked_at: dt.datetime | None = None
) -> ProcedureListing:
    """Record that an official looked at the counter and found the listing as recorded."""
    checked_at = checked_at or timezone.now()
    if checked_at > timezone.now():
        raise ValidationError(_("Thời điểm kiểm tra không được ở tương lai."))
    if listing.counter_medium == ProcedureListing.Medium.NONE:
        raise ValidationError(_("Thủ tục chưa được niêm yết nên không thể xác nhận kiểm tra."))
    listing.counter_checked_at = checked_at
    listing.counter_checked_by = actor if getattr(actor, "pk", None) else None
    listing.save(update_fields=["counter_checked_at", "counter_checked_by"])
    ledger.record(
        actor=actor,
        action="procedure.listing_checked",
        obj=listing,
        unit_code=listing.agency.electronic_code,
        payload={
            "code": listing.procedure.code,
            "agency": listing.agency_id,
            "version": listing.counter_version_id,
            "checked_at": checked_at,
        },
    )
    return listing
