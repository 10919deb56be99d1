"""The staff dashboard ``/can-bo/chi-so/``: work due soon and overdue, per unit and per officer.

What moves the public numbers is the open work: dossiers running past their ``effective_due_at``
(§5.6) and PAKN items past their next due moment (§6.4). This page shows them for the units in
the user's scope (``accounts.policies``; out of scope is simply absent), grouped in SQL: one
query per table, whatever the number of dossiers.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minhbach.accounts.models import Official
from minhbach.accounts.policies import restrict
from minhbach.dossiers.models import DossierStep
from minhbach.dossiers.selectors import RUNNING, due_window, visible_dossiers
from minhbach.units.models import Agency

DOSSIER_PERM = "dossiers.view_dossier"
FEEDBACK_PERM = "feedback.view_feedback"


def _counts(window, due: str) -> dict:
    now, soon = window.now, window.soon_until
    return {
        "open": Count("pk"),
        "overdue": Count("pk", filter=Q(**{f"{due}__lt": now})),
        "soon": Count("pk", filter=Q(**{f"{due}__gte": now, f"{due}__lte": soon})),
    }


def dossier_workload(user, window) -> tuple[list[dict], list[dict]]:
    """Running dossiers per handling unit and per officer holding the current step."""
    running = visible_dossiers(user).filter(status__in=RUNNING, effective_due_at__isnull=False)
    by_unit = list(
        running.annotate(unit=Coalesce("handling_agency_id", "receiving_agency_id"))
        .values("unit")
        .annotate(**_counts(window, "effective_due_at"))
        .order_by()
    )
    current_officer = Subquery(
        DossierStep.objects.filter(dossier=OuterRef("pk"), handed_over_at__isnull=True)
        .order_by("-received_at")
        .values("officer")[:1]
    )
    by_officer = list(
        running.annotate(officer=current_officer)
        .filter(officer__isnull=False)
        .values("officer")
        .annotate(**_counts(window, "effective_due_at"))
        .order_by()
    )
    return by_unit, by_officer


def feedback_workload(user, window) -> list[dict]:
    """Open PAKN items per unit by their next due moment (refuse, publish or answer, §6.4)."""
    from minhbach.feedback.models import Feedback, State

    open_states = (
        State.RECEIVED,
        State.INFO_REQUESTED,
        State.HANDLING,
        State.AWAITING_APPROVAL,
        State.AWAITING_PUBLICATION,
        State.REOPENED,
    )
    next_due = Case(
        When(state=State.RECEIVED, then=Coalesce("refuse_due_at", "answer_due_at")),
        When(state=State.AWAITING_PUBLICATION, then=F("publish_due_at")),
        default=F("answer_due_at"),
        output_field=DateTimeField(),
    )
    return list(
        restrict(Feedback.objects.all(), user, "agency")
        .filter(state__in=open_states)
        .annotate(next_due=next_due)
        .filter(next_due__isnull=False)
        .values("agency")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(next_due__lt=Value(window.now))),
            soon=Count(
                "pk", filter=Q(next_due__gte=Value(window.now), next_due__lte=Value(window.soon_until))
            ),
        )
        .order_by()
    )


def _named(rows: list[dict], key: str, names: dict[int, str]) -> list[dict]:
    out = [{**row, "name": names.get(row[key], "—")} for row in rows]
    out.sort(key=lambda r: (-r["overdue"], -r["soon"], r["name"]))
    return out


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    user = request.user
    window = due_window()
    context: dict = {"window": window}
    agency_names = dict(restrict(Agency.objects.all(), user).values_list("pk", "name"))
    if user.has_perm(DOSSIER_PERM):
        by_unit, by_officer = dossier_workload(user, window)
        officers = dict(
            Official.objects.filter(pk__in=[r["officer"] for r in by_officer]).values_list("pk", "full_name")
        )
        context["dossier_units"] = _named(by_unit, "unit", agency_names)
        context["dossier_officers"] = _named(by_officer, "officer", officers)
    if user.has_perm(FEEDBACK_PERM):
        context["feedback_units"] = _named(feedback_workload(user, window), "agency", agency_names)
    context["has_any"] = user.has_perm(DOSSIER_PERM) or user.has_perm(FEEDBACK_PERM)
    return render(request, "indicators/staff/workload.html", context)
