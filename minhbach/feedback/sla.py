"""Feedback SLA timers in working days (DOMAIN.md §6.4, decision D7).

The limits are policy: ``feedback.sla`` of the ``feedback`` rule set in force on the timer's
start day (seeded by migration 0002 from NĐ 20/2008/NĐ-CP and QĐ 31/2021/QĐ-TTg), with the D7
defaults only when no rule set is in force. Days are counted by the working calendar
(``minhbach.core.workdays``): the start day is day zero and is not counted (BLDS 2015 Điều 147
khoản 2), Tết, swaps and make-up Saturdays come from the database calendar.

Timers run from receipt or the latest transfer (``timer_start``); ``publish`` runs from the
approval. The ``answer`` timer pauses while waiting for the sender: the working days between the
request and the reply (``paused_working_days``) push it back.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minhbach.core.models import RuleSet
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.feedback.models import Class766, Feedback, State

DEFAULT_SLA = {"refuse": 2, "request_info": 5, "answer": 15, "publish": 2, "forward": 5}
DUE_SOON_DAYS = 2
TIMERS = ("refuse", "request_info", "answer", "publish")
TIMER_LABELS = {
    "refuse": _("Từ chối, trả lại"),
    "request_info": _("Yêu cầu bổ sung thông tin"),
    "answer": _("Trả lời"),
    "publish": _("Công khai"),
    "forward": _("Chuyển cơ quan có thẩm quyền"),
}


class Status(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    LATE = "late"


def _limits_from(ruleset: RuleSet | None) -> dict[str, int]:
    configured = (ruleset.settings if ruleset else {}).get("feedback", {}).get("sla", {})
    return {name: int(configured.get(name, default)) for name, default in DEFAULT_SLA.items()}


def limits(day: dt.date) -> dict[str, int]:
    """The SLA limits in force on ``day`` (rule set ``feedback``, else the D7 defaults)."""
    return _limits_from(ruleset_in_force(RuleSet.Domain.FEEDBACK, day))


class Context:
    """Caches for computing many items at once (the queue): rule sets and one calendar per agency.

    Without it every timer would load its own rule set and calendar rows; with it a page of the
    queue costs one rule-set query and one calendar load per agency on the page.
    """

    WINDOW = dt.timedelta(days=120)

    def __init__(self) -> None:
        self._rulesets: list[RuleSet] | None = None
        self._calendars: dict[int, engine.WorkCalendar] = {}

    def limits(self, day: dt.date) -> dict[str, int]:
        if self._rulesets is None:
            self._rulesets = list(
                RuleSet.objects.filter(domain=RuleSet.Domain.FEEDBACK).order_by("-valid_from", "-version")
            )
        for ruleset in self._rulesets:
            if ruleset.valid_from <= day and (ruleset.valid_to is None or ruleset.valid_to >= day):
                return _limits_from(ruleset)
        return _limits_from(None)

    def calendar(self, agency, first: dt.date, last: dt.date) -> engine.WorkCalendar:
        cal = self._calendars.get(agency.pk)
        if cal is None or cal.first > first or cal.last < last:
            # A margin on both sides: a page of the queue spans a few weeks, so one load fits all.
            lo = (min(first, cal.first) if cal else first) - self.WINDOW
            hi = (max(last, cal.last) if cal else last) + self.WINDOW
            cal = load_calendar(lo, hi, agency=agency)
            self._calendars[agency.pk] = cal
        return cal

    def add_working_days(self, agency, start: dt.date, n: int) -> engine.Deadline:
        last = start + self.WINDOW
        for _attempt in range(6):
            try:
                return engine.add_working_days(start, n, self.calendar(agency, start, last))
            except engine.CalendarRangeError:
                last += self.WINDOW * 2
        raise engine.CalendarRangeError(last, start, last)


_SHARED: contextvars.ContextVar[Context | None] = contextvars.ContextVar("feedback_sla_ctx", default=None)


@contextlib.contextmanager
def shared_context() -> Iterator[Context]:
    """One ``Context`` for every timer computed inside the block (bulk loads such as the demo).

    The services compute due moments item by item; in a loop over hundreds of items this saves a
    rule-set query and a calendar load per call. Only for blocks in which the calendar and the
    rule sets do not change.
    """
    token = _SHARED.set(Context())
    try:
        yield _SHARED.get()
    finally:
        _SHARED.reset(token)


def _ctx(ctx: Context | None) -> Context:
    return ctx or _SHARED.get() or Context()


def _day(moment: dt.datetime) -> dt.date:
    return engine.to_local(moment).date()


@dataclasses.dataclass(frozen=True)
class Timer:
    name: str
    start: dt.date
    days: int
    due_date: dt.date
    due_at: dt.datetime  # exclusive: 24:00 of due_date
    met_at: dt.datetime | None
    status: Status

    @property
    def label(self) -> Any:
        return TIMER_LABELS[self.name]


def due_dates(feedback: Feedback, ctx: Context | None = None) -> dict[str, engine.Deadline]:
    """Due deadlines of the timers that apply to ``feedback`` now (publish only once approved)."""
    ctx = _ctx(ctx)
    start = _day(feedback.timer_start)
    sla = ctx.limits(start)
    agency = feedback.agency
    result = {
        "refuse": ctx.add_working_days(agency, start, sla["refuse"]),
        "request_info": ctx.add_working_days(agency, start, sla["request_info"]),
        "answer": ctx.add_working_days(agency, start, sla["answer"] + feedback.paused_working_days),
    }
    if feedback.approved_at:
        approved = _day(feedback.approved_at)
        result["publish"] = ctx.add_working_days(agency, approved, ctx.limits(approved)["publish"])
    return result


def _met_at(feedback: Feedback, name: str) -> tuple[bool, dt.datetime | None]:
    """Whether the timer applies to the item, and when it was met (``None``: still running)."""
    state = feedback.state
    if name == "refuse":
        if feedback.refused_at and feedback.refused_at >= feedback.timer_start:
            return True, feedback.refused_at
        return state == State.RECEIVED, None
    if name == "request_info":
        first = feedback.first_info_requested_at
        if first and first >= feedback.timer_start:
            return True, first
        return state == State.RECEIVED, None
    if name == "answer":
        if state == State.REFUSED:
            return False, None
        # "Answer ready for publication": the leader's approval (awaiting_publication or later).
        return True, feedback.approved_at
    return feedback.approved_at is not None, feedback.published_at


def status_of(
    feedback: Feedback, as_of: dt.datetime | None = None, ctx: Context | None = None
) -> dict[str, Timer]:
    """Each applicable timer with its due date and on time / due soon / late at ``as_of``.

    Due soon: still running and the due date is at most two working days after ``as_of``.
    """
    as_of = as_of or timezone.now()
    ctx = _ctx(ctx)
    deadlines = due_dates(feedback, ctx)
    result: dict[str, Timer] = {}
    for name, deadline in deadlines.items():
        applies, met = _met_at(feedback, name)
        if not applies:
            continue
        if met is not None:
            status = Status.ON_TIME if met < deadline.due_at else Status.LATE
        elif as_of >= deadline.due_at:
            status = Status.LATE
        else:
            today = _day(as_of)
            last = max(today, deadline.due_date)
            cal = ctx.calendar(feedback.agency, min(today, deadline.day_zero), last + dt.timedelta(days=1))
            left = engine.count_working_days(today, deadline.due_date, cal)
            status = Status.DUE_SOON if left <= DUE_SOON_DAYS else Status.ON_TIME
        result[name] = Timer(
            name, deadline.day_zero, deadline.value, deadline.due_date, deadline.due_at, met, status
        )
    return result


def worst(timers: dict[str, Timer]) -> Status:
    statuses = {t.status for t in timers.values()}
    for status in (Status.LATE, Status.DUE_SOON):
        if status in statuses:
            return status
    return Status.ON_TIME


def answered_on_time(feedback: Feedback, as_of: dt.datetime | None = None) -> bool:
    """Every applicable timer met within its limit (§6.4); a running timer past due is late."""
    return all(t.status != Status.LATE for t in status_of(feedback, as_of).values())


# Forwarding (NĐ 20/2008 Điều 9 khoản 1 điểm d): regulation feedback outside the unit's competence
# goes to the competent agency within 5 working days of receipt. A separate check, not one of the
# national-portal timers of 766 indicator 5.2 (``status_of`` does not include it): it runs while
# the item waits in ``received`` and is met by ``feedback_forward``.


def forward_deadline(feedback: Feedback, ctx: Context | None = None) -> engine.Deadline:
    ctx = _ctx(ctx)
    start = _day(feedback.timer_start)
    return ctx.add_working_days(feedback.agency, start, ctx.limits(start)["forward"])


def forward_applies(feedback: Feedback) -> bool:
    return feedback.class_766 == Class766.REGULATION and feedback.state == State.RECEIVED


def forward_timer(
    feedback: Feedback, as_of: dt.datetime | None = None, ctx: Context | None = None
) -> Timer | None:
    """The running forwarding timer of an item still in ``received`` (``None`` when it does not apply)."""
    if not forward_applies(feedback):
        return None
    as_of = as_of or timezone.now()
    ctx = _ctx(ctx)
    deadline = forward_deadline(feedback, ctx)
    if as_of >= deadline.due_at:
        status = Status.LATE
    else:
        today = _day(as_of)
        cal = ctx.calendar(
            feedback.agency,
            min(today, deadline.day_zero),
            max(today, deadline.due_date) + dt.timedelta(days=1),
        )
        left = engine.count_working_days(today, deadline.due_date, cal)
        status = Status.DUE_SOON if left <= DUE_SOON_DAYS else Status.ON_TIME
    return Timer(
        "forward", deadline.day_zero, deadline.value, deadline.due_date, deadline.due_at, None, status
    )


def due_moments(feedback: Feedback, ctx: Context | None = None) -> dict[str, dt.datetime | None]:
    """The denormalised ``*_due_at`` fields of ``feedback`` (kept by the services, see models).

    The same deadlines as ``due_dates``: counting lateness in SQL (``metrics``) then agrees with
    the item page.
    """
    ctx = _ctx(ctx)
    dues = due_dates(feedback, ctx)
    return {
        "refuse_due_at": dues["refuse"].due_at,
        "request_info_due_at": dues["request_info"].due_at,
        "answer_due_at": dues["answer"].due_at,
        "publish_due_at": dues["publish"].due_at if "publish" in dues else None,
        "forward_due_at": forward_deadline(feedback, ctx).due_at,
    }


def stamp(feedback: Feedback, ctx: Context | None = None) -> None:
    """Set the ``*_due_at`` fields on the instance (the caller saves)."""
    for field, value in due_moments(feedback, ctx).items():
        setattr(feedback, field, value)


def recompute_all(batch_size: int = 500) -> int:
    """Refill the ``*_due_at`` fields of every item (after a rule-set or calendar correction).

    Rule sets are pinned to the timer's start day, so a new version valid from a later day does
    not move past deadlines; a corrected calendar does, and this is how it reaches the counts.
    """
    ctx = _ctx(None)
    fields = list(DUE_FIELDS)
    changed = 0
    items = Feedback.objects.select_related("agency").order_by("pk")
    batch: list[Feedback] = []
    for item in items.iterator(chunk_size=batch_size):
        stamp(item, ctx)
        batch.append(item)
        if len(batch) >= batch_size:
            changed += Feedback.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        changed += Feedback.objects.bulk_update(batch, fields)
    return changed


DUE_FIELDS = ("refuse_due_at", "request_info_due_at", "answer_due_at", "publish_due_at", "forward_due_at")
