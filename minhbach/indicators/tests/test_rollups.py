"""Rollups equal the raw computation on random data; incremental refresh equals a full rebuild."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minhbach.dossiers.models import Status
from minhbach.indicators import rollups
from minhbach.indicators.families import raw_counters, rollup_counters
from minhbach.indicators.models import DossierFact, ProcedureDayRollup, UnitDayRollup
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

BASE = dt.date(2024, 1, 1)
ENDINGS = (Status.FINISHED, Status.RETURNED, Status.STOPPED, Status.WITHDRAWN)


def _moment(day_offset: int, hour: int) -> str:
    return f"{BASE + dt.timedelta(days=day_offset)} {hour:02d}:00"


dossier_spec = st.fixed_dictionaries(
    {
        "agency": st.integers(0, 1),
        "accept": st.integers(0, 60),
        "hour": st.integers(7, 16),
        "duration": st.integers(0, 20),
        "due_after": st.one_of(st.none(), st.integers(0, 15)),
        "due_hour": st.sampled_from([0, 17]),
        "ending": st.one_of(st.none(), st.sampled_from(ENDINGS)),
        "paused": st.booleans(),
        "supplements_after": st.integers(0, 3),
        "channel": st.sampled_from([1, 2]),
        "rating": st.one_of(st.none(), st.booleans()),
    }
)


def _build(make_dossier, agencies, spec):
    due = None
    if spec["due_after"] is not None:
        due = _moment(spec["accept"] + spec["due_after"], spec["due_hour"])
    fields = {"channel": spec["channel"], "supplements_after": spec["supplements_after"]}
    end = _moment(spec["accept"] + spec["duration"], 10)
    status = Status.IN_PROGRESS
    if spec["ending"] is not None:
        status = spec["ending"]
        if status in (Status.FINISHED, Status.RETURNED):
            fields["finished_at"] = end
        if status == Status.RETURNED:
            fields["returned_at"] = end
        fields["ended_at"] = end
    elif spec["paused"]:
        status = Status.SUPPLEMENT_REQUESTED
        fields["stage"] = "after_acceptance"
        fields["paused_at"] = end
    dossier = make_dossier(
        agency=agencies[spec["agency"]],
        accepted=_moment(spec["accept"], spec["hour"]),
        due=due,
        status=status,
        **fields,
    )
    if spec["rating"] is not None and status == Status.RETURNED:
        Rating.objects.create(dossier=dossier, level="x", satisfied=spec["rating"], channel=RatingChannel.QR)
    return dossier


def _nonzero(counters):
    return {pk: c for pk, c in counters.items() if any(c.values())}


def _snapshot():
    unit = {
        (r.agency_id, r.day): tuple(getattr(r, f) for f in rollups.COUNTER_FIELDS)
        for r in UnitDayRollup.objects.all()
        if any(getattr(r, f) for f in rollups.COUNTER_FIELDS)
    }
    proc = {
        (r.agency_id, r.procedure_id, r.channel, r.day): tuple(getattr(r, f) for f in rollups.COUNTER_FIELDS)
        for r in ProcedureDayRollup.objects.all()
        if any(getattr(r, f) for f in rollups.COUNTER_FIELDS)
    }
    return unit, proc


@pytest.fixture
def agencies(db):
    return [
        make_agency(name="UBND xã A", kind=Agency.Kind.PEOPLE_COMMITTEE),
        make_agency(name="UBND xã B", kind=Agency.Kind.PEOPLE_COMMITTEE),
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(dossier_spec, min_size=1, max_size=25),
    periods=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 40)), min_size=1, max_size=4),
)
def test_rollup_counters_equal_raw_counters(make_dossier, agencies, specs, periods):
    with transaction.atomic():
        for spec in specs:
            _build(make_dossier, agencies, spec)
        rollups.rebuild()
        ids = [a.pk for a in agencies]
        for offset, length in periods:
            start = BASE + dt.timedelta(days=offset)
            end = start + dt.timedelta(days=length)
            assert _nonzero(rollup_counters(ids, start, end)) == _nonzero(raw_counters(ids, start, end)), (
                start,
                end,
            )
        transaction.set_rollback(True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(dossier_spec, min_size=1, max_size=15),
    changes=st.lists(dossier_spec, min_size=1, max_size=8),
)
def test_incremental_refresh_equals_rebuild(make_dossier, agencies, specs, changes):
    with transaction.atomic():
        dossiers = [_build(make_dossier, agencies, spec) for spec in specs]
        rollups.refresh([d.pk for d in dossiers])
        # Change some dossiers in place (as services would) and refresh only those.
        changed = []
        for dossier, spec in zip(dossiers, changes, strict=False):
            replacement = _build(make_dossier, agencies, spec)
            fields = ("status", "accepted_at", "effective_due_at", "finished_at", "returned_at", "ended_at",
                      "paused_at", "stage", "supplements_after", "channel", "handling_agency_id")  # fmt: skip
            for field in fields:
                setattr(dossier, field, getattr(replacement, field))
            dossier.save()
            # The dossier's rating becomes the replacement's (one current rating per dossier).
            Rating.objects.filter(dossier=dossier).delete()
            Rating.objects.filter(dossier=replacement).update(dossier=dossier)
            changed += [dossier.pk, replacement.pk]
        rollups.refresh(changed)
        incremental = _snapshot()
        facts = DossierFact.objects.count()
        rollups.rebuild()
        assert _snapshot() == incremental
        assert DossierFact.objects.count() == facts
        transaction.set_rollback(True)
