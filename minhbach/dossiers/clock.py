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
from minhbach.core.workdays.calendar import load_calendar, window_end
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


def step_punctuality(handed_over_at: dt.datetime, step_due_at: dt.datetime | None) -> str:
    """Early / on time / late of one hand-over against its own deadline (DOMAIN.md §5.6 rule 8).

    Local dates are compared, as for the dossier (rule 6). A step without a deadline is not judged
    (""): it then counts for neither numerator nor denominator of an official's P1 (§10.5).
    """
    if step_due_at is None:
        return ""
    done, due = local_date(handed_over_at), due_date_of(step_due_at)
    return Punctuality.EARLY if done < due else (Punctuality.ON_TIME if done == due else Punctuality.LATE)


def calendar_for(agency: Agency, first: dt.date, last: dt.date) -> engine.WorkCalendar:
    """The agency's working calendar over ``first..last`` (three queries, then pure functions)."""
    return load_calendar(first, max(first, last), agency=agency)


def start_window(at: dt.datetime, value: Decimal, unit: str) -> tuple[dt.date, dt.date]:
    """A calendar window long enough for a period of ``value`` ``unit`` starting at ``at``."""
    first = local_date(at)
    return first, window_end(first, value or Decimal(0), unit)


# --- The three steps of rules 1–2, pure over a loaded calendar ---------------------------------
# Services (one dossier at a time), the provincial import and the demo history (thousands, with
# one calendar per agency) all call these, so the rules exist once.


def start_clock(
    dossier: Dossier, accepted_at: dt.datetime, cal: engine.WorkCalendar
) -> engine.Deadline | None:
    """Rule 1: ``due(day_zero(accepted_at), n, u)`` on a dossier whose time limit is pinned."""
    dossier.accepted_at = accepted_at
    if not dossier.time_limit_unit or dossier.time_limit_unit == TimeUnit.UNSPECIFIED:
        return None
    deadline = engine.due(accepted_at, dossier.time_limit_value or Decimal(0), dossier.time_limit_unit, cal)
    dossier.day_zero = dossier.clock_day_zero = deadline.day_zero
    dossier.clock_started_at = accepted_at
    dossier.remaining_value = dossier.time_limit_value
    dossier.original_due_at = dossier.effective_due_at = deadline.due_at
    dossier.printed_due_at = deadline.office_close_at or deadline.due_at
    dossier.deadline_trace = deadline.as_dict()
    return deadline


def pause_clock(dossier: Dossier, paused_at: dt.datetime, cal: engine.WorkCalendar) -> None:
    """Rule 2, the stop: keep what is left of the time limit.

    Working days: those after the current segment's day zero up to and including the day of the
    request count as used. Hours: office time used. Calendar days and months are not consumed;
    the due date moves by the days paused when the clock resumes.
    """
    dossier.paused_at = paused_at
    if dossier.effective_due_at is None:
        return
    unit = TimeUnit(dossier.time_limit_unit)
    remaining = dossier.remaining_value if dossier.remaining_value is not None else dossier.time_limit_value
    if unit in CALENDAR_UNITS or unit == TimeUnit.SAME_DAY:
        dossier.remaining_value = remaining
        return
    if unit in HOUR_UNITS:
        used = (
            Decimal(engine.working_time_between(dossier.clock_started_at, paused_at, cal).total_seconds())
            / 3600
        )
    else:
        used = Decimal(engine.count_working_days(dossier.clock_day_zero, local_date(paused_at), cal))
    dossier.remaining_value = max(remaining - used, Decimal(0))


def resume_clock(dossier: Dossier, resumed_at: dt.datetime, cal: engine.WorkCalendar) -> None:
    """Rule 2, the restart: the remainder runs from ``day_zero(resumed_at)``; calendar-day and
    month limits move by the days paused, rolled forward to a working day (BLDS 2015 Điều 148 k5)."""
    if dossier.effective_due_at is None or dossier.paused_at is None:
        dossier.paused_at = None
        return
    unit = TimeUnit(dossier.time_limit_unit)
    if unit in CALENDAR_UNITS:
        paused_days = (local_date(resumed_at) - local_date(dossier.paused_at)).days
        moved = due_date_of(dossier.effective_due_at) + dt.timedelta(days=max(paused_days, 0))
        while not engine.is_working_day(moved, cal):
            moved += engine.ONE_DAY
        dossier.effective_due_at = engine.end_of_day(moved)
    elif unit != TimeUnit.SAME_DAY:
        deadline = engine.due(resumed_at, dossier.remaining_value or Decimal(0), unit, cal)
        dossier.effective_due_at = deadline.due_at
        dossier.clock_day_zero = deadline.day_zero
        dossier.clock_started_at = resumed_at
        dossier.deadline_trace = {**dossier.deadline_trace, "after_pause": deadline.as_dict()}
    dossier.paused_at = None


def resume_window(dossier: Dossier, resumed_at: dt.datetime) -> tuple[dt.date, dt.date]:
    """Calendar window for :func:`resume_clock`: from the pause to well past any new due date."""
    first = min(local_date(dossier.paused_at or resumed_at), local_date(resumed_at))
    paused_days = (local_date(resumed_at) - first).days
    last = window_end(local_date(resumed_at), dossier.time_limit_value or Decimal(0), dossier.time_limit_unit)
    return first, last + dt.timedelta(days=paused_days)


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
