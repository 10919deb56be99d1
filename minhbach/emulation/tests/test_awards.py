"""Award round, council votes (D8), quorum, decision amounts, certificates and revocation (§10.10–10.14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError

from minhbach.accounts.tests.factories import make_official
from minhbach.core import ledger
from minhbach.emulation import awards, certificates
from minhbach.emulation.models import AwardForm, AwardRecipient, Proposal, Vote

SESSION_DAY = dt.date(2024, 12, 12)


def form(code: str) -> AwardForm:
    return AwardForm.objects.get(code=code)


@pytest.mark.parametrize(
    ("code", "agree", "base", "passes"),
    [
        ("giay_khen", 5, 10, False),  # exactly 50% fails (> 0.5, D8)
        ("giay_khen", 6, 10, True),
        ("giay_khen", 2, 4, False),
        ("giay_khen", 3, 4, True),
        ("cstdcs", 8, 10, True),  # ≥ 80% of all members (NĐ 98/2023 Điều 30 khoản 7)
        ("cstdcs", 7, 10, False),
        ("cstdcs", 4, 5, True),
        ("giay_khen", 0, 0, False),
    ],
)
def test_vote_threshold_per_award_form(db, code, agree, base, passes):
    assert awards.vote_passes(form(code), agree=agree, base=base) is passes


@pytest.mark.parametrize(
    ("coefficient", "salary", "amount"),
    [
        ("0.3", 2_340_000, 710_000),  # 702,000 rounded up
        ("0.6", 2_340_000, 1_410_000),  # 1,404,000 rounded up
        ("0.3", 1_800_000, 540_000),  # already a multiple: unchanged
        ("1.0", 2_340_000, 2_340_000),
    ],
)
def test_reward_amount_rounds_up_to_ten_thousand(coefficient, salary, amount):
    assert awards.reward_amount(Decimal(coefficient), salary) == amount


def test_base_salary_in_force_on_the_decision_date(db):
    assert awards.base_salary_on(dt.date(2024, 6, 30)).amount_vnd == 1_800_000
    assert awards.base_salary_on(dt.date(2024, 7, 1)).amount_vnd == 2_340_000
    with pytest.raises(ValidationError, match="lương cơ sở"):
        awards.base_salary_on(dt.date(2023, 6, 30))


@pytest.fixture
def council(world, district):
    officials = [make_official(district.home_affairs) for _ in range(4)]
    roles = ["chair", "vice_chair", "member", "member"]
    return awards.council_create(
        actor=None,
        agency=world.district,
        name="Hội đồng Thi đua – Khen thưởng huyện",
        members=[(o, r, "") for o, r in zip(officials, roles, strict=True)],
        valid_from=dt.date(2023, 1, 1),
    )


@pytest.fixture
def rnd(published):
    return awards.round_open(
        actor=None,
        review=published.review,
        award_form=form("giay_khen"),
        issuing_role="Chủ tịch UBND huyện",
        legal_basis="Luật Thi đua, khen thưởng 2022",
    )


def test_round_takes_the_proposed_standings_of_a_published_final_review(world, engine_values, rnd):
    _a, b, c = world.units
    assert sorted(p.agency_id for p in rnd.proposals.all()) == sorted([b.pk, c.pk])
    assert all(p.status == Proposal.Status.PROPOSED for p in rnd.proposals.all())
    assert rnd.tie_breaks[0] == "score"
    with pytest.raises(ValidationError, match="đã có đợt xét"):
        awards.round_open(
            actor=None, review=world.review, award_form=form("giay_khen"), issuing_role="x", legal_basis="y"
        )


def test_round_refused_before_publication(world, engine_values):
    world.evaluate()
    with pytest.raises(ValidationError, match="chưa công bố"):
        awards.round_open(
            actor=None, review=world.review, award_form=form("giay_khen"), issuing_role="x", legal_basis="y"
        )


def test_quorum_two_thirds(world, council, rnd):
    members = list(council.members.all())
    short = awards.session_open(
        actor=None, council=council, round=rnd, held_on=SESSION_DAY, present=members[:2]
    )
    assert not short.quorum_met and short.members_count == 4  # 2/4 < 2/3
    awards.proposals_submit(actor=None, round=rnd)
    proposal = rnd.proposals.first()
    with pytest.raises(ValidationError, match="không đủ số thành viên"):
        awards.vote_cast(actor=None, session=short, member=members[0], proposal=proposal, choice="agree")
    with pytest.raises(ValidationError, match="không đủ số"):
        awards.session_close(actor=None, session=short)
    full = awards.session_open(
        actor=None, council=council, round=rnd, held_on=SESSION_DAY, present=members[:3]
    )
    assert full.quorum_met  # 3/4 ≥ 2/3
    assert awards.quorum_met(council, present=6, members=9) and not awards.quorum_met(
        council, present=5, members=9
    )


def _session_with_votes(council, rnd, agree_counts, held_on=SESSION_DAY):
    """3 of 4 present; the 4th votes in writing. ``agree_counts`` per proposal, in order."""
    members = list(council.members.order_by("pk"))
    session = awards.session_open(
        actor=None,
        council=council,
        round=rnd,
        held_on=held_on,
        present=members[:3],
        witnesses="Ông A, Bà B",
    )
    awards.proposals_submit(actor=None, round=rnd)
    proposals = list(rnd.proposals.order_by("pk"))
    for proposal, agree in zip(proposals, agree_counts, strict=True):
        for i, member in enumerate(members):
            if i < agree:
                choice = "agree"
            elif i == 3:
                continue  # the absent member abstains: not an agreement
            else:
                choice = "disagree"
            awards.vote_cast(actor=None, session=session, member=member, proposal=proposal, choice=choice)
    return awards.session_close(actor=None, session=session), proposals


def test_giay_khen_needs_more_than_half_of_all_members(world, council, rnd):
    session, (first, second) = _session_with_votes(council, rnd, [2, 4])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.agree_votes, first.vote_base) == ("failed", 2, 4)  # exactly 50%
    assert second.status == "passed"
    assert Vote.objects.filter(session=session, written=True).count() == 1  # the absent member's
    with pytest.raises(ValidationError, match="kết thúc kiểm phiếu"):
        awards.vote_cast(
            actor=None, session=session, member=council.members.first(), proposal=first, choice="agree"
        )
    text = certificates.minutes_html(session)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Ông A, Bà B" in text and "phiên họp" in text


def test_decision_amounts_certificates_and_revocation(world, council, rnd):
    _a, b, c = world.units
    _session_with_votes(council, rnd, [3, 4])
    decision = awards.decision_issue(
        actor=None,
        round=rnd,
        number="2150/QĐ-UBND",
        date=dt.date(2024, 12, 20),
        signer_name="Hồ Quang Bửu",
        signer_title="CHỦ TỊCH",
    )
    recipients = list(decision.recipients.all())
    assert {r.agency_id for r in recipients} == {b.pk, c.pk}
    assert all(
        r.amount_vnd == 1_410_000 and r.base_salary_vnd == 2_340_000 and r.thematic for r in recipients
    )
    assert set(rnd.proposals.values_list("status", flat=True)) == {"decided"}
    with pytest.raises(ValidationError, match="đã được dùng"):
        awards.decision_issue(
            actor=None,
            round=rnd,
            number="2150/QĐ-UBND",
            date=dt.date(2024, 12, 20),
            signer_name="x",
            signer_title="y",
        )

    pdf = certificates.certificate_pdf(recipients[0])
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    assert len(doc) == 1 and page.get_size()[0] > page.get_size()[1]  # one A4 landscape page
    text = page.get_textpage().get_text_range()
    for expected in (
        "GIẤY KHEN",
        "Độc lập - Tự do - Hạnh phúc",
        recipients[0].name,
        "2150/QĐ-UBND",
        "Hồ Quang Bửu",
        # The movement's name carries its own "Phong trào …": it is not prefixed a second time.
        "thành tích xuất sắc trong Phong trào thử",
    ):
        assert expected in " ".join(text.split())

    recipient = recipients[0]
    with pytest.raises(ValidationError, match="Căn cứ"):
        awards.recipient_revoke(
            actor=None,
            recipient=recipient,
            grounds="x",
            reason="r",
            decision_number="1",
            decision_date=dt.date(2025, 1, 1),
        )
    revocation = awards.recipient_revoke(
        actor=None,
        recipient=recipient,
        grounds="criteria_not_met",
        reason="Phát hiện hồ sơ trễ hạn bị che giấu trong kỳ.",
        decision_number="15/QĐ-UBND",
        decision_date=dt.date(2025, 3, 1),
        amount_recovered_vnd=1_410_000,
    )
    recipient = AwardRecipient.objects.get(pk=recipient.pk)
    assert recipient.revocation == revocation and recipient.proposal.status == "revoked"
    assert recipient.proposal.events.last().action == "revoke"
    revoked_text = (
        pdfium.PdfDocument(certificates.certificate_pdf(recipient))[0].get_textpage().get_text_range()
    )
    assert "ĐÃ HỦY" in revoked_text and "trễ hạn bị che giấu" in revoked_text
    with pytest.raises(ValidationError, match="đã bị hủy"):
        awards.recipient_revoke(
            actor=None, recipient=recipient, grounds="criteria_not_met", reason="r", decision_number="2",
            decision_date=dt.date(2025, 3, 2),
        )  # fmt: skip
    assert ledger.verify().ok


def test_decision_before_july_2024_uses_the_old_base_salary(world, council, rnd):
    _session_with_votes(council, rnd, [4, 4], held_on=dt.date(2024, 6, 20))
    with pytest.raises(ValidationError, match="trước ngày họp"):
        awards.decision_issue(
            actor=None, round=rnd, number="2/QĐ", date=dt.date(2024, 6, 1), signer_name="A", signer_title="B"
        )
    decision = awards.decision_issue(
        actor=None, round=rnd, number="1/QĐ", date=dt.date(2024, 6, 28), signer_name="A", signer_title="B"
    )
    assert decision.base_salary.amount_vnd == 1_800_000
    assert set(decision.recipients.values_list("amount_vnd", flat=True)) == {1_080_000}  # 0.6 × 1,800,000


def test_session_refuses_another_draw_seed_when_the_draw_decided(world, engine_values, council):
    from minhbach.emulation import reply

    world.evaluate(seed="thật")  # all equal: the draw decides the places
    window = reply.reply_window_open(actor=None, review=world.review)
    reply.reply_window_close(actor=None, window=window)
    reply.review_publish(actor=None, review=world.review)
    rnd = awards.round_open(
        actor=None, review=world.review, award_form=form("giay_khen"), issuing_role="x", legal_basis="y"
    )
    members = list(council.members.all())
    with pytest.raises(ValidationError, match="khác hạt giống"):
        awards.session_open(
            actor=None,
            council=council,
            round=rnd,
            held_on=SESSION_DAY,
            present=members,
            draw_seed="giả",
            witnesses="A",
        )
    with pytest.raises(ValidationError, match="người chứng kiến"):
        awards.session_open(actor=None, council=council, round=rnd, held_on=SESSION_DAY, present=members)
    session = awards.session_open(
        actor=None, council=council, round=rnd, held_on=SESSION_DAY, present=members, witnesses="Bà C"
    )
    assert session.draw_seed == "thật"
