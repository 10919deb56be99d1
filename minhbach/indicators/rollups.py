"""Daily rollups: maintained incrementally, rebuildable, equal to the raw computation (ADR 0007).

A dossier's facts (``DossierFact``) map to a few (day, counter, +n) contributions. When a dossier
changes, ``refresh`` subtracts the contributions of its stored facts and adds those of its new
facts, touching only the rows of the affected days; ``rebuild`` recomputes everything with
``GROUP BY`` queries. ``tests/test_rollups.py`` checks on random data that both paths give the
raw computation's numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q

from minhbach.dossiers.models import Dossier
from minhbach.indicators.facts import FACT_COLUMNS, bulk_fact_sql, fact_queryset
from minhbach.indicators.models import (
    COUNTER_FIELDS,
    DossierFact,
    ProcedureDayRollup,
    UnitDayRollup,
)

Contribution = tuple[dt.date, str, int]
FACT_FIELDS = tuple(FACT_COLUMNS)


def contributions(fact: dict[str, Any]) -> list[Contribution]:
    """The counters one dossier adds to, by local day (the Python statement of the SQL rebuild)."""
    accept = fact["accept_day"]
    if accept is None:
        return []
    out: list[Contribution] = [(accept, "received", 1)]
    if fact["online"]:
        out.append((accept, "received_online", 1))
    if not fact["withdrawn"]:
        out.append((accept, "accepted", 1))
        if fact["one_go"]:
            out.append((accept, "one_go", 1))
    if fact["fee"]:
        out.append((accept, "fee_dossiers", 1))
        if fact["paid_online"]:
            out.append((accept, "paid_online", 1))
    if fact["digitised"]:
        out.append((accept, "digitised", 1))
    if fact["reused"]:
        out.append((accept, "reused", 1))
    end = fact["end_day"]
    if fact["counted"]:
        if end is not None:
            out.append((end, "ended_ok" if fact["ended_ok"] else "ended_late", 1))
            out.append((end, "ended_days", max((end - accept).days, 0)))
            if fact["ended_ok"] and not fact["flagged"]:
                out.append((end, "ended_good", 1))
        if end is None or accept < end:
            out += _interval(accept, end, "open_delta")
            overdue = fact["overdue_from"]
            stop = end if overdue is None else (overdue if end is None else min(end, overdue))
            if stop is None or accept < stop:
                out += _interval(accept, stop, "within_delta")
                if not fact["flagged"]:
                    out += _interval(accept, stop, "within_clean_delta")
    if end is not None and fact["with_result"] and fact["paper_result"]:
        out.append((end, "ended_paper", 1))
        if fact["eresult"]:
            out.append((end, "ended_eresult", 1))
    if fact["return_day"] is not None and fact["rated"]:
        out.append((fact["return_day"], "returned_rated", 1))
        if fact["satisfied"]:
            out.append((fact["return_day"], "returned_satisfied", 1))
    return out


def _interval(start: dt.date, stop: dt.date | None, column: str) -> list[Contribution]:
    """+1 from ``start``, −1 from ``stop`` (exclusive end; ``None`` = still open)."""
    return [(start, column, 1)] + ([(stop, column, -1)] if stop is not None else [])


def _keys(fact: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    return (fact["agency_id"],), (fact["desk_id"], fact["procedure_id"], fact["channel"])


def _accumulate(facts: Iterable[dict[str, Any]], sign: int, unit: dict, proc: dict) -> None:
    for fact in facts:
        unit_key, proc_key = _keys(fact)
        for day, column, n in contributions(fact):
            unit[(*unit_key, day)][column] += sign * n
            proc[(*proc_key, day)][column] += sign * n


def _apply(model, key_fields: tuple[str, ...], deltas: dict[tuple, dict[str, int]]) -> None:
    """Add ``deltas`` to the rows of ``model`` (creating missing rows), in a few statements."""
    deltas = {key: changes for key, changes in deltas.items() if any(changes.values())}
    if not deltas:
        return
    fields = (*key_fields, "day")
    lookup = Q()
    for key in deltas:
        lookup |= Q(**dict(zip(fields, key, strict=True)))
    existing = {
        tuple(getattr(row, f) for f in fields): row
        for row in model.objects.select_for_update().filter(lookup)
    }
    to_create, to_update, touched = [], [], set()
    for key, changes in deltas.items():
        row = existing.get(key)
        if row is None:
            row = model(**dict(zip(fields, key, strict=True)))
            to_create.append(row)
        else:
            to_update.append(row)
        for column, n in changes.items():
            setattr(row, column, getattr(row, column) + n)
            touched.add(column)
    if to_create:
        model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(touched))


def with_siblings(ids: list[int]) -> list[int]:
    """The dossiers plus those whose one-go flag may depend on them (§5.7 rule 3).

    A refusal or withdrawal of one dossier can cost the one-go flag of a later dossier of the same
    applicant, procedure and desk, so those are refreshed together. Applicants match as in
    ``dossiers.onego``: by citizen ID, tax code, or name and phone.
    """
    rows = list(
        Dossier.objects.filter(pk__in=ids).values(
            "procedure_version__procedure_id", "receiving_agency_id", "owner__citizen_id", "owner__tax_code",
            "owner__name_key", "owner__phone",
        )
    )  # fmt: skip
    condition = Q()
    for row in rows:
        person = Q(owner__name_key=row["owner__name_key"], owner__phone=row["owner__phone"])
        if row["owner__citizen_id"]:
            person |= Q(owner__citizen_id=row["owner__citizen_id"])
        if row["owner__tax_code"]:
            person |= Q(owner__tax_code=row["owner__tax_code"])
        condition |= person & Q(
            procedure_version__procedure_id=row["procedure_version__procedure_id"],
            receiving_agency_id=row["receiving_agency_id"],
            accepted_at__isnull=False,
        )
    if not rows:
        return ids
    siblings = Dossier.objects.filter(condition).values_list("pk", flat=True)
    return sorted(set(ids) | set(siblings))


@transaction.atomic
def refresh(dossier_ids: Iterable[int]) -> int:
    """Bring the rollups up to date for these dossiers (called by the services that change them)."""
    ids = with_siblings(sorted(set(dossier_ids)))
    if not ids:
        return 0
    old = list(
        DossierFact.objects.select_for_update().filter(dossier_id__in=ids).values("dossier_id", *FACT_FIELDS)
    )
    new = [
        {field: row[source] for field, source in FACT_COLUMNS.items()} | {"dossier_id": row["pk"]}
        for row in fact_queryset(Dossier.objects.filter(pk__in=ids), bulk=False).values(
            "pk", *FACT_COLUMNS.values()
        )
    ]
    unit: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    proc: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    _accumulate(old, -1, unit, proc)
    _accumulate(new, +1, unit, proc)
    _apply(UnitDayRollup, ("agency_id",), unit)
    _apply(ProcedureDayRollup, ("agency_id", "procedure_id", "channel"), proc)
    DossierFact.objects.filter(dossier_id__in=ids).delete()
    DossierFact.objects.bulk_create([DossierFact(**fact) for fact in new])
    return len(ids)


# --- Rebuild in SQL --------------------------------------------------------------------------

# (counter, day column of the fact, filter, sign): the SQL statement of ``contributions``.
_NOT_NULL_END = Q(end_day__isnull=False)
_OPEN_STOP = Q(end_day__isnull=False) & (Q(overdue_from__isnull=True) | Q(end_day__lte=F("overdue_from")))
_OVERDUE_STOP = Q(overdue_from__isnull=False) & (Q(end_day__isnull=True) | Q(overdue_from__lt=F("end_day")))
_WITHIN = (
    Q(counted=True)
    & (Q(end_day__isnull=True) | Q(accept_day__lt=F("end_day")))
    & (Q(overdue_from__isnull=True) | Q(accept_day__lt=F("overdue_from")))
)
RECIPES: tuple[tuple[str, str, Q, int], ...] = (
    ("received", "accept_day", Q(), 1),
    ("received_online", "accept_day", Q(online=True), 1),
    ("accepted", "accept_day", Q(withdrawn=False), 1),
    ("one_go", "accept_day", Q(withdrawn=False, one_go=True), 1),
    ("fee_dossiers", "accept_day", Q(fee=True), 1),
    ("paid_online", "accept_day", Q(fee=True, paid_online=True), 1),
    ("digitised", "accept_day", Q(digitised=True), 1),
    ("reused", "accept_day", Q(reused=True), 1),
    ("ended_ok", "end_day", Q(counted=True, ended_ok=True) & _NOT_NULL_END, 1),
    ("ended_late", "end_day", Q(counted=True, ended_ok=False) & _NOT_NULL_END, 1),
    ("ended_good", "end_day", Q(counted=True, ended_ok=True, flagged=False) & _NOT_NULL_END, 1),
    ("ended_paper", "end_day", Q(with_result=True, paper_result=True) & _NOT_NULL_END, 1),
    ("ended_eresult", "end_day", Q(with_result=True, paper_result=True, eresult=True) & _NOT_NULL_END, 1),
    ("returned_rated", "return_day", Q(return_day__isnull=False, rated=True), 1),
    ("returned_satisfied", "return_day", Q(return_day__isnull=False, rated=True, satisfied=True), 1),
    (
        "open_delta",
        "accept_day",
        Q(counted=True) & (Q(end_day__isnull=True) | Q(accept_day__lt=F("end_day"))),
        1,
    ),
    ("open_delta", "end_day", Q(counted=True, accept_day__lt=F("end_day")), -1),
    ("within_delta", "accept_day", _WITHIN, 1),
    ("within_delta", "end_day", _WITHIN & _OPEN_STOP, -1),
    ("within_delta", "overdue_from", _WITHIN & _OVERDUE_STOP, -1),
    ("within_clean_delta", "accept_day", _WITHIN & Q(flagged=False), 1),
    ("within_clean_delta", "end_day", _WITHIN & _OPEN_STOP & Q(flagged=False), -1),
    ("within_clean_delta", "overdue_from", _WITHIN & _OVERDUE_STOP & Q(flagged=False), -1),
)


def _grouped(key_fields: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # ended_days sums a date difference: counted per (accept day, end day) pair in SQL, the
    # subtraction done on those aggregated rows (date arithmetic differs between the databases).
    pairs = (
        DossierFact.objects.filter(Q(counted=True) & _NOT_NULL_END)
        .values(*key_fields, "accept_day", "end_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in pairs:
        key = (*(row[f] for f in key_fields), row["end_day"])
        rows[key]["ended_days"] += max((row["end_day"] - row["accept_day"]).days, 0) * row["n"]
    for column, day_field, condition, sign in RECIPES:
        grouped = (
            DossierFact.objects.filter(condition)
            .values(*key_fields, rollup_day=F(day_field))
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in grouped:
            key = (*(row[f] for f in key_fields), row["rollup_day"])
            rows[key][column] += sign * row["n"]
    return rows


def _insert(model, key_fields: tuple[str, ...], rows: dict[tuple, dict[str, int]], batch: int = 5000) -> int:
    fields = (*key_fields, "day")
    objects = [
        model(**dict(zip(fields, key, strict=True)), **{c: counts.get(c, 0) for c in COUNTER_FIELDS})
        for key, counts in rows.items()
        if any(counts.values())
    ]
    model.objects.bulk_create(objects, batch_size=batch)
    return len(objects)


def insert_facts(queryset=None) -> int:
    """Write ``DossierFact`` rows for the dossiers of ``queryset`` with one INSERT … SELECT."""
    from django.db import connection

    select_sql, params = bulk_fact_sql(queryset)
    columns = [*FACT_COLUMNS.keys(), "dossier_id"]
    table = DossierFact._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({quoted}) {select_sql}", params)
        return cursor.rowcount


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute facts and rollups from the dossiers (``manage.py rebuild_rollups``)."""
    UnitDayRollup.objects.all().delete()
    ProcedureDayRollup.objects.all().delete()
    DossierFact.objects.all().delete()
    facts = insert_facts()
    units = _insert(UnitDayRollup, ("agency_id",), _grouped(("agency_id",)))
    procedures = _insert(
        ProcedureDayRollup,
        ("agency_id", "procedure_id", "channel"),
        _grouped(("desk_id", "procedure_id", "channel")),
    )
    return {"facts": facts, "unit_rows": units, "procedure_rows": procedures}
