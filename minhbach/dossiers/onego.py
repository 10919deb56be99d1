"""“Hướng dẫn, tiếp nhận, giải quyết một lần” (one go), DOMAIN.md §5.7 and decision D11.

No national text defines a computable indicator; the basis is the duty to guide once and fully
and to give reasons in writing (NĐ 63/2010/NĐ-CP Điều 18 khoản 2 và 5). A dossier accepted in a
period is *one go* when:

1. at most ``max_pre_acceptance_requests`` (1) supplement forms were issued before acceptance;
2. at most ``max_post_acceptance_requests`` (0) supplement requests after acceptance;
3. no refusal (status 3 or 8) or withdrawal (7) of the same applicant and procedure at the same
   unit ended in the ``resubmission_window_days`` (30) before this acceptance — applicants match
   by citizen ID or tax code, else by name (folded: ``Applicant.name_key``) and phone — unless an
   officer recorded an exemption;
4. withdrawn dossiers leave numerator and denominator.

Everything is an annotation, so the rate is one aggregate query (``one_go_rate``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from minhbach.dossiers.models import Dossier, Status

DEFAULTS = {
    "max_pre_acceptance_requests": 1,
    "max_post_acceptance_requests": 0,
    "resubmission_window_days": 30,
}
ENDED_WITHOUT_RESULT = (Status.REFUSED, Status.STOPPED, Status.WITHDRAWN)


def rules(settings: dict[str, Any] | None) -> dict[str, int]:
    """The D11 numbers of a rule set (``settings["dossier"]["one_go"]``), defaults filled in."""
    configured = ((settings or {}).get("dossier") or {}).get("one_go") or {}
    return {key: int(configured.get(key, default)) for key, default in DEFAULTS.items()}


def same_applicant() -> Q:
    """A dossier of the same person as the outer dossier (``OuterRef``): citizen ID, tax code, or
    folded name and phone. Rule 3 here and the withdraw-and-resubmit flag (``indicators.integrity``)
    both ask it; ``_PERSON_KEYS`` is the same identity for the whole-table statement."""
    return (
        (Q(owner__citizen_id=OuterRef("owner__citizen_id")) & ~Q(owner__citizen_id=""))
        | (Q(owner__tax_code=OuterRef("owner__tax_code")) & ~Q(owner__tax_code=""))
        | (
            Q(owner__name_key=OuterRef("owner__name_key"))
            & Q(owner__phone=OuterRef("owner__phone"))
            & ~Q(owner__phone="")
        )
    )


def _earlier_failure(window_days: int) -> Exists:
    window_start = ExpressionWrapper(
        OuterRef("accepted_at") - Value(dt.timedelta(days=window_days)), output_field=DateTimeField()
    )
    return Exists(
        Dossier.objects.filter(
            same_applicant(),
            procedure_version__procedure=OuterRef("procedure_version__procedure"),
            receiving_agency=OuterRef("receiving_agency"),
            status__in=ENDED_WITHOUT_RESULT,
            ended_at__gte=window_start,
            ended_at__lt=OuterRef("accepted_at"),
        ).exclude(pk=OuterRef("pk"))
    )


_PERSON_KEYS = (
    # Conditions on the earlier failure ``f`` against this dossier's applicant ``a``. The
    # emptiness test is on ``f`` (equal keys are both non-empty): it lets the database skip the
    # failures without that key before looking up applicants. Names compare folded
    # (``Applicant.name_key``), the same on both databases.
    "f.citizen_id = a.citizen_id AND f.citizen_id <> ''",
    "f.tax_code = a.tax_code AND f.tax_code <> ''",
    "f.name_key = a.name_key AND f.phone = a.phone AND f.phone <> ''",
)


def earlier_failure_ids_sql(window_days: int) -> tuple[str, list[Any]]:
    """Ids of accepted dossiers with an earlier failure (rule 3), as one uncorrelated statement.

    The correlated ``EXISTS`` of ``_earlier_failure`` runs once per dossier with an OR over three
    person keys, which no database can turn into a join; over a whole table that dominates the
    cost (bench/bench_indicators.py: minutes at 1,000,000 dossiers). Here the statement starts
    from the few refusals and withdrawals (``failure``, with their applicant's keys, desk and
    procedure), finds the applicants sharing each person key (an index or hash lookup), then
    those applicants' dossiers at the same desk and procedure whose acceptance falls in the
    window after the failure; the three keys are united. At 1,000,000 dossiers on PostgreSQL
    this takes 1.6 s where joining every dossier to the failures took 9 s. The same rule as
    ``_earlier_failure``: ``indicators/tests/test_facts.py`` compares both on random data.
    """
    from django.db import connection

    days = int(window_days)
    if connection.vendor == "sqlite":
        window = "f.ended_at >= strftime('%%Y-%%m-%%d %%H:%%M:%%f', d.accepted_at, %s)"
        params: list[Any] = [f"-{days} days"]
        # Unary plus keeps SQLite (no statistics) from reading every dossier of the failure's
        # desk through the desk index; it looks the applicant's dossiers up by owner instead.
        desk = "+d.receiving_agency_id"
    else:
        window = "f.ended_at >= d.accepted_at - (%s * INTERVAL '1 day')"
        params = [days]
        desk = "d.receiving_agency_id"
    failures = ", ".join(str(int(s)) for s in ENDED_WITHOUT_RESULT)
    # Only constants and int() values are interpolated; the window length is a parameter.
    failure = (
        "failure AS (SELECT f.id, f.receiving_agency_id AS desk, fv.procedure_id, f.ended_at,"  # noqa: S608
        " fa.citizen_id, fa.tax_code, fa.name_key, fa.phone FROM dossiers_dossier f"
        " JOIN procedures_procedureversion fv ON fv.id = f.procedure_version_id"
        " JOIN dossiers_applicant fa ON fa.id = f.owner_id"
        f" WHERE f.status IN ({failures}) AND f.ended_at IS NOT NULL)"
    )
    parts = []
    for person in _PERSON_KEYS:
        parts.append(
            f"SELECT d.id FROM failure f JOIN dossiers_applicant a ON {person}"  # noqa: S608
            f" JOIN dossiers_dossier d ON d.owner_id = a.id AND {desk} = f.desk"
            f" AND d.accepted_at IS NOT NULL AND f.ended_at < d.accepted_at AND {window} AND f.id <> d.id"
            " JOIN procedures_procedureversion v ON v.id = d.procedure_version_id"
            " AND v.procedure_id = f.procedure_id"
        )
    return f"WITH {failure} {' UNION '.join(parts)}", params * len(parts)


# Rule 3 does not apply when an officer recorded why the earlier failure was not the desk's fault.
NOT_EXEMPT = Q(one_go_exemption="")


def failed_here(r: dict[str, int]) -> Q:
    """Rules 1 and 2: too many supplement requests on this dossier itself (``r`` from ``rules``)."""
    return Q(supplements_before__gt=r["max_pre_acceptance_requests"]) | Q(
        supplements_after__gt=r["max_post_acceptance_requests"]
    )


def one_go_annotations(settings: dict[str, Any] | None = None, *, bulk: bool = False) -> dict[str, Any]:
    """The annotations that decide ``one_go`` (rules 1–3), for callers that filter themselves.

    ``bulk=True`` (a whole table: the indicators' raw computation and rollup rebuild) decides rule
    3 with one uncorrelated statement (``earlier_failure_ids_sql``) instead of a subquery per row.
    """
    from django.db.models.expressions import RawSQL

    r = rules(settings)
    failed = failed_here(r) | (Q(earlier_failure=True) & NOT_EXEMPT)
    if bulk:
        sql, params = earlier_failure_ids_sql(r["resubmission_window_days"])
        failed_before = RawSQL(sql, params)  # noqa: S611 - constant SQL, parameters bound
        earlier: Any = Case(
            When(Q(pk__in=failed_before), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    else:
        earlier = _earlier_failure(r["resubmission_window_days"])
    return {
        "earlier_failure": earlier,
        "one_go": Case(When(failed, then=Value(False)), default=Value(True), output_field=BooleanField()),
    }


def annotate_one_go(queryset: QuerySet, settings: dict[str, Any] | None = None) -> QuerySet:
    """Add ``one_go`` (True/False) to accepted, not withdrawn dossiers of ``queryset``."""
    annotations = one_go_annotations(settings)
    return (
        queryset.filter(accepted_at__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .annotate(earlier_failure=annotations["earlier_failure"])
        .annotate(one_go=annotations["one_go"])
    )


def one_go_rate(queryset: QuerySet, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """C3 = one-go dossiers / accepted dossiers not withdrawn (D5: no denominator → N/A)."""
    # The aggregate's names must differ from the annotation's, or the filter reads the wrong one.
    totals = annotate_one_go(queryset, settings).aggregate(
        n_total=Count("pk"), n_one_go=Count("pk", filter=Q(one_go=True))
    )
    total, one_go = totals["n_total"], totals["n_one_go"]
    return {"total": total, "one_go": one_go, "rate": round(100 * one_go / total, 2) if total else None}


def one_go_of(dossier: Dossier, settings: dict[str, Any] | None = None) -> bool | None:
    """The flag of one dossier; ``None`` when it does not count (not accepted, or withdrawn)."""
    row = (
        annotate_one_go(Dossier.objects.filter(pk=dossier.pk), settings)
        .values_list("one_go", flat=True)
        .first()
    )
    return row
