"""Per-dossier facts as SQL expressions: the single statement of the counting rules.

Two shapes of the same facts: ``annotate_facts`` (a queryset with a correlated subquery per
child-table fact, for a few dossiers: the incremental refresh, the evidence lists) and
``bulk_fact_sql`` (child tables grouped once and joined, for a whole table: the raw computation
and the rollup rebuild). Both build on ``_own_facts``; ``tests/test_facts.py`` proves them equal
column by column. They reproduce ``dossiers.clock.judge`` (DOMAIN.md §5.6 rules 3, 5, 6, 7) in
SQL:

* a dossier *counts* for punctuality when its clock started (``effective_due_at`` set) and it was
  not withdrawn (status 7);
* it ends on the local date of status 9, else 10, else the other ending (rule 5), and is on time
  when that date is not after the local due date (rule 6), unless a second supplement request
  made it late (rule 3, the number read from the one-stop rule set);
* while open it is "within time" at the end of a day E until ``overdue_from`` (the day after the
  due date); a dossier waiting for the citizen's supplement is judged at the request, so it never
  becomes overdue if the request came in time (rule 7).

Units are the *handling* unit (the office that decides), falling back to the receiving desk: the
766 index scores the unit that resolves the procedure (§9.3, "in the procedure's unit").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from minhbach.core.selectors import ruleset_in_force
from minhbach.dossiers import onego
from minhbach.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierFee,
    DossierResult,
    OnlinePayment,
    Status,
)
from minhbach.procedures.models import Channel

ONE_DAY = dt.timedelta(days=1)
ONE_MICROSECOND = dt.timedelta(microseconds=1)
ENDED_WITH_RESULT = (Status.FINISHED, Status.RETURNED)
PAID_ONLINE = (OnlinePayment.NATIONAL_PORTAL, OnlinePayment.LOCAL_GATEWAY)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=_tz())


def _shifted(field: str, delta: dt.timedelta) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) + Value(delta), output_field=DateTimeField())


def late_after_requests(on: dt.date | None = None) -> int:
    """Rule 3's number from the one-stop rule set in force (default 2 requests)."""
    ruleset = ruleset_in_force("onestop", on or dt.date.today())
    configured = ((ruleset.settings if ruleset else {}).get("dossier") or {}).get(
        "late_after_supplement_requests"
    )
    return int(configured or 2)


def _bool(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _own_facts(queryset: QuerySet[Dossier], late_after: int) -> QuerySet[Dossier]:
    """The facts read from the dossier's own row (and its procedure version), no child table."""
    rule3 = Q(supplements_after__gte=late_after)
    paused = Q(status=Status.SUPPLEMENT_REQUESTED, paused_at__isnull=False)
    return queryset.annotate(
        f_agency=Coalesce("handling_agency_id", "receiving_agency_id"),
        f_desk=F("receiving_agency_id"),
        f_procedure=F("procedure_version__procedure_id"),
        f_channel=F("channel"),
        f_accept_day=local_day("accepted_at"),
        f_end_day=local_day(Coalesce("finished_at", "returned_at", "ended_at")),
        f_return_day=Case(
            When(status=Status.RETURNED, then=local_day("returned_at")),
            default=None,
            output_field=DateField(),
        ),
        f_due_day=local_day(_shifted("effective_due_at", -ONE_MICROSECOND)),
        f_paused_day=local_day("paused_at"),
        f_counted=_bool(Q(effective_due_at__isnull=False) & ~Q(status=Status.WITHDRAWN)),
        f_withdrawn=_bool(Q(status=Status.WITHDRAWN)),
        f_rule3=_bool(rule3),
    ).annotate(
        f_ended_ok=_bool(~rule3 & Q(f_end_day__isnull=False) & Q(f_end_day__lte=F("f_due_day"))),
        f_overdue_from=Case(
            When(rule3, then=F("f_accept_day")),
            When(paused & Q(f_paused_day__lte=F("f_due_day")), then=None),
            default=local_day(_shifted("effective_due_at", ONE_DAY - ONE_MICROSECOND)),
            output_field=DateField(),
        ),
        f_with_result=_bool(Q(status__in=ENDED_WITH_RESULT)),
        f_paper_result=F("procedure_version__has_paper_result"),
    )


def _one_go_rules() -> dict[str, int]:
    ruleset = ruleset_in_force("onestop", dt.date.today())
    return onego.rules(ruleset.settings if ruleset else None)


def annotate_facts(
    queryset: QuerySet[Dossier], *, late_after: int | None = None, bulk: bool = True
) -> QuerySet[Dossier]:
    """Add every fact column of ``DossierFact`` to a dossier queryset (one SQL statement).

    The child tables (fees, documents, result, ratings, feedback) are read with a correlated
    ``EXISTS`` per fact: right for a handful of dossiers (``rollups.refresh``, evidence lists).
    For a whole table use ``bulk_fact_sql``, which joins them once. ``bulk`` decides one-go rule 3
    for the whole table at once (see ``onego.one_go_annotations``).
    """
    late_after = late_after if late_after is not None else late_after_requests()
    current_rating = {"dossier": OuterRef("pk"), "superseded": False}
    from minhbach.feedback.models import Feedback
    from minhbach.ratings.models import Rating

    ruleset = ruleset_in_force("onestop", dt.date.today())
    one_go = onego.one_go_annotations(ruleset.settings if ruleset else None, bulk=bulk)
    return (
        _own_facts(queryset.annotate(earlier_failure=one_go["earlier_failure"]), late_after)
        .annotate(
            raw_one_go=one_go["one_go"],
            f_eresult=Exists(DossierResult.objects.filter(dossier=OuterRef("pk")).exclude(file_url="")),
            f_fee=Exists(DossierFee.objects.filter(dossier=OuterRef("pk"), amount_vnd__gt=0)),
            f_paid_online=Exists(
                DossierFee.objects.filter(dossier=OuterRef("pk"), online_channel__in=PAID_ONLINE)
            ),
            f_has_docs=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"))),
            f_undigitised=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), digitised=False)),
            f_reused=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), reused=True)),
            f_rated=Exists(Rating.objects.filter(**current_rating)),
            f_satisfied=Exists(Rating.objects.filter(**current_rating, satisfied=True)),
            f_disliked=Exists(Rating.objects.filter(**current_rating, satisfied=False)),
            f_with_feedback=Exists(Feedback.objects.filter(dossier=OuterRef("pk"))),
        )
        .annotate(
            # §5.7 rule 4: withdrawn dossiers leave C3 (numerator and denominator).
            f_one_go=_bool(Q(raw_one_go=True) & ~Q(status=Status.WITHDRAWN)),
            # §5.9: an online dossier is channel 2 and, for a paper-result procedure, has an e-result.
            f_online=_bool(Q(channel=Channel.ONLINE) & (Q(f_paper_result=False) | Q(f_eresult=True))),
            f_digitised=_bool(Q(f_has_docs=True) & Q(f_undigitised=False) & Q(f_eresult=True)),
            # §7.2: linked to a PAKN item or rated not satisfied.
            f_flagged=_bool(Q(f_disliked=True) | Q(f_with_feedback=True)),
        )
    )


def _flag(condition: Q) -> Max:
    """1 when some row of the group meets ``condition``, else 0 (a portable ``bool_or``)."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _child_tables() -> list[tuple[str, QuerySet]]:
    """Each child table grouped to one row per dossier: (alias, queryset with ``dossier_id``)."""
    from minhbach.feedback.models import Feedback
    from minhbach.ratings.models import Rating

    def grouped(queryset: QuerySet, **flags: Max) -> QuerySet:
        return queryset.values("dossier_id").annotate(**flags).order_by()

    return [
        ("res", DossierResult.objects.exclude(file_url="").values("dossier_id").order_by()),
        (
            "fee",
            grouped(
                DossierFee.objects.all(),
                any_fee=_flag(Q(amount_vnd__gt=0)),
                any_paid=_flag(Q(online_channel__in=PAID_ONLINE)),
            ),
        ),
        (
            "doc",
            grouped(
                DossierDocument.objects.all(),
                any_undigitised=_flag(Q(digitised=False)),
                any_reused=_flag(Q(reused=True)),
            ),
        ),
        (
            "rat",
            grouped(
                Rating.objects.filter(superseded=False),
                any_satisfied=_flag(Q(satisfied=True)),
                any_disliked=_flag(Q(satisfied=False)),
            ),
        ),
        ("fb", Feedback.objects.filter(dossier__isnull=False).values("dossier_id").distinct().order_by()),
    ]


# The columns of ``bulk_fact_sql`` over the joined tables: the child-table facts and the three
# composed facts of ``annotate_facts`` (§5.7 rules 3–4, §5.9, §7.2), written for both databases
# (booleans are 0/1 on SQLite). Only constants from the code are interpolated.
_BULK_COLUMNS = {
    "f_online": (
        f"(d.f_channel = {int(Channel.ONLINE)} AND (NOT d.f_paper_result OR res.dossier_id IS NOT NULL))"
    ),
    "f_one_go": "(NOT d.f_withdrawn AND NOT d.f_failed_here AND NOT (e.id IS NOT NULL AND d.f_not_exempt))",
    "f_fee": "(COALESCE(fee.any_fee, 0) = 1)",
    "f_paid_online": "(COALESCE(fee.any_paid, 0) = 1)",
    "f_digitised": "(doc.dossier_id IS NOT NULL AND doc.any_undigitised = 0 AND res.dossier_id IS NOT NULL)",
    "f_reused": "(COALESCE(doc.any_reused, 0) = 1)",
    "f_eresult": "(res.dossier_id IS NOT NULL)",
    "f_flagged": "(COALESCE(rat.any_disliked, 0) = 1 OR fb.dossier_id IS NOT NULL)",
    "f_rated": "(rat.dossier_id IS NOT NULL)",
    "f_satisfied": "(COALESCE(rat.any_satisfied, 0) = 1)",
}


def bulk_fact_sql(queryset: QuerySet[Dossier] | None = None) -> tuple[str, list[Any]]:
    """The facts of many dossiers as one SELECT: columns ``FACT_COLUMNS`` values, then ``f_id``.

    The same facts as ``fact_queryset`` (``tests/test_facts.py`` compares them row by row), but
    each child table is grouped once by dossier and joined, and one-go rule 3 is one
    uncorrelated statement (``onego.earlier_failure_ids_sql``) joined likewise. A correlated
    ``EXISTS`` per fact runs ten index probes per dossier on one core; the joins are hash joins
    that PostgreSQL can run in parallel (bench/bench_indicators.py: raw table at 1,000,000
    dossiers). Used by the raw computation (``families.raw_counters``) and the rollup rebuild.
    """
    base = queryset if queryset is not None else Dossier.objects.all()
    r = _one_go_rules()
    own = _own_facts(base.filter(accepted_at__isnull=False), late_after_requests()).annotate(
        f_id=F("pk"),
        f_failed_here=_bool(onego.failed_here(r)),
        f_not_exempt=_bool(onego.NOT_EXEMPT),
    )
    own_columns = [c for c in FACT_COLUMNS.values() if c not in _BULK_COLUMNS]
    # Sorted by id: the joins below are on the dossier id, and a sorted subquery is a fence that
    # keeps PostgreSQL from inlining the fact expressions (time-zone conversions) into every
    # condition that reads them, which evaluated each a dozen times per dossier.
    selected = own.values(*own_columns, "f_id", "f_failed_here", "f_not_exempt").order_by("pk")
    inner, params = selected.query.sql_with_params()
    joins = []
    for alias, child in _child_tables():
        sql, child_params = child.query.sql_with_params()
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.dossier_id = d.f_id")
        params = [*params, *child_params]
    earlier, earlier_params = onego.earlier_failure_ids_sql(r["resubmission_window_days"])
    joins.append(f"LEFT JOIN ({earlier}) e ON e.id = d.f_id")
    params = [*params, *earlier_params]
    columns = [
        f"{_BULK_COLUMNS[c]} AS {c}" if c in _BULK_COLUMNS else f"d.{c} AS {c}" for c in FACT_COLUMNS.values()
    ]
    sql = f"SELECT {', '.join(columns)}, d.f_id AS f_id FROM ({inner}) d {' '.join(joins)}"  # noqa: S608
    return sql, params


FACT_COLUMNS: dict[str, str] = {
    "agency_id": "f_agency",
    "desk_id": "f_desk",
    "procedure_id": "f_procedure",
    "channel": "f_channel",
    "accept_day": "f_accept_day",
    "end_day": "f_end_day",
    "return_day": "f_return_day",
    "overdue_from": "f_overdue_from",
    "counted": "f_counted",
    "ended_ok": "f_ended_ok",
    "withdrawn": "f_withdrawn",
    "online": "f_online",
    "one_go": "f_one_go",
    "fee": "f_fee",
    "paid_online": "f_paid_online",
    "digitised": "f_digitised",
    "reused": "f_reused",
    "with_result": "f_with_result",
    "paper_result": "f_paper_result",
    "eresult": "f_eresult",
    "flagged": "f_flagged",
    "rated": "f_rated",
    "satisfied": "f_satisfied",
}


def fact_queryset(queryset: QuerySet[Dossier] | None = None, *, bulk: bool = True) -> QuerySet[Dossier]:
    """Accepted dossiers (the only ones that count anywhere) with their fact annotations."""
    base = queryset if queryset is not None else Dossier.objects.all()
    return annotate_facts(base.filter(accepted_at__isnull=False), bulk=bulk)
