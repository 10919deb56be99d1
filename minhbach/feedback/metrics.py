"""Counts of feedback for the Decision 766 indicators 5.1–5.3, in SQL (DOMAIN.md §6.4, §6.5, §9.3).

Lateness needs the working-day calendar, which SQL does not have: the services store each item's
due moments (``Feedback.*_due_at``, from ``sla.py``), so "late" is a comparison between stored
moments and the moments the timers were met (``refused_at``, ``first_info_requested_at``,
``approved_at``, ``published_at``). The rule is that of ``sla.status_of``: a timer met after its
due moment is late, and a timer still running at the end of the period is late once its due
moment has passed (an open item "within time at the end of P" is on time, §6.4).

Simplification, stated once: which timers apply is decided by the item's *current* state (as on
the item page), so for a past period an item that has since moved on is judged by the moments it
met its timers, not by the state it was in at the end of the period.

Unit: an agency and its subtree (``path`` prefix) holding the item now, so an item forwarded
away counts at the competent unit, not at the sender (NĐ 20/2008 Điều 9 khoản 1 điểm d).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from minhbach.feedback.models import Class766, Feedback, FeedbackEvent, FeedbackReaction, State
from minhbach.units.models import Agency


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local days ``start``..``end`` inclusive as an aware half-open interval."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def late_q(as_of: dt.datetime) -> Q:
    """Some applicable timer of the item is late at ``as_of`` (the complement of §6.4 "answered on time")."""
    received = Q(state=State.RECEIVED)
    refuse = Q(refuse_due_at__lte=as_of) & (
        received | (Q(refused_at__gte=F("timer_start")) & Q(refused_at__gte=F("refuse_due_at")))
    )
    request_info = Q(request_info_due_at__lte=as_of) & (
        received
        | (
            Q(first_info_requested_at__gte=F("timer_start"))
            & Q(first_info_requested_at__gte=F("request_info_due_at"))
        )
    )
    answer = (
        ~Q(state=State.REFUSED)
        & Q(answer_due_at__lte=as_of)
        & (Q(approved_at__isnull=True) | Q(approved_at__gte=F("answer_due_at")))
    )
    publish = Q(publish_due_at__lte=as_of) & (
        Q(published_at__isnull=True) | Q(published_at__gte=F("publish_due_at"))
    )
    return refuse | request_info | answer | publish


def _reaction_count(value: str) -> Coalesce:
    counted = (
        FeedbackReaction.objects.filter(feedback=OuterRef("pk"), value=value)
        .order_by()
        .values("feedback")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def unsatisfied_q(as_of: dt.datetime) -> Q:
    """Unsatisfied (766 indicator 5.3, §6.5): dislikes > likes, or a follow-up complaint about the
    result (``reopened > 0``), or handled late at ``as_of``; each item once (one OR)."""
    disliked = GreaterThan(
        _reaction_count(FeedbackReaction.Value.DISLIKE), _reaction_count(FeedbackReaction.Value.LIKE)
    )
    return Q(disliked) | Q(reopened__gt=0) | late_q(as_of)


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_satisfaction(qs: QuerySet[Feedback], as_of: dt.datetime | None = None) -> QuerySet[Feedback]:
    """Annotate ``likes``, ``dislikes``, ``late`` and ``unsatisfied`` per item, in SQL (§6.5).

    Subqueries, not joins, so the counts stay right whatever else the queryset joins.
    """
    as_of = as_of or timezone.now()
    return qs.annotate(
        likes=_reaction_count(FeedbackReaction.Value.LIKE),
        dislikes=_reaction_count(FeedbackReaction.Value.DISLIKE),
        late=_flag(late_q(as_of)),
        unsatisfied=_flag(unsatisfied_q(as_of)),
    )


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class Ratio:
    """One indicator's numerator and denominator; ``rate`` is ``None`` when N/A (D5: zero denominator)."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.numerator, self.denominator)


@dataclasses.dataclass(frozen=True)
class PaknSummary:
    """What the Indicators engine reads for one unit and period (DOMAIN.md §9.3 group 5).

    * ``by_class[c]`` — 5.1 (monitor): items of 766 class ``c`` received in P ÷ all received in P.
    * ``on_time`` — 5.2: items handled within every applicable timer, plus open items within time
      at the end of P ÷ items within competence received in P or carried over and handled or
      still open in P.
    * ``satisfied`` — 5.3: (received in P − unsatisfied) ÷ received in P.
    * ``forwarded_on_time`` — the NĐ 20/2008 Điều 9 check: forwards made by the unit in P within
      5 working days ÷ forwards made in P (not a 766 indicator; shown beside them).

    "Within competence": valid (Điều 7), not a complaint or denunciation (``out_of_scope``), and
    held by the unit (items forwarded away count at the competent unit). "Received in P": the
    timer start (receipt, or transfer to the unit) falls in P.
    """

    received: int
    by_class: dict[str, Ratio]
    on_time: Ratio
    satisfied: Ratio
    unsatisfied: int
    late: int
    forwarded: int
    forwarded_late: int

    @property
    def forwarded_on_time(self) -> Ratio:
        return Ratio(self.forwarded - self.forwarded_late, self.forwarded)


def within_competence(agency: Agency, *, subtree: bool = True) -> QuerySet[Feedback]:
    unit = Q(agency__path__startswith=agency.path) if subtree else Q(agency=agency)
    return Feedback.objects.filter(unit, valid=True, out_of_scope=False)


def pakn_summary(agency: Agency, start: dt.date, end: dt.date, *, subtree: bool = True) -> PaknSummary:
    """The group-5 counts of ``agency`` (and its subtree) over the local days ``start``..``end``.

    Two queries: one aggregate over the items, one over the forward events.
    """
    low, high = _bounds(start, end)
    # Running timers are judged at 24:00 of the last day of P, or now while P is still running.
    as_of = min(high, timezone.now())
    in_p = Q(timer_start__gte=low, timer_start__lt=high)
    closed_before = Q(published_at__lt=low) | Q(refused_at__lt=low)
    carried = Q(timer_start__lt=low) & ~closed_before
    # Conditions, not annotations, inside the aggregate: an annotation name in an aggregate's
    # filter is emitted as a bare alias that SQLite would read as a string.
    qs = within_competence(agency, subtree=subtree).filter(timer_start__lt=high)
    late = late_q(as_of)
    row = qs.aggregate(
        received=Count("pk", filter=in_p),
        base_52=Count("pk", filter=in_p | carried),
        late_52=Count("pk", filter=(in_p | carried) & late),
        unsatisfied=Count("pk", filter=in_p & unsatisfied_q(as_of)),
        late=Count("pk", filter=in_p & late),
        **{f"class_{c}": Count("pk", filter=in_p & Q(class_766=c)) for c in Class766.values},
    )
    forwards = FeedbackEvent.objects.filter(action="forward", at__gte=low, at__lt=high)
    forwards = (
        forwards.filter(agency__path__startswith=agency.path) if subtree else forwards.filter(agency=agency)
    )
    fwd = forwards.aggregate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
    received = row["received"]
    return PaknSummary(
        received=received,
        by_class={c: Ratio(row[f"class_{c}"], received) for c in Class766.values},
        on_time=Ratio(row["base_52"] - row["late_52"], row["base_52"]),
        satisfied=Ratio(received - row["unsatisfied"], received),
        unsatisfied=row["unsatisfied"],
        late=row["late"],
        forwarded=fwd["n"],
        forwarded_late=fwd["late"],
    )
