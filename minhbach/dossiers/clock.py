"""Clock rules of a dossier (DOMAIN.md §5.6), over the working-day engine.

* Start: the due date is computed from the moment of acceptance (cut-off, day zero, BLDS 2015
  Điều 147) with the time limit of the dossier's channel (NĐ 61/2018/NĐ-CP Điều 20).
* Pause: a supplement request after acceptance, or a wait for a financial obligation, stops
  the clock; the time already used counts and the remainder runs again from the day the
  supplement is complete (NĐ 61/2018 Điều 21 khoản 3 điểm b [R]).
* Judgement: early / on time / late by local dates against the effective due date (D4: an
  apology extension never clears lateness); two or more supplement requests after acceptance
  make a dossier late whatever its dates (portal rule [V-3P]); open dossiers are judged at the
  end of the period (§5.6 rule 7).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import compute_due, load_calendar
from minhbach.dossiers.models import Dossier, Punctuality, Status
from minhbach.procedures.models import TimeUnit
from minhbach.units.models import Agency

ONE_MICROSECOND = dt.timedelta(microseconds=1)
HOUR_UNITS = frozenset({TimeUnit.HOUR, TimeUnit.WORKING_HOUR})
CALENDAR_UNITS = frozenset({TimeUnit.DAY, TimeUnit.MONTH})


def local_date(moment: dt.datetime) -> dt.date:
    return engine.to_local(moment).date()


def due_date_of(due_at: dt.datetime) -> dt.date:
    """The calendar date a due moment belongs to: ``due_at`` is exclusive (24:00 = 00:00 next day)."""
    return local_date(due_at - ONE_MICROSECOND)


def start(*, accepted_at: dt.datetime, value: Decimal, unit: str, agency: Agency) -> engine.Deadline:
    """The original appointment (rule 1): ``due(day_zero(accepted_at), n, u)``."""
    return compute_due(accepted_at, value, unit, agency=agency)


def remaining_at_pause(dossier: Dossier, paused_at: dt.datetime, agency: Agency) -> Decimal:
    """What is left of the time limit when the clock stops at ``paused_at`` (rule 2).

    Working days: those after the current segment's day zero up to and including the day of
    the request count as used. Hours: office time used. Calendar days and months are not
    consumed here; the due date moves by the days paused when the clock resumes.
    """
    unit = TimeUnit(dossier.time_limit_unit)
    remaining = dossier.remaining_value if dossier.remaining_value is not None else dossier.time_limit_value
    if unit in CALENDAR_UNITS or unit == TimeUnit.SAME_DAY:
        return remaining
    day0 = dossier.clock_day_zero
    cal = load_calendar(day0, max(day0, local_date(paused_at)), agency=agency)
    if unit in HOUR_UNITS:
        used = (
            Decimal(engine.working_time_between(dossier.clock_started_at, paused_at, cal).total_seconds())
            / 3600
        )
    else:
        used = Decimal(engine.count_working_days(day0, local_date(paused_at), cal))
    return max(remaining - used, Decimal(0))


def resume(dossier: Dossier, resumed_at: dt.datetime, agency: Agency) -> engine.Deadline | None:
    """The new effective due date when the clock starts again at ``resumed_at``.

    Working days and hours: the remainder runs from ``day_zero(resumed_at)``. Calendar days and
    months: the old due date moves by the calendar days the dossier was paused, rolled forward to
    a working day (BLDS 2015 Điều 148 khoản 5). Returns ``None`` for those (no new trace).
    """
    unit = TimeUnit(dossier.time_limit_unit)
    if unit in CALENDAR_UNITS or unit == TimeUnit.SAME_DAY:
        return None
    return compute_due(resumed_at, dossier.remaining_value or Decimal(0), unit, agency=agency)


def shifted_due(dossier: Dossier, resumed_at: dt.datetime, agency: Agency) -> dt.datetime:
    """Calendar-day and month limits: the due moment moved by the days paused."""
    paused_days = (local_date(resumed_at) - local_date(dossier.paused_at)).days
    old_due = due_date_of(dossier.effective_due_at)
    moved = old_due + dt.timedelta(days=max(paused_days, 0))
    cal = load_calendar(moved, moved + dt.timedelta(days=30), agency=agency)
    while not engine.is_working_day(moved, cal):
        moved += dt.timedelta(days=1)
    return engine.end_of_day(moved)


def judge(dossier: Dossier, *, period_end: dt.date | None = None, late_after_requests: int = 2) -> str:
    """Early / on time / late for an ended dossier; within time / overdue for an open one.

    ``period_end`` judges an open dossier as if handling ended on that day (rule 7); a dossier
    waiting for the citizen's supplement is judged at the time of the request. Returns "" for
    dossiers that never started the clock (refused, withdrawn before acceptance).
    """
    if dossier.effective_due_at is None:
        return ""
    if dossier.supplements_after >= late_after_requests:
        return Punctuality.LATE
    due = due_date_of(dossier.effective_due_at)
    end = dossier.finished_at or dossier.returned_at or dossier.ended_at
    if dossier.status == Status.WITHDRAWN:
        return ""
    if end is not None:
        end_date = local_date(end)
        if end_date < due:
            return Punctuality.EARLY
        return Punctuality.ON_TIME if end_date == due else Punctuality.LATE
    if dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.paused_at is not None:
        as_of = local_date(dossier.paused_at)
    else:
        as_of = period_end or timezone.localdate()
    return Punctuality.OVERDUE if as_of > due else Punctuality.WITHIN_TIME
