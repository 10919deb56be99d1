"""Reads of the emulation pages, scoped to the acting user (out of scope is 404, never 403).

Scoreboards are read in a fixed number of queries whatever the number of units and officials:
standings, gate results and criteria are fetched once per evaluation and joined in Python.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minhbach.accounts.models import Official
from minhbach.accounts.policies import restrict
from minhbach.emulation.models import (
    AnnualRating,
    AwardDecision,
    AwardRound,
    Council,
    CouncilSession,
    Criterion,
    CriterionResult,
    DisciplineCase,
    EmulationGroup,
    Evaluation,
    Initiative,
    Movement,
    Objection,
    ParIndexResult,
    RegisteredIndividual,
    Registration,
    ReplyWindow,
    Review,
    Standing,
    Subject,
    TaskCompletion,
    Verification,
)
from minhbach.units.models import Agency


def movements(user) -> QuerySet[Movement]:
    return restrict(
        Movement.objects.select_related("launching_agency", "criteria_set").prefetch_related("reviews"),
        user,
        "launching_agency",
    ).order_by("-period_start", "name")


def movement_get(user, pk: int) -> Movement:
    try:
        return movements(user).get(pk=pk)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc


def latest_evaluations(reviews: list[Review]) -> dict[int, Evaluation]:
    """The newest version of each review, in one query."""
    latest: dict[int, Evaluation] = {}
    for ev in (
        Evaluation.objects.filter(review__in=reviews).select_related("criteria_set").order_by("-version")
    ):
        latest.setdefault(ev.review_id, ev)
    return latest


@dataclasses.dataclass
class Row:
    standing: Standing
    gates: list[CriterionResult]


@dataclasses.dataclass
class Board:
    group: EmulationGroup
    collectives: list[Row]
    individuals: list[Row]


def scoreboard(evaluation: Evaluation, groups: list[EmulationGroup]) -> tuple[list[Criterion], list[Board]]:
    """Per group: collectives and individuals by rank (unranked last), each with its gate results."""
    gate_codes = [Criterion.Role.GATE, Criterion.Role.GATE_SCORE]
    criteria = list(
        evaluation.criteria_set.criteria.filter(role__in=gate_codes).order_by("subject", "position")
    )
    gates: dict[tuple[str, int | None, int | None], list[CriterionResult]] = defaultdict(list)
    for r in (
        evaluation.criterion_results.filter(criterion__role__in=gate_codes)
        .select_related("criterion")
        .order_by("criterion__position")
    ):
        gates[(r.subject, r.agency_id, r.official_id)].append(r)
    boards = {g.pk: Board(g, [], []) for g in groups}
    standings = evaluation.standings.select_related("agency", "official", "nominating_agency").order_by(
        "group__code", F("rank").asc(nulls_last=True), F("score").desc(nulls_last=True), "pk"
    )
    for s in standings:
        row = Row(s, gates[(s.subject, s.agency_id, s.official_id)])
        board = boards[s.group_id]
        (board.collectives if s.subject == Subject.COLLECTIVE else board.individuals).append(row)
    return criteria, sorted(boards.values(), key=lambda b: b.group.code)


def participant(
    user, evaluation_pk: int, *, agency_pk: int | None = None, official_pk: int | None = None
) -> tuple[Evaluation, Standing, list[CriterionResult], dict[str, dict[int, Any]]]:
    """One participant's standing and every criterion with its evidence rows (§10.15 drill-down)."""
    evaluation = (
        Evaluation.objects.select_related("review__movement__launching_agency", "criteria_set")
        .filter(review__movement__in=movements(user))
        .filter(pk=evaluation_pk)
        .first()
    )
    if evaluation is None:
        raise Http404
    standing = (
        evaluation.standings.select_related("agency", "official", "nominating_agency", "group")
        .filter(agency_id=agency_pk, official_id=official_pk)
        .first()
    )
    if standing is None:
        raise Http404
    scope_agency = standing.agency or standing.nominating_agency
    if not restrict(Agency.objects.filter(pk=scope_agency.pk), user).exists():
        raise Http404
    results = list(
        evaluation.criterion_results.filter(agency_id=agency_pk, official_id=official_pk)
        .select_related("criterion", "override__entered_by")
        .order_by("criterion__position")
    )
    return evaluation, standing, results, evidence_rows(results)


def evidence_rows(results: list[CriterionResult]) -> dict[str, dict[int, Any]]:
    """The register rows behind the results, one query per kind of evidence."""
    from minhbach.feedback.models import Feedback

    ids: dict[str, set[int]] = defaultdict(set)
    for r in results:
        ev = r.evidence or {}
        kind = ev.get("kind")
        if kind in ("feedback", "discipline", "initiative", "annual_rating"):
            ids[kind].update(ev.get("ids", []))
            ids["feedback"].update(ev.get("pending_ids", []) if kind == "feedback" else [])
        if kind == "blocking_case":
            ids["discipline"].update(ev.get("discipline_ids", []))
            ids["verification"].update(ev.get("verification_ids", []))
    models = {
        "feedback": Feedback.objects.only("pk", "code", "received_at", "substantiated", "agency_id"),
        "discipline": DisciplineCase.objects.select_related("official"),
        "initiative": Initiative.objects.all(),
        "annual_rating": AnnualRating.objects.all(),
        "verification": Verification.objects.all(),
    }
    return {kind: models[kind].in_bulk(sorted(pks)) for kind, pks in ids.items() if pks}


def officials_in_scope(user) -> QuerySet[Official]:
    return restrict(Official.objects.all(), user, "memberships__agency").distinct().order_by("full_name")


def agencies_in_scope(user) -> QuerySet[Agency]:
    return restrict(Agency.objects.all(), user).order_by("name")


def initiatives(user) -> QuerySet[Initiative]:
    return restrict(
        Initiative.objects.select_related("agency", "entered_by").prefetch_related(
            Prefetch("authors", queryset=Official.objects.only("pk", "full_name"))
        ),
        user,
        "agency",
    ).order_by("-recognition_date", "-created_at")


def annual_ratings(user) -> QuerySet[AnnualRating]:
    visible = officials_in_scope(user).values("pk")
    return (
        AnnualRating.objects.filter(official__in=visible)
        .select_related("official", "entered_by")
        .order_by("-year", "official")
    )


def task_completions(user) -> QuerySet[TaskCompletion]:
    return restrict(
        TaskCompletion.objects.select_related("agency", "official", "entered_by"), user, "agency"
    ).order_by("-year", "agency__path", "-created_at")


def verifications(user) -> QuerySet[Verification]:
    agencies = agencies_in_scope(user).values("pk")
    officials = officials_in_scope(user).values("pk")
    return (
        Verification.objects.filter(Q(agency__in=agencies) | Q(official__in=officials))
        .select_related("agency", "official", "entered_by")
        .order_by("-opened_on", "-pk")
    )


def par_index_results(user) -> QuerySet[ParIndexResult]:
    return restrict(ParIndexResult.objects.select_related("agency", "entered_by"), user, "agency").order_by(
        "-year", "agency__path"
    )


def discipline_cases(user) -> QuerySet[DisciplineCase]:
    return restrict(
        DisciplineCase.objects.select_related("official", "agency", "entered_by"), user, "agency"
    ).order_by("-created_at")


# --- Management, reply, awards -------------------------------------------------------------------


def review_get(user, pk: int) -> Review:
    review = Review.objects.select_related("movement__launching_agency", "movement__criteria_set").filter(
        pk=pk, movement__in=movements(user)
    )
    found = review.first()
    if found is None:
        raise Http404
    return found


def registrations(movement: Movement) -> QuerySet[Registration]:
    return (
        movement.registrations.select_related("agency")
        .prefetch_related(
            Prefetch("individuals", queryset=RegisteredIndividual.objects.select_related("official"))
        )
        .order_by("agency__name")
    )


def objections(review: Review) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(window__review=review)
        .select_related("agency", "official", "filed_by", "decided_by", "manual_value", "reevaluation")
        .order_by("-filed_at", "-pk")
    )


def reply_reviews(user) -> list[tuple[Review, ReplyWindow, list[Agency]]]:
    """Reviews whose reply window is open, with the user's own units that stand in them (§10.9)."""
    now = timezone.now()
    windows = ReplyWindow.objects.filter(
        closed_at__isnull=True, opened_at__lte=now, closes_at__gt=now
    ).select_related("review__movement", "evaluation")
    out = []
    for window in windows:
        agencies = list(
            restrict(
                Agency.objects.filter(
                    pk__in=window.evaluation.standings.filter(subject=Subject.COLLECTIVE).values("agency")
                ),
                user,
            ).order_by("name")
        )
        if agencies:
            out.append((window.review, window, agencies))
    return out


def award_round_get(user, pk: int) -> AwardRound:
    found = (
        AwardRound.objects.select_related("movement", "review", "evaluation", "award_form", "issuing_agency")
        .filter(pk=pk, movement__in=movements(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


def session_get(user, pk: int) -> CouncilSession:
    found = (
        CouncilSession.objects.select_related("council", "round__award_form", "round__movement")
        .filter(pk=pk, round__movement__in=movements(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


def decision_get(user, pk: int) -> AwardDecision:
    found = (
        AwardDecision.objects.select_related(
            "round__movement", "round__award_form", "issuing_agency", "base_salary"
        )
        .filter(pk=pk, round__movement__in=movements(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


def councils(user) -> QuerySet[Council]:
    return restrict(Council.objects.select_related("agency"), user, "agency").order_by("name")
