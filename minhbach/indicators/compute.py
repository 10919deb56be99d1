"""The indicator table of a unit (with its subtree) for a period: values, points, groups, total.

Scoring follows DOMAIN.md §9.4–9.5: ``points = max × min(1, R / T)``; a zero denominator is N/A
(D5), excluded, and the group rescaled: ``group = group_max × Σ points / Σ available max``;
``total = 100 × Σ group scores / Σ available group max``. Monitoring indicators and campaign
targets take no part in the 766 total. Province-only indicators are N/A below the province.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minhbach.indicators.families import FAMILIES, ZERO, Ratio, Values
from minhbach.indicators.models import (
    Comparison,
    IndicatorDefinition,
    IndicatorGroup,
    IndicatorSet,
    Scope,
    Scoring,
    ValueKind,
)
from minhbach.units.models import Agency

NA_NO_DATA = _("Không có dữ liệu trong kỳ (mẫu số bằng 0)")
NA_PROVINCE = _("Chỉ áp dụng cho cấp tỉnh, bộ")
NA_NO_SOURCE = _("Chưa có nguồn số liệu cho chỉ số này")


@dataclasses.dataclass(frozen=True)
class Cell:
    definition: IndicatorDefinition
    ratio: Ratio | None
    na_reason: str = ""
    points: Decimal | None = None
    meets: bool | None = None

    @property
    def na(self) -> bool:
        return self.value is None

    @property
    def value(self) -> Decimal | None:
        """Percent for ratios; the count or number of days for the other kinds; None when N/A."""
        if self.ratio is None:
            return None
        if self.definition.value_kind == ValueKind.COUNT:
            return self.ratio.numerator
        if self.definition.value_kind == ValueKind.DAYS:
            return self.ratio.numerator / self.ratio.denominator if self.ratio.denominator else None
        return self.ratio.rate


@dataclasses.dataclass(frozen=True)
class GroupScore:
    group: IndicatorGroup
    cells: list[Cell]
    score: Decimal | None
    available_max: Decimal

    @property
    def scored(self) -> bool:
        return self.group.max_points is not None


@dataclasses.dataclass(frozen=True)
class UnitTable:
    agency: Agency
    start: dt.date
    end: dt.date
    indicator_set: IndicatorSet
    groups: list[GroupScore]
    total: Decimal | None

    def cell(self, code: str) -> Cell:
        for group in self.groups:
            for cell in group.cells:
                if cell.definition.code == code:
                    return cell
        raise KeyError(code)

    @property
    def cells(self) -> list[Cell]:
        return [cell for group in self.groups for cell in group.cells]


def current_set(on: dt.date | None = None) -> IndicatorSet:
    """The newest set in force on ``on`` (campaigns pin theirs explicitly)."""
    on = on or dt.date.today()
    found = (
        IndicatorSet.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from", "-version")
        .first()
    )
    if found is None:
        raise IndicatorSet.DoesNotExist(_("Chưa nạp bộ chỉ số nào có hiệu lực."))
    return found


def _points(definition: IndicatorDefinition, rate: Decimal | None) -> Decimal | None:
    if rate is None or definition.scoring in (Scoring.MONITOR, Scoring.TARGET):
        return None
    maximum = definition.max_points
    if definition.scoring == Scoring.BOOLEAN:
        return maximum if rate > 0 else Decimal(0)
    threshold = definition.threshold or Decimal(100)
    return maximum * min(Decimal(1), rate / threshold)


def _meets(definition: IndicatorDefinition, value: Decimal | None) -> bool | None:
    if value is None or definition.target is None or not definition.target_comparison:
        return None
    target = definition.target
    return {
        Comparison.AT_LEAST: value >= target,
        Comparison.BELOW: value < target,
        Comparison.EQUAL: value == target,
    }[definition.target_comparison]


def _cell(definition: IndicatorDefinition, ratio: Ratio | None, reason: str) -> Cell:
    if ratio is not None and definition.value_kind != ValueKind.COUNT and not ratio.denominator:
        ratio, reason = None, str(NA_NO_DATA)
    cell = Cell(definition=definition, ratio=ratio, na_reason=reason if ratio is None else "")
    rate = cell.value if definition.value_kind == ValueKind.PERCENT else None
    return dataclasses.replace(cell, points=_points(definition, rate), meets=_meets(definition, cell.value))


def _group(group: IndicatorGroup, cells: list[Cell]) -> GroupScore:
    scored = [c for c in cells if c.points is not None]
    available = sum((c.definition.max_points for c in scored), Decimal(0))
    if group.max_points is None or not available:
        return GroupScore(group=group, cells=cells, score=None, available_max=available)
    score = group.max_points * sum((c.points for c in scored), Decimal(0)) / available
    return GroupScore(group=group, cells=cells, score=score, available_max=available)


def _total(groups: list[GroupScore]) -> Decimal | None:
    available = [g for g in groups if g.scored and g.score is not None]
    maximum = sum((g.group.max_points for g in available), Decimal(0))
    if not maximum:
        return None
    return 100 * sum((g.score for g in available), Decimal(0)) / maximum


def subtree_agencies(units: Sequence[Agency]) -> list[Agency]:
    """Every agency under the given ones (materialised path), in one query."""
    condition = Q()
    for unit in units:
        condition |= Q(path__startswith=unit.path)
    return list(Agency.objects.filter(condition).order_by("path"))


def leaf_values(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, families: set[str], source: str = "rollup"
) -> Values:
    merged: Values = defaultdict(dict)
    for name in sorted(families):
        function = FAMILIES.get(name)
        if function is None:
            continue
        for pk, measures in function(agencies, start, end, source).items():
            merged[pk].update(measures)
    return merged


def tables(
    units: Sequence[Agency],
    start: dt.date,
    end: dt.date,
    *,
    indicator_set: IndicatorSet | None = None,
    source: str = "rollup",
    definitions: Sequence[IndicatorDefinition] | None = None,
) -> list[UnitTable]:
    """One table per unit (each with its subtree), with a bounded number of queries in total."""
    if start > end:
        raise ValueError(_("Ngày bắt đầu kỳ phải trước hoặc bằng ngày kết thúc."))
    indicator_set = indicator_set or current_set(end)
    if definitions is None:
        definitions = list(
            IndicatorDefinition.objects.filter(indicator_set=indicator_set)
            .select_related("group")
            .order_by("group__order", "order")
        )
    agencies = subtree_agencies(units)
    leaves = leaf_values(agencies, start, end, {d.family for d in definitions}, source)
    result = []
    for unit in units:
        members = [a.pk for a in agencies if a.path.startswith(unit.path)]
        by_group: dict[int, list[Cell]] = defaultdict(list)
        groups: dict[int, IndicatorGroup] = {}
        for definition in definitions:
            groups[definition.group_id] = definition.group
            by_group[definition.group_id].append(_value_cell(definition, members, leaves))
        scores = [_group(groups[g], cells) for g, cells in by_group.items()]
        result.append(
            UnitTable(
                agency=unit,
                start=start,
                end=end,
                indicator_set=indicator_set,
                groups=scores,
                total=_total(scores),
            )
        )
    return result


def _value_cell(definition: IndicatorDefinition, members: list[int], leaves: Values) -> Cell:
    if definition.scope == Scope.PROVINCE:
        return _cell(definition, None, str(NA_PROVINCE))
    if definition.family not in FAMILIES:
        return _cell(definition, None, str(NA_NO_SOURCE))
    total = ZERO
    for pk in members:
        ratio = leaves.get(pk, {}).get(definition.measure)
        if ratio is not None:
            total = total + ratio
    return _cell(definition, total, str(NA_NO_DATA))


def table(unit: Agency, start: dt.date, end: dt.date, **kwargs) -> UnitTable:
    return tables([unit], start, end, **kwargs)[0]
