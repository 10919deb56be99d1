"""Listing status and listing coverage of a unit, computed in SQL (DOMAIN.md §4.4, criterion C2).

NĐ 63/2010/NĐ-CP Điều 17 (as amended by NĐ 92/2017/NĐ-CP) requires every procedure to be
published at the premises that receive it, on paper or by an electronic form such as a QR code;
TT 02/2017/TT-VPCP Chương III says how, and that the listing follows the announcing decision in
force. Each (unit, procedure) pair that the unit handles on the check date has one status:

- ``missing`` — no counter listing, a listing marked ``none``, or one posted after the check date;
- ``in_sync`` — the counter shows the version in force on the check date, **or** it shows an older
  version but the decision of the version in force is still inside its grace period;
- ``stale`` — any other listing: the decision changed more than the grace period ago.

The portal half of the consistency rule always holds: the portal page is minhbach's own procedure
page, which shows the version in force (``ProcedureListing`` docstring).

The grace period is policy, not code: ``listing.grace_working_days`` of the one-stop rule set in
force on the check date, 5 working days when the rule set does not say. A decision signed on day
*d* leaves the listing until the end of the *n*-th working day after *d* (day zero not counted,
BLDS 2015 Điều 147 khoản 2, as ``compute_due`` counts), so on the check date the grace period has
run out exactly for the decisions signed on or before one threshold date
(:func:`grace_threshold`). That turns a per-row calendar computation into one comparison in SQL.
The "decision date" is the decision's signing date, else its effective date, else the version's
``valid_from``; a version without any of them has no grace period.

    C2 (coverage) = #(unit, procedure) pairs in force on the check date whose listing is in_sync
                    / #(unit, procedure) pairs in force on the check date × 100 %

A pair is in force when the assignment covers the check date and the procedure has a version in
force on that day (an abolished procedure leaves the denominator).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minhbach.core.models import RuleSet
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.workdays.calendar import load_calendar
from minhbach.core.workdays.engine import CalendarRangeError, is_working_day
from minhbach.procedures.models import Procedure, ProcedureAssignment, ProcedureListing, ProcedureVersion
from minhbach.units.models import Agency

DEFAULT_GRACE_WORKING_DAYS = 5
GRACE_SETTING = "listing.grace_working_days"


class Status(models.TextChoices):
    IN_SYNC = "in_sync", _("Đã niêm yết đúng phiên bản")
    STALE = "stale", _("Niêm yết phiên bản cũ")
    MISSING = "missing", _("Chưa niêm yết")


def default_check_date(agency: Agency, today: dt.date | None = None) -> dt.date:
    """Today, or the last day of a unit that no longer exists (its record ends there)."""
    today = today or timezone.localdate()
    if agency.valid_to is not None and agency.valid_to < today:
        return agency.valid_to
    return today


def grace_working_days(on: dt.date) -> int:
    """``listing.grace_working_days`` of the one-stop rule set in force on ``on`` (default 5).

    Read as the nested setting ``{"listing": {"grace_working_days": 5}}``; a value that is not a
    non-negative integer falls back to the default rather than breaking the page.
    """
    ruleset = ruleset_in_force(RuleSet.Domain.ONESTOP, on)
    settings: dict[str, Any] = ruleset.settings if ruleset is not None else {}
    section, key = GRACE_SETTING.split(".", 1)
    nested = settings.get(section)
    raw = nested.get(key) if isinstance(nested, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return DEFAULT_GRACE_WORKING_DAYS
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_GRACE_WORKING_DAYS
    return value if value >= 0 else DEFAULT_GRACE_WORKING_DAYS


def grace_threshold(on: dt.date, days: int, *, agency: Agency | None = None) -> dt.date:
    """The latest decision date whose grace period of ``days`` working days is over on ``on``.

    The grace period of a decision signed on *d* ends with the ``days``-th working day after *d*;
    it is over on ``on`` when that day is before ``on``, i.e. when ``days`` working days lie
    strictly between *d* and ``on``. Counting back from the day before ``on`` finds the
    ``days``-th working day *w*; every *d* < *w* qualifies. The calendar (national, provincial and
    unit rows) is the agency's; one query for the rule set and one for the rows.
    """
    span = days * 3 + 30
    for _attempt in range(6):
        start = on - dt.timedelta(days=span)
        unit = agency.administrative_unit if agency is not None else None
        cal = load_calendar(start, on, unit=unit)
        day, counted = on, 0
        try:
            while counted < days:
                day -= dt.timedelta(days=1)
                if is_working_day(day, cal):
                    counted += 1
        except CalendarRangeError:
            span *= 2
            continue
        return day - dt.timedelta(days=1)
    raise CalendarRangeError(on, on - dt.timedelta(days=span), on)


def _in_force_on(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def versions_in_force(on: dt.date) -> QuerySet[ProcedureVersion]:
    """Versions in force on ``on``, newest first (to be narrowed to one procedure)."""
    return (
        ProcedureVersion.objects.exclude(status=ProcedureVersion.Status.ABOLISHED)
        .filter(_in_force_on(on))
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
    )


def version_in_force(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    """The version of ``procedure`` a citizen was bound by on ``on`` (one query)."""
    return versions_in_force(on).filter(procedure=procedure).select_related("decision").first()


def _decision_date() -> Coalesce:
    return Coalesce(
        "decision__signed_on", "decision__effective_from", "valid_from", output_field=models.DateField()
    )


def listing_rows(
    agency: Agency, on: dt.date, *, threshold: dt.date, subtree: bool = True, detail: bool = False
) -> QuerySet[ProcedureAssignment]:
    """One row per (agency, procedure) in force on ``on`` under ``agency``, with its ``status``.

    Everything is one statement: the version in force, its decision date and the counter listing
    are correlated subqueries, the status a ``CASE``. ``detail`` adds the decision numbers of the
    version in force and of the version listed, for the list of gaps.
    """
    scope = Q(agency__path__startswith=agency.path) if subtree else Q(agency=agency)
    in_force = versions_in_force(on).filter(procedure=OuterRef("procedure_id"))
    listing = ProcedureListing.objects.filter(
        procedure=OuterRef("procedure_id"), agency=OuterRef("agency_id")
    )
    # Two overlapping assignments of the same pair would count twice: keep the latest only.
    later = ProcedureAssignment.objects.filter(
        _in_force_on(on),
        procedure=OuterRef("procedure_id"),
        agency=OuterRef("agency_id"),
        valid_from__gt=OuterRef("valid_from"),
    )
    rows = (
        ProcedureAssignment.objects.filter(scope, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .annotate(
            in_force_version_id=Subquery(in_force.values("pk")[:1]),
            decided_on=Subquery(in_force.annotate(d=_decision_date()).values("d")[:1]),
            listed_medium=Subquery(listing.values("counter_medium")[:1]),
            listed_version_id=Subquery(listing.values("counter_version_id")[:1]),
            listed_on=Subquery(listing.values("counter_posted_on")[:1]),
        )
        .filter(in_force_version_id__isnull=False)
        .filter(~Exists(later))
        .annotate(
            status=Case(
                When(
                    Q(listed_medium__isnull=True)
                    | Q(listed_medium=ProcedureListing.Medium.NONE)
                    | Q(listed_on__gt=on),
                    then=Value(Status.MISSING.value),
                ),
                When(listed_version_id=F("in_force_version_id"), then=Value(Status.IN_SYNC.value)),
                When(decided_on__gt=threshold, then=Value(Status.IN_SYNC.value)),
                default=Value(Status.STALE.value),
                output_field=CharField(),
            )
        )
    )
    if detail:
        listed_version = ProcedureVersion.objects.filter(pk=OuterRef("listed_version_id"))
        rows = rows.annotate(
            in_force_decision=Subquery(in_force.values("decision__number")[:1]),
            listed_decision=Subquery(listed_version.values("decision__number")[:1]),
            listed_location=Subquery(listing.values("counter_location")[:1]),
            listed_checked_at=Subquery(listing.values("counter_checked_at")[:1]),
        ).select_related("procedure", "procedure__field", "agency")
    return rows


@dataclasses.dataclass(frozen=True)
class Coverage:
    """The numbers of criterion C2 for one unit on one day, and how they were obtained."""

    agency: Agency
    on: dt.date
    assigned: int
    in_sync: int
    stale: int
    missing: int
    grace_days: int
    threshold: dt.date

    @property
    def percent(self) -> Decimal | None:
        """in_sync / assigned × 100, one decimal; ``None`` when the unit handles nothing that day."""
        if not self.assigned:
            return None
        return (Decimal(self.in_sync) * 100 / Decimal(self.assigned)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def _counts() -> dict[str, Count]:
    return {
        "assigned": Count("pk"),
        "in_sync": Count("pk", filter=Q(status=Status.IN_SYNC)),
        "stale": Count("pk", filter=Q(status=Status.STALE)),
        "missing": Count("pk", filter=Q(status=Status.MISSING)),
    }


@dataclasses.dataclass(frozen=True)
class CheckContext:
    """The check date with its grace policy, computed once per request."""

    on: dt.date
    grace_days: int
    threshold: dt.date


def check_context(agency: Agency, on: dt.date | None = None) -> CheckContext:
    on = on or default_check_date(agency)
    days = grace_working_days(on)
    return CheckContext(on=on, grace_days=days, threshold=grace_threshold(on, days, agency=agency))


def coverage(agency: Agency, on: dt.date | None = None, *, ctx: CheckContext | None = None) -> Coverage:
    """Coverage of ``agency`` and its subtree on ``on`` with one aggregate query (plus the policy)."""
    ctx = ctx or check_context(agency, on)
    totals = listing_rows(agency, ctx.on, threshold=ctx.threshold).aggregate(**_counts())
    return Coverage(agency=agency, on=ctx.on, grace_days=ctx.grace_days, threshold=ctx.threshold, **totals)


def coverage_by_agency(agency: Agency, ctx: CheckContext) -> list[dict[str, Any]]:
    """The same counts per agency of the subtree that handles procedures (one grouped query)."""
    rows = (
        listing_rows(agency, ctx.on, threshold=ctx.threshold)
        .values("agency_id", "agency__name", "agency__slug", "agency__path")
        .annotate(**_counts())
        .order_by("agency__path")
    )
    result = []
    for row in rows:
        assigned = row["assigned"]
        percent = (
            (Decimal(row["in_sync"]) * 100 / Decimal(assigned)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            if assigned
            else None
        )
        result.append({**row, "percent": percent})
    return result


def gaps(agency: Agency, ctx: CheckContext) -> QuerySet[ProcedureAssignment]:
    """The pairs that are not in sync, missing first, with the versions listed and in force."""
    return (
        listing_rows(agency, ctx.on, threshold=ctx.threshold, detail=True)
        .exclude(status=Status.IN_SYNC)
        .order_by("status", "agency__path", "procedure__code")
    )


def in_sync_rows(agency: Agency, ctx: CheckContext) -> QuerySet[ProcedureAssignment]:
    """The pairs that are in sync: the evidence behind the numerator of C2."""
    return (
        listing_rows(agency, ctx.on, threshold=ctx.threshold, detail=True)
        .filter(status=Status.IN_SYNC)
        .order_by("agency__path", "procedure__field__name", "procedure__code")
    )
