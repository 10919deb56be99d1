"""The records behind every number: the numerator and the denominator of a cell as querysets.

"Every computed number can show its evidence" (STYLE.md; DOMAIN.md §9.1): a citizen who reads
"62,50 %" for a commune can open the list of the dossiers counted in the denominator and of
those counted in the numerator. The dossier conditions below are the conditions of
``families.raw_counters`` (SQL over the whole table) as ``Q`` objects over the fact annotations
of ``facts.fact_queryset``; ``tests/test_evidence.py`` proves that the counts of these querysets
equal the table's numerator and denominator for every dossier measure, so they cannot drift.

The lists read the stored facts (``DossierFact``, the rows the rollups summed), with the same
conditions renamed to its columns (``on_stored_facts``): recomputing every fact of a district's
dossiers for one list took half a minute on the demo (one-go rule 3 over the whole table), and a
list that reads what the dashboard summed always matches the number it explains.

Families and what their evidence lists:

* ``dossier`` (and ``dossier_time``) — dossiers (handling unit, else the receiving desk);
* ``disclosure`` — register items due in P (``PublicationItem``, §8.3);
* ``listing`` — (unit, procedure) assignments in force on the last day of P (§4.4);
* ``procedure`` — (unit, procedure) assignments in force on the last day of P (766 group 3);
* ``feedback`` — PAKN items within competence (``feedback.metrics``; §6.4, §6.5).

Public lists show codes, procedures, units, dates and punctuality; never the applicant.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from minhbach.dossiers.models import Dossier
from minhbach.indicators.facts import FACT_COLUMNS, fact_queryset
from minhbach.indicators.models import DossierFact
from minhbach.units.models import Agency

NUMERATOR, DENOMINATOR = "numerator", "denominator"
PARTS = (NUMERATOR, DENOMINATOR)


@dataclasses.dataclass(frozen=True)
class Evidence:
    """The records of one part (numerator or denominator) of one measure, and what they are."""

    kind: str  # "dossier", "publication", "assignment", "feedback"
    queryset: QuerySet


# --- Dossiers: the conditions of families.raw_counters, once -----------------------------------


def dossier_counter_conditions(start: dt.date, end: dt.date) -> dict[str, Q]:
    """Each counter of ``raw_counters`` as a condition over the fact annotations (§5.6, §5.7, §5.9)."""
    accepted_in = Q(f_accept_day__gte=start, f_accept_day__lte=end)
    ended_in = Q(f_counted=True, f_end_day__gte=start, f_end_day__lte=end)
    result_in = Q(f_with_result=True, f_paper_result=True, f_end_day__gte=start, f_end_day__lte=end)
    returned_in = Q(f_return_day__gte=start, f_return_day__lte=end, f_rated=True)
    open_at_end = Q(f_counted=True, f_accept_day__lte=end) & (
        Q(f_end_day__isnull=True) | Q(f_end_day__gt=end)
    )
    within = open_at_end & (Q(f_overdue_from__isnull=True) | Q(f_overdue_from__gt=end))
    return {
        "received": accepted_in,
        "received_online": accepted_in & Q(f_online=True),
        "accepted": accepted_in & Q(f_withdrawn=False),
        "one_go": accepted_in & Q(f_one_go=True),
        "fee_dossiers": accepted_in & Q(f_fee=True),
        "paid_online": accepted_in & Q(f_fee=True, f_paid_online=True),
        "digitised": accepted_in & Q(f_digitised=True),
        "reused": accepted_in & Q(f_reused=True),
        "ended_ok": ended_in & Q(f_ended_ok=True),
        "ended_late": ended_in & Q(f_ended_ok=False),
        "ended_good": ended_in & Q(f_ended_ok=True, f_flagged=False),
        "ended_paper": result_in,
        "ended_eresult": result_in & Q(f_eresult=True),
        "returned_rated": returned_in,
        "returned_satisfied": returned_in & Q(f_satisfied=True),
        "open": open_at_end,
        "within": within,
        "within_clean": within & Q(f_flagged=False),
        # 2.2 (dossier_time): the dossiers closed in P.
        "closed": ended_in,
    }


def dossier_measure_conditions(start: dt.date, end: dt.date) -> dict[str, tuple[Q, Q]]:
    """(numerator, denominator) of each measure of ``families.dossier_measures`` as conditions.

    A sum of counters becomes an OR of their conditions; the summed counters are disjoint
    (closed in P vs open at the end of P), so the count of the OR is the sum of the counts.
    """
    c = dossier_counter_conditions(start, end)
    handled = c["ended_ok"] | c["ended_late"] | c["open"]
    closed = c["ended_ok"] | c["ended_late"]
    return {
        "on_time": (c["ended_ok"] | c["within"], handled),
        "late_closed": (c["ended_late"], closed),
        "rate_5_4": (c["ended_good"] | c["within_clean"], handled),
        "one_go": (c["one_go"], c["accepted"]),
        "online": (c["received_online"], c["received"]),
        "paid_online": (c["paid_online"], c["fee_dossiers"]),
        "eresult": (c["ended_eresult"], c["ended_paper"]),
        "digitised": (c["digitised"], c["received"]),
        "reused": (c["reused"], c["received"]),
        "survey": (c["returned_satisfied"], c["returned_rated"]),
        "average_days": (c["closed"], c["closed"]),
    }


def _ids(agencies: Sequence[Agency]) -> list[int]:
    return [a.pk for a in agencies]


def dossiers_of(agencies: Sequence[Agency]) -> QuerySet[Dossier]:
    """Dossiers of the agencies by handling unit, else receiving desk, with their facts recomputed.

    The raw form of the lists (``raw_counters`` reads the same annotations): for a few dossiers,
    or to check the stored facts against a recomputation.
    """
    ids = _ids(agencies)
    base = Dossier.objects.filter(
        Q(handling_agency_id__in=ids) | Q(handling_agency__isnull=True, receiving_agency_id__in=ids)
    )
    return fact_queryset(base)


# The annotation of ``facts.annotate_facts`` → the column of ``DossierFact`` that stores it.
STORED_COLUMN = {annotation: column for column, annotation in FACT_COLUMNS.items()}
# What the public list shows of each dossier's standing (``records.punctuality``).
SHOWN_FACTS = ("f_counted", "f_end_day", "f_ended_ok", "f_overdue_from")


def on_stored_facts(condition: Q) -> Q:
    """The same condition over ``DossierFact``'s columns (``f_end_day__gte`` → ``end_day__gte``)."""
    renamed = Q()
    renamed.connector, renamed.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            renamed.children.append(on_stored_facts(child))
            continue
        lookup, value = child
        name, sep, rest = lookup.partition("__")
        renamed.children.append((STORED_COLUMN[name] + sep + rest, value))
    return renamed


def dossiers_with_stored_facts(agencies: Sequence[Agency], condition: Q) -> QuerySet[Dossier]:
    """Dossiers whose stored facts meet ``condition``, annotated with the facts a list shows."""
    stored = DossierFact.objects.filter(agency_id__in=_ids(agencies)).filter(on_stored_facts(condition))
    own = DossierFact.objects.filter(dossier=OuterRef("pk"))
    return Dossier.objects.filter(pk__in=stored.values("dossier_id")).annotate(
        **{name: Subquery(own.values(STORED_COLUMN[name])[:1]) for name in SHOWN_FACTS}
    )


# Parts whose list would say how each dossier was rated: the survey rate's numerator names the
# dossiers rated satisfied, and 5.4's numerator leaves out those rated not satisfied. An officer
# knows who filed each of his dossiers, so such a list would show him individual ratings, which
# DOMAIN.md §7.4 forbids ("officers see aggregates, never individual ratings"). Only the
# denominator (the dossiers rated, or handled) is listed; the count stays public.
WITHHELD: dict[str, str] = {"survey": NUMERATOR, "rate_5_4": NUMERATOR}
WITHHELD_REASON = _(
    "Danh sách này không được công bố: nó cho biết người dân đã đánh giá từng hồ sơ ra sao, "
    "trong khi đánh giá phải được giữ kín với cán bộ (chỉ công bố số tổng hợp). "
    "Danh sách mẫu số vẫn được công bố."
)


def withheld(definition, part: str) -> bool:
    """Whether the list of this part of this indicator is withheld to keep ratings anonymous."""
    return definition.family in ("dossier", "dossier_time") and WITHHELD.get(definition.measure) == part


def dossier_records(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str
) -> QuerySet[Dossier] | None:
    """The dossiers counted in one part of one measure (withheld parts included: for checks)."""
    conditions = dossier_measure_conditions(start, end)
    if measure not in conditions:
        return None
    numerator, denominator = conditions[measure]
    return dossiers_with_stored_facts(agencies, numerator if part == NUMERATOR else denominator)


def dossier_evidence(agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str):
    if WITHHELD.get(measure) == part:
        return None
    records = dossier_records(agencies, start, end, measure, part)
    return Evidence("dossier", records) if records is not None else None


# --- Publication (C1, §8.3) -------------------------------------------------------------------


def disclosure_evidence(agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str):
    from minhbach.disclosure.selectors import _due_in, _on_time

    if measure != "publication_on_time":
        return None
    qs = _due_in(start, end).filter(agency_id__in=_ids(agencies)).select_related("agency")
    if part == NUMERATOR:
        qs = qs.filter(_on_time(end))
    return Evidence("publication", qs)


# --- Listing (C2, §4.4) -----------------------------------------------------------------------


def listing_evidence(agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str):
    from minhbach.procedures.coverage import Status, grace_threshold, grace_working_days, listing_rows

    if measure != "listing" or not agencies:
        return None
    root = min(agencies, key=lambda a: len(a.path))
    threshold = grace_threshold(end, grace_working_days(end), agency=root)
    qs = listing_rows(root, end, threshold=threshold).filter(agency_id__in=_ids(agencies))
    if part == NUMERATOR:
        qs = qs.filter(status=Status.IN_SYNC)
    return Evidence("assignment", qs.select_related("procedure", "agency"))


# --- Procedures offered and paid online (766 group 3) -----------------------------------------


def procedure_pairs(agencies: Sequence[Agency], start: dt.date, end: dt.date) -> QuerySet:
    """The pairs of ``families.procedure_family`` with its flags as annotations (same conditions)."""
    from minhbach.indicators.models import ProcedureDayRollup
    from minhbach.procedures.coverage import versions_in_force
    from minhbach.procedures.models import FeeLine, ProcedureAssignment, ProcedureVersion

    activity = ProcedureDayRollup.objects.filter(
        agency_id=OuterRef("agency_id"), procedure_id=OuterRef("procedure_id"), day__gte=start, day__lte=end
    )
    online_version = (
        versions_in_force(end)
        .filter(procedure_id=OuterRef("procedure_id"))
        .exclude(online_mode=ProcedureVersion.OnlineMode.NONE)
    )
    in_force = versions_in_force(end).filter(procedure_id=OuterRef("procedure_id"))
    return (
        ProcedureAssignment.objects.filter(agency_id__in=_ids(agencies), valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
        .alias(
            in_force=Exists(in_force),
            is_offered=Exists(online_version),
            is_used=Exists(activity.filter(received_online__gt=0)),
            is_fee=Exists(activity.filter(fee_dossiers__gt=0)),
            is_paid=Exists(activity.filter(paid_online__gt=0)),
            is_fee_bearing=Exists(
                FeeLine.objects.filter(
                    channel__version__in=versions_in_force(end).filter(
                        procedure_id=OuterRef(OuterRef("procedure_id"))
                    ),
                    amount_vnd__gt=0,
                )
            ),
        )
        .filter(in_force=True)
        .select_related("procedure", "agency")
    )


PROCEDURE_CONDITIONS: dict[str, tuple[Q, Q]] = {
    "offered_online": (Q(is_offered=True), Q()),
    "online_used": (Q(is_offered=True, is_used=True), Q(is_offered=True)),
    "payment_used": (Q(is_fee=True, is_paid=True), Q(is_fee=True)),
    "fee_integrated": (Q(is_fee_bearing=True, is_fee=True), Q(is_fee_bearing=True)),
}


def procedure_evidence(agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str):
    if measure not in PROCEDURE_CONDITIONS:
        return None
    numerator, denominator = PROCEDURE_CONDITIONS[measure]
    qs = procedure_pairs(agencies, start, end).filter(numerator if part == NUMERATOR else denominator)
    return Evidence("assignment", qs)


# --- Feedback (766 group 5, C5, K5) -----------------------------------------------------------


def feedback_period_end(end: dt.date):
    """The exclusive upper bound of P for feedback (midnight after the last local day)."""
    from minhbach.feedback.metrics import _bounds

    return _bounds(end, end)[1]


def feedback_conditions(start: dt.date, end: dt.date) -> dict[str, tuple[Q, Q]]:
    """Numerator and denominator per feedback measure (§6.4, §6.5, §10.5 K5): counted by
    ``families.feedback_family``, listed by ``feedback_evidence``.

    Items within competence only (valid, not a complaint or denunciation), except K5: a
    substantiated ``conduct`` item counts whatever its validity as a PAKN.
    """
    from django.utils import timezone

    from minhbach.feedback.metrics import _bounds, late_q, unsatisfied_q
    from minhbach.feedback.models import Category, Class766, Substantiated

    low, high = _bounds(start, end)
    as_of = min(high, timezone.now())
    in_p = Q(timer_start__gte=low, timer_start__lt=high)
    carried = Q(timer_start__lt=low) & ~(Q(published_at__lt=low) | Q(refused_at__lt=low))
    competent = Q(valid=True, out_of_scope=False)
    base_52 = competent & (in_p | carried)
    received = competent & in_p
    conduct = in_p & Q(category=Category.CONDUCT, substantiated=Substantiated.YES)
    return {
        "answered_on_time": (base_52 & ~late_q(as_of), base_52),
        "satisfied_handling": (received & ~unsatisfied_q(as_of), received),
        "regulation_share": (received & Q(class_766=Class766.REGULATION), received),
        # K5 is a count: its list is the substantiated items (no denominator).
        "conduct_substantiated": (conduct, conduct),
    }


def feedback_evidence(agencies: Sequence[Agency], start: dt.date, end: dt.date, measure: str, part: str):
    from minhbach.feedback.metrics import _bounds
    from minhbach.feedback.models import Feedback

    conditions = feedback_conditions(start, end)
    if measure not in conditions:
        return None
    numerator, denominator = conditions[measure]
    _low, high = _bounds(start, end)
    qs = Feedback.objects.filter(agency_id__in=_ids(agencies), timer_start__lt=high).filter(
        numerator if part == NUMERATOR else denominator
    )
    return Evidence("feedback", qs.select_related("agency"))


EVIDENCE: dict[str, Callable] = {
    "dossier": dossier_evidence,
    "dossier_time": dossier_evidence,
    "disclosure": disclosure_evidence,
    "listing": listing_evidence,
    "procedure": procedure_evidence,
    "feedback": feedback_evidence,
}

NO_EVIDENCE = _("Chỉ số này chưa có danh sách hồ sơ, dữ liệu minh chứng.")


def evidence(
    definition, agencies: Sequence[Agency], start: dt.date, end: dt.date, part: str
) -> Evidence | None:
    """The records behind one part of one indicator for a subtree and a period, or ``None``."""
    if part not in PARTS:
        return None
    function = EVIDENCE.get(definition.family)
    if function is None:
        return None
    return function(agencies, start, end, definition.measure, part)
