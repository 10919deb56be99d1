"""The demo emulation movement: loads at the test scale, twice without duplicates, ends in a decision."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from minhbach.core import ledger
from minhbach.emulation.models import (
    AwardDecision,
    AwardRecipient,
    Evaluation,
    Movement,
    Objection,
    Registration,
    Vote,
)
from minhbach.portal.demo.emulation import NAME, standings_of

pytestmark = pytest.mark.django_db


def test_emulation_demo_loads_twice_and_ends_in_a_decision():
    out = open("/dev/null", "w")  # noqa: SIM115
    call_command("load_demo", stdout=out)
    counts = [
        m.objects.count()
        for m in (Movement, Registration, Evaluation, Objection, Vote, AwardDecision, AwardRecipient)
    ]
    call_command("load_demo", stdout=out)
    assert [
        m.objects.count()
        for m in (Movement, Registration, Evaluation, Objection, Vote, AwardDecision, AwardRecipient)
    ] == counts
    movement = Movement.objects.get(name=NAME)
    assert sorted(movement.groups.values_list("code", flat=True)) == ["G1", "G2"]
    assert movement.groups.get(code="G2").members.count() == 13
    assert set(movement.registrations.values_list("state", flat=True)) == {"approved"}
    assert set(Objection.objects.values_list("status", flat=True)) == {"accepted", "rejected"}
    decision = AwardDecision.objects.get()
    assert decision.recipients.exists() and decision.base_salary.amount_vnd == 2_340_000
    assert all(r.amount_vnd % 10_000 == 0 and r.thematic for r in decision.recipients.all())
    rows = standings_of(movement)
    excluded = [s for s in rows if s.subject == "collective" and "K6" in s.blocked_by]
    assert [s.agency.name for s in excluded] == ["UBND xã Trà Ka"]
    assert any(s.subject == "individual" and "pending_rating" in s.blocked_by for s in rows)
    assert any(s.proposed and s.tie_break not in ("", "score") for s in rows)  # a place decided by D9
    assert Vote.objects.filter(written=True).exists()
    assert ledger.verify().ok
