"""Indicator families: one SQL query (or a few) per family gives every unit's counts for a period.

A family function takes the agencies of a subtree and a period and returns, per agency, the
numerator and denominator of each *measure* it knows. Every measure is a ratio of sums, so the
figure of a unit with its subtree is the sum over the subtree (``compute.table``). Families of
apps above this one (emulation evidence) register themselves with ``register``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from minhbach.dossiers.models import Dossier
from minhbach.indicators.facts import fact_queryset
from minhbach.indicators.models import COUNTER_FIELDS, DELTA_FIELDS, ProcedureDayRollup, UnitDayRollup
from minhbach.units.models import Agency


@dataclasses.dataclass(frozen=True)
class Ratio:
    numerator: Decimal
    denominator: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Percent, or ``None`` when the denominator is zero (N/A, D5)."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) * 100 / Decimal(self.denominator)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


ZERO = Ratio(Decimal(0), Decimal(0))
Values = dict[int, dict[str, Ratio]]
Family = Callable[[Sequence[Agency], dt.date, dt.date, str], Values]
FAMILIES: dict[str, Family] = {}


def register(name: str) -> Callable[[Family], Family]:
    def decorate(function: Family) -> Family:
        FAMILIES[name] = function
        return function

    return decorate


def ratio(numerator, denominator) -> Ratio:
    return Ratio(Decimal(numerator or 0), Decimal(denominator or 0))


# --- Dossiers ----------------------------------------------------------------------------------


def dossier_measures(c: dict[str, int]) -> dict[str, Ratio]:
    """The dossier measures from period counters (flows in P, stocks at the end of P)."""
    closed = c["ended_ok"] + c["ended_late"]
    handled = closed + c["open"]
    return {
        # 766 indicator 2.1 and criterion C4: closed on time in P + open within time at end of P.
        "on_time": ratio(c["ended_ok"] + c["within"], handled),
        # K1: late ÷ dossiers closed in P (rule 3 included).
        "late_closed": ratio(c["ended_late"], closed),
        # 5.4: the 2.1 population minus |late ∪ flagged|, each dossier once (§7.2).
        "rate_5_4": ratio(c["ended_good"] + c["within_clean"], handled),
        "one_go": ratio(c["one_go"], c["accepted"]),
        "online": ratio(c["received_online"], c["received"]),
        "paid_online": ratio(c["paid_online"], c["fee_dossiers"]),
        "eresult": ratio(c["ended_eresult"], c["ended_paper"]),
        "digitised": ratio(c["digitised"], c["received"]),
        "reused": ratio(c["reused"], c["received"]),
        "survey": ratio(c["returned_satisfied"], c["returned_rated"]),
        # 2.2 (monitor): mean days from acceptance to the end of handling, dossiers closed in P.
        "average_days": ratio(c["ended_days"], closed),
    }


def rollup_counters(agency_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Period counters per agency from ``UnitDayRollup``: O(units × days) rows, one query."""
    in_period = Q(day__gte=start)
    sums = {f: Sum(f, filter=in_period, default=0) for f in COUNTER_FIELDS if f not in DELTA_FIELDS}
    rows = (
        UnitDayRollup.objects.filter(agency_id__in=agency_ids, day__lte=end)
        .values("agency_id")
        .annotate(
            **sums,
            open=Sum("open_delta", default=0),
            within=Sum("within_delta", default=0),
            within_clean=Sum("within_clean_delta", default=0),
        )
        .order_by()
    )
    return {row.pop("agency_id"): row for row in rows}


def raw_counters(agency_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """The same counters straight from the dossiers (no rollups): one aggregate query."""
    accepted_in = Q(f_accept_day__gte=start, f_accept_day__lte=end)
    ended_in = Q(f_counted=True, f_end_day__gte=start, f_end_day__lte=end)
    result_in = Q(f_with_result=True, f_paper_result=True, f_end_day__gte=start, f_end_day__lte=end)
    returned_in = Q(f_return_day__gte=start, f_return_day__lte=end, f_rated=True)
    open_at_end = Q(f_counted=True, f_accept_day__lte=end) & (
        Q(f_end_day__isnull=True) | Q(f_end_day__gt=end)
    )
    within = open_at_end & (Q(f_overdue_from__isnull=True) | Q(f_overdue_from__gt=end))
    count = lambda condition: Count("pk", filter=condition)  # noqa: E731
    base = Dossier.objects.filter(
        Q(handling_agency_id__in=agency_ids)
        | Q(handling_agency__isnull=True, receiving_agency_id__in=agency_ids)
    )
    rows = (
        fact_queryset(base)
        .values("f_agency")
        .annotate(
            received=count(accepted_in),
            received_online=count(accepted_in & Q(f_online=True)),
            accepted=count(accepted_in & Q(f_withdrawn=False)),
            one_go=count(accepted_in & Q(f_one_go=True)),
            fee_dossiers=count(accepted_in & Q(f_fee=True)),
            paid_online=count(accepted_in & Q(f_fee=True, f_paid_online=True)),
            digitised=count(accepted_in & Q(f_digitised=True)),
            reused=count(accepted_in & Q(f_reused=True)),
            ended_ok=count(ended_in & Q(f_ended_ok=True)),
            ended_late=count(ended_in & Q(f_ended_ok=False)),
            ended_good=count(ended_in & Q(f_ended_ok=True, f_flagged=False)),
            ended_paper=count(result_in),
            ended_eresult=count(result_in & Q(f_eresult=True)),
            returned_rated=count(returned_in),
            returned_satisfied=count(returned_in & Q(f_satisfied=True)),
            open=count(open_at_end),
            within=count(within),
            within_clean=count(within & Q(f_flagged=False)),
        )
        .order_by()
    )
    counters = {row.pop("f_agency"): row for row in rows}
    for pk, days in _ended_days(base, start, end).items():
        counters.setdefault(pk, {})["ended_days"] = days
    for row in counters.values():
        row.setdefault("ended_days", 0)
    return counters


def _ended_days(base, start: dt.date, end: dt.date) -> dict[int, int]:
    """Σ (end day − acceptance day) per agency for dossiers closed in P, from the dossiers."""
    rows = (
        fact_queryset(base)
        .filter(f_counted=True, f_end_day__gte=start, f_end_day__lte=end)
        .values("f_agency", "f_accept_day", "f_end_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        totals[row["f_agency"]] += max((row["f_end_day"] - row["f_accept_day"]).days, 0) * row["n"]
    return totals


EMPTY_COUNTERS = {
    **{f: 0 for f in COUNTER_FIELDS if f not in DELTA_FIELDS},
    "open": 0,
    "within": 0,
    "within_clean": 0,
}


@register("dossier")
def dossier_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    counters = (raw_counters if source == "raw" else rollup_counters)([a.pk for a in agencies], start, end)
    return {pk: dossier_measures({**EMPTY_COUNTERS, **c}) for pk, c in counters.items()}


# --- Procedures offered online and paid online (766 group 3) ------------------------------------


@register("procedure")
def procedure_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """3.1, 3.2, 3.5, 3.5b over the (unit, procedure) pairs assigned on the last day of P.

    3.1 = pairs offered online (full or partial) ÷ pairs; 3.2 = online pairs with at least one
    online dossier received in P ÷ online pairs; 3.5b = pairs with at least one online payment ÷
    pairs with fee-bearing dossiers in P; 3.5 = fee-bearing pairs (a fee line above zero in the
    version in force) with fee data on at least one dossier in P ÷ fee-bearing pairs. Pairs come
    from ``ProcedureAssignment`` (the unit that
    receives), dossier activity from ``ProcedureDayRollup``.
    """
    from minhbach.procedures.coverage import versions_in_force
    from minhbach.procedures.models import FeeLine, ProcedureAssignment, ProcedureVersion

    ids = [a.pk for a in agencies]
    activity = ProcedureDayRollup.objects.filter(
        agency_id=OuterRef("agency_id"), procedure_id=OuterRef("procedure_id"), day__gte=start, day__lte=end
    )
    online_version = (
        versions_in_force(end)
        .filter(procedure_id=OuterRef("procedure_id"))
        .exclude(online_mode=ProcedureVersion.OnlineMode.NONE)
    )
    in_force = versions_in_force(end).filter(procedure_id=OuterRef("procedure_id"))
    rows = (
        ProcedureAssignment.objects.filter(agency_id__in=ids, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
        .alias(
            in_force=Exists(in_force),
            is_offered=Exists(online_version),
            is_used=Exists(activity.filter(received_online__gt=0)),
            is_fee=Exists(activity.filter(fee_dossiers__gt=0)),
            is_paid=Exists(activity.filter(paid_online__gt=0)),
            is_fee_bearing=Exists(
                FeeLine.objects.filter(
                    channel__version__in=versions_in_force(end).filter(
                        procedure_id=OuterRef(OuterRef("procedure_id"))
                    ),
                    amount_vnd__gt=0,
                )
            ),
        )
        .filter(in_force=True)
        .values("agency_id")
        .annotate(
            pairs=Count("pk"),
            offered=Count("pk", filter=Q(is_offered=True)),
            used=Count("pk", filter=Q(is_offered=True, is_used=True)),
            fee=Count("pk", filter=Q(is_fee=True)),
            paid=Count("pk", filter=Q(is_fee=True, is_paid=True)),
            fee_bearing=Count("pk", filter=Q(is_fee_bearing=True)),
            fee_integrated=Count("pk", filter=Q(is_fee_bearing=True, is_fee=True)),
        )
        .order_by()
    )
    return {
        row["agency_id"]: {
            "offered_online": ratio(row["offered"], row["pairs"]),
            "online_used": ratio(row["used"], row["offered"]),
            "payment_used": ratio(row["paid"], row["fee"]),
            "fee_integrated": ratio(row["fee_integrated"], row["fee_bearing"]),
        }
        for row in rows
    }


# --- Listing (C2) -----------------------------------------------------------------------------


@register("listing")
def listing_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """C2 on the last day of P (§4.4), one grouped query over the subtree's assignments."""
    from minhbach.procedures.coverage import _counts, grace_threshold, grace_working_days, listing_rows

    if not agencies:
        return {}
    root = min(agencies, key=lambda a: len(a.path))
    days = grace_working_days(end)
    rows = (
        listing_rows(root, end, threshold=grace_threshold(end, days, agency=root))
        .values("agency_id")
        .annotate(**_counts())
        .order_by()
    )
    wanted = {a.pk for a in agencies}
    return {
        row["agency_id"]: {"listing": ratio(row["in_sync"], row["assigned"])}
        for row in rows
        if row["agency_id"] in wanted
    }


def merge(*parts: Values) -> Values:
    merged: Values = defaultdict(dict)
    for part in parts:
        for pk, measures in part.items():
            merged[pk].update(measures)
    return merged


@register("dossier_time")
def dossier_time_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """2.2 (monitor): mean calendar days from acceptance to the end of handling, dossiers closed in P.

    Counted per (acceptance day, end day) pair in SQL; the subtraction of the two dates happens on
    those few aggregated rows because date arithmetic differs between SQLite and PostgreSQL.
    """
    ids = [a.pk for a in agencies]
    base = Dossier.objects.filter(
        Q(handling_agency_id__in=ids) | Q(handling_agency__isnull=True, receiving_agency_id__in=ids)
    )
    rows = (
        fact_queryset(base)
        .filter(f_counted=True, f_end_day__gte=start, f_end_day__lte=end)
        .values("f_agency", "f_accept_day", "f_end_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        days = max((row["f_end_day"] - row["f_accept_day"]).days, 0)
        totals[row["f_agency"]][0] += days * row["n"]
        totals[row["f_agency"]][1] += row["n"]
    return {pk: {"average_days": ratio(days, n)} for pk, (days, n) in totals.items()}


# --- Publication (C1) -------------------------------------------------------------------------


@register("disclosure")
def disclosure_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """C1 (§8.3): register items due in P published by their due date, per agency, one query."""
    from minhbach.disclosure.selectors import on_time_rates

    rates = on_time_rates(agencies, start, end, subtree=False)
    return {
        pk: {"publication_on_time": ratio(rate.numerator, rate.denominator)} for pk, rate in rates.items()
    }


# --- Feedback (PAKN): C5 / 5.2, 5.3, 5.1, K5 ---------------------------------------------------


@register("feedback")
def feedback_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """Group 5 of the 766 index and K5, per agency in one grouped query (DOMAIN.md §6.4–6.5).

    The conditions are ``evidence.feedback_conditions`` (the same ones list the records behind
    each number); here they are counted grouped by the unit holding the item, so that subtrees
    are sums. K5 is a count: its numerator is the substantiated ``conduct`` items.
    """
    from minhbach.feedback.models import Feedback
    from minhbach.indicators.evidence import feedback_conditions, feedback_period_end

    conditions = feedback_conditions(start, end)
    counts = {}
    for measure, (numerator, denominator) in conditions.items():
        counts[f"{measure}__n"] = Count("pk", filter=numerator)
        counts[f"{measure}__d"] = Count("pk", filter=denominator)
    rows = (
        Feedback.objects.filter(
            agency_id__in=[a.pk for a in agencies], timer_start__lt=feedback_period_end(end)
        )
        .values("agency_id")
        .annotate(**counts)
        .order_by()
    )
    return {
        row["agency_id"]: {
            measure: ratio(
                row[f"{measure}__n"], 0 if measure == "conduct_substantiated" else row[f"{measure}__d"]
            )
            for measure in conditions
        }
        for row in rows
    }
