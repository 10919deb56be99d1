"""Reads of the dossier back office: the queue, its counters and the dossier page.

Every read starts from :func:`visible_dossiers`: a dossier is visible to an official whose
scope (``accounts.policies``) covers its receiving agency *or* its handling agency, so the
desk and the office that handles the file both find it; anything else is "not found" (404).
Counters are one aggregate statement; highlighting is computed in SQL against moments derived
once from the working-day calendar, so the queue costs the same number of queries whatever
the number of dossiers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone

from minhbach.accounts import policies
from minhbach.core import ledger
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.dossiers.models import Dossier, DossierEvent, DossierStep, Status
from minhbach.units.models import Agency

#: States in which the legal clock runs (DOMAIN.md §5.2): only these can turn overdue or due
#: soon. Status 5 after acceptance and 6 are paused; the due date moves when the clock resumes.
RUNNING = (Status.ACCEPTED, Status.IN_PROGRESS)
#: "Sắp đến hạn": due within this many working days (today counts as 0).
DUE_SOON_WORKING_DAYS = 2
#: Calendar window loaded to find the n-th next working day (Tết closes up to ~9 days).
_CALENDAR_WINDOW = dt.timedelta(days=40)

DUE_FILTERS = ("qua-han", "sap-den-han")


def visible_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers received or handled by an agency in the user's scope (out of scope → none)."""
    base = Dossier.objects.all()
    return policies.restrict(base, user, "receiving_agency") | policies.restrict(
        base, user, "handling_agency"
    )


def reception_desks(user) -> QuerySet[Agency]:
    """Agencies where the user may register dossiers: the one-stop desks in scope."""
    today = timezone.localdate()
    return (
        policies.restrict(Agency.objects.filter(kind=Agency.Kind.ONE_STOP_DESK), user)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("name")
    )


def queue_agencies(user) -> QuerySet[Agency]:
    """Agencies the queue can be filtered by (those in scope)."""
    return policies.restrict(Agency.objects.all(), user).order_by("path")


@dataclasses.dataclass(frozen=True)
class DueWindow:
    """The two moments the highlighting compares ``effective_due_at`` with."""

    now: dt.datetime
    soon_until: dt.datetime  # exclusive end of the n-th next working day
    soon_day: dt.date

    def overdue_q(self) -> Q:
        return Q(status__in=RUNNING, effective_due_at__lt=self.now)

    def soon_q(self) -> Q:
        return Q(status__in=RUNNING, effective_due_at__gte=self.now, effective_due_at__lte=self.soon_until)


def due_window(
    *, now: dt.datetime | None = None, agency: Agency | None = None, days: int = DUE_SOON_WORKING_DAYS
) -> DueWindow:
    """``now`` and the end of the ``days``-th working day after today, from the working calendar.

    The calendar is loaded once (a fixed number of queries) with the holidays, swapped days and
    make-up Saturdays of the agency's unit (national calendar when no agency is chosen), so
    "due within two working days" is right across weekends and Tết.
    """
    now = now or timezone.now()
    today = engine.to_local(now).date()
    cal = load_calendar(today, today + _CALENDAR_WINDOW, agency=agency)
    day = today
    for _i in range(days):
        day = engine.next_working_day(day, cal)
    return DueWindow(now=now, soon_until=engine.end_of_day(day), soon_day=day)


@dataclasses.dataclass
class Queue:
    rows: QuerySet[Dossier]
    counters: dict[str, int]
    window: DueWindow


def queue(
    user,
    *,
    agency: Agency | None = None,
    status: int | None = None,
    due: str = "",
    window: DueWindow | None = None,
) -> Queue:
    """The per-unit queue: visible dossiers, filtered, by effective due date (undated last).

    ``counters`` (one aggregate query over the unit, before the status and due filters) gives
    the number per status plus ``overdue`` and ``due_soon``.
    """
    window = window or due_window(agency=agency)
    base = visible_dossiers(user)
    if agency is not None:
        base = base.filter(
            Q(receiving_agency__path__startswith=agency.path)
            | Q(handling_agency__path__startswith=agency.path)
        )
    aggregates: dict[str, Any] = {f"s{value}": Count("pk", filter=Q(status=value)) for value in Status.values}
    aggregates["overdue"] = Count("pk", filter=window.overdue_q())
    aggregates["due_soon"] = Count("pk", filter=window.soon_q())
    aggregates["total"] = Count("pk")
    counters = {key: value or 0 for key, value in base.aggregate(**aggregates).items()}

    rows = base
    if status is not None:
        rows = rows.filter(status=status)
    if due == "qua-han":
        rows = rows.filter(window.overdue_q())
    elif due == "sap-den-han":
        rows = rows.filter(window.soon_q())
    rows = (
        rows.select_related("procedure_version__procedure", "receiving_agency", "handling_agency", "owner")
        .annotate(
            is_overdue=ExpressionWrapper(window.overdue_q(), output_field=BooleanField()),
            is_due_soon=ExpressionWrapper(window.soon_q(), output_field=BooleanField()),
        )
        .order_by(F("effective_due_at").asc(nulls_last=True), "submitted_at", "pk")
    )
    return Queue(rows=rows, counters=counters, window=window)


def dossier_for(user, pk: int) -> Dossier | None:
    """One visible dossier with everything its page shows (fixed number of queries), or ``None``."""
    return (
        visible_dossiers(user)
        .select_related(
            "procedure_version__procedure",
            "receiving_agency",
            "handling_agency",
            "owner",
            "submitter",
            "created_by",
            "ruleset",
            "extension",
        )
        .prefetch_related(
            "documents",
            "fees",
            "supplement_requests",
            "slips",
            Prefetch("steps", queryset=DossierStep.objects.select_related("agency")),
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor", "agency")),
        )
        .filter(pk=pk)
        .first()
    )


def extension_of(dossier: Dossier):
    """The apology (Mẫu 04) if any; reverse one-to-one raises when absent."""
    try:
        return dossier.extension
    except Dossier.extension.RelatedObjectDoesNotExist:
        return None


def ledger_entries(dossier: Dossier) -> list:
    return list(ledger.history(dossier))


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def trace_line(data: dict[str, Any]) -> engine.TraceLine:
    """Rebuild a stored ``TraceLine.as_dict()`` so that the engine renders it in Vietnamese."""
    return engine.TraceLine(
        event=engine.Event(data["event"]),
        day=dt.date.fromisoformat(data["day"]),
        ordinal=data.get("ordinal"),
        reason=data.get("reason", ""),
        name=data.get("name", ""),
        legal_ref=data.get("legal_ref", ""),
        at=_parse_time(data.get("at")),
        until=_parse_time(data.get("until")),
        seconds=data.get("seconds"),
        cutoff=dt.time.fromisoformat(data["cutoff"]) if data.get("cutoff") else None,
    )


def trace_lines(stored: dict[str, Any] | None) -> list[str]:
    """The stored deadline trace (``Deadline.as_dict()``) as Vietnamese lines.

    A line the engine cannot rebuild (an older or imported format) is shown as raw data rather
    than hidden: the explanation must never silently lose a step.
    """
    lines: list[str] = []
    for data in (stored or {}).get("trace", []):
        try:
            lines.append(trace_line(data).render())
        except (KeyError, ValueError, TypeError):
            lines.append(", ".join(f"{k}: {v}" for k, v in data.items()))
    return lines


def deadline_explanation(dossier: Dossier) -> list[tuple[str, list[str]]]:
    """Sections of the deadline explanation: the original computation, then after a pause."""
    stored = dossier.deadline_trace or {}
    sections: list[tuple[str, list[str]]] = []
    if stored.get("trace"):
        sections.append(("original", trace_lines(stored)))
    if isinstance(stored.get("after_pause"), dict):
        sections.append(("after_pause", trace_lines(stored["after_pause"])))
    return sections
