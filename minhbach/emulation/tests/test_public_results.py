"""Public results (``/thi-dua/``): published reviews only, gates, drill-down, no personal data, queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from minhbach.emulation import reports
from minhbach.emulation.models import Review, Standing
from minhbach.emulation.tests.test_reports import Campaign, campaign  # noqa: F401 (fixture)


def _publish(review: Review) -> None:
    # The publication service (after the right of reply, §10.9) belongs to the reply module; the
    # results page only reads ``published_at``, so the tests set it directly.
    Review.objects.filter(pk=review.pk).update(
        published_at=timezone.make_aware(dt.datetime(2024, 12, 20, 9, 0)), status=Review.Status.PUBLISHED
    )


@pytest.fixture
def published(campaign: Campaign) -> Campaign:  # noqa: F811
    """The final review published; the mid-term not."""
    _publish(campaign.world.review)
    return campaign


def test_nothing_published_is_not_shown(client, campaign):  # noqa: F811
    movement = campaign.world.movement
    listing = client.get(reverse("emulation-public:list"))
    assert listing.status_code == 200 and movement.name not in listing.content.decode()
    assert client.get(reverse("emulation-public:movement", args=[movement.pk])).status_code == 404
    a = campaign.world.units[0]
    url = reverse("emulation-public:collective", args=[movement.pk, campaign.world.review.pk, a.pk])
    assert client.get(url).status_code == 404


def test_unpublished_review_of_a_published_movement_is_404(client, published):
    movement, a = published.world.movement, published.world.units[0]
    assert client.get(reverse("emulation-public:movement", args=[movement.pk])).status_code == 200
    url = reverse("emulation-public:movement", args=[movement.pk])
    assert client.get(url, {"dot": published.midterm.pk}).status_code == 404
    assert client.get(url, {"dot": "abc"}).status_code == 404
    mid = reverse("emulation-public:collective", args=[movement.pk, published.midterm.pk, a.pk])
    assert client.get(mid).status_code == 404
    unknown = reverse("emulation-public:collective", args=[movement.pk, published.world.review.pk, 999999])
    assert client.get(unknown).status_code == 404


def test_results_page_shows_ranking_scores_and_failed_gates(client, published):
    movement = published.world.movement
    a, _b, c = published.world.units
    html = client.get(reverse("emulation-public:list")).content.decode()
    assert movement.name in html and "Tổng kết" in html
    page = client.get(reverse("emulation-public:movement", args=[movement.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-group="G1"' in html and 'data-group="G2"' in html
    final = published.final
    row_c = final.standings.get(agency=c)
    assert row_c.rank is None and "K6" in row_c.blocked_by
    c_row = html.split(f'data-participant="agency:{c.pk}"')[1].split("</tr>")[0]
    assert "K6" in c_row
    assert "<strong>K6</strong> (Tập thể): Không có cán bộ, công chức bị kỷ luật" in html
    link = reverse("emulation-public:collective", args=[movement.pk, published.world.review.pk, a.pk])
    assert f'href="{link}"' in html
    person = final.standings.get(official__isnull=False)
    assert person.official.full_name in html
    assert published.disciplined_name not in html


def test_participant_page_drills_down_without_personal_data(client, published, django_assert_max_num_queries):
    movement, review = published.world.movement, published.world.review
    _a, _b, c = published.world.units
    with django_assert_max_num_queries(10):
        page = client.get(reverse("emulation-public:collective", args=[movement.pk, review.pk, c.pk]))
    html = page.content.decode()
    for code in ("C1", "C4", "K1", "K4", "K5", "K6", "K7"):
        assert f'data-criterion="{code}"' in html
    assert "Quyết định kỷ luật Cảnh cáo ngày 05/01/2024" in html
    assert published.disciplined_name not in html
    assert "Kèm theo SAT: 100,00%" in html
    person = published.final.standings.get(official__isnull=False)
    url = reverse("emulation-public:individual", args=[movement.pk, review.pk, person.official_id])
    html = client.get(url).content.decode()
    assert person.official.full_name in html and 'data-criterion="I1"' in html
    assert "Năm 2023: đã có kết quả xếp loại" in html
    assert "HTTNV" not in html  # a person's rating level is not published, only whether I1 is met


def test_public_evidence_descriptors_hide_names():
    class Case:
        decided_on = dt.date(2024, 1, 5)
        form = "warning"
        official = "Nguyễn Văn Bí Mật"

        def get_form_display(self):
            return "Cảnh cáo"

    result = type("R", (), {"evidence": {"kind": "discipline", "ids": [7]}, "override_id": None})()
    lines = reports.public_evidence(result, {"discipline": {7: Case()}})
    assert lines == ["Quyết định kỷ luật Cảnh cáo ngày 05/01/2024"]
    blocking = type(
        "R",
        (),
        {
            "evidence": {"kind": "blocking_case", "discipline_ids": [1], "verification_ids": [2]},
            "override_id": None,
        },
    )()
    assert reports.public_evidence(blocking, {}) == ["Có 2 trường hợp đang xem xét, kỷ luật hoặc xác minh"]


def test_results_page_query_count_does_not_grow(client, published, person, django_assert_max_num_queries):
    movement = published.world.movement
    url = reverse("emulation-public:movement", args=[movement.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    Review.objects.filter(pk=published.world.review.pk).update(published_at=None)
    for unit in published.world.units:
        for _ in range(3):
            person(unit)
    published.world.evaluate(reason="thêm cá nhân")
    _publish(published.world.review)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('data-participant="official:') == 10
    with django_assert_max_num_queries(6):
        assert client.get(reverse("emulation-public:list")).status_code == 200


def test_decided_recipients_are_listed_when_the_award_models_exist(client, published):
    """Names come from the decision; a revoked award is marked with its public reason (§10.14)."""
    try:
        AwardForm = apps.get_model("emulation", "AwardForm")
        AwardRound = apps.get_model("emulation", "AwardRound")
        Proposal = apps.get_model("emulation", "Proposal")
        AwardDecision = apps.get_model("emulation", "AwardDecision")
        AwardRecipient = apps.get_model("emulation", "AwardRecipient")
        BaseSalary = apps.get_model("emulation", "BaseSalary")
    except LookupError:
        assert reports.decided_recipients(published.world.movement) == []
        pytest.skip("the award models are not installed")
    w = published.world
    a = w.units[0]
    standing = Standing.objects.get(evaluation=published.final, agency=a)
    form = AwardForm.objects.get(code="giay_khen")
    rnd = AwardRound.objects.create(
        movement=w.movement,
        review=w.review,
        evaluation=published.final,
        award_form=form,
        issuing_agency=w.district,
        issuing_role="Chủ tịch UBND huyện",
        legal_basis="Luật Thi đua, khen thưởng 2022",
        opened_on=dt.date(2024, 12, 21),
    )
    proposal = Proposal.objects.create(
        round=rnd,
        standing=standing,
        subject="collective",
        agency=a,
        proposing_agency=a,
        group=w.group,
        score=standing.score,
        rank=standing.rank,
    )
    salary = BaseSalary.objects.order_by("-valid_from").first()
    decision = AwardDecision.objects.create(
        round=rnd,
        number="999/QĐ-UBND",
        date=dt.date(2024, 12, 28),
        issuing_agency=w.district,
        signer_name="Chủ tịch",
        signer_title="Chủ tịch UBND huyện",
        legal_basis="Luật Thi đua, khen thưởng 2022",
        base_salary=salary,
    )
    recipient = AwardRecipient.objects.create(
        decision=decision,
        proposal=proposal,
        subject="collective",
        agency=a,
        award_form=form,
        name=a.name,
        coefficient=Decimal("0.6"),
        base_salary_vnd=salary.amount_vnd,
        amount_vnd=1410000,
    )
    url = reverse("emulation-public:movement", args=[w.movement.pk])
    html = client.get(url).content.decode()
    assert "data-recipients" in html and "999/QĐ-UBND ngày 28/12/2024" in html and form.name in html
    assert "đã hủy" not in html
    apps.get_model("emulation", "Revocation").objects.create(
        recipient=recipient,
        grounds="criteria_not_met",
        reason="Phát hiện sau có phản ánh nhũng nhiễu có căn cứ",
        decision_number="5/QĐ-UBND",
        decision_date=dt.date(2025, 3, 1),
        revoked_at=timezone.now(),
    )
    html = client.get(url).content.decode()
    assert "đã hủy: Phát hiện sau có phản ánh nhũng nhiễu có căn cứ" in html


def test_indicator_criteria_link_down_to_the_records(client, published):
    """Every indicator-sourced score opens the list of records behind its numerator and denominator."""
    import re

    from minhbach.emulation.models import CriterionResult

    standing = Standing.objects.filter(
        agency__isnull=False, evaluation__review__published_at__isnull=False
    ).first()
    review = standing.evaluation.review
    url = reverse("emulation-public:collective", args=[review.movement_id, review.pk, standing.agency_id])
    page = client.get(url).content.decode()
    links = re.findall(r'href="(/minh-bach/bang-chung/[^"]+)"', page)
    indicator_criteria = CriterionResult.objects.filter(
        evaluation=standing.evaluation, agency=standing.agency, criterion__source__startswith="indicator:"
    ).count()
    assert indicator_criteria > 0
    assert len(links) == 2 * indicator_criteria
    assert f"tu={review.data_from:%Y-%m-%d}" in links[0]
    assert client.get(links[0].replace("&amp;", "&")).status_code == 200
