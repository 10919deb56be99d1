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
from minhbach.indicators.facts import bulk_fact_sql
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


# ``raw_counters`` as SQL over the rows of ``facts.bulk_fact_sql`` (alias ``f``) and the period
# (``p.p_start``, ``p.p_end``): the conditions of ``evidence.dossier_conditions`` (the lists behind
# each number; ``tests/test_evidence.py`` checks that they count the same), written for both
# databases (booleans are 0/1 on SQLite).
_ACCEPTED_IN = "f.f_accept_day >= p.p_start AND f.f_accept_day <= p.p_end"
_ENDED_IN = "f.f_counted AND f.f_end_day >= p.p_start AND f.f_end_day <= p.p_end"
_RESULT_IN = "f.f_with_result AND f.f_paper_result AND f.f_end_day >= p.p_start AND f.f_end_day <= p.p_end"
_RETURNED_IN = "f.f_rated AND f.f_return_day >= p.p_start AND f.f_return_day <= p.p_end"
_OPEN_AT_END = "f.f_counted AND f.f_accept_day <= p.p_end AND (f.f_end_day IS NULL OR f.f_end_day > p.p_end)"
_WITHIN = f"{_OPEN_AT_END} AND (f.f_overdue_from IS NULL OR f.f_overdue_from > p.p_end)"
RAW_COUNTERS = {
    "received": _ACCEPTED_IN,
    "received_online": f"{_ACCEPTED_IN} AND f.f_online",
    "accepted": f"{_ACCEPTED_IN} AND NOT f.f_withdrawn",
    "one_go": f"{_ACCEPTED_IN} AND f.f_one_go",
    "fee_dossiers": f"{_ACCEPTED_IN} AND f.f_fee",
    "paid_online": f"{_ACCEPTED_IN} AND f.f_fee AND f.f_paid_online",
    "digitised": f"{_ACCEPTED_IN} AND f.f_digitised",
    "reused": f"{_ACCEPTED_IN} AND f.f_reused",
    "ended_ok": f"{_ENDED_IN} AND f.f_ended_ok",
    "ended_late": f"{_ENDED_IN} AND NOT f.f_ended_ok",
    "ended_good": f"{_ENDED_IN} AND f.f_ended_ok AND NOT f.f_flagged",
    "ended_paper": _RESULT_IN,
    "ended_eresult": f"{_RESULT_IN} AND f.f_eresult",
    "returned_rated": _RETURNED_IN,
    "returned_satisfied": f"{_RETURNED_IN} AND f.f_satisfied",
    "open": _OPEN_AT_END,
    "within": _WITHIN,
    "within_clean": f"{_WITHIN} AND NOT f.f_flagged",
}


def _days_between(earlier: str, later: str) -> str:
    """Whole days from one date column to another, never negative, in this database's dialect."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"MAX(CAST(julianday({later}) - julianday({earlier}) AS INTEGER), 0)"
    return f"GREATEST({later} - {earlier}, 0)"


def raw_counters(agency_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """The same counters as the rollups, straight from the dossiers: one aggregate statement.

    It reads every dossier of the units once (``facts.bulk_fact_sql``: child tables grouped and
    joined, not probed per dossier) and counts each counter's condition in the period; the
    rollups must give the same numbers (``tests/test_rollups.py``, on random data).
    """
    from django.db import connection

    base = Dossier.objects.filter(
        Q(handling_agency_id__in=agency_ids)
        | Q(handling_agency__isnull=True, receiving_agency_id__in=agency_ids)
    )
    facts_sql, params = bulk_fact_sql(base)
    counts = [
        f"COUNT(CASE WHEN {condition} THEN 1 END) AS {name}" for name, condition in RAW_COUNTERS.items()
    ]
    days = _days_between("f.f_accept_day", "f.f_end_day")
    counts.append(f"COALESCE(SUM(CASE WHEN {_ENDED_IN} THEN {days} END), 0) AS ended_days")
    sql = (
        f"SELECT f.f_agency, {', '.join(counts)}"  # noqa: S608 - constants only; values are parameters
        f" FROM ({facts_sql}) f CROSS JOIN (SELECT %s AS p_start, %s AS p_end) p GROUP BY f.f_agency"
    )
    period = [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *period])
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names[1:], map(int, row[1:]), strict=True)) for row in cursor.fetchall()}


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

    The first rule set named this family; the dossier family's ``ended_days`` counter (rolled up
    by end day, or summed from the dossiers) gives the same mean, so this reads it.
    """
    counters = (raw_counters if source == "raw" else rollup_counters)([a.pk for a in agencies], start, end)
    return {
        pk: {"average_days": dossier_measures({**EMPTY_COUNTERS, **c})["average_days"]}
        for pk, c in counters.items()
        if c.get("ended_ok", 0) + c.get("ended_late", 0)
    }


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
