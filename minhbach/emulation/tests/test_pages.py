"""Management, reply, council and decision pages: the role matrix and the happy paths (§10.3–10.14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.emulation import awards
from minhbach.emulation.models import (
    AwardDecision,
    AwardForm,
    Council,
    EmulationGroup,
    Movement,
    Objection,
    Registration,
    Review,
    Vote,
)
from minhbach.emulation.tests.conftest import START, standing


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def council_user(district):
    return make_official(district.committee, roles=("council_member",)).user


def test_secretariat_creates_movement_review_group_and_registration(users, login, district, criteria_set):
    client = login(users["secretariat"])
    response = client.post(
        reverse("emulation:movement_create"),
        {
            "name": "Phong trào mới",
            "launching_agency": district.committee.pk,
            "criteria_set": criteria_set.pk,
            "kind": "thematic",
            "period_start": "2023-09-01",
            "period_end": "2024-11-30",
        },
    )
    movement = Movement.objects.get(name="Phong trào mới")
    assert response.status_code == 302
    bad = client.post(
        reverse("emulation:review_create", args=[movement.pk]), {"kind": "midterm", "data_from": "2023-01-01"}
    )
    assert bad.status_code == 400 and "nằm trong thời gian" in bad.content.decode()
    ok = client.post(
        reverse("emulation:review_create", args=[movement.pk]),
        {"kind": "midterm", "data_from": "2023-09-01", "data_to": "2024-02-29"},
    )
    assert ok.status_code == 302 and Review.objects.filter(movement=movement, kind="midterm").exists()
    groups_url = reverse("emulation:groups", args=[movement.pk])
    assert (
        client.post(
            groups_url,
            {"code": "G2", "name": "Khối xã", "members": [district.commune_a.pk, district.commune_b.pk]},
        ).status_code
        == 302
    )
    assert EmulationGroup.objects.get(movement=movement).quota_collective == 2
    assert 'data-group="G2"' in client.get(groups_url).content.decode()
    regs = reverse("emulation:registrations", args=[movement.pk])
    assert client.post(regs, {"agency": district.commune_a.pk, "pledges": "Đạt 100%"}).status_code == 302
    reg = Registration.objects.get(movement=movement)
    act = lambda a, **d: client.post(reverse("emulation:registration_action", args=[reg.pk, a]), d)  # noqa: E731
    assert act("approve").status_code == 400  # a draft cannot be approved
    assert act("submit").status_code == 302
    assert act("return").status_code == 400  # a return needs its note
    assert act("return", note="Bổ sung chỉ tiêu").status_code == 302
    assert act("submit").status_code == 302 and act("approve").status_code == 302
    reg.refresh_from_db()
    assert reg.state == "approved" and [e.action for e in reg.events.all()] == [
        "create", "submit", "return", "submit", "approve",
    ]  # fmt: skip
    for name in ("auditor", "leader_a", "officer_a"):
        other = login(users[name])
        assert other.get(reverse("emulation:movement_create")).status_code == 404
        assert other.post(regs, {"agency": district.commune_b.pk}).status_code == 404
        assert (
            other.post(reverse("emulation:registration_action", args=[reg.pk, "submit"])).status_code == 404
        )


def test_reply_window_objection_and_decision_through_the_pages(users, login, world, engine_values):
    a, b, c = world.units
    world.set(a, C1=80)
    world.set(b, C1=90)
    world.set(c, C1=95)
    world.evaluate(seed="s")
    secretariat = login(users["secretariat"])
    reply_url = reverse("emulation:reply", args=[world.review.pk])
    assert secretariat.post(reverse("emulation:reply_open", args=[world.review.pk]), {}).status_code == 302
    assert "Đang lấy ý kiến phản hồi" in secretariat.get(reply_url).content.decode()

    leader = login(users["leader_a"])
    assert world.movement.name in leader.get(reverse("emulation:unit_reply_list")).content.decode()
    own = reverse("emulation:unit_reply", args=[world.review.pk, a.pk])
    page = leader.get(own)
    assert page.status_code == 200 and 'data-criterion="C1"' in page.content.decode()
    assert leader.get(reverse("emulation:unit_reply", args=[world.review.pk, b.pk])).status_code == 404
    assert leader.post(own, {"target": f"agency:{a.pk}:C1", "text": "Đã công khai đủ."}).status_code == 302
    assert leader.post(own, {"target": f"agency:{b.pk}:C1", "text": "x"}).status_code == 400  # not his target
    objection = Objection.objects.get()
    assert objection.agency == a and objection.filed_by == users["leader_a"]
    for name in ("officer_a", "auditor", "no_unit"):
        assert login(users[name]).get(own).status_code == 404

    auditor = login(users["auditor"])
    assert "Đã công khai đủ." in auditor.get(reply_url).content.decode()  # visible to the council side
    decide = reverse("emulation:objection_decide", args=[objection.pk])
    data = {
        f"o{objection.pk}-decision": "accept",
        f"o{objection.pk}-reason": "Đã kiểm tra.",
        f"o{objection.pk}-value": "100",
    }
    assert auditor.post(decide, data).status_code == 404
    secretariat = login(users["secretariat"])
    missing = secretariat.post(decide, {**data, f"o{objection.pk}-value": ""})
    assert missing.status_code == 400 and "giá trị điều chỉnh" in missing.content.decode()
    assert secretariat.post(decide, data).status_code == 302
    latest = world.review.evaluations.order_by("-version").first()
    assert latest.version == 2 and standing(latest, agency=a).rank == 1

    close = reverse("emulation:reply_close", args=[world.review.reply_windows.get().pk])
    assert secretariat.post(close).status_code == 302
    late = login(users["leader_a"]).post(own, {"target": f"agency:{a.pk}:K1", "text": "Muộn"})
    assert late.status_code == 400 and "Đã hết thời hạn phản hồi" in late.content.decode()
    secretariat = login(users["secretariat"])
    assert secretariat.post(reverse("emulation:review_publish", args=[world.review.pk])).status_code == 302
    world.review.refresh_from_db()
    assert world.review.published_at is not None


def test_council_votes_decision_and_certificates_through_the_pages(
    users, login, published, council_user, district, django_assert_max_num_queries
):
    secretariat = login(users["secretariat"])
    url = reverse("emulation:round_create", args=[published.review.pk])
    giay_khen = AwardForm.objects.get(code="giay_khen")
    response = secretariat.post(
        url, {"award_form": giay_khen.pk, "issuing_role": "Chủ tịch UBND huyện", "legal_basis": "Luật 2022"}
    )
    assert response.status_code == 302
    rnd = giay_khen.rounds.get()
    assert secretariat.post(reverse("emulation:round_submit", args=[rnd.pk])).status_code == 302
    assert (
        secretariat.post(
            reverse("emulation:councils"), {"name": "HĐ TĐKT huyện", "agency": district.committee.pk}
        ).status_code
        == 302
    )
    council = Council.objects.get()
    others = [make_official(district.home_affairs) for _ in range(2)]
    for official in [council_user.official, *others]:
        r = secretariat.post(
            reverse("emulation:council", args=[council.pk]),
            {"official": official.pk, "role": "member", "valid_from": "2023-01-01"},
        )
        assert r.status_code == 302
    members = list(council.members.order_by("pk"))
    response = secretariat.post(
        reverse("emulation:session_create", args=[rnd.pk]),
        {"council": council.pk, "held_on": "2024-12-12", "present": [m.pk for m in members[:2]]},
    )
    assert response.status_code == 302
    session = council.sessions.get()
    assert session.quorum_met and session.members_count == 3
    proposals = list(rnd.proposals.order_by("pk"))

    member = login(council_user)
    session_url = reverse("emulation:session", args=[session.pk])
    assert "Phiếu của" in member.get(session_url).content.decode()
    vote_url = reverse("emulation:session_vote", args=[session.pk])
    assert member.post(vote_url, {f"p{p.pk}": "agree" for p in proposals}).status_code == 302
    assert member.post(reverse("emulation:session_close", args=[session.pk])).status_code == 404
    assert member.post(vote_url, {"member": members[1].pk, f"p{proposals[0].pk}": "agree"}).status_code == 404
    secretariat = login(users["secretariat"])
    for m in members[1:]:  # the absent third member's vote is written
        assert (
            secretariat.post(
                vote_url, {"member": m.pk, f"p{proposals[0].pk}": "agree", f"p{proposals[1].pk}": "disagree"}
            ).status_code
            == 302
        )
    assert Vote.objects.filter(member=members[2]).first().written
    assert secretariat.post(reverse("emulation:session_close", args=[session.pk])).status_code == 302
    statuses = [p.status for p in rnd.proposals.order_by("pk")]
    assert statuses == ["passed", "failed"]  # 3/3 passes; 1/3 fails
    minutes = secretariat.get(reverse("emulation:minutes", args=[session.pk]))
    assert minutes.status_code == 200 and minutes["Content-Type"] == "application/pdf"

    response = secretariat.post(
        reverse("emulation:decision_create", args=[rnd.pk]),
        {
            "number": "99/QĐ-UBND",
            "date": "2024-12-20",
            "signer_name": "Hồ Quang Bửu",
            "signer_title": "CHỦ TỊCH",
        },
    )
    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    recipient = decision.recipients.get()
    assert recipient.amount_vnd == 1_410_000
    detail = reverse("emulation:decision", args=[decision.pk])
    with django_assert_max_num_queries(12):
        page = secretariat.get(detail)
    assert "1.410.000" in page.content.decode()
    pdf = secretariat.get(reverse("emulation:certificate", args=[decision.pk, recipient.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    auditor = login(users["auditor"])
    assert auditor.get(detail).status_code == 200
    revoke = reverse("emulation:revoke", args=[decision.pk, recipient.pk])
    data = {f"r{recipient.pk}-grounds": "criteria_not_met", f"r{recipient.pk}-reason": "Sai số liệu",
            f"r{recipient.pk}-decision_number": "5/QĐ", f"r{recipient.pk}-decision_date": "2025-02-01",
            f"r{recipient.pk}-amount_recovered_vnd": "0"}  # fmt: skip
    assert auditor.post(revoke, data).status_code == 404
    for name in ("officer_a", "leader_a", "no_unit"):
        other = login(users[name])
        assert other.get(detail).status_code == 404
        assert (
            other.get(reverse("emulation:certificate", args=[decision.pk, recipient.pk])).status_code == 404
        )
        assert other.get(session_url).status_code == 404
    secretariat = login(users["secretariat"])
    assert secretariat.post(revoke, data).status_code == 302
    assert "Sai số liệu" in secretariat.get(detail).content.decode()
    assert awards.reward_amount(recipient.coefficient, recipient.base_salary_vnd) == recipient.amount_vnd
    assert decision.date == dt.date(2024, 12, 20) and decision.date > START


def test_reply_and_round_pages_query_counts_do_not_grow(
    users, login, published, django_assert_max_num_queries
):
    from minhbach.emulation import reply

    world = published
    client = login(users["secretariat"])
    url = reverse("emulation:reply", args=[world.review.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    rnd = awards.round_open(
        actor=None,
        review=world.review,
        award_form=AwardForm.objects.get(code="giay_khen"),
        issuing_role="Chủ tịch",
        legal_basis="Luật 2022",
    )
    round_url = reverse("emulation:round", args=[rnd.pk])
    with django_assert_max_num_queries(15):
        assert client.get(round_url).status_code == 200
    assert reply.current_window(world.review) is None
