"""Aggregates of satisfaction ratings, computed in SQL (DOMAIN.md §7.1–7.2).

Only aggregates leave this module: officers never see individual ratings (§7.4). The unit is an
agency and its subtree (``path`` prefix, the dossier's receiving agency); the period is the day
the result was returned. Every rate comes with its denominator, and is ``None`` when the
denominator is zero (D5: "not applicable", never 0% or 100%).

Simplification of the 766 rate (indicator 5.4): the denominator is the dossiers of the unit
returned in the period, ``late`` is ``punctuality == "late"``, and "with feedback" is not counted
yet: linking PAKN items to dossiers is a later issue, after which ``with_feedback_or_dislike``
gains an ``Exists`` over those links in the same query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from minhbach.dossiers.models import Dossier, Punctuality, Status
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local days ``start``..``end`` inclusive as an aware half-open interval."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def returned_dossiers(agency: Agency, start: dt.date, end: dt.date):
    low, high = _bounds(start, end)
    return Dossier.objects.filter(
        receiving_agency__path__startswith=agency.path,
        status=Status.RETURNED,
        returned_at__gte=low,
        returned_at__lt=high,
    )


@dataclasses.dataclass(frozen=True)
class SurveySummary:
    by_level: dict[str, int]
    ratings: int
    satisfied: int
    kiosk: int

    @property
    def survey_rate(self) -> Decimal | None:
        """(#Rất hài lòng + #Hài lòng) / #ratings × 100, with the rule set's mapping (§7.1)."""
        return _rate(self.satisfied, self.ratings)

    @property
    def kiosk_share(self) -> Decimal | None:
        """Share of ratings entered on counter devices (§7.4: marked and counted per unit)."""
        return _rate(self.kiosk, self.ratings)


def survey(agency: Agency, start: dt.date, end: dt.date) -> SurveySummary:
    """Current ratings of dossiers of the unit returned in the period: one grouped query."""
    rows = (
        Rating.objects.filter(superseded=False, dossier__in=returned_dossiers(agency, start, end))
        .values("level")
        .annotate(
            n=Count("id"),
            sat=Count("id", filter=Q(satisfied=True)),
            kiosk=Count("id", filter=Q(channel=RatingChannel.KIOSK)),
        )
        .order_by("level")
    )
    by_level: dict[str, int] = {}
    ratings = satisfied = kiosk = 0
    for row in rows:
        by_level[row["level"]] = row["n"]
        ratings += row["n"]
        satisfied += row["sat"]
        kiosk += row["kiosk"]
    return SurveySummary(by_level=by_level, ratings=ratings, satisfied=satisfied, kiosk=kiosk)


@dataclasses.dataclass(frozen=True)
class Rate766:
    dossiers: int
    late: int
    dissatisfied: int
    penalised: int

    @property
    def rate(self) -> Decimal | None:
        """100% − |late ∪ rated not satisfied| / #dossiers × 100%, each dossier once (§7.2)."""
        if not self.dossiers:
            return None
        return Decimal(100) - _rate(self.penalised, self.dossiers)


def rate_766(agency: Agency, start: dt.date, end: dt.date) -> Rate766:
    """One aggregate query over the dossiers; the union is a single ``OR`` so no dossier counts twice."""
    disliked = Exists(Rating.objects.filter(dossier=OuterRef("pk"), superseded=False, satisfied=False))
    late = Q(punctuality=Punctuality.LATE)
    row = (
        returned_dossiers(agency, start, end)
        .alias(disliked=disliked)
        .aggregate(
            dossiers=Count("id"),
            late=Count("id", filter=late),
            dissatisfied=Count("id", filter=Q(disliked=True)),
            penalised=Count("id", filter=late | Q(disliked=True)),
        )
    )
    return Rate766(**row)
