"""The whole-table facts (``facts.bulk_fact_sql``: child tables grouped and joined) equal the
per-dossier facts (``facts.annotate_facts`` with correlated subqueries and the correlated one-go
rule 3), dossier by dossier and column by column, on random dossiers with every child table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minhbach.dossiers.models import (
    Applicant,
    Dossier,
    DossierDocument,
    DossierFee,
    DossierResult,
    OnlinePayment,
    Status,
)
from minhbach.dossiers.onego import ENDED_WITHOUT_RESULT
from minhbach.indicators.facts import FACT_COLUMNS, bulk_fact_sql, fact_queryset
from minhbach.procedures.tests.factories import make_procedure
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

BASE = dt.date(2024, 1, 1)
# Refusals and withdrawals come twice as often, and rules 1–2 mostly pass, so that one-go rule 3
# (an earlier failure of the same person) decides many examples.
STATUSES = (
    Status.IN_PROGRESS,
    Status.SUPPLEMENT_REQUESTED,
    Status.FINISHED,
    Status.RETURNED,
    Status.REFUSED,
    Status.STOPPED,
    Status.WITHDRAWN,
)

spec = st.fixed_dictionaries(
    {
        "agency": st.integers(0, 1),
        "version": st.integers(0, 1),
        "owner": st.integers(0, 3),
        "accept": st.one_of(st.none(), st.integers(0, 40)),
        "hour": st.integers(0, 23),
        "duration": st.integers(0, 20),
        "due_after": st.one_of(st.none(), st.integers(0, 12)),
        "status": st.sampled_from(STATUSES + ENDED_WITHOUT_RESULT),
        "channel": st.sampled_from([1, 2]),
        "supplements_before": st.sampled_from([0, 0, 0, 1, 2]),
        "supplements_after": st.sampled_from([0, 0, 0, 0, 1, 2, 3]),
        "exempt": st.sampled_from([False, False, False, True]),
        "fees": st.lists(
            st.tuples(st.sampled_from([0, 50_000]), st.sampled_from(list(OnlinePayment))), max_size=2
        ),
        "documents": st.lists(st.tuples(st.booleans(), st.booleans()), max_size=3),
        "result": st.sampled_from(["none", "paper", "file"]),
        "ratings": st.lists(st.tuples(st.booleans(), st.booleans()), max_size=2),
        "feedback": st.booleans(),
    }
)


def _moment(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(BASE + dt.timedelta(days=day), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    agencies = [
        make_agency(name="UBND xã A", kind=Agency.Kind.PEOPLE_COMMITTEE),
        make_agency(name="UBND xã B", kind=Agency.Kind.PEOPLE_COMMITTEE),
    ]
    versions = [make_procedure(days=3), make_procedure(days=5)]
    versions[1].has_paper_result = False
    versions[1].save(update_fields=["has_paper_result"])
    # Four applicant records, three people: 0 and 1 share a citizen ID; 2 and 3 share name (in
    # another case, with Vietnamese letters and spacing that fold alike) and phone; 3 also has a
    # tax code.
    owners = [
        Applicant.objects.create(full_name="Nguyễn Văn An", citizen_id="049090000001", phone="0905000001"),
        Applicant.objects.create(full_name="NGUYỄN VĂN AN", citizen_id="049090000001", phone="0905000009"),
        Applicant.objects.create(full_name="Hoàng Thị Bình", phone="0905000002"),
        Applicant.objects.create(full_name=" HOÀNG THỊ  BÌNH", phone="0905000002", tax_code="4000000001"),
    ]
    return agencies, versions, owners


def _build(world, s):
    from minhbach.feedback.models import Feedback, State

    agencies, versions, owners = world
    accepted = _moment(s["accept"], s["hour"]) if s["accept"] is not None else None
    end = _moment((s["accept"] or 0) + s["duration"], (s["hour"] + 5) % 24)
    status = s["status"] if accepted else Status.IN_PROGRESS
    fields = {}
    if status in (Status.FINISHED, Status.RETURNED):
        fields["finished_at"] = end
    if status == Status.RETURNED:
        fields["returned_at"] = end + dt.timedelta(hours=2)
    if status in (Status.FINISHED, Status.RETURNED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN):
        fields["ended_at"] = end
    if status == Status.SUPPLEMENT_REQUESTED:
        fields.update(stage="after_acceptance", paused_at=end)
    due = None
    if accepted and s["due_after"] is not None:
        due = _moment(s["accept"] + s["due_after"], 10)
    dossier = Dossier.objects.create(
        procedure_version=versions[s["version"]],
        channel=s["channel"],
        receiving_agency=agencies[s["agency"]],
        handling_agency=agencies[1 - s["agency"]] if s["hour"] % 5 == 0 else agencies[s["agency"]],
        owner=owners[s["owner"]],
        submitted_at=accepted or _moment(0, 8),
        accepted_at=accepted,
        effective_due_at=due,
        status=status,
        supplements_before=s["supplements_before"],
        supplements_after=s["supplements_after"],
        one_go_exemption="Lỗi của hệ thống" if s["exempt"] else "",
        **fields,
    )
    for amount, channel in s["fees"]:
        DossierFee.objects.create(dossier=dossier, name="Lệ phí", amount_vnd=amount, online_channel=channel)
    for digitised, reused in s["documents"]:
        DossierDocument.objects.create(dossier=dossier, name="Tờ khai", digitised=digitised, reused=reused)
    if s["result"] != "none":
        url = "https://example.invalid/kq.pdf" if s["result"] == "file" else ""
        DossierResult.objects.create(dossier=dossier, name="Kết quả", file_url=url)
    # At most one current rating per dossier: every earlier one is superseded.
    for i, (satisfied, superseded) in enumerate(s["ratings"]):
        last = i == len(s["ratings"]) - 1
        Rating.objects.create(
            dossier=dossier,
            level="x",
            satisfied=satisfied,
            channel=RatingChannel.QR,
            superseded=superseded or not last,
        )
    if s["feedback"]:
        moment = accepted or _moment(0, 8)
        Feedback.objects.create(
            code=f"PAKN.{dossier.pk}", state=State.RECEIVED, channel="minhbach", text="Phản ánh",
            agency=agencies[0], category="other", class_766="regulation", received_at=moment,
            timer_start=moment, dossier=dossier,
        )  # fmt: skip


def _bulk_rows() -> dict[int, tuple]:
    sql, params = bulk_fact_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["f_id"]: _normal(row) for row in rows}


def _normal(row: dict) -> tuple:
    """Booleans as booleans and dates as ISO text, so both databases' values compare."""
    out = []
    for column in FACT_COLUMNS.values():
        value = row[column]
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif column not in ("f_agency", "f_desk", "f_procedure", "f_channel") and value is not None:
            value = bool(value) if not isinstance(value, str) else value
        out.append(value)
    return tuple(out)


def _orm_rows() -> dict[int, tuple]:
    rows = fact_queryset(Dossier.objects.all(), bulk=False).values("pk", *FACT_COLUMNS.values())
    return {row["pk"]: _normal(row) for row in rows}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(spec, min_size=1, max_size=20))
def test_bulk_facts_equal_per_dossier_facts(world, specs):
    with transaction.atomic():
        for s in specs:
            _build(world, s)
        bulk, orm = _bulk_rows(), _orm_rows()
        assert set(bulk) == set(orm)
        for pk, row in orm.items():
            assert bulk[pk] == row, (
                pk,
                dict(zip(FACT_COLUMNS.values(), zip(row, bulk[pk], strict=True), strict=True)),
            )
        transaction.set_rollback(True)


def test_bulk_facts_see_the_child_tables_and_rule_3(world):
    """A hand-built pair: the facts that only the child tables and the earlier refusal can set."""
    owners = world[2]
    common = {
        "agency": 0, "version": 0, "hour": 9, "duration": 2, "due_after": 5, "channel": 2,
        "supplements_before": 0, "supplements_after": 0, "exempt": False, "feedback": False,
    }  # fmt: skip
    # Refused on day 3 (owner record 0); the same person (record 1, same citizen ID) comes back.
    _build(world, {**common, "owner": 0, "accept": 1, "status": Status.REFUSED, "fees": [], "documents": [],
                   "result": "none", "ratings": []})  # fmt: skip
    paid = [(50_000, OnlinePayment.NATIONAL_PORTAL)]
    _build(world, {**common, "owner": 1, "accept": 10, "status": Status.RETURNED, "fees": paid,
                   "documents": [(True, True)], "result": "file", "ratings": [(False, False), (True, False)],
                   "feedback": True})  # fmt: skip
    later = Dossier.objects.get(owner=owners[1])
    row = dict(zip(FACT_COLUMNS.values(), _bulk_rows()[later.pk], strict=True))
    assert row["f_one_go"] is False  # rule 3: refusal of the same person within 30 days
    assert (row["f_fee"], row["f_paid_online"], row["f_digitised"], row["f_reused"]) == (
        True,
        True,
        True,
        True,
    )
    assert (row["f_eresult"], row["f_online"], row["f_rated"], row["f_satisfied"]) == (True, True, True, True)
    assert row["f_flagged"] is True  # linked to a PAKN item (the not-satisfied rating is superseded)
    assert row == dict(zip(FACT_COLUMNS.values(), _orm_rows()[later.pk], strict=True))
