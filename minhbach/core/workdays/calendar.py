"""Build a :class:`~minhbach.core.workdays.engine.WorkCalendar` from the database.

Policy is data (STYLE.md; decision D10): the weekly rest, the cut-off and the default office
hours come from the one-stop rule set in force on the start date (``calendar.*`` settings);
an agency's own ``cutoff_enabled``/``cutoff_time`` and ``WorkingHours`` override them.

The calendar rows of a date range are read in **one** query: national rows, rows of the
province the unit belongs to, and rows of the unit itself. For the same date the most specific
scope wins (unit > province > national, DOMAIN.md §3.4). :func:`compute_due` loads a generous
window and, should the computation run past it, reloads a window twice as long: never one query
per day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q

from minhbach.core.models import CalendarDay, RuleSet
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.workdays import engine
from minhbach.core.workdays.engine import DayException, Interval, TimeUnit, WorkCalendar
from minhbach.units.models import AdministrativeUnit, Agency, WorkingHours

SCOPE_RANK = {CalendarDay.Scope.NATIONAL: 0, CalendarDay.Scope.PROVINCE: 1, CalendarDay.Scope.UNIT: 2}
MAX_RELOADS = 6


@dataclasses.dataclass(frozen=True)
class Policy:
    """The policy part of a working calendar (everything but the dated rows)."""

    weekly_rest: frozenset[int] = engine.DEFAULT_WEEKLY_REST
    cutoff_enabled: bool = True
    cutoff_time: dt.time = engine.DEFAULT_CUTOFF
    office_hours: Mapping[int, tuple[Interval, ...]] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(range(5), engine.SEED_HOURS)
    )
    ruleset: str = ""


def _time(value: Any) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def _intervals(pairs: Any) -> tuple[Interval, ...]:
    return tuple((_time(start), _time(end)) for start, end in pairs)


def policy_from_settings(settings: Mapping[str, Any], *, label: str = "") -> Policy:
    """Read ``calendar.weekly_rest``, ``calendar.cutoff`` and ``calendar.office_hours``.

    ``office_hours`` is either a list of ``[start, end]`` intervals, applied to every weekday
    that is not weekly rest, or a mapping ``{weekday: [[start, end], ...]}``. Missing keys take
    the D10 defaults (Saturday and Sunday rest, cut-off on at 15:00, 07:00–11:00 and
    13:00–17:00).
    """
    cal = settings.get("calendar", {})
    rest = frozenset(int(d) for d in cal.get("weekly_rest", engine.DEFAULT_WEEKLY_REST))
    cutoff = cal.get("cutoff", {})
    raw_hours = cal.get("office_hours")
    if raw_hours is None:
        hours = {d: engine.SEED_HOURS for d in range(7) if d not in rest}
    elif isinstance(raw_hours, Mapping):
        hours = {int(d): _intervals(pairs) for d, pairs in raw_hours.items()}
    else:
        hours = {d: _intervals(raw_hours) for d in range(7) if d not in rest}
    return Policy(
        weekly_rest=rest,
        cutoff_enabled=bool(cutoff.get("enabled", True)),
        cutoff_time=_time(cutoff.get("time", engine.DEFAULT_CUTOFF)),
        office_hours=hours,
        ruleset=label,
    )


def ruleset_label(ruleset: RuleSet | None) -> str:
    return f"{ruleset.code} v{ruleset.version}" if ruleset else ""


def policy_in_force(on_date: dt.date, *, agency: Agency | None = None) -> Policy:
    """The rule set's calendar policy on ``on_date``, overridden by the agency's own settings.

    One query for the rule set, one more for the agency's office hours. Without a rule set in
    force (a date before 06/01/2019) the D10 defaults apply, and the label says so by being empty.
    """
    ruleset = ruleset_in_force(RuleSet.Domain.ONESTOP, on_date)
    policy = policy_from_settings(ruleset.settings if ruleset else {}, label=ruleset_label(ruleset))
    if agency is None:
        return policy
    rows = list(WorkingHours.objects.filter(agency_id=agency.pk).values_list("weekday", "start", "end"))
    hours: dict[int, list[Interval]] = {}
    for weekday, start, end in rows:
        hours.setdefault(weekday, []).append((start, end))
    return dataclasses.replace(
        policy,
        cutoff_enabled=agency.cutoff_enabled,
        cutoff_time=agency.cutoff_time,
        office_hours={d: tuple(v) for d, v in hours.items()} if hours else policy.office_hours,
    )


def _unit_id(agency: Agency | None, unit: AdministrativeUnit | None) -> int | None:
    if unit is not None:
        return unit.pk
    return agency.administrative_unit_id if agency is not None else None


def calendar_rows(start: dt.date, end: dt.date, unit_id: int | None) -> dict[dt.date, DayException]:
    """The calendar exceptions of ``start..end`` for a unit, most specific scope first (one query).

    The unit's province is found inside the same statement: the unit itself, its parent or its
    grandparent, whichever is a province (a commune sits under a district before 01/7/2025 and
    directly under the province after).
    """
    scope = Q(scope=CalendarDay.Scope.NATIONAL)
    if unit_id is not None:
        provinces = AdministrativeUnit.objects.filter(
            Q(pk=unit_id) | Q(children=unit_id) | Q(children__children=unit_id),
            level=AdministrativeUnit.Level.PROVINCE,
        ).values("pk")
        scope |= Q(scope=CalendarDay.Scope.UNIT, unit_id=unit_id)
        scope |= Q(scope=CalendarDay.Scope.PROVINCE, unit_id__in=provinces)
    rows = CalendarDay.objects.filter(scope, date__gte=start, date__lte=end).values_list(
        "date", "kind", "name", "legal_ref", "scope"
    )
    chosen: dict[dt.date, DayException] = {}
    for day, kind, name, legal_ref, row_scope in rows:
        current = chosen.get(day)
        if current is None or SCOPE_RANK[row_scope] > SCOPE_RANK[current.scope]:
            chosen[day] = DayException(kind=kind, name=name, legal_ref=legal_ref, scope=row_scope)
    return chosen


def _calendar(policy: Policy, start: dt.date, end: dt.date, unit_id: int | None) -> WorkCalendar:
    return WorkCalendar(
        exceptions=calendar_rows(start, end, unit_id),
        weekly_rest=policy.weekly_rest,
        office_hours=policy.office_hours,
        cutoff_enabled=policy.cutoff_enabled,
        cutoff_time=policy.cutoff_time,
        first=start,
        last=end,
        ruleset=policy.ruleset,
    )


def load_calendar(
    start: dt.date,
    end: dt.date,
    *,
    agency: Agency | None = None,
    unit: AdministrativeUnit | None = None,
) -> WorkCalendar:
    """The working calendar of ``start..end`` for an agency or an administrative unit.

    Queries: the rule set in force on ``start``, the agency's office hours (with an agency),
    and the calendar rows. ``unit`` defaults to the agency's administrative unit.
    """
    if end < start:
        raise ValueError("end must not be before start")
    policy = policy_in_force(start, agency=agency)
    return _calendar(policy, start, end, _unit_id(agency, unit))


def window_end(start: dt.date, value: int | Decimal, unit: TimeUnit | str) -> dt.date:
    """A window long enough for almost every period (a 9-day Tết block and weekends included)."""
    unit = TimeUnit(unit)
    amount = int(Decimal(str(value)).to_integral_value(rounding="ROUND_CEILING"))
    days = {
        TimeUnit.WORKING_DAY: amount * 3,
        TimeUnit.DAY: amount,
        TimeUnit.MONTH: amount * 31,
        TimeUnit.HOUR: amount // 2,
        TimeUnit.WORKING_HOUR: amount // 2,
        TimeUnit.SAME_DAY: 0,
    }[unit]
    return start + dt.timedelta(days=days + 60)


def compute_due(
    start: dt.date | dt.datetime,
    value: int | Decimal,
    time_unit: TimeUnit | str = TimeUnit.WORKING_DAY,
    *,
    agency: Agency | None = None,
    unit: AdministrativeUnit | None = None,
) -> engine.Deadline:
    """Load the calendar for ``start`` and compute :func:`engine.due` (DOMAIN.md §5.6 rule 1).

    The rule set is pinned to the start date (DOMAIN.md §0.3). If the period runs past the
    loaded window the rows are reloaded for a window twice as long.
    """
    first = engine.to_local(start).date() if isinstance(start, dt.datetime) else start
    last = window_end(first, value, time_unit)
    policy = policy_in_force(first, agency=agency)
    unit_id = _unit_id(agency, unit)
    for _attempt in range(MAX_RELOADS):
        try:
            return engine.due(start, value, time_unit, _calendar(policy, first, last, unit_id))
        except engine.CalendarRangeError:
            last = first + (last - first) * 2
    raise engine.CalendarRangeError(last, first, last)
