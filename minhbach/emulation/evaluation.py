"""Scoring and ranking of a review (DOMAIN.md §10.5, §10.8, §10.12; decisions D5, D6, D9).

Three stages:

1. ``collect`` reads every input of a review in a fixed number of queries: indicator values
   through one call to the Indicators engine (``_indicator_values``), the evidence registers
   (conduct feedback, discipline, initiatives, ratings, verifications), personal dossier steps
   and ratings, memberships (staff lists and the women share) and overrides. The result is plain
   data (``Inputs``).
2. ``score`` is pure: it turns ``Inputs`` and the criteria into gates, scores (N/A rescaled,
   D5), ranks with the tie-breaks of D9 in the set's order, proposals within the quota and the
   margin to the next place.
3. ``review_evaluate`` stores the outcome as a new immutable version with its inputs hash and
   writes one ledger entry (§10.4: results are never recomputed in place).

Tests pass indicator values explicitly (``values=``), so gates, rescaling and ties do not
depend on dossiers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.accounts.models import Membership, Official
from minhbach.core import ledger
from minhbach.emulation.models import (
    RATING_ORDER,
    AnnualRating,
    CriteriaSet,
    Criterion,
    CriterionResult,
    DisciplineCase,
    EmulationGroup,
    Evaluation,
    GroupMember,
    Initiative,
    ManualValue,
    RegisteredIndividual,
    Registration,
    Review,
    Standing,
    Subject,
    Verification,
)
from minhbach.units.models import Agency

HUNDRED = Decimal(100)
ONE = Decimal(1)
ZERO = Decimal(0)
Q4 = Decimal("0.0001")


class EvaluationError(ValidationError):
    pass


# --- Plain data ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Value:
    """The shape of ``minhbach.indicators.api.IndicatorValue``: rate in percent, ``None`` when N/A (D5)."""

    numerator: Decimal | int | None
    denominator: Decimal | int | None
    rate: Decimal | None


@dataclasses.dataclass(frozen=True)
class Spec:
    """A criterion as the scorer sees it (built from a ``Criterion`` row)."""

    code: str
    subject: str
    role: str
    source: str
    comparison: str = ""
    threshold: str = ""
    weight: Decimal = ZERO
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    pk: int | None = None

    @property
    def is_gate(self) -> bool:
        return self.role in (Criterion.Role.GATE, Criterion.Role.GATE_SCORE)

    @property
    def is_score(self) -> bool:
        return self.role in (Criterion.Role.SCORE, Criterion.Role.GATE_SCORE)

    @classmethod
    def of(cls, c: Criterion) -> Spec:
        return cls(c.code, c.subject, c.role, c.source, c.comparison, c.threshold, c.weight, c.options, c.pk)


@dataclasses.dataclass(frozen=True)
class Raw:
    """A measured value before gates and scoring.

    ``scale`` says how a score is derived: ``percent`` (s = value / 100, linear, §10.5),
    ``count`` (s = min(1, value / per)) or ``flag`` (s = 1 when value > 0).
    """

    value: Decimal | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    na: bool = False
    pending: bool = False
    scale: str = "percent"
    evidence: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Override:
    pk: int
    value: Decimal
    reason: str


@dataclasses.dataclass
class Candidate:
    """A collective (``agency``) or an individual (``official``) in one group, with its raw values."""

    subject: str
    key: str  # "agency:<pk>" or "official:<pk>": the draw's candidate id
    group_id: int
    agency_id: int | None
    official_id: int | None
    nominating_agency_id: int | None
    registered: bool
    women: bool
    raws: dict[str, Raw]
    blocks: list[str] = dataclasses.field(default_factory=list)  # blocks that are not criteria


@dataclasses.dataclass
class Outcome:
    """One criterion for one candidate, as stored in ``CriterionResult``."""

    code: str
    value: Decimal | None
    computed_value: Decimal | None
    numerator: Any
    denominator: Any
    s: Decimal | None
    passed: bool | None
    na: bool
    status: str
    evidence: Mapping[str, Any]
    override: Override | None


@dataclasses.dataclass
class Place:
    candidate: Candidate
    outcomes: dict[str, Outcome]
    score: Decimal | None
    score_source: str
    eligible: bool
    blocked_by: list[str]
    on_time: Decimal | None
    draw_key: str
    rank: int | None = None
    proposed: bool = False
    tie_break: str = ""
    margin: Decimal | None = None


@dataclasses.dataclass
class Inputs:
    candidates: list[Candidate]
    overrides: dict[tuple[str, str], Override]
    fingerprint: dict[str, Any]


# --- Stage 2: pure scoring -----------------------------------------------------------------------


def _compare(value: Decimal, comparison: str, threshold: Decimal) -> bool:
    return {
        "lt": value < threshold,
        "lte": value <= threshold,
        "eq": value == threshold,
        "gte": value >= threshold,
        "gt": value > threshold,
    }[comparison]


def _threshold(spec: Spec) -> Decimal:
    if spec.threshold in RATING_ORDER:
        return Decimal(RATING_ORDER[spec.threshold])
    return Decimal(spec.threshold)


def _s(spec: Spec, value: Decimal, scale: str) -> Decimal:
    if scale == "count":
        per = Decimal(str(spec.options.get("per", 1)))
        s = min(ONE, value / per)
    elif scale == "flag":
        s = ONE if value > 0 else ZERO
    else:
        s = value / HUNDRED
    return max(ZERO, min(ONE, s)).quantize(Q4)


def judge(spec: Spec, raw: Raw, override: Override | None = None) -> Outcome:
    """Gate and score of one criterion; an override replaces the value but keeps the computed one."""
    value, na, pending = raw.value, raw.na, raw.pending
    if override is not None:
        value, na, pending = override.value, False, False
    passed: bool | None = None
    s: Decimal | None = None
    if spec.is_gate:
        if pending:
            passed = False
        elif na or value is None:
            passed = None if spec.options.get("na", "pass") == "pass" else False
        else:
            passed = _compare(value, spec.comparison, _threshold(spec))
    if spec.is_score and not na and not pending and value is not None:
        s = _s(spec, value, raw.scale)
    status = CriterionResult.Status.PENDING if pending else (CriterionResult.Status.NA if na else "ok")
    return Outcome(
        code=spec.code,
        value=value,
        computed_value=raw.value,
        numerator=raw.numerator,
        denominator=raw.denominator,
        s=s,
        passed=passed,
        na=na,
        status=status,
        evidence=raw.evidence,
        override=override,
    )


def weighted_score(specs: Iterable[Spec], outcomes: Mapping[str, Outcome]) -> Decimal | None:
    """``100 × Σ w s / Σ w`` over the available score criteria; N/A is left out and the rest rescaled (D5)."""
    total_w = ZERO
    total = ZERO
    for spec in specs:
        if not spec.is_score:
            continue
        outcome = outcomes.get(spec.code)
        if outcome is None or outcome.s is None:
            continue
        total_w += spec.weight
        total += spec.weight * outcome.s
    if total_w == 0:
        return None
    return (HUNDRED * total / total_w).quantize(Q4)


def draw_key(round_id: Any, seed: str, candidate_id: str) -> str:
    """The recorded draw (D9 step 4): ascending ``sha256(f"{round_id}:{seed}:{candidate_id}")``."""
    return hashlib.sha256(f"{round_id}:{seed}:{candidate_id}".encode()).hexdigest()


def _display(score: Decimal | None, decimals: int) -> Decimal | None:
    if score is None:
        return None
    return score.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _tie_keys(place: Place, steps: list[str], decimals: int) -> tuple:
    keys: list[Any] = []
    for step in steps:
        if step == "score":
            keys.append(-_display(place.score, decimals))
        elif step == "women_priority":
            keys.append(0 if place.candidate.women else 1)
        elif step == "on_time_rate":
            keys.append(-(place.on_time if place.on_time is not None else Decimal(-1)))
        elif step == "recorded_draw":
            keys.append(place.draw_key)
    return tuple(keys)


def rank(places: list[Place], *, steps: list[str], decimals: int, quota: int) -> None:
    """Rank the eligible places in order of ``steps`` (D9), record the deciding step and the margin.

    The step recorded for a place is the deepest one needed to separate it from its neighbours:
    "score" when its displayed score differs from both, else the first step that told them apart.
    Only eligible places are ranked and proposed; the others keep ``rank = None``.
    """
    eligible = [p for p in places if p.eligible and p.score is not None]
    keyed = sorted(((_tie_keys(p, steps, decimals), p) for p in eligible), key=lambda kp: kp[0])

    def deciding(a: tuple, b: tuple) -> int:
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return i
        return len(a) - 1

    for i, (keys, place) in enumerate(keyed):
        place.rank = i + 1
        place.proposed = place.rank <= quota
        depth = 0
        if i > 0:
            depth = max(depth, deciding(keyed[i - 1][0], keys))
        if i + 1 < len(keyed):
            depth = max(depth, deciding(keys, keyed[i + 1][0]))
            place.margin = _display(place.score, decimals) - _display(keyed[i + 1][1].score, decimals)
        place.tie_break = steps[depth] if keyed else ""


def score(
    *,
    specs: list[Spec],
    settings: Mapping[str, Any],
    inputs: Inputs,
    groups: Mapping[int, Any],
    round_id: Any,
    seed: str,
) -> list[Place]:
    """Judge every criterion, score, block, and rank within each group (pure; no database)."""
    by_subject: dict[str, list[Spec]] = defaultdict(list)
    for spec in specs:
        by_subject[spec.subject].append(spec)
    fallback = settings.get("individual_fallback") or {}
    fallback_codes = fallback.get("when_na") or []
    on_time_code = settings.get("on_time_indicator", "C4")
    places: list[Place] = []
    unit_place: dict[int, Place] = {}
    # Collectives first: individuals may take their unit's score and C4.
    ordered = sorted(inputs.candidates, key=lambda c: c.subject != Subject.COLLECTIVE)
    for cand in ordered:
        subject_specs = by_subject[cand.subject]
        outcomes = {
            spec.code: judge(spec, cand.raws[spec.code], inputs.overrides.get((cand.key, spec.code)))
            for spec in subject_specs
            if spec.code in cand.raws
        }
        value = weighted_score(subject_specs, outcomes)
        source = "own"
        unit = unit_place.get(cand.nominating_agency_id or 0)
        if cand.subject == Subject.INDIVIDUAL:
            present = [outcomes[c] for c in fallback_codes if c in outcomes]
            if present and all(o.na for o in present):
                value, source = (unit.score if unit else None), "unit_score"
        blocked = [code for code, o in outcomes.items() if o.passed is False]
        blocked = [("pending_rating" if outcomes[c].status == "pending" else c) for c in blocked]
        blocked += cand.blocks
        if value is None:
            blocked.append("no_score")
        if not cand.registered:
            blocked.append("not_registered")
        if cand.subject == Subject.COLLECTIVE:
            on_time = outcomes[on_time_code].value if on_time_code in outcomes else None
        else:
            p1 = outcomes.get("P1")
            on_time = p1.value if p1 is not None and not p1.na else None
            if on_time is None and unit is not None:
                on_time = unit.on_time
        place = Place(
            candidate=cand,
            outcomes=outcomes,
            score=value,
            score_source=source,
            eligible=not blocked,
            blocked_by=blocked,
            on_time=on_time,
            draw_key=draw_key(round_id, seed, cand.key),
        )
        if cand.subject == Subject.COLLECTIVE and cand.agency_id is not None:
            unit_place[cand.agency_id] = place
        places.append(place)
    steps = list(settings.get("tie_breaks") or ["score", "women_priority", "on_time_rate", "recorded_draw"])
    decimals = int(settings.get("score_decimals", 2))
    buckets: dict[tuple[int, str], list[Place]] = defaultdict(list)
    for place in places:
        buckets[(place.candidate.group_id, place.candidate.subject)].append(place)
    for (group_id, subject), bucket in buckets.items():
        group = groups[group_id]
        quota = group.quota_collective if subject == Subject.COLLECTIVE else group.quota_individual
        rank(bucket, steps=steps, decimals=decimals, quota=quota)
    return places


# --- Stage 1: collecting inputs ------------------------------------------------------------------


def _indicator_values(
    *, agencies: list[Agency], start: dt.date, end: dt.date, codes: list[str], indicator_set: Any = None
) -> Mapping:
    """The one call to the Indicators engine (owned by ``minhbach.indicators``), isolated here."""
    try:
        from minhbach.indicators.api import indicator_values
    except ImportError as exc:
        raise EvaluationError(
            _("Chưa có bộ máy tính chỉ số (minhbach.indicators); không thể tính các tiêu chí lấy từ chỉ số.")
        ) from exc
    try:
        return indicator_values(
            agencies=agencies, start=start, end=end, codes=codes, indicator_set=indicator_set
        )
    except ObjectDoesNotExist as exc:  # no indicator set in force for the period
        raise EvaluationError(
            _("Chưa có bộ chỉ số có hiệu lực cho kỳ %(start)s–%(end)s: %(error)s")
            % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}", "error": exc}
        ) from exc


def _paths_q(field: str, paths: Iterable[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__path__startswith": p}) for p in paths), Q(pk__in=[]))


def _units_of(path: str, units: list[Agency]) -> list[int]:
    return [u.pk for u in units if path.startswith(u.path)]


def _overlaps(start: dt.date, end: dt.date) -> Q:
    """A decided case whose effective window overlaps [start, end] (open end = still in force)."""
    return Q(effective_from__lte=end) & (Q(effective_to__isnull=True) | Q(effective_to__gte=start))


def _indicator_raw(values: Mapping, agency_id: int, code: str, beside: str | None) -> Raw:
    v = values.get((agency_id, code))
    evidence: dict[str, Any] = {"kind": "indicator", "code": code}
    if getattr(v, "definition_id", None) is not None:
        evidence["definition_id"] = v.definition_id
    source_ids = getattr(v, "source_ids", None)
    if source_ids:
        evidence["ids"] = sorted(source_ids)
    if beside:
        b = values.get((agency_id, beside))
        evidence["beside"] = {
            "code": beside,
            "rate": None if b is None or b.rate is None else str(b.rate),
            "numerator": None if b is None else _num(b.numerator),
            "denominator": None if b is None else _num(b.denominator),
        }
    if v is None or v.rate is None:
        return Raw(None, v.numerator if v else None, v.denominator if v else None, na=True, evidence=evidence)
    return Raw(Decimal(str(v.rate)), v.numerator, v.denominator, evidence=evidence)


def _num(value: Any) -> Any:
    return None if value is None else str(value)


def _count_raw(ids: list[int], kind: str, scale: str = "count", **extra: Any) -> Raw:
    return Raw(Decimal(len(ids)), scale=scale, evidence={"kind": kind, "ids": sorted(ids), **extra})


def collect(
    *, review: Review, specs: list[Spec], settings: Mapping[str, Any], values: Mapping | None, as_of: dt.date
) -> tuple[Inputs, dict[int, EmulationGroup]]:
    """Read every input of a review in a bounded number of queries (no query per unit or person)."""
    from minhbach.dossiers.models import DossierStep, Punctuality
    from minhbach.feedback.models import Category, Feedback, Substantiated
    from minhbach.ratings.models import Rating

    start, end = review.data_from, review.data_to
    groups = {g.pk: g for g in EmulationGroup.objects.filter(movement=review.movement_id)}
    members = list(GroupMember.objects.filter(group__in=groups.keys()).select_related("agency"))
    units = [m.agency for m in members]
    group_of_unit = {m.agency_id: m.group_id for m in members}
    registrations = {r.agency_id: r for r in Registration.objects.filter(movement=review.movement_id)}
    approved = {a for a, r in registrations.items() if r.state == Registration.State.APPROVED}
    coll_specs = [s for s in specs if s.subject == Subject.COLLECTIVE]
    ind_specs = [s for s in specs if s.subject == Subject.INDIVIDUAL]

    # Indicators: one call for every unit and every indicator code.
    codes = sorted(
        {s.source.split(":", 1)[1] for s in coll_specs if s.source.startswith("indicator:")}
        | {s.options["show_beside"] for s in coll_specs if s.options.get("show_beside")}
    )
    if values is None:
        values = (
            _indicator_values(
                agencies=units, start=start, end=end, codes=codes, indicator_set=review.movement.indicator_set
            )
            if units and codes
            else {}
        )

    # Staff of each unit (memberships in its subtree overlapping P) and the women share on the last day.
    staff: dict[int, set[int]] = defaultdict(set)
    last_day: dict[int, dict[int, str]] = defaultdict(dict)
    if units:
        rows = Membership.objects.filter(
            _paths_q("agency", [u.path for u in units]),
            Q(valid_from__lte=end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        ).values_list("official_id", "agency__path", "valid_from", "valid_to", "official__gender")
        for official_id, path, v_from, v_to, gender in rows:
            for unit_id in _units_of(path, units):
                staff[unit_id].add(official_id)
                if v_from <= end and (v_to is None or v_to >= end):
                    last_day[unit_id][official_id] = gender
    women_share = Decimal(str(settings.get("women_share", 0.7)))

    # K5: conduct feedback against the unit's subtree received in P.
    conduct: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"yes": [], "pending": []})
    if units:
        for pk, path, substantiated in Feedback.objects.filter(
            _paths_q("agency", [u.path for u in units]),
            category=Category.CONDUCT,
            received_at__date__gte=start,
            received_at__date__lte=end,
        ).values_list("pk", "agency__path", "substantiated"):
            for unit_id in _units_of(path, units):
                if substantiated == Substantiated.YES:
                    conduct[unit_id]["yes"].append(pk)
                elif substantiated in (Substantiated.PENDING, ""):
                    conduct[unit_id]["pending"].append(pk)

    # K6: decided discipline effective in P against anyone on the unit's staff during P.
    all_staff = set().union(*staff.values()) if staff else set()
    decided = list(
        DisciplineCase.objects.filter(
            _overlaps(start, end),
            official__in=all_staff,
            status__in=[DisciplineCase.Status.DECIDED, DisciplineCase.Status.EXPIRED],
        ).values_list("pk", "official_id")
    )

    # K7 and P3: initiatives with a recognition decision dated in P.
    recognised = Initiative.objects.filter(recognition_date__gte=start, recognition_date__lte=end).exclude(
        recognition_number=""
    )
    initiatives: dict[int, list[int]] = defaultdict(list)
    if units:
        for pk, path in recognised.filter(_paths_q("agency", [u.path for u in units])).values_list(
            "pk", "agency__path"
        ):
            for unit_id in _units_of(path, units):
                initiatives[unit_id].append(pk)

    # Open verifications as of the evaluation day (a collective's and an individual's).
    open_verif = Verification.objects.filter(opened_on__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    )
    unit_verif: dict[int, list[int]] = defaultdict(list)
    for pk, agency_id in open_verif.filter(agency__in=[u.pk for u in units]).values_list("pk", "agency_id"):
        unit_verif[agency_id].append(pk)

    candidates: list[Candidate] = []
    for unit in units:
        raws: dict[str, Raw] = {}
        for spec in coll_specs:
            prefix, _sep, kind = spec.source.partition(":")
            if prefix == "indicator":
                raws[spec.code] = _indicator_raw(values, unit.pk, kind, spec.options.get("show_beside"))
            elif kind == "conduct_feedback":
                items = conduct[unit.pk]
                raws[spec.code] = _count_raw(items["yes"], "feedback", pending_ids=sorted(items["pending"]))
            elif kind == "discipline":
                ids = [pk for pk, official_id in decided if official_id in staff[unit.pk]]
                raws[spec.code] = _count_raw(ids, "discipline")
            elif kind == "initiative":
                raws[spec.code] = _count_raw(initiatives[unit.pk], "initiative")
        on_day = last_day[unit.pk]
        women = sum(1 for g in on_day.values() if g == Official.Gender.FEMALE)
        is_women = bool(on_day) and Decimal(women) / Decimal(len(on_day)) >= women_share
        candidates.append(
            Candidate(
                subject=Subject.COLLECTIVE,
                key=f"agency:{unit.pk}",
                group_id=group_of_unit[unit.pk],
                agency_id=unit.pk,
                official_id=None,
                nominating_agency_id=unit.pk,
                registered=unit.pk in approved,
                women=is_women,
                raws=raws,
                blocks=["verification"] if unit_verif[unit.pk] else [],
            )
        )

    # Individuals registered by units of the groups.
    registered = list(
        RegisteredIndividual.objects.filter(registration__in=[r.pk for r in registrations.values()])
        .filter(registration__agency__in=group_of_unit.keys())
        .select_related("registration", "official")
    )
    officials = [r.official_id for r in registered]
    years = [int(y) for y in settings.get("rating_years", [start.year, end.year])]
    ratings: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)
    for pk, official_id, year, level in AnnualRating.objects.filter(
        official__in=officials, year__in=years
    ).values_list("pk", "official_id", "year", "level"):
        ratings[official_id][year] = (level, pk)
    blocking: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for pk, official_id in (
        DisciplineCase.objects.filter(official__in=officials)
        .filter(
            Q(status=DisciplineCase.Status.UNDER_CONSIDERATION)
            | (
                Q(status__in=[DisciplineCase.Status.DECIDED, DisciplineCase.Status.EXPIRED])
                & _overlaps(start, end)
            )
        )
        .values_list("pk", "official_id")
    ):
        blocking[official_id].append(("discipline", pk))
    for pk, official_id in open_verif.filter(official__in=officials).values_list("pk", "official_id"):
        blocking[official_id].append(("verification", pk))
    on_time_states = [Punctuality.EARLY, Punctuality.ON_TIME]
    steps = {
        row["officer"]: row
        for row in DossierStep.objects.filter(
            officer__in=officials,
            handed_over_at__date__gte=start,
            handed_over_at__date__lte=end,
            punctuality__in=[*on_time_states, Punctuality.LATE],
        )
        .values("officer")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(punctuality__in=on_time_states)))
    }
    satisfaction = {
        row["dossier__steps__officer"]: row
        for row in Rating.objects.filter(
            superseded=False,
            dossier__returned_at__date__gte=start,
            dossier__returned_at__date__lte=end,
            dossier__steps__officer__in=officials,
        )
        .values("dossier__steps__officer")
        .annotate(
            total=Count("pk", distinct=True),
            satisfied=Count("pk", filter=Q(satisfied=True), distinct=True),
        )
    }
    authored: dict[int, list[int]] = defaultdict(list)
    through = Initiative.authors.through
    for official_id, initiative_id in through.objects.filter(
        official__in=officials, initiative__in=recognised
    ).values_list("official_id", "initiative_id"):
        authored[official_id].append(initiative_id)

    for reg in registered:
        oid = reg.official_id
        raws = {}
        for spec in ind_specs:
            prefix, _sep, kind = spec.source.partition(":")
            if kind == "annual_rating":
                mine = ratings[oid]
                missing = [y for y in years if y not in mine]
                levels = {str(y): mine[y][0] for y in years if y in mine}
                value = Decimal(min(RATING_ORDER[mine[y][0]] for y in mine)) if mine else None
                raws[spec.code] = Raw(
                    value,
                    pending=bool(missing),
                    scale="flag",
                    evidence={
                        "kind": "annual_rating",
                        "ids": sorted(v[1] for v in mine.values()),
                        "levels": levels,
                        "missing_years": missing,
                    },
                )
            elif kind == "blocking_case":
                cases = blocking[oid]
                raws[spec.code] = Raw(
                    Decimal(len(cases)),
                    scale="count",
                    evidence={
                        "kind": "blocking_case",
                        "discipline_ids": sorted(pk for k, pk in cases if k == "discipline"),
                        "verification_ids": sorted(pk for k, pk in cases if k == "verification"),
                    },
                )
            elif kind == "initiative_author":
                raws[spec.code] = _count_raw(authored[oid], "initiative", scale="flag")
            elif kind == "on_time":
                row = steps.get(oid)
                raws[spec.code] = _rate_raw(row and row["on_time"], row and row["total"], "dossier_steps")
            elif kind == "satisfaction":
                row = satisfaction.get(oid)
                raws[spec.code] = _rate_raw(row and row["satisfied"], row and row["total"], "ratings")
        candidates.append(
            Candidate(
                subject=Subject.INDIVIDUAL,
                key=f"official:{oid}",
                group_id=group_of_unit[reg.registration.agency_id],
                agency_id=None,
                official_id=oid,
                nominating_agency_id=reg.registration.agency_id,
                registered=reg.registration.agency_id in approved,
                women=reg.official.gender == Official.Gender.FEMALE,
                raws=raws,
            )
        )

    overrides: dict[tuple[str, str], Override] = {}
    for mv in ManualValue.objects.filter(review=review).order_by("entered_at", "pk"):
        key = f"official:{mv.official_id}" if mv.official_id else f"agency:{mv.agency_id}"
        overrides[(key, mv.criterion_code)] = Override(mv.pk, mv.value, mv.reason)

    fingerprint = {
        "window": [start, end],
        "as_of": as_of,
        "candidates": [
            {
                "key": c.key,
                "group": c.group_id,
                "registered": c.registered,
                "women": c.women,
                "blocks": c.blocks,
                "raws": {k: dataclasses.asdict(v) for k, v in sorted(c.raws.items())},
            }
            for c in candidates
        ],
        "overrides": sorted([k[0], k[1], o.pk, o.value] for k, o in overrides.items()),
    }
    return Inputs(candidates, overrides, fingerprint), groups


def _rate_raw(numerator: int | None, denominator: int | None, kind: str) -> Raw:
    """A personal rate: N/A when nothing was handled or rated in P (D5)."""
    if not denominator:
        return Raw(None, numerator or 0, denominator or 0, na=True, evidence={"kind": kind})
    rate = (HUNDRED * Decimal(numerator or 0) / Decimal(denominator)).quantize(Q4)
    return Raw(rate, numerator, denominator, evidence={"kind": kind})


# --- Stage 3: storing a version ------------------------------------------------------------------


def specs_of(criteria_set: CriteriaSet) -> list[Spec]:
    return [Spec.of(c) for c in criteria_set.criteria.order_by("subject", "position")]


@transaction.atomic
def review_evaluate(
    *,
    actor: Any,
    review: Review,
    seed: str = "",
    reason: str = "",
    values: Mapping | None = None,
    as_of: dt.date | None = None,
) -> Evaluation:
    """Compute a review into a new immutable version (DOMAIN.md §10.4, §10.15).

    The first run locks the movement's criteria set (it can no longer change, §0.3). A later run
    needs a reason, which is logged with the new version. ``values`` replaces the Indicators engine
    (tests, or a frozen snapshot); ``seed`` is the draw seed entered at the council session (D9).
    """
    review = Review.objects.select_for_update().select_related("movement").get(pk=review.pk)
    if review.published_at is not None:
        raise EvaluationError(_("Kết quả của đợt này đã công bố; không thể tính lại."))
    cset = CriteriaSet.objects.select_for_update().get(pk=review.movement.criteria_set_id)
    latest = review.evaluations.aggregate(v=Max("version"))["v"] or 0
    if latest and not (reason or "").strip():
        raise EvaluationError(_("Tính lại kết quả cần nêu lý do (phiên bản mới sẽ được ghi vào sổ cái)."))
    as_of = as_of or timezone.localdate()
    specs = specs_of(cset)
    inputs, groups = collect(review=review, specs=specs, settings=cset.settings, values=values, as_of=as_of)
    places = score(
        specs=specs, settings=cset.settings, inputs=inputs, groups=groups, round_id=review.pk, seed=seed
    )
    now = timezone.now()
    if cset.locked_at is None:
        cset.locked_at = now
        cset.save(update_fields=["locked_at"])
    inputs_hash = hashlib.sha256(
        ledger.canonical_json({"criteria": cset.content_hash, "seed": seed, **inputs.fingerprint}).encode()
    ).hexdigest()
    evaluation = Evaluation.objects.create(
        review=review,
        version=latest + 1,
        computed_at=now,
        computed_by=actor if getattr(actor, "pk", None) else None,
        criteria_set=cset,
        inputs_hash=inputs_hash,
        draw_seed=seed,
        as_of=as_of,
        reason=(reason or "").strip(),
    )
    spec_pk = {(s.subject, s.code): s.pk for s in specs}
    results: list[CriterionResult] = []
    standings: list[Standing] = []
    for place in places:
        c = place.candidate
        who = {"subject": c.subject, "agency_id": c.agency_id, "official_id": c.official_id}
        for o in place.outcomes.values():
            results.append(
                CriterionResult(
                    evaluation=evaluation,
                    criterion_id=spec_pk[(c.subject, o.code)],
                    value=o.value,
                    computed_value=o.computed_value,
                    numerator=_dec(o.numerator),
                    denominator=_dec(o.denominator),
                    s=o.s,
                    passed=o.passed,
                    na=o.na,
                    status=o.status,
                    evidence=dict(o.evidence),
                    override_id=o.override.pk if o.override else None,
                    **who,
                )
            )
        standings.append(
            Standing(
                evaluation=evaluation,
                group_id=c.group_id,
                nominating_agency_id=c.nominating_agency_id,
                registered=c.registered,
                score=place.score,
                score_source=place.score_source,
                eligible=place.eligible,
                blocked_by=place.blocked_by,
                rank=place.rank,
                proposed=place.proposed,
                tie_break=place.tie_break,
                margin=place.margin,
                women=c.women,
                on_time=place.on_time,
                draw_key=place.draw_key,
                **who,
            )
        )
    CriterionResult.objects.bulk_create(results, batch_size=500)
    Standing.objects.bulk_create(standings, batch_size=500)
    # The review's snapshot is the latest frozen set of inputs (its hash is on the evaluation).
    review.status, review.snapshot_at = Review.Status.EVALUATED, now
    review.save(update_fields=["status", "snapshot_at"])
    ledger.record(
        actor=actor,
        action="emulation.review_evaluate",
        obj=evaluation,
        unit_code=review.movement.launching_agency.electronic_code,
        payload={
            "review": review.pk,
            "version": evaluation.version,
            "criteria_set": f"{cset.code} v{cset.version}",
            "criteria_hash": cset.content_hash,
            "inputs_hash": inputs_hash,
            "seed": seed,
            "reason": evaluation.reason,
            "proposed": sorted(p.candidate.key for p in places if p.proposed),
        },
    )
    return evaluation


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
