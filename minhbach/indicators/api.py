"""The indicators engine as the emulation module reads it (one call per evaluation)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from minhbach.indicators.compute import tables
from minhbach.indicators.models import IndicatorDefinition, IndicatorSet
from minhbach.units.models import Agency


@dataclasses.dataclass(frozen=True)
class IndicatorValue:
    numerator: Decimal
    denominator: Decimal
    rate: Decimal | None  # percent 0–100; None when N/A (D5); the count for count indicators
    definition_id: int


def indicator_values(
    *,
    agencies: Sequence[Agency],
    start: dt.date,
    end: dt.date,
    codes: Sequence[str],
    indicator_set: IndicatorSet | None = None,
) -> dict[tuple[int, str], IndicatorValue]:
    """Values keyed by (agency pk, code); each agency counts with its subtree."""
    from minhbach.indicators.compute import current_set

    indicator_set = indicator_set or current_set(end)
    definitions = list(
        IndicatorDefinition.objects.filter(indicator_set=indicator_set, code__in=codes).select_related(
            "group"
        )
    )
    out: dict[tuple[int, str], IndicatorValue] = {}
    for unit_table in tables(agencies, start, end, indicator_set=indicator_set, definitions=definitions):
        for cell in unit_table.cells:
            ratio = cell.ratio
            out[(unit_table.agency.pk, cell.definition.code)] = IndicatorValue(
                numerator=ratio.numerator if ratio else Decimal(0),
                denominator=ratio.denominator if ratio else Decimal(0),
                rate=cell.value,
                definition_id=cell.definition.pk,
            )
    return out
