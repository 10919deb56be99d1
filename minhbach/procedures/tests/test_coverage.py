"""Listing status and coverage (DOMAIN.md §4.4, C2) against the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minhbach.core.models import RuleSet
from minhbach.core.workdays import seed
from minhbach.core.workdays.calendar import compute_due
from minhbach.procedures import coverage, listing
from minhbach.procedures.coverage import Status
from minhbach.procedures.models import Procedure, ProcedureListing, ProcedureVersion
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 6, 28)  # a Friday
OLD = "1872/QĐ-BTP"


def _proc(code: str, name: str = "Thủ tục thử", **kwargs) -> Procedure:
    return make_procedure(code, name, decision=kwargs.pop("decision", OLD), **kwargs).procedure


def _new_version(code: str, decision: str, signed_on: dt.date) -> ProcedureVersion:
    """A new announcing decision for ``code``, in force from its signing day."""
    return make_procedure(code, decision=decision, valid_from=signed_on, decision_signed_on=signed_on)


def _assign(agency, *procedures, valid_from=dt.date(2023, 1, 1), valid_to=None) -> None:
    listing.procedures_assign(
        actor=None, agency=agency, procedures=procedures, valid_from=valid_from, valid_to=valid_to
    )


def _statuses(agency, on=ON) -> dict[tuple[str, str], str]:
    ctx = coverage.check_context(agency, on)
    rows = coverage.listing_rows(agency, ctx.on, threshold=ctx.threshold)
    return {(r.agency.slug, r.procedure.code): r.status for r in rows.select_related("agency", "procedure")}


@pytest.fixture
def scenario(district):
    """Six procedures at desk A, one per case of the consistency rule."""
    desk = district.desk_a
    codes = ["1.000001", "1.000002", "1.000003", "1.000004", "1.000005", "1.000006"]
    procedures = [_proc(code) for code in codes]
    _assign(desk, *procedures)
    posted = dt.date(2023, 3, 1)
    # 1: listed with the version in force → in_sync
    listing.listing_record(actor=None, agency=desk, procedure=procedures[0], medium="paper", posted_on=posted)
    # 2: never listed → missing
    # 3: listed, then a decision signed long before the check date → stale
    listing.listing_record(actor=None, agency=desk, procedure=procedures[2], medium="qr", posted_on=posted)
    _new_version("1.000003", "10/QĐ-BTP", dt.date(2024, 3, 1))
    # 4: listed, then a decision signed two working days before the check date → still in grace
    listing.listing_record(actor=None, agency=desk, procedure=procedures[3], medium="both", posted_on=posted)
    _new_version("1.000004", "11/QĐ-BTP", dt.date(2024, 6, 26))
    # 5: the listing was taken down → missing
    listing.listing_record(actor=None, agency=desk, procedure=procedures[4], medium="none", posted_on=posted)
    # 6: posted after the check date → missing on the check date
    listing.listing_record(
        actor=None, agency=desk, procedure=procedures[5], medium="paper", posted_on=dt.date(2024, 7, 2)
    )
    return district


def test_each_case_of_the_consistency_rule(scenario):
    desk = scenario.desk_a.slug
    assert _statuses(scenario.desk_a) == {
        (desk, "1.000001"): Status.IN_SYNC,
        (desk, "1.000002"): Status.MISSING,
        (desk, "1.000003"): Status.STALE,
        (desk, "1.000004"): Status.IN_SYNC,
        (desk, "1.000005"): Status.MISSING,
        (desk, "1.000006"): Status.MISSING,
    }


def test_grace_runs_out_after_five_working_days(scenario):
    # Signed Wed 26/6/2024: Thu 27, Fri 28, Mon 1, Tue 2, Wed 3/7 are the five days of grace.
    assert (
        _statuses(scenario.desk_a, dt.date(2024, 7, 3))[(scenario.desk_a.slug, "1.000004")] == Status.IN_SYNC
    )
    assert _statuses(scenario.desk_a, dt.date(2024, 7, 4))[(scenario.desk_a.slug, "1.000004")] == Status.STALE


def test_updating_the_listing_brings_it_back_in_sync(scenario):
    desk = scenario.desk_a
    stale = Procedure.objects.get(code="1.000003")
    listing.listing_record(
        actor=None, agency=desk, procedure=stale, medium="both", posted_on=dt.date(2024, 3, 5)
    )
    assert _statuses(desk)[(desk.slug, "1.000003")] == Status.IN_SYNC


def test_coverage_counts_and_formula(scenario):
    cov = coverage.coverage(scenario.desk_a, ON)
    assert (cov.assigned, cov.in_sync, cov.stale, cov.missing) == (6, 2, 1, 3)
    assert str(cov.percent) == "33.3"
    assert cov.grace_days == 5 and cov.threshold == dt.date(2024, 6, 20)


def test_coverage_covers_the_subtree_only(scenario):
    district = scenario
    other = _proc("2.000001")
    _assign(district.desk_b, other)
    listing.listing_record(
        actor=None, agency=district.desk_b, procedure=other, medium="paper", posted_on=dt.date(2023, 3, 1)
    )
    assert coverage.coverage(district.commune_a, ON).assigned == 6
    assert coverage.coverage(district.commune_b, ON).assigned == 1
    whole = coverage.coverage(district.committee, ON)
    assert (whole.assigned, whole.in_sync) == (7, 3)
    per_agency = {
        row["agency__slug"]: row
        for row in coverage.coverage_by_agency(
            district.committee, coverage.check_context(district.committee, ON)
        )
    }
    assert set(per_agency) == {district.desk_a.slug, district.desk_b.slug}
    assert (
        per_agency[district.desk_b.slug]["in_sync"] == 1
        and str(per_agency[district.desk_b.slug]["percent"]) == "100.0"
    )


def test_only_pairs_in_force_on_the_check_date_count(district):
    ended, future, abolished, current = (_proc(c) for c in ("3.1", "3.2", "3.3", "3.4"))
    _assign(district.desk_a, ended, valid_to=dt.date(2023, 12, 31))
    _assign(district.desk_a, future, valid_from=dt.date(2024, 7, 1))
    _assign(district.desk_a, abolished, current)
    ProcedureVersion.objects.filter(procedure=abolished).update(status=ProcedureVersion.Status.ABOLISHED)
    assert set(_statuses(district.desk_a)) == {(district.desk_a.slug, "3.4")}
    assert coverage.coverage(district.desk_a, ON).percent == 0


def test_overlapping_assignments_count_once(district):
    proc = _proc("4.1")
    _assign(district.desk_a, proc, valid_from=dt.date(2022, 1, 1))
    _assign(district.desk_a, proc, valid_from=dt.date(2023, 1, 1))
    assert coverage.coverage(district.desk_a, ON).assigned == 1


def test_a_unit_without_procedures_has_no_percentage(district):
    cov = coverage.coverage(district.desk_b, ON)
    assert cov.assigned == 0 and cov.percent is None


def test_the_version_in_force_on_the_check_date_decides(district):
    # The new decision takes effect after the check date: the old listing is still right then.
    proc = _proc("5.1")
    _assign(district.desk_a, proc)
    listing.listing_record(
        actor=None, agency=district.desk_a, procedure=proc, medium="paper", posted_on=dt.date(2023, 2, 1)
    )
    _new_version("5.1", "12/QĐ-BTP", dt.date(2024, 9, 1))
    assert _statuses(district.desk_a)[(district.desk_a.slug, "5.1")] == Status.IN_SYNC
    assert _statuses(district.desk_a, dt.date(2024, 9, 30))[(district.desk_a.slug, "5.1")] == Status.STALE


@pytest.mark.parametrize(
    ("on", "days", "threshold"),
    [
        (dt.date(2024, 6, 28), 5, dt.date(2024, 6, 20)),  # Fri: back over one weekend
        (dt.date(2024, 7, 1), 5, dt.date(2024, 6, 23)),  # Mon: the Sunday before the 5th working day
        (dt.date(2024, 7, 1), 0, dt.date(2024, 6, 30)),  # no grace: any decision before the day
        (dt.date(2024, 7, 1), 1, dt.date(2024, 6, 27)),
        # 29/4–1/5/2024 off (swap day, 30/4, 1/5), but Saturday 4/5 is the make-up working day
        (dt.date(2024, 5, 6), 5, dt.date(2024, 4, 24)),
        # Tết 2024: 8/2–14/2 off
        (dt.date(2024, 2, 19), 5, dt.date(2024, 2, 4)),
        # Quốc khánh 2/9 and 3/9/2024
        (dt.date(2024, 9, 4), 5, dt.date(2024, 8, 25)),
    ],
)
def test_grace_threshold_vectors(district, on, days, threshold):
    seed.seed_years([2024])
    assert coverage.grace_threshold(on, days, agency=district.desk_a) == threshold


@pytest.mark.parametrize(
    "on", [dt.date(2024, 2, 19), dt.date(2024, 5, 6), dt.date(2024, 9, 4), dt.date(2024, 12, 30)]
)
def test_grace_threshold_agrees_with_compute_due(district, on):
    """Stale on ``on`` exactly when the 5-working-day period after the decision has ended before."""
    seed.seed_years([2024])
    threshold = coverage.grace_threshold(on, 5, agency=district.desk_a)
    for offset in range(-25, 0):
        decided = on + dt.timedelta(days=offset)
        ended = compute_due(decided, 5, "working_day", agency=district.desk_a).due_date < on
        assert ended == (decided <= threshold), decided


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"listing": {"grace_working_days": 10}}, 10),
        ({"listing": {"grace_working_days": 3}}, 3),
        ({"listing": {"grace_working_days": "7"}}, 7),
        ({"listing": {"grace_working_days": -1}}, 5),
        ({"listing": {"grace_working_days": "năm"}}, 5),
        ({"listing": {"grace_working_days": True}}, 5),
        ({"listing": {}}, 5),
    ],
)
def test_grace_period_is_read_from_the_rule_set(rules, expected):
    base = RuleSet.objects.get(code="vn-2018", version=1)
    RuleSet.objects.create(
        domain=base.domain,
        code=base.code,
        version=2,
        name=base.name,
        valid_from=base.valid_from,
        valid_to=base.valid_to,
        settings={**base.settings, **rules},
    )
    assert coverage.grace_working_days(ON) == expected


def test_a_longer_grace_period_keeps_the_listing_in_sync(scenario):
    base = RuleSet.objects.get(code="vn-2018", version=1)
    RuleSet.objects.create(
        domain=base.domain, code=base.code, version=2, name=base.name, valid_from=base.valid_from,
        valid_to=base.valid_to, settings={**base.settings, "listing": {"grace_working_days": 100}},
    )  # fmt: skip
    assert _statuses(scenario.desk_a)[(scenario.desk_a.slug, "1.000003")] == Status.IN_SYNC


def test_default_check_date_is_the_last_day_of_a_dissolved_unit(district):
    assert coverage.default_check_date(district.desk_a, dt.date(2026, 1, 5)) == dt.date(2026, 1, 5)
    district.desk_a.valid_to = dt.date(2025, 6, 30)
    assert coverage.default_check_date(district.desk_a, dt.date(2026, 1, 5)) == dt.date(2025, 6, 30)


def _coverage_queries(agency) -> int:
    with CaptureQueriesContext(connection) as ctx:
        cov = coverage.coverage(agency, ON)
        list(coverage.gaps(agency, coverage.check_context(agency, ON)))
    assert cov.assigned > 0
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_catalogue(district):
    agency = Agency.objects.select_related("administrative_unit").get(pk=district.desk_a.pk)
    first = [_proc(f"6.{i}") for i in range(3)]
    _assign(agency, *first)
    few = _coverage_queries(agency)
    more = [_proc(f"7.{i}") for i in range(12)]
    _assign(agency, *more, valid_from=dt.date(2023, 2, 1))
    for proc in more[:6]:
        listing.listing_record(
            actor=None, agency=agency, procedure=proc, medium="paper", posted_on=dt.date(2023, 3, 1)
        )
    assert _coverage_queries(agency) == few
    # rule set + calendar (rule set, rows) for each context, one aggregate, one list of gaps
    assert few == 8


def test_listing_rows_is_one_statement(district):
    agency = Agency.objects.select_related("administrative_unit").get(pk=district.desk_a.pk)
    _assign(agency, *[_proc(f"8.{i}") for i in range(5)])
    ctx = coverage.check_context(agency, ON)
    with CaptureQueriesContext(connection) as captured:
        totals = coverage.coverage(agency, ctx=ctx)
    assert len(captured.captured_queries) == 1
    assert totals.missing == 5
    assert ProcedureListing.objects.count() == 0
