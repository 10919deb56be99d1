"""The simulated dossier history (issue 4 item 8), on a small slice: one month, two desks."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest

from minhbach.core import ledger
from minhbach.core.models import LedgerEntry
from minhbach.core.workdays.calendar import compute_due
from minhbach.core.workdays.seed import seed_years
from minhbach.dossiers import clock
from minhbach.dossiers.models import Dossier, DossierEvent, DossierSequence, Status
from minhbach.dossiers.transitions import TRANSITIONS
from minhbach.portal.demo import dossiers as demo
from minhbach.portal.demo.procedures import DISTRICT_DESK, load_procedures
from minhbach.portal.demo.units import load_units
from minhbach.procedures.models import TimeUnit

pytestmark = pytest.mark.django_db

START, END = dt.date(2024, 1, 22), dt.date(2024, 2, 29)  # across Tết 2024
CODE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.H\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$")


@pytest.fixture
def slice_(db):
    seed_years([2023, 2024, 2025])
    units = load_units()
    load_procedures(units)
    places = [p for p in demo.places_of(units) if p.key in {"20900", DISTRICT_DESK}]
    summary = demo.load_dossiers(units, places=places, start=START, end=END, seed=7)
    return units, places, summary


def test_volume_mix_and_codes(slice_):
    _units, _places, summary = slice_
    dossiers = list(Dossier.objects.select_related("receiving_agency"))
    assert summary.dossiers == len(dossiers) > 200
    channels = [d.channel for d in dossiers]
    assert channels.count(1) > len(dossiers) / 2 and channels.count(2) > 0
    assert all(d.owner_id and len(d.owner.citizen_id) == 12 for d in dossiers[:50])
    by_day = defaultdict(list)
    for d in dossiers:
        if d.code is None:
            assert d.status in (Status.REFUSED, Status.WITHDRAWN) and d.accepted_at is None
            continue
        match = CODE.match(d.code)
        assert match and match["agency"] == d.receiving_agency.electronic_code, d.code
        by_day[(d.receiving_agency_id, match["day"])].append(int(match["seq"]))
    sequences = {(s.agency_id, f"{s.day:%y%m%d}"): s.last for s in DossierSequence.objects.all()}
    assert set(sequences) == set(by_day)
    for key, numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key  # consecutive, unique
        assert sequences[key] == len(numbers)
    assert not any(d.accepted_at and clock.local_date(d.accepted_at) in _tet() for d in dossiers)


def _tet():
    return {dt.date(2024, 2, 8) + dt.timedelta(days=i) for i in range(7)}


def test_deadlines_and_punctuality_follow_the_clock(slice_):
    dossiers = list(Dossier.objects.select_related("receiving_agency"))
    checked = 0
    for d in dossiers:
        if d.accepted_at is None or d.time_limit_unit == TimeUnit.UNSPECIFIED:
            assert d.effective_due_at is None
            continue
        if checked < 40:
            # Independently of the shared clock steps: the database calendar, one dossier at a time.
            deadline = compute_due(
                d.accepted_at, d.time_limit_value, d.time_limit_unit, agency=d.receiving_agency
            )
            assert d.original_due_at == deadline.due_at and d.day_zero == deadline.day_zero
            if d.supplements_after == 0:
                assert d.effective_due_at == d.original_due_at
            checked += 1
    assert checked == 40
    ended = [d for d in dossiers if d.status in (Status.FINISHED, Status.RETURNED, Status.STOPPED)]
    assert all(d.punctuality == clock.judge(d) for d in ended)
    assert all(d.punctuality == "" for d in dossiers if d not in ended)
    verdicts = {d.punctuality for d in ended}
    assert {"early", "on_time"} & verdicts and "late" in verdicts
    assert any(d.supplements_after for d in dossiers) and any(d.supplements_before for d in dossiers)


def test_every_event_is_a_legal_transition_and_in_the_ledger(slice_):
    _units, _places, summary = slice_
    events = defaultdict(list)
    for e in DossierEvent.objects.order_by("dossier", "at", "pk"):
        events[e.dossier_id].append(e)
    for stream in events.values():
        assert stream[0].action == "register"
        state = (Status.REGISTERED, "")
        for e in stream[1:]:
            if e.action == "extension_issued":
                continue
            transition = TRANSITIONS[e.action]
            assert state in transition.sources, (e.action, state)
            state = transition.target
            assert e.to_status == state[0]
    assert summary.events == sum(len(s) for s in events.values())
    assert LedgerEntry.objects.filter(action__startswith="dossier.").count() == summary.events
    assert ledger.verify().ok


def test_loading_twice_adds_nothing_and_the_seed_reproduces(slice_):
    units, places, _summary = slice_
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), LedgerEntry.objects.count())
    again = demo.load_dossiers(units, places=places, start=START, end=END, seed=7)
    assert again.dossiers == 0 and again.skipped_places == 2
    assert (Dossier.objects.count(), DossierEvent.objects.count(), LedgerEntry.objects.count()) == counts
    replay = demo.simulate(places, units, seed=7, start=START, end=END)
    stored = sorted(Dossier.objects.values_list("submitted_at", "channel", "status"))
    assert sorted((s.dossier.submitted_at, s.dossier.channel, s.dossier.status) for s in replay) == stored


def test_handling_steps_name_the_officer_and_are_judged_like_the_services(db):
    """Each dossier transferred to its office has one step, handled by a non-leader of that office."""
    from minhbach.accounts.models import Membership
    from minhbach.dossiers.models import DossierStep, Punctuality
    from minhbach.portal.demo.people import load_people

    seed_years([2023, 2024, 2025])
    units = load_units()
    load_people(units)
    load_procedures(units)
    places = [p for p in demo.places_of(units) if p.key in {"20900", DISTRICT_DESK}]
    demo.load_dossiers(units, places=places, start=START, end=END, seed=7)

    staff = defaultdict(set)
    for agency_id, official_id in Membership.objects.filter(is_leader=False).values_list(
        "agency_id", "official_id"
    ):
        staff[agency_id].add(official_id)
    transferred = set(DossierEvent.objects.filter(action="transfer").values_list("dossier_id", flat=True))
    steps = list(DossierStep.objects.select_related("dossier"))
    assert {s.dossier_id for s in steps} == transferred and len(steps) == len(transferred) > 100
    judged = defaultdict(int)
    for step in steps:
        d = step.dossier
        assert step.agency_id == d.handling_agency_id
        assert step.officer_id in staff[step.agency_id]
        if d.status in (Status.FINISHED, Status.RETURNED):
            assert step.handed_over_at == d.finished_at and step.step_due_at == d.effective_due_at
            if d.effective_due_at is None:
                assert step.punctuality == ""
            elif d.supplements_after < 2:  # rule 3 makes the dossier late, not the step
                # Early, on time and late of the step match the dossier's own verdict.
                assert step.punctuality == d.punctuality, d.code
            judged[step.punctuality] += 1
        elif d.status in (Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED):
            assert step.handed_over_at is None and step.punctuality == ""
    assert judged[Punctuality.LATE] > 0 and judged[Punctuality.EARLY] + judged[Punctuality.ON_TIME] > 0
    # Several officials share the work of an office.
    assert len({s.officer_id for s in steps if s.agency_id == units.offices["phong-tu-phap"].pk}) == 2


def test_withdrawals_come_back_and_late_entries_are_flagged(db):
    """The demo stages two kinds of gaming that the integrity flags must show (§5.11)."""
    from minhbach.indicators import integrity

    seed_years([2023, 2024, 2025])
    units = load_units()
    load_procedures(units)
    start, end = dt.date(2023, 9, 1), dt.date(2024, 2, 29)
    places = [p for p in demo.places_of(units) if p.key in {"20899", DISTRICT_DESK}]
    demo.load_dossiers(units, places=places, start=start, end=end, seed=7)

    # Every resubmission: the same person, procedure and desk as a withdrawal 1–30 days before.
    withdrawn = defaultdict(list)
    for d in Dossier.objects.filter(status=Status.WITHDRAWN, accepted_at__isnull=False).select_related(
        "owner", "procedure_version"
    ):
        withdrawn[(d.owner.citizen_id, d.procedure_version.procedure_id, d.receiving_agency_id)].append(d)
    expected = set()
    for d in Dossier.objects.filter(accepted_at__isnull=False).select_related("owner", "procedure_version"):
        key = (d.owner.citizen_id, d.procedure_version.procedure_id, d.receiving_agency_id)
        if any(
            w.pk != d.pk and w.ended_at < d.accepted_at <= w.ended_at + dt.timedelta(days=30)
            for w in withdrawn.get(key, [])
        ):
            expected.add(d.pk)
    rules = integrity.thresholds(end)
    flagged = set(integrity.resubmitted(start, end, rules).values_list("pk", flat=True))
    assert flagged == expected and len(flagged) >= 2

    late = set(integrity.backdated(start, end, rules).values_list("pk", flat=True))
    entered_late = [
        d
        for d in Dossier.objects.filter(accepted_at__isnull=False)
        if d.created_at > d.accepted_at + dt.timedelta(hours=1)
    ]
    assert late == {d.pk for d in entered_late}
    assert all(d.channel == 1 for d in entered_late)
    assert len(late) >= 1  # seed 7 gives the district desk the habit
