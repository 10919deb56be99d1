"""Sơ kết and tổng kết reports (DOMAIN.md §10.4): data, PDF, Excel, the role matrix and query bounds.

The campaign fixture builds, through the services, a movement with two groups (G1 offices, G2
communes) and two reviews computed with different indicator values, so that gaps and
improvements are known in advance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minhbach.accounts.tests.factories import make_official
from minhbach.emulation import evaluation, reports, services
from minhbach.emulation.models import DisciplineCase, EmulationGroup, Evaluation, Review
from minhbach.emulation.tests.conftest import GOOD, START, World, value
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

MID_END = dt.date(2024, 2, 29)


@dataclasses.dataclass
class Campaign:
    world: World
    offices: list[Agency]
    g1: EmulationGroup
    midterm: Review
    mid: Evaluation
    final: Evaluation
    disciplined_name: str


def _evaluate(review: Review, values: dict, *, seed: str = "") -> Evaluation:
    return evaluation.review_evaluate(
        actor=None, review=review, seed=seed, values=values, as_of=dt.date(2024, 12, 10)
    )


@pytest.fixture
def campaign(world, district, person) -> Campaign:
    """G1 (Phòng Nội vụ, Phòng Tư pháp) and G2 (xã A, B, C); a mid-term and a final review.

    Mid-term → final: xã A C1 60 → 90 and C4 80 → 95; xã B C5 N/A → 100; xã C K1 7 → 0 (gate);
    Phòng Tư pháp K2 50 → 40 and registered target C4 ≥ 90 (95 at the mid-term: no gap). Xã C has
    a decided discipline case dated 05/01/2024, so it fails K6 in both reviews.
    """
    justice = make_agency(name="Phòng Tư pháp", kind=Agency.Kind.OFFICE, parent=district.committee)
    offices = [district.home_affairs, justice]
    g1 = services.group_create(
        actor=None, movement=world.movement, code="G1", name="Khối cơ quan chuyên môn", members=offices
    )
    for unit in offices:
        reg = services.registration_create(
            actor=None, movement=world.movement, agency=unit, targets={"C4": 90} if unit == justice else {}
        )
        services.registration_submit(actor=None, registration=reg)
        services.registration_approve(actor=None, registration=reg)
        for code, rate in GOOD.items():
            world.values[(unit.pk, code)] = value(rate)
    a, b, c = world.units
    person(a)
    disciplined = make_official(c)
    services.discipline_case_record(
        actor=None,
        official=disciplined,
        agency=c,
        status=DisciplineCase.Status.DECIDED,
        form="warning",
        decided_on=dt.date(2024, 1, 5),
    )
    midterm = services.review_create(
        actor=None, movement=world.movement, kind=Review.Kind.MIDTERM, data_from=START, data_to=MID_END
    )
    mid_values = dict(world.values)
    for unit, rates in (
        (a, {"C1": 60, "C4": 80}),
        (b, {"C5": None}),
        (c, {"K1": 7}),
        (justice, {"K2": 50, "C4": 95}),
    ):
        for code, rate in rates.items():
            mid_values[(unit.pk, code)] = value(rate)
    mid = _evaluate(midterm, mid_values)
    world.set(a, C1=90, C4=95)
    world.set(justice, K2=40)
    final = world.evaluate(seed="phiên họp 10/12/2024")
    return Campaign(world, offices, g1, midterm, mid, final, disciplined.full_name)


def _build(campaign: Campaign, review: Review, group=None) -> reports.Report:
    review = Review.objects.select_related("movement__launching_agency__administrative_unit").get(
        pk=review.pk
    )
    return reports.build(review, group=group, today=dt.date(2024, 12, 15))


def _pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


# --- Data ----------------------------------------------------------------------------------------


def test_final_report_scoreboards_and_improvements(campaign):
    a, b, c = campaign.world.units
    _home, justice = campaign.offices
    report = _build(campaign, campaign.world.review)
    assert [board.group.code for board in report.boards] == ["G1", "G2"]
    g2 = report.boards[1]
    assert {line.standing.agency_id for line in g2.collectives} == {a.pk, b.pk, c.pk}
    line_c = next(line for line in g2.collectives if line.standing.agency_id == c.pk)
    assert "K6" in line_c.failed and line_c.standing.rank is None
    assert len(g2.individuals) == 1
    assert report.midterm_evaluation == campaign.mid and not report.gaps

    deltas = {(d.unit, d.criterion.code): d.delta for d in report.deltas}
    assert deltas[(a.name, "C1")] == Decimal(30)
    assert deltas[(a.name, "C4")] == Decimal(15)
    assert deltas[(justice.name, "K2")] == Decimal(-10)
    assert deltas[(c.name, "K1")] == Decimal(-7)
    assert (b.name, "C5") not in deltas  # N/A at the mid-term: no comparison (D5)
    assert deltas[(b.name, "C1")] == 0
    improved = {(d.unit, d.criterion.code) for d in report.improved}
    assert (a.name, "C1") in improved and (justice.name, "K2") not in improved

    score_delta = next(d for d in report.score_deltas if d.unit == a.name)
    mid_a = campaign.mid.standings.get(agency=a)
    final_a = campaign.final.standings.get(agency=a)
    assert score_delta.delta == final_a.score - mid_a.score > 0
    assert (score_delta.midterm_rank, score_delta.final_rank) == (mid_a.rank, final_a.rank)


def test_midterm_report_lists_gaps_against_targets_and_full_marks(campaign):
    a, b, c = campaign.world.units
    _home, justice = campaign.offices
    report = _build(campaign, campaign.midterm)
    assert report.is_midterm and not report.deltas and report.midterm_evaluation is None
    gaps = {(g.unit, g.criterion.code): g for g in report.gaps}
    assert gaps[(a.name, "C1")].shortfall == Decimal(40) and gaps[(a.name, "C1")].target == "100,00"
    assert gaps[(a.name, "C4")].shortfall == Decimal(20)
    assert gaps[(c.name, "K1")].shortfall is None and gaps[(c.name, "K6")].value == Decimal(1)
    assert (justice.name, "C4") not in gaps  # 95 meets the registered target of 90
    assert gaps[(justice.name, "K2")].shortfall == Decimal(50)
    assert not any(unit == b.name and code == "C5" for unit, code in gaps)  # N/A is not a gap
    assert (b.name, "C1") not in gaps


def test_leaders_and_laggards_per_criterion(campaign):
    a, _b, _c = campaign.world.units
    _home, justice = campaign.offices
    report = _build(campaign, campaign.midterm)
    c1 = next(item for item in report.leaders if item.criterion.code == "C1")
    assert [r.value for r in c1.top] == [Decimal(100)] * 3
    assert c1.bottom[0].name == a.name and c1.bottom[0].value == Decimal(60)
    k2 = next(item for item in report.leaders if item.criterion.code == "K2")
    assert k2.bottom[0].name == justice.name
    assert all(r.value < Decimal(100) for r in k2.bottom)  # a unit at full marks is no laggard
    # A criterion N/A for a unit leaves it out (D5); four units left, all at 100: nobody named.
    c5 = next(item for item in report.leaders if item.criterion.code == "C5")
    assert (c5.count, c5.tied, c5.top, c5.bottom) == (4, Decimal(100), [], [])


def test_group_report_is_limited_to_its_group(campaign):
    a, _b, _c = campaign.world.units
    report = _build(campaign, campaign.world.review, group=campaign.g1)
    assert [board.group.code for board in report.boards] == ["G1"]
    assert {d.unit for d in report.deltas} <= {o.name for o in campaign.offices}
    assert all(r.name != a.name for item in report.leaders for r in item.top + item.bottom)
    other = EmulationGroup.objects.create(movement=_other_movement(campaign), code="X", name="Khác")
    with pytest.raises(reports.ReportError):
        _build(campaign, campaign.world.review, group=other)


def _other_movement(campaign):
    w = campaign.world
    return services.movement_create(
        actor=None,
        name="Phong trào khác",
        launching_agency=w.district,
        criteria_set=w.movement.criteria_set,
        period_start=START,
        period_end=MID_END,
    )


def test_build_runs_a_bounded_number_of_queries(campaign, person, django_assert_max_num_queries):
    for unit in campaign.world.units:
        for _ in range(3):
            person(unit)
    campaign.world.evaluate(reason="thêm cá nhân")
    review = Review.objects.select_related("movement__launching_agency__administrative_unit").get(
        pk=campaign.world.review.pk
    )
    with django_assert_max_num_queries(reports.MAX_QUERIES):
        report = reports.build(review)
    assert report.evaluation.version == 2  # the latest version of the review
    assert sum(len(b.individuals) for b in report.boards) == 10


def test_report_without_evaluation_is_refused(world):
    review = Review.objects.select_related("movement__launching_agency").get(pk=world.review.pk)
    with pytest.raises(reports.ReportError, match="chưa được tính điểm"):
        reports.build(review)


def test_bar_chart_is_escaped_inline_svg():
    svg = reports.bar_chart(
        "Điểm <G1>", [("UBND xã <A>", Decimal("87.5"), "proposed"), ("B", None, "blocked")]
    )
    assert svg.startswith("<svg") and "<script" not in svg
    assert "UBND xã &lt;A&gt;" in svg and "87,50" in svg and "N/A" in svg
    assert 'class="bar proposed"' in svg and svg.count("<rect") == 1


# --- Files and pages -----------------------------------------------------------------------------


@pytest.fixture
def council(district):
    return make_official(district.home_affairs, roles=("council_member",)).user


def test_final_pdf_has_the_administrative_header_and_diacritics(client, users, campaign):
    client.force_login(users["secretariat"])
    response = client.get(reverse("emulation-reports:pdf", args=[campaign.world.review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "bao-cao-tong-ket" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Tổng kết phong trào thi đua",
        "Phòng Tư pháp",
        "Tiến bộ so với sơ kết",
        "Khối cơ quan chuyên môn",
        "Mức độ hài lòng",
    ):
        assert expected in text, expected
    assert "ngày" in text and "tháng" in text and "năm" in text


def test_midterm_group_pdf(client, users, campaign):
    client.force_login(users["auditor"])
    url = reverse("emulation-reports:group-pdf", args=[campaign.midterm.pk, campaign.g1.pk])
    text = _pdf_text(client.get(url).content)
    assert "Sơ kết phong trào thi đua" in text and "Tồn tại, hạn chế" in text
    assert "KẾT QUẢ TẠM THỜI" in text and "UBND xã A" not in text


def test_xlsx_has_the_expected_sheets(client, users, campaign):
    a, _b, _c = campaign.world.units
    client.force_login(users["secretariat"])
    response = client.get(reverse("emulation-reports:xlsx", args=[campaign.world.review.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Thông tin",
        "Xếp hạng tập thể",
        "Xếp hạng cá nhân",
        "Giá trị tiêu chí",
        "Dẫn đầu, cuối bảng",
        "Tiến bộ so với sơ kết",
        "Tiêu chí",
    ]
    criteria = {row[1]: row for row in wb["Tiêu chí"].iter_rows(min_row=2, values_only=True)}
    assert criteria["C1"][2].startswith("100% chính sách") and criteria["C1"][4] == 10
    assert criteria["K1"][5] == "indicator:K1" and criteria["K1"][6] == "< 5"
    assert wb["Tiêu chí"]["A1"].font.bold
    deltas = {(r[1], r[2]): r[6] for r in wb["Tiến bộ so với sơ kết"].iter_rows(min_row=2, values_only=True)}
    assert deltas[(a.name, "C1")] == 30
    mid = client.get(reverse("emulation-reports:xlsx", args=[campaign.midterm.pk]))
    assert "Tồn tại theo đơn vị" in load_workbook(io.BytesIO(mid.content)).sheetnames


def test_html_report_has_the_chart_and_tables(client, users, campaign):
    client.force_login(users["secretariat"])
    html = client.get(reverse("emulation-reports:html", args=[campaign.midterm.pk])).content.decode()
    assert html.count("<svg") == 2 and "<script" not in html
    a = campaign.world.units[0]
    assert f'data-gap="{a.name}:C1"' in html and 'data-group="G1"' in html
    assert "Cả 4 đơn vị có cùng giá trị 100,00" in html.split('data-leaders="C5"')[1].split("</tr>")[0]


def test_role_matrix(client, users, council, campaign):
    urls = [
        reverse("emulation-reports:index"),
        reverse("emulation-reports:html", args=[campaign.world.review.pk]),
        reverse("emulation-reports:group-xlsx", args=[campaign.midterm.pk, campaign.g1.pk]),
    ]
    for user in (users["secretariat"], council, users["auditor"]):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    for name in ("officer_a", "leader_a", "no_unit"):
        client.force_login(users[name])
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_index_links_and_not_computed_review(client, users, world):
    client.force_login(users["secretariat"])
    index = client.get(reverse("emulation-reports:index")).content.decode()
    assert world.movement.name in index and "chưa được tính điểm" in index
    response = client.get(reverse("emulation-reports:pdf", args=[world.review.pk]))
    assert response.status_code == 404 and "chưa được tính điểm" in response.content.decode()
    assert client.get(reverse("emulation-reports:html", args=[999999])).status_code == 404
