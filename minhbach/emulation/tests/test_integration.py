"""End to end: indicator criteria read through ``minhbach.indicators.api``, personal P1/P2 in SQL."""

from __future__ import annotations

from decimal import Decimal

from minhbach.dossiers.models import DossierStep, Punctuality, Status
from minhbach.emulation import evaluation
from minhbach.emulation.tests.conftest import standing
from minhbach.indicators import rollups
from minhbach.indicators.tests.conftest import at, make_dossier, version  # noqa: F401 (fixtures)
from minhbach.ratings.models import Rating, RatingChannel


def test_indicator_criteria_come_from_the_indicators_engine(world, make_dossier, person):  # noqa: F811
    a, b, _c = world.units
    on_time = make_dossier(
        agency=a,
        accepted="2024-03-04 08:00",
        due="2024-03-07 17:00",
        status=Status.RETURNED,
        finished_at="2024-03-06 10:00",
        returned_at="2024-03-06 15:00",
        ended_at="2024-03-06 10:00",
    )
    late = make_dossier(
        agency=a,
        accepted="2024-04-01 08:00",
        due="2024-04-03 17:00",
        status=Status.FINISHED,
        finished_at="2024-04-10 10:00",
        ended_at="2024-04-10 10:00",
    )
    Rating.objects.create(dossier=on_time, level="very_satisfied", satisfied=True, channel=RatingChannel.QR)
    official = person(a)
    for dossier, punctuality in ((on_time, Punctuality.EARLY), (late, Punctuality.LATE)):
        DossierStep.objects.create(
            dossier=dossier,
            agency=a,
            officer=official,
            received_at=dossier.accepted_at,
            handed_over_at=dossier.ended_at,
            punctuality=punctuality,
        )
    rollups.rebuild()

    ev = evaluation.review_evaluate(actor=None, review=world.review, values=None)

    k1 = ev.criterion_results.get(criterion__code="K1", agency=a)
    assert (k1.numerator, k1.denominator, k1.value) == (Decimal(1), Decimal(2), Decimal(50))
    assert k1.passed is False and "definition_id" in k1.evidence
    assert ev.criterion_results.get(criterion__code="C4", agency=b).na  # no dossier: N/A, not 0% (D5)
    assert "K1" in standing(ev, agency=a).blocked_by
    p1 = ev.criterion_results.get(criterion__code="P1", official=official)
    assert (p1.numerator, p1.denominator, p1.value) == (Decimal(1), Decimal(2), Decimal(50))
    p2 = ev.criterion_results.get(criterion__code="P2", official=official)
    assert (p2.numerator, p2.denominator, p2.value) == (Decimal(1), Decimal(1), Decimal(100))
    row = standing(ev, official=official)
    # P1 50 × 0.5 + P2 40 × 1 + P3 10 × 0, over 100: 65; the person's own score, not the unit's.
    assert row.score_source == "own" and row.score == Decimal("65.0000") and row.on_time == Decimal(50)
