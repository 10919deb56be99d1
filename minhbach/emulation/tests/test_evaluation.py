"""Gates, N/A rescaling, tie-breaks, quotas and versions of a review (DOMAIN.md §10.5, §10.8, §10.12)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minhbach.accounts.models import Official
from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import LedgerEntry
from minhbach.emulation import evaluation, services
from minhbach.emulation.models import CriterionResult, DisciplineCase, Evaluation, Initiative, Registration
from minhbach.emulation.tests.conftest import standing
from minhbach.feedback import services as feedback_services
from minhbach.feedback.models import Category, Substantiated
from minhbach.feedback.tests.test_sla import at

MALE = Official.Gender.MALE


def result(ev, code, *, agency=None, official=None) -> CriterionResult:
    return ev.criterion_results.get(criterion__code=code, agency=agency, official=official)


def test_all_good_units_score_95_without_initiative_and_are_proposed_by_draw(world):
    a, b, c = world.units
    ev = world.evaluate(seed="hạt-giống")
    rows = [standing(ev, agency=u) for u in (a, b, c)]
    assert {r.score for r in rows} == {Decimal("95.0000")}  # K7 (5 of 100) is 0 without an initiative
    assert all(r.eligible for r in rows)
    # Equal score, no women collective, equal C4: the recorded draw decides, ascending sha256.
    by_draw = sorted(
        world.units,
        key=lambda u: hashlib.sha256(f"{world.review.pk}:hạt-giống:agency:{u.pk}".encode()).hexdigest(),
    )
    ranked = sorted(rows, key=lambda r: r.rank)
    assert [r.agency_id for r in ranked] == [u.pk for u in by_draw]
    assert [r.tie_break for r in ranked] == ["recorded_draw"] * 3
    assert [r.proposed for r in ranked] == [True, True, False]  # quota 2
    assert ev.draw_seed == "hạt-giống"


def test_k1_gate_fails_at_5_percent_late(world):
    a, b, _c = world.units
    world.set(a, K1=5)
    world.set(b, K1="4.99")
    ev = world.evaluate()
    assert result(ev, "K1", agency=a).passed is False
    assert standing(ev, agency=a).blocked_by == ["K1"]
    assert standing(ev, agency=a).rank is None and not standing(ev, agency=a).proposed
    assert result(ev, "K1", agency=b).passed is True
    assert standing(ev, agency=b).eligible


def test_k4_gate_and_score_with_survey_rate_beside(world):
    a, b, _c = world.units
    world.set(a, K4="89.9", SAT=97)
    world.set(b, K4=90)
    ev = world.evaluate()
    k4 = result(ev, "K4", agency=a)
    assert k4.passed is False and k4.s == Decimal("0.8990")
    assert k4.evidence["beside"]["code"] == "SAT" and k4.evidence["beside"]["rate"] == "97"
    assert "K4" in standing(ev, agency=a).blocked_by
    assert result(ev, "K4", agency=b).passed is True
    # K4 still scores: 100 × (95 − 15 + 15 × 0.899) / 100
    assert standing(ev, agency=a).score == Decimal("93.4850")


def test_na_is_excluded_and_remaining_weights_rescaled(world):
    a, _b, _c = world.units
    world.set(a, C5=None, K3=None, C4=50)
    ev = world.evaluate()
    assert result(ev, "C5", agency=a).na and result(ev, "C5", agency=a).s is None
    # Available weights: 100 − 10 (C5) − 10 (K3) = 80; sum w·s = 80 − 5 (K7) − 15 × 0.5 = 67.5
    assert standing(ev, agency=a).score == Decimal("84.3750")


def test_na_gate_does_not_block(world):
    a, _b, _c = world.units
    world.set(a, K1=None, K4=None)
    ev = world.evaluate()
    assert result(ev, "K1", agency=a).na and result(ev, "K1", agency=a).passed is None
    assert standing(ev, agency=a).eligible


def test_k5_substantiated_conduct_blocks_and_pending_is_shown_only(world, district):
    a, b, _c = world.units
    kwargs = {"actor": None, "channel": "counter", "category": Category.CONDUCT, "text": "Gây phiền hà."}
    item = feedback_services.feedback_receive(
        agency=district.desk_a, received_at=at("2024-03-04 09:00"), **kwargs
    )
    item.substantiated = Substantiated.YES
    item.save(update_fields=["substantiated"])
    pending = feedback_services.feedback_receive(agency=b, received_at=at("2024-03-04 09:00"), **kwargs)
    outside = feedback_services.feedback_receive(agency=b, received_at=at("2024-12-04 09:00"), **kwargs)
    outside.substantiated = Substantiated.YES
    outside.save(update_fields=["substantiated"])
    ev = world.evaluate()
    k5a = result(ev, "K5", agency=a)
    assert k5a.passed is False and k5a.evidence["ids"] == [item.pk]  # the desk is in commune A's subtree
    k5b = result(ev, "K5", agency=b)
    assert k5b.passed is True and k5b.evidence["pending_ids"] == [pending.pk]
    assert standing(ev, agency=b).eligible


def test_k6_discipline_of_staff_effective_in_period(world):
    a, b, c = world.units
    staff_a, staff_b, staff_c = make_official(a), make_official(b), make_official(c)
    case = services.discipline_case_record(
        actor=None,
        official=staff_a,
        agency=a,
        status=DisciplineCase.Status.DECIDED,
        form="reprimand",
        decided_on=dt.date(2024, 5, 2),
        effective_to=dt.date(2024, 11, 1),
    )
    services.discipline_case_record(  # ended before the movement began: does not count
        actor=None,
        official=staff_b,
        agency=b,
        status=DisciplineCase.Status.EXPIRED,
        form="warning",
        decided_on=dt.date(2022, 5, 2),
        effective_to=dt.date(2023, 5, 1),
    )
    services.discipline_case_record(  # under consideration: blocks the person, not K6
        actor=None, official=staff_c, agency=c, status=DisciplineCase.Status.UNDER_CONSIDERATION
    )
    ev = world.evaluate()
    assert result(ev, "K6", agency=a).evidence["ids"] == [case.pk]
    assert standing(ev, agency=a).blocked_by == ["K6"]
    assert result(ev, "K6", agency=b).passed is True
    assert result(ev, "K6", agency=c).passed is True


def test_k7_initiative_needs_recognition_in_period(world):
    a, b, _c = world.units
    services.initiative_create(
        actor=None,
        title="Mô hình một cửa lưu động",
        agency=a,
        kind=Initiative.Kind.MODEL,
        recognition_number="45/QĐ-UBND",
        recognition_date=dt.date(2024, 6, 1),
    )
    services.initiative_create(actor=None, title="Chưa công nhận", agency=b, kind=Initiative.Kind.INITIATIVE)
    ev = world.evaluate()
    assert result(ev, "K7", agency=a).s == Decimal("1.0000")
    assert standing(ev, agency=a).score == Decimal("100.0000")
    assert result(ev, "K7", agency=b).s == Decimal("0.0000")
    assert standing(ev, agency=a).rank == 1 and standing(ev, agency=a).tie_break == "score"


def test_open_verification_blocks_the_collective(world):
    a, _b, _c = world.units
    services.verification_open(actor=None, kind="inspection", opened_on=dt.date(2024, 11, 1), agency=a)
    ev = world.evaluate()
    assert standing(ev, agency=a).blocked_by == ["verification"]


def test_only_approved_registrations_are_proposed(world):
    a, _b, _c = world.units
    Registration.objects.filter(agency=a).update(state=Registration.State.RETURNED)
    ev = world.evaluate()
    row = standing(ev, agency=a)
    assert row.score == Decimal("95.0000")  # every unit is computed and shown
    assert row.blocked_by == ["not_registered"] and not row.proposed


def test_quota_and_margin(world):
    a, b, c = world.units
    world.set(a, C1=90)  # 94.00
    world.set(b, C1=80)  # 93.00
    world.set(c, C1=50)  # 90.00
    ev = world.evaluate()
    rows = {u: standing(ev, agency=u) for u in (a, b, c)}
    assert [rows[u].rank for u in (a, b, c)] == [1, 2, 3]
    assert [rows[u].proposed for u in (a, b, c)] == [True, True, False]
    assert rows[a].margin == Decimal("1.00") and rows[b].margin == Decimal("3.00") and rows[c].margin is None
    assert {rows[u].tie_break for u in (a, b, c)} == {"score"}


def test_tie_on_displayed_score_goes_to_women_collective(world):
    a, b, c = world.units
    world.set(c, C1=50)
    world.set(b, C1="99.99")  # 94.999: equal to 95.00 when rounded to two decimals
    for _ in range(7):
        make_official(b, gender=Official.Gender.FEMALE)
    for _ in range(3):
        make_official(b, gender=MALE)  # 7 of 10 = 70%: priority (NĐ 98/2023 Điều 4)
    for gender in (Official.Gender.FEMALE, MALE):
        make_official(a, gender=gender)
    ev = world.evaluate()
    assert standing(ev, agency=b).women and not standing(ev, agency=a).women
    assert standing(ev, agency=b).rank == 1 and standing(ev, agency=b).tie_break == "women_priority"
    assert standing(ev, agency=a).rank == 2 and standing(ev, agency=a).tie_break == "women_priority"
    assert standing(ev, agency=b).margin == Decimal("0.00")  # to the next rank, as displayed
    assert standing(ev, agency=c).tie_break == "score"


def test_women_share_counted_on_last_day_of_period(world):
    a, _b, _c = world.units
    woman = make_official(a, gender=Official.Gender.FEMALE)
    woman.memberships.update(valid_to=dt.date(2024, 10, 1))  # left before 30/11/2024
    make_official(a, gender=MALE)
    ev = world.evaluate()
    assert not standing(ev, agency=a).women


def test_tie_then_on_time_rate(world):
    a, b, _c = world.units
    # Same score (C3 and C4 weigh 15 each), but B's on-time rate C4 is higher.
    world.set(a, C4=90, C3=100)
    world.set(b, C4=100, C3=90)
    ev = world.evaluate()
    ra, rb = standing(ev, agency=a), standing(ev, agency=b)
    assert ra.score == rb.score
    assert rb.rank < ra.rank and rb.tie_break == "on_time_rate" and ra.tie_break == "on_time_rate"


def test_individual_gates_pending_rating_and_ranking(world, person):
    a, b, _c = world.units
    good = person(a)
    weak = person(a, ratings=("HTTNV", "HTNV"))
    pending = person(b, ratings=("HTXSNV", None))
    ev = world.evaluate()
    i1 = result(ev, "I1", official=pending)
    assert i1.status == "pending" and i1.passed is False and i1.evidence["missing_years"] == [2024]
    assert standing(ev, official=pending).blocked_by == ["pending_rating"]
    assert standing(ev, official=weak).blocked_by == ["I1"]
    row = standing(ev, official=good)
    # No dossier steps, no rating of his dossiers: P1 and P2 N/A, the unit's score is taken (§10.5).
    assert result(ev, "P1", official=good).na and row.score_source == "unit_score"
    assert row.score == standing(ev, agency=a).score and row.rank == 1 and row.proposed
    # Entering the missing rating and re-running makes the candidate eligible (D6).
    services.annual_rating_record(
        actor=None,
        official=pending,
        year=2024,
        level="HTTNV",
        decided_on=dt.date(2025, 1, 10),
        decided_by="UBND",
    )
    ev2 = world.evaluate(reason="Đã có xếp loại năm 2024")
    assert standing(ev2, official=pending).eligible


def test_individual_blocking_cases(world, person):
    a, _b, _c = world.units
    considered = person(a)
    disciplined = person(a)
    old = person(a)
    verified = person(a)
    services.discipline_case_record(
        actor=None, official=considered, agency=a, status=DisciplineCase.Status.UNDER_CONSIDERATION
    )
    services.discipline_case_record(
        actor=None,
        official=disciplined,
        agency=a,
        status=DisciplineCase.Status.DECIDED,
        form="warning",
        decided_on=dt.date(2023, 3, 1),
        effective_to=dt.date(2024, 2, 29),
    )
    services.discipline_case_record(
        actor=None,
        official=old,
        agency=a,
        status=DisciplineCase.Status.EXPIRED,
        form="reprimand",
        decided_on=dt.date(2022, 3, 1),
        effective_to=dt.date(2023, 2, 28),
    )
    v = services.verification_open(
        actor=None, kind="complaint", opened_on=dt.date(2024, 10, 1), official=verified
    )
    ev = world.evaluate()
    assert standing(ev, official=considered).blocked_by == ["I2"]
    assert standing(ev, official=disciplined).blocked_by == ["I2"]
    assert standing(ev, official=old).eligible
    assert result(ev, "I2", official=verified).evidence["verification_ids"] == [v.pk]
    # The disciplined official's case also fails K6 for the unit (his discipline was in force in P).
    assert "K6" in standing(ev, agency=a).blocked_by
    # Once the verification clears him, the award may proceed (NĐ 98/2023 Điều 4).
    services.verification_close(actor=None, verification=v, closed_on=dt.date(2024, 12, 1), outcome="cleared")
    ev2 = world.evaluate(reason="Đã có kết luận xác minh")
    assert standing(ev2, official=verified).eligible


def test_individual_tie_women_then_p1_from_unit(world, person):
    a, _b, _c = world.units
    man = person(a, gender=MALE)
    woman = person(a)
    ev = world.evaluate()
    assert (
        standing(ev, official=woman).rank == 1 and standing(ev, official=woman).tie_break == "women_priority"
    )
    assert standing(ev, official=man).rank == 2
    assert standing(ev, official=man).on_time == Decimal("100.0000")  # no P1: the unit's C4


def test_override_keeps_computed_value_and_reevaluation_is_a_new_version(world, district):
    a, _b, _c = world.units
    world.set(a, K1=6)
    ev1 = world.evaluate()
    with pytest.raises(ValidationError, match="lý do"):
        world.evaluate()
    with pytest.raises(ValidationError, match="lý do"):
        services.manual_value_enter(
            actor=None, review=world.review, criterion_code="K1", value=4, reason=" ", agency=a
        )
    mv = services.manual_value_enter(
        actor=None,
        review=world.review,
        criterion_code="K1",
        value="4.5",
        reason="Hồ sơ trễ do lỗi hệ thống",
        agency=a,
    )
    ev2 = world.evaluate(reason="Chấp nhận ý kiến phản hồi về K1")
    assert ev2.version == 2 and ev1.version == 1
    k1 = result(ev2, "K1", agency=a)
    assert k1.computed_value == Decimal("6") and k1.value == Decimal("4.5") and k1.override_id == mv.pk
    assert k1.passed is True and standing(ev2, agency=a).eligible
    # The first version is untouched and cannot be edited.
    assert result(ev1, "K1", agency=a).passed is False
    with pytest.raises(ValueError):
        ev1.save()
    assert Evaluation.objects.filter(review=world.review).count() == 2
    assert ev1.inputs_hash != ev2.inputs_hash
    assert LedgerEntry.objects.filter(action="emulation.review_evaluate").count() == 2
    world.movement.criteria_set.refresh_from_db()
    assert world.movement.criteria_set.locked_at is not None


def test_draw_key_is_sha256_of_round_seed_candidate():
    expected = hashlib.sha256(b"7:abc:official:3").hexdigest()
    assert evaluation.draw_key(7, "abc", "official:3") == expected


def test_pure_scoring_rescales_and_ranks_without_database():
    specs = [
        evaluation.Spec("S1", "collective", "score", "indicator:S1", weight=Decimal(30)),
        evaluation.Spec("S2", "collective", "score", "indicator:S2", weight=Decimal(70)),
    ]
    outcomes = {
        "S1": evaluation.judge(specs[0], evaluation.Raw(Decimal(80))),
        "S2": evaluation.judge(specs[1], evaluation.Raw(None, na=True)),
    }
    assert evaluation.weighted_score(specs, outcomes) == Decimal("80.0000")
    outcomes["S1"] = evaluation.judge(specs[0], evaluation.Raw(None, na=True))
    assert evaluation.weighted_score(specs, outcomes) is None


def test_evaluation_query_count_does_not_grow_with_participants(world, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person(world.units[0])
    world.evaluate()  # the first run also locks the criteria set
    with CaptureQueriesContext(connection) as small:
        world.evaluate(reason="Lần hai")
    for unit in world.units:
        for _ in range(4):
            person(unit)
    with CaptureQueriesContext(connection) as large:
        world.evaluate(reason="Thêm cá nhân đăng ký")

    def reads(ctx):  # bulk INSERTs are split in batches by the backend; reads must not grow
        return [q for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]

    assert len(reads(large)) == len(reads(small))


def test_missing_indicator_engine_result_is_a_clear_error(world, monkeypatch):
    from minhbach.indicators.models import IndicatorSet

    def _none(**kwargs):
        raise IndicatorSet.DoesNotExist("Chưa nạp bộ chỉ số nào có hiệu lực.")

    monkeypatch.setattr("minhbach.indicators.api.indicator_values", _none)
    with pytest.raises(ValidationError, match="bộ chỉ số"):
        evaluation.review_evaluate(actor=None, review=world.review)
    assert not Evaluation.objects.exists()
