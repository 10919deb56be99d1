"""Monthly series of the dossier indicators, one grouped rollup query per series (DOMAIN.md §9).

A month of the trend is the period ``[first day, last day]`` of that month clipped to the chosen
range, judged exactly as ``compute.table`` judges a period: flows (received, closed, …) are the
sums of ``UnitDayRollup`` over the days of the month; stocks (open, within time at the end of
the month) are prefix sums of the ``*_delta`` columns up to the month's last day (ADR 0007). So
one query grouped by month gives every month of a unit's subtree, where 15 calls of
``compute.tables`` would give the same numbers in 15 rounds. ``tests/test_trends.py`` checks
each month against ``table()``.

Only the ``dossier`` family has daily counters; the other families are computed on demand for
the whole period and are not charted by month.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from minhbach.indicators.compute import _cell, subtree_agencies
from minhbach.indicators.families import EMPTY_COUNTERS, Ratio, dossier_measures
from minhbach.indicators.models import COUNTER_FIELDS, DELTA_FIELDS, IndicatorDefinition, UnitDayRollup
from minhbach.units.models import Agency

FLOW_FIELDS = tuple(f for f in COUNTER_FIELDS if f not in DELTA_FIELDS)
STOCKS = {"open_delta": "open", "within_delta": "within", "within_clean_delta": "within_clean"}


@dataclasses.dataclass(frozen=True)
class Point:
    start: dt.date
    end: dt.date
    ratio: Ratio | None
    value: Decimal | None
    meets: bool | None

    @property
    def label(self) -> str:
        return f"{self.start:%m/%Y}"


@dataclasses.dataclass(frozen=True)
class Series:
    definition: IndicatorDefinition
    points: list[Point]


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months that meet ``[start, end]``, each clipped to it."""
    out = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append((max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return out


def monthly_counters(
    agency_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[dt.date, dict[str, int]]:
    """Period counters of each month of ``[start, end]`` (keyed by the month's first day), one query.

    The rows before ``start`` are grouped by their month too and only feed the prefix sums.
    """
    rows = (
        UnitDayRollup.objects.filter(agency_id__in=agency_ids, day__lte=end)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            **{f: Sum(f, filter=Q(day__gte=start), default=0) for f in FLOW_FIELDS},
            **{f: Sum(f, default=0) for f in DELTA_FIELDS},
        )
        .order_by("month")
    )
    by_month = {}
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = month.date()
        by_month[month] = row
    result: dict[dt.date, dict[str, int]] = {}
    stocks = dict.fromkeys(DELTA_FIELDS, 0)
    wanted = {m_start.replace(day=1) for m_start, _m_end in months(start, end)}
    for month in sorted(set(by_month) | wanted):
        row = by_month.get(month, {})
        for field in DELTA_FIELDS:
            stocks[field] += row.get(field, 0) or 0
        if month in wanted:
            counters = {**EMPTY_COUNTERS, **{f: row.get(f, 0) or 0 for f in FLOW_FIELDS}}
            counters.update({STOCKS[f]: stocks[f] for f in DELTA_FIELDS})
            result[month] = counters
    return result


def dossier_series(
    unit: Agency,
    start: dt.date,
    end: dt.date,
    definitions: Sequence[IndicatorDefinition],
    *,
    agencies: Sequence[Agency] | None = None,
) -> list[Series]:
    """One series per ``dossier`` definition given, for the unit with its subtree, month by month.

    ``agencies`` (the unit's subtree) may be passed by a caller that already loaded it.
    """
    ids = [a.pk for a in (agencies if agencies is not None else subtree_agencies([unit]))]
    counters = monthly_counters(ids, start, end)
    measures = {month: dossier_measures(c) for month, c in counters.items()}
    out = []
    for definition in definitions:
        if definition.family != "dossier":
            continue
        points = []
        for m_start, m_end in months(start, end):
            cell = _cell(definition, measures[m_start.replace(day=1)].get(definition.measure), "")
            points.append(Point(m_start, m_end, cell.ratio, cell.value, cell.meets))
        out.append(Series(definition=definition, points=points))
    return out
