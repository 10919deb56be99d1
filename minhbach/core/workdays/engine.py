"""Pure deadline arithmetic over an in-memory working calendar (DOMAIN.md §3.3–3.4).

Nothing here touches the database: :func:`minhbach.core.workdays.calendar.load_calendar` builds
the :class:`WorkCalendar` (rule set in force, ``CalendarDay`` rows, the agency's cut-off and
office hours) and every function below is a plain function of its arguments, so it can be
tested with tables of dates and with property tests.

Legal basis of the rules applied:

- **Day zero** — "ngày đầu tiên của thời hạn không được tính mà tính từ ngày tiếp theo liền kề"
  (BLDS 2015 Điều 147 khoản 2). A period in hours starts at the stated moment (khoản 1).
- **Cut-off** — a dossier received after 15:00 goes forward on the next working day
  (NĐ 61/2018/NĐ-CP Điều 20; decision D10): day zero becomes the next working day. The time and
  the switch are policy (rule set, then the agency).
- **Working day** — not a weekly rest day (Saturday and Sunday for state offices,
  QĐ 188/1999/QĐ-TTg Điều 1) and not a holiday, substitute, swap or local day off
  (BLLĐ 2019 Điều 111–112); a declared make-up Saturday **is** a working day.
- **End** — a period ends at 24:00 of its last day (BLDS 2015 Điều 148 khoản 6); a month period
  ends on the same day-of-month, or the month's last day (khoản 3); a calendar-day or month
  period whose last day is a rest day ends with the next working day (khoản 5).

Due moments are aware datetimes in Asia/Ho_Chi_Minh. For day-based units, "24:00 of the due
date" is represented as **00:00 of the following day** (``due_at``), an exclusive bound: work
finished strictly before ``due_at`` is on time. ``due_date`` is the calendar date itself and
``office_close_at`` the closing hour printed on the receipt.
"""

from __future__ import annotations

import calendar as _pycalendar
import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = dt.timedelta(days=1)

Interval = tuple[dt.time, dt.time]

# Values of ``CalendarDay.Kind``, repeated so that the engine imports no model.
PUBLIC_HOLIDAY = "public_holiday"
SUBSTITUTE_DAY_OFF = "substitute_day_off"
SWAP_DAY_OFF = "swap_day_off"
MAKEUP_WORKING_DAY = "makeup_working_day"
LOCAL_DAY_OFF = "local_day_off"
WEEKLY_REST = "weekly_rest"

# Defaults of a calendar built in memory (tests, tools). In the application these values come
# from the one-stop rule set in force (``calendar.*`` settings, decision D10), never from here.
DEFAULT_WEEKLY_REST = frozenset({5, 6})
DEFAULT_CUTOFF = dt.time(15, 0)
SEED_HOURS: tuple[Interval, ...] = ((dt.time(7, 0), dt.time(11, 0)), (dt.time(13, 0), dt.time(17, 0)))

WEEKLY_REST_REF = "QĐ 188/1999/QĐ-TTg Điều 1"
DAY_ZERO_REF = "BLDS 2015 Điều 147 khoản 2"
HOUR_START_REF = "BLDS 2015 Điều 147 khoản 1"
CUTOFF_REF = "NĐ 61/2018/NĐ-CP Điều 20"
END_OF_DAY_REF = "BLDS 2015 Điều 148 khoản 6"
ROLL_FORWARD_REF = "BLDS 2015 Điều 148 khoản 5"
MONTH_REF = "BLDS 2015 Điều 148 khoản 3"

WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ Nhật"),
)
DAY_OFF_LABELS = {
    PUBLIC_HOLIDAY: _("nghỉ lễ, Tết"),
    SUBSTITUTE_DAY_OFF: _("nghỉ bù"),
    SWAP_DAY_OFF: _("nghỉ do hoán đổi ngày làm việc"),
    LOCAL_DAY_OFF: _("nghỉ theo quyết định của địa phương"),
    WEEKLY_REST: _("nghỉ hằng tuần"),
}


class TimeUnit(StrEnum):
    """Units of a time limit (DOMAIN.md §3.3 rule 5; the portal's ``DonViTinh``)."""

    WORKING_DAY = "working_day"
    DAY = "day"
    MONTH = "month"
    HOUR = "hour"  # giờ (làm việc): office hours, like WORKING_HOUR
    WORKING_HOUR = "working_hour"
    SAME_DAY = "same_day"


class CalendarRangeError(LookupError):
    """A computation needed a day outside the range the calendar was loaded for.

    Raised instead of silently treating an unloaded day as an ordinary weekday; the loader
    catches it and reloads a wider window (one more query, never one per day).
    """

    def __init__(self, day: dt.date, first: dt.date | None, last: dt.date | None) -> None:
        super().__init__(f"{day} is outside the loaded calendar range {first}..{last}")
        self.day = day


@dataclasses.dataclass(frozen=True)
class DayException:
    """One ``CalendarDay`` row as the engine sees it (the most specific scope already chosen)."""

    kind: str
    name: str
    legal_ref: str = ""
    scope: str = "national"

    @property
    def is_working_day(self) -> bool:
        return self.kind == MAKEUP_WORKING_DAY


@dataclasses.dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Everything the engine needs to know about working time, for one agency or unit.

    ``exceptions`` maps a date to its calendar row; ``office_hours`` maps a weekday
    (0 = Monday) to its intervals. ``first``/``last`` bound the loaded range (``None``: no
    bound, e.g. a calendar built in memory); reading a day outside raises
    :class:`CalendarRangeError`. ``ruleset`` names the rule set that supplied the policy, so a
    stored result can say which version produced it (DOMAIN.md §0.3).
    """

    exceptions: Mapping[dt.date, DayException] = dataclasses.field(default_factory=dict)
    weekly_rest: frozenset[int] = DEFAULT_WEEKLY_REST
    office_hours: Mapping[int, tuple[Interval, ...]] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(range(5), SEED_HOURS)
    )
    cutoff_enabled: bool = True
    cutoff_time: dt.time = DEFAULT_CUTOFF
    first: dt.date | None = None
    last: dt.date | None = None
    ruleset: str = ""

    def __post_init__(self) -> None:
        rest = frozenset(int(d) for d in self.weekly_rest)
        if not rest <= set(range(7)) or len(rest) == 7:
            raise ValueError(f"weekly_rest must be a proper subset of 0..6, got {sorted(rest)}")
        hours: dict[int, tuple[Interval, ...]] = {}
        for weekday, intervals in self.office_hours.items():
            ordered = tuple(sorted((start, end) for start, end in intervals))
            for (start, end), following in zip(ordered, (*ordered[1:], None), strict=True):
                if end <= start or (following is not None and following[0] < end):
                    raise ValueError(f"office hours of weekday {weekday} overlap or are empty: {ordered}")
            hours[int(weekday)] = ordered
        object.__setattr__(self, "weekly_rest", rest)
        object.__setattr__(self, "office_hours", MappingProxyType(hours))
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))

    def exception(self, day: dt.date) -> DayException | None:
        if (self.first is not None and day < self.first) or (self.last is not None and day > self.last):
            raise CalendarRangeError(day, self.first, self.last)
        return self.exceptions.get(day)

    def hours_on(self, day: dt.date) -> tuple[Interval, ...]:
        """Office hours of ``day`` if it is a working day, else none.

        A working day without hours of its own (a make-up Saturday) uses Monday's hours
        (``WorkingHours`` docstring; DOMAIN.md §3.3).
        """
        if not is_working_day(day, self):
            return ()
        return self.office_hours.get(day.weekday()) or self.office_hours.get(0) or ()


# --- Trace -----------------------------------------------------------------------------------


class Event(StrEnum):
    RECEIVED = "received"
    DAY_ZERO = "day_zero"
    SKIPPED = "skipped"
    COUNTED = "counted"
    PERIOD_END = "period_end"
    ROLLED = "rolled"
    HOURS = "hours"
    DUE = "due"


@dataclasses.dataclass(frozen=True)
class TraceLine:
    """One step of a computation, kept as data and rendered in Vietnamese on demand.

    The trace is stored with the dossier and shown to staff and citizens (DOMAIN.md §3.4), so
    it is structured (``as_dict``) rather than pre-rendered text.
    """

    event: Event
    day: dt.date
    ordinal: int | None = None
    reason: str = ""
    name: str = ""
    legal_ref: str = ""
    at: dt.datetime | None = None
    until: dt.datetime | None = None
    seconds: int | None = None
    cutoff: dt.time | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": str(self.event), "day": self.day.isoformat()}
        for field in ("ordinal", "reason", "name", "legal_ref", "seconds"):
            value = getattr(self, field)
            if value not in (None, ""):
                data[field] = value
        for field in ("at", "until", "cutoff"):
            value = getattr(self, field)
            if value is not None:
                data[field] = value.isoformat()
        return data

    def render(self) -> str:
        return _RENDERERS[self.event](self)


def format_day(day: dt.date) -> str:
    """``08/02/2024 (Thứ Năm)``."""
    return f"{day:%d/%m/%Y} ({WEEKDAY_NAMES[day.weekday()]})"


def format_duration(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    if hours and minutes:
        return gettext("%(h)s giờ %(m)s phút") % {"h": hours, "m": minutes}
    if minutes:
        return gettext("%(m)s phút") % {"m": minutes}
    return gettext("%(h)s giờ") % {"h": hours}


def _hm(moment: dt.datetime | dt.time | None) -> str:
    return f"{moment:%H:%M}" if moment is not None else "--:--"


def _with_ref(text: str, legal_ref: str) -> str:
    return f"{text} ({legal_ref})" if legal_ref else text


def _render_received(line: TraceLine) -> str:
    params = {"time": _hm(line.at), "day": format_day(line.day)}
    if line.reason == "after_cutoff":
        text = gettext(
            "Tiếp nhận lúc %(time)s ngày %(day)s, sau giờ chốt %(cutoff)s: "
            "ngày bắt đầu chuyển sang ngày làm việc tiếp theo"
        ) % {**params, "cutoff": _hm(line.cutoff)}
        return _with_ref(text, CUTOFF_REF)
    if line.reason == "non_working_day":
        return (
            gettext(
                "Tiếp nhận lúc %(time)s ngày %(day)s, là ngày không làm việc: "
                "ngày bắt đầu chuyển sang ngày làm việc tiếp theo"
            )
            % params
        )
    if line.reason == "hour_start":
        text = gettext(
            "Tiếp nhận lúc %(time)s ngày %(day)s: thời hạn tính bằng giờ làm việc bắt đầu từ lúc này"
        )
        return _with_ref(text % params, HOUR_START_REF)
    if line.cutoff is None:
        return gettext("Tiếp nhận lúc %(time)s ngày %(day)s (không áp dụng giờ chốt)") % params
    text = gettext("Tiếp nhận lúc %(time)s ngày %(day)s, trước hoặc đúng giờ chốt %(cutoff)s")
    return text % {**params, "cutoff": _hm(line.cutoff)}


def _render_day_zero(line: TraceLine) -> str:
    text = gettext("%(day)s: ngày 0 — không tính vào thời hạn") % {"day": format_day(line.day)}
    return _with_ref(text, DAY_ZERO_REF)


def _render_skipped(line: TraceLine) -> str:
    label = DAY_OFF_LABELS.get(line.reason, DAY_OFF_LABELS[LOCAL_DAY_OFF])
    text = f"{format_day(line.day)}: {label}"
    if line.name:
        text = f"{text} — {line.name}"
    return _with_ref(text, line.legal_ref)


def _render_counted(line: TraceLine) -> str:
    text = gettext("%(day)s: ngày làm việc thứ %(n)s") % {"day": format_day(line.day), "n": line.ordinal}
    if line.reason == MAKEUP_WORKING_DAY:
        makeup = gettext("ngày làm bù")
        text = f"{text} — {makeup}"
        if line.name:
            text = f"{text}: {line.name}"
        return _with_ref(text, line.legal_ref)
    return text


def _render_period_end(line: TraceLine) -> str:
    params = {"day": format_day(line.day), "n": line.ordinal}
    if line.reason == TimeUnit.MONTH:
        return _with_ref(gettext("%(day)s: ngày cuối của thời hạn %(n)s tháng") % params, MONTH_REF)
    return gettext("%(day)s: ngày cuối của thời hạn %(n)s ngày") % params


def _render_rolled(line: TraceLine) -> str:
    text = gettext("Ngày cuối rơi vào ngày nghỉ: thời hạn kết thúc vào ngày làm việc tiếp theo, %(day)s")
    return _with_ref(text % {"day": format_day(line.day)}, ROLL_FORWARD_REF)


def _render_hours(line: TraceLine) -> str:
    span = int((line.until - line.at).total_seconds()) if line.at and line.until else 0
    return gettext("%(day)s %(start)s–%(end)s: tính %(span)s (lũy kế %(total)s)") % {
        "day": format_day(line.day),
        "start": _hm(line.at),
        "end": _hm(line.until),
        "span": format_duration(span),
        "total": format_duration(line.seconds or 0),
    }


def _render_due(line: TraceLine) -> str:
    if line.reason == "end_of_day":
        text = gettext("Hạn giải quyết: 24:00 ngày %(day)s") % {"day": format_day(line.day)}
        return _with_ref(text, END_OF_DAY_REF)
    if line.reason == TimeUnit.SAME_DAY:
        text = gettext("Hạn giải quyết: trong ngày, trước %(time)s ngày %(day)s (hết giờ làm việc)")
    else:
        text = gettext("Hạn giải quyết: %(time)s ngày %(day)s")
    return text % {"time": _hm(line.at), "day": format_day(line.day)}


_RENDERERS = {
    Event.RECEIVED: _render_received,
    Event.DAY_ZERO: _render_day_zero,
    Event.SKIPPED: _render_skipped,
    Event.COUNTED: _render_counted,
    Event.PERIOD_END: _render_period_end,
    Event.ROLLED: _render_rolled,
    Event.HOURS: _render_hours,
    Event.DUE: _render_due,
}


# --- Results ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DayZero:
    """Day zero of a period and why (DOMAIN.md §3.3 rules 1–2)."""

    day: dt.date
    reason: str  # "start_date", "in_time", "after_cutoff" or "non_working_day"
    trace: tuple[TraceLine, ...]


@dataclasses.dataclass(frozen=True)
class Deadline:
    """The due moment of a period with the trace that justifies it.

    ``due_at`` is an exclusive bound in Asia/Ho_Chi_Minh: 00:00 after ``due_date`` ("24:00",
    BLDS 2015 Điều 148 khoản 6) for day-based units, the exact moment for hours and
    ``same_day``. ``office_close_at`` is the closing hour of the due date, printed on the
    receipt (DOMAIN.md §3.3); lateness is judged against ``due_at``.
    """

    unit: TimeUnit
    value: int | Decimal
    day_zero: dt.date
    due_date: dt.date
    due_at: dt.datetime
    office_close_at: dt.datetime | None
    trace: tuple[TraceLine, ...]
    ruleset: str = ""

    def lines(self) -> list[str]:
        """The trace as Vietnamese text lines, one per step."""
        return [line.render() for line in self.trace]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored beside the dossier (DOMAIN.md §3.4, §3.7)."""
        return {
            "unit": str(self.unit),
            "value": str(self.value),
            "day_zero": self.day_zero.isoformat(),
            "due_date": self.due_date.isoformat(),
            "due_at": self.due_at.isoformat(),
            "office_close_at": self.office_close_at.isoformat() if self.office_close_at else None,
            "ruleset": self.ruleset,
            "trace": [line.as_dict() for line in self.trace],
        }


# --- Days ------------------------------------------------------------------------------------


def to_local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Asia/Ho_Chi_Minh; a naive datetime is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("accepted_at must be timezone-aware")
    return moment.astimezone(VN_TZ)


def is_working_day(day: dt.date, cal: WorkCalendar) -> bool:
    """A calendar row decides if there is one; otherwise every day but the weekly rest works.

    QĐ 188/1999/QĐ-TTg Điều 1 (weekly rest), BLLĐ 2019 Điều 111–112 (days off); a
    ``makeup_working_day`` row makes a rest day a working day.
    """
    row = cal.exception(day)
    if row is not None:
        return row.is_working_day
    return day.weekday() not in cal.weekly_rest


def next_working_day(day: dt.date, cal: WorkCalendar) -> dt.date:
    """The first working day strictly after ``day``."""
    day += ONE_DAY
    while not is_working_day(day, cal):
        day += ONE_DAY
    return day


def _skipped(day: dt.date, cal: WorkCalendar) -> TraceLine:
    row = cal.exception(day)
    if row is not None:
        return TraceLine(Event.SKIPPED, day, reason=row.kind, name=row.name, legal_ref=row.legal_ref)
    return TraceLine(Event.SKIPPED, day, reason=WEEKLY_REST, legal_ref=WEEKLY_REST_REF)


def _counted(day: dt.date, ordinal: int, cal: WorkCalendar) -> TraceLine:
    row = cal.exception(day)
    if row is not None and row.is_working_day:
        return TraceLine(
            Event.COUNTED, day, ordinal=ordinal, reason=row.kind, name=row.name, legal_ref=row.legal_ref
        )
    return TraceLine(Event.COUNTED, day, ordinal=ordinal)


def _roll_to_working_day(day: dt.date, cal: WorkCalendar, trace: list[TraceLine]) -> dt.date:
    """``day`` if it works, else the next working day, tracing each day passed over."""
    while not is_working_day(day, cal):
        trace.append(_skipped(day, cal))
        day += ONE_DAY
    return day


def _office_close(day: dt.date, cal: WorkCalendar) -> dt.datetime | None:
    hours = cal.hours_on(day)
    return dt.datetime.combine(day, hours[-1][1], tzinfo=VN_TZ) if hours else None


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of ``day`` in Asia/Ho_Chi_Minh, i.e. 00:00 of the next day (BLDS 2015 Điều 148 khoản 6)."""
    return dt.datetime.combine(day + ONE_DAY, dt.time(0), tzinfo=VN_TZ)


def day_zero(accepted_at: dt.date | dt.datetime, cal: WorkCalendar) -> DayZero:
    """Day zero: the day of receipt, not counted (BLDS 2015 Điều 147 khoản 2).

    For a moment of receipt, day zero moves to the next working day if the receipt is strictly
    after the cut-off (15:00:00 by default; NĐ 61/2018/NĐ-CP Điều 20, D10) or falls on a
    non-working day (DOMAIN.md §3.3 rule 2). A plain date is taken as day zero as it is: the
    caller has already decided the start, and no cut-off applies.
    """
    if not isinstance(accepted_at, dt.datetime):
        return DayZero(accepted_at, "start_date", (TraceLine(Event.DAY_ZERO, accepted_at),))
    local = to_local(accepted_at)
    day = local.date()
    cutoff = cal.cutoff_time if cal.cutoff_enabled else None
    trace: list[TraceLine] = []
    if not is_working_day(day, cal):
        reason = "non_working_day"
        trace.append(TraceLine(Event.RECEIVED, day, reason=reason, at=local, cutoff=cutoff))
        trace.append(_skipped(day, cal))
    elif cutoff is not None and local.time() > cutoff:
        reason = "after_cutoff"
        trace.append(TraceLine(Event.RECEIVED, day, reason=reason, at=local, cutoff=cutoff))
    else:
        reason = "in_time"
        trace.append(TraceLine(Event.RECEIVED, day, reason=reason, at=local, cutoff=cutoff))
        trace.append(TraceLine(Event.DAY_ZERO, day))
        return DayZero(day, reason, tuple(trace))
    day = _roll_to_working_day(day + ONE_DAY, cal, trace)
    trace.append(TraceLine(Event.DAY_ZERO, day))
    return DayZero(day, reason, tuple(trace))


def _check_value(value: int | Decimal, *, integral: bool = True) -> None:
    if isinstance(value, bool) or value < 0 or (integral and int(value) != value):
        raise ValueError(
            f"a time limit must be a non-negative {'integer' if integral else 'number'}: {value!r}"
        )


def _day_deadline(
    unit: TimeUnit, value: int, zero: DayZero, due: dt.date, trace: list[TraceLine], cal: WorkCalendar
) -> Deadline:
    due_at = end_of_day(due)
    trace.append(TraceLine(Event.DUE, due, reason="end_of_day", at=due_at))
    return Deadline(
        unit=unit,
        value=value,
        day_zero=zero.day,
        due_date=due,
        due_at=due_at,
        office_close_at=_office_close(due, cal),
        trace=tuple(trace),
        ruleset=cal.ruleset,
    )


def add_working_days(start: dt.date | dt.datetime, n: int, cal: WorkCalendar) -> Deadline:
    """End of the ``n``-th working day after day zero (unit ``working_day``).

    ``start`` may be a date (taken as day zero, excluded) or the moment of receipt (cut-off and
    non-working days move day zero first). ``n = 0`` gives day zero itself.
    """
    _check_value(n)
    zero = day_zero(start, cal)
    trace = list(zero.trace)
    day, counted = zero.day, 0
    while counted < n:
        day += ONE_DAY
        if is_working_day(day, cal):
            counted += 1
            trace.append(_counted(day, counted, cal))
        else:
            trace.append(_skipped(day, cal))
    return _day_deadline(TimeUnit.WORKING_DAY, n, zero, day, trace, cal)


def _end_rolled_forward(
    unit: TimeUnit, value: int, zero: DayZero, end: dt.date, trace: list[TraceLine], cal: WorkCalendar
) -> Deadline:
    trace.append(TraceLine(Event.PERIOD_END, end, ordinal=value, reason=str(unit)))
    due = _roll_to_working_day(end, cal, trace)
    if due != end:
        trace.append(TraceLine(Event.ROLLED, due))
    return _day_deadline(unit, value, zero, due, trace, cal)


def add_calendar_days(start: dt.date | dt.datetime, n: int, cal: WorkCalendar) -> Deadline:
    """Day zero + ``n`` calendar days, rolled forward to a working day (BLDS 2015 Điều 148 khoản 5)."""
    _check_value(n)
    zero = day_zero(start, cal)
    end = zero.day + dt.timedelta(days=n)
    return _end_rolled_forward(TimeUnit.DAY, n, zero, end, list(zero.trace), cal)


def shift_months(day: dt.date, n: int) -> dt.date:
    """Same day-of-month ``n`` months later, or that month's last day (BLDS 2015 Điều 148 khoản 3)."""
    years, month_index = divmod(day.month - 1 + n, 12)
    year, month = day.year + years, month_index + 1
    return dt.date(year, month, min(day.day, _pycalendar.monthrange(year, month)[1]))


def add_months(start: dt.date | dt.datetime, n: int, cal: WorkCalendar) -> Deadline:
    """Unit ``month``: :func:`shift_months` from day zero, rolled forward to a working day."""
    _check_value(n)
    zero = day_zero(start, cal)
    return _end_rolled_forward(TimeUnit.MONTH, n, zero, shift_months(zero.day, n), list(zero.trace), cal)


# --- Hours -----------------------------------------------------------------------------------


def _seconds(hours: int | Decimal | float) -> int:
    return int((Decimal(str(hours)) * 3600).to_integral_value())


def _office_segments(day: dt.date, cal: WorkCalendar) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (dt.datetime.combine(day, start, tzinfo=VN_TZ), dt.datetime.combine(day, end, tzinfo=VN_TZ))
        for start, end in cal.hours_on(day)
    ]


def add_working_hours(accepted_at: dt.datetime, hours: int | Decimal, cal: WorkCalendar) -> Deadline:
    """``hours`` office hours after ``accepted_at`` (units ``hour`` and ``working_hour``).

    The period starts at the moment of receipt (BLDS 2015 Điều 147 khoản 1), without cut-off,
    and runs only during office hours of working days (DOMAIN.md §3.3: 8 hours a day under
    QĐ 188/1999/QĐ-TTg; a make-up Saturday uses Saturday hours if configured, else Monday's).
    A period that uses up an interval exactly ends at that interval's closing time.
    """
    if not isinstance(accepted_at, dt.datetime):
        raise TypeError("a time limit in hours needs the moment of receipt, not a date")
    _check_value(Decimal(str(hours)), integral=False)
    if not any(
        cal.office_hours.get(w) or cal.office_hours.get(0) for w in range(7) if w not in cal.weekly_rest
    ):
        raise ValueError("the calendar has no office hours on any working weekday")
    local = to_local(accepted_at)
    remaining = _seconds(hours)
    day = local.date()
    trace = [TraceLine(Event.RECEIVED, day, reason="hour_start", at=local)]
    due, used = local, 0
    while remaining > 0:
        if not is_working_day(day, cal):
            trace.append(_skipped(day, cal))
        for seg_start, seg_end in _office_segments(day, cal):
            seg_start = max(seg_start, local)
            if seg_start >= seg_end:
                continue
            take = min(remaining, int((seg_end - seg_start).total_seconds()))
            due = seg_start + dt.timedelta(seconds=take)
            remaining -= take
            used += take
            trace.append(TraceLine(Event.HOURS, day, at=seg_start, until=due, seconds=used))
            if remaining == 0:
                break
        day += ONE_DAY
    trace.append(TraceLine(Event.DUE, due.date(), reason=str(TimeUnit.HOUR), at=due))
    return Deadline(
        unit=TimeUnit.HOUR,
        value=hours,
        day_zero=local.date(),
        due_date=due.date(),
        due_at=due,
        office_close_at=None,
        trace=tuple(trace),
        ruleset=cal.ruleset,
    )


def same_day(accepted_at: dt.date | dt.datetime, cal: WorkCalendar) -> Deadline:
    """Unit ``same_day`` ("trong ngày", "trả ngay"): close of office hours on day zero.

    Day zero follows the cut-off rule, so a receipt after 15:00 is due at the close of the next
    working day (DOMAIN.md §3.3 rule 2).
    """
    zero = day_zero(accepted_at, cal)
    trace = list(zero.trace)
    due_at = _office_close(zero.day, cal) or end_of_day(zero.day)
    trace.append(TraceLine(Event.DUE, zero.day, reason=str(TimeUnit.SAME_DAY), at=due_at))
    return Deadline(
        unit=TimeUnit.SAME_DAY,
        value=0,
        day_zero=zero.day,
        due_date=zero.day,
        due_at=due_at,
        office_close_at=due_at,
        trace=tuple(trace),
        ruleset=cal.ruleset,
    )


def due(
    accepted_at: dt.date | dt.datetime, value: int | Decimal, unit: TimeUnit | str, cal: WorkCalendar
) -> Deadline:
    """The due moment of a time limit ``value`` ``unit`` (DOMAIN.md §3.3 rule 5, §5.6 rule 1)."""
    unit = TimeUnit(unit)
    if unit in (TimeUnit.HOUR, TimeUnit.WORKING_HOUR):
        result = add_working_hours(accepted_at, value, cal)  # type: ignore[arg-type]
        return dataclasses.replace(result, unit=unit)
    if unit is TimeUnit.SAME_DAY:
        return same_day(accepted_at, cal)
    _check_value(value)
    adder = {
        TimeUnit.WORKING_DAY: add_working_days,
        TimeUnit.DAY: add_calendar_days,
        TimeUnit.MONTH: add_months,
    }
    return adder[unit](accepted_at, int(value), cal)


# --- Measuring -------------------------------------------------------------------------------


def count_working_days(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Working days ``d`` with ``start < d <= end`` (start excluded, as in :func:`add_working_days`).

    So ``count_working_days(s, add_working_days(s, n).due_date) == n``; negative if ``end`` is
    before ``start``. Used to measure the time used before a pause (DOMAIN.md §5.6 rule 2).
    """
    if end < start:
        return -count_working_days(end, start, cal)
    count, day = 0, start + ONE_DAY
    while day <= end:
        count += is_working_day(day, cal)
        day += ONE_DAY
    return count


def working_time_between(t1: dt.datetime, t2: dt.datetime, cal: WorkCalendar) -> dt.timedelta:
    """Office time between two moments, counting office hours of working days only.

    The inverse of :func:`add_working_hours`: ``working_time_between(t, add_working_hours(t, h).due_at)``
    is ``h`` hours. Negative if ``t2`` is before ``t1``.
    """
    a, b = to_local(t1), to_local(t2)
    if b < a:
        return -working_time_between(t2, t1, cal)
    total, day = dt.timedelta(0), a.date()
    while day <= b.date():
        for seg_start, seg_end in _office_segments(day, cal):
            overlap = min(seg_end, b) - max(seg_start, a)
            if overlap > dt.timedelta(0):
                total += overlap
        day += ONE_DAY
    return total
