"""The public dashboard ``/minh-bach/`` and the staff workload ``/can-bo/chi-so/``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minhbach.dossiers.models import Applicant, DossierStep, Status
from minhbach.indicators import rollups
from minhbach.indicators.views.public import default_unit
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

DASHBOARD = "indicators-public:dashboard"
QUARTER = {"ky": "quy", "quy": "1", "nam": "2024"}
PERSONAL = ("Nguyễn Văn Thử", "0905000000", "Trần Thị Khác", "0905999999")


def test_the_default_is_the_committee_above_the_dossiers_and_the_campaign(client, scenario):
    committee, _x, _y = scenario
    assert default_unit() == committee
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    assert response.context["unit"] == committee
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2023, 9, 1),
        dt.date(2024, 11, 30),
    )


def test_dashboard_shows_targets_score_league_flags_and_formulas(client, scenario):
    committee, x, y = scenario
    response = client.get(reverse(DASHBOARD), {"don_vi": committee.slug, "ky": "thang", "thang": "02/2024"})
    assert response.status_code == 200
    text = response.content.decode()
    result = response.context["result"]
    assert result.cell("K1").meets is False and result.cell("K3").na
    assert 'class="bad">40,00 %' in text  # K1 = 40 % against "< 5 %": red
    assert "N/A" in text and "38,47" in text  # 766 total of the scenario
    league = response.context["league"]
    assert [row["agency"] for row in league] == [x, y]  # Phòng Y has no data: last, unranked
    assert league[1]["total"] is None
    evidence_url = reverse("indicators-public:evidence", args=[committee.slug, "K1", "numerator"])
    assert evidence_url in text
    assert reverse("indicators-public:report-pdf", args=[committee.slug]) in text
    assert reverse("indicators-public:flag", args=[committee.slug, "undelivered"]) in text
    # Per child unit, each flag count links to its records: the scenario's dossiers were entered
    # "today", years after their acceptance (back-dated receipts), 8 of them accepted in February.
    backdated = dict(league[0]["flag_counts"])["backdated"]
    assert backdated == 8
    assert reverse("indicators-public:flag", args=[x.slug, "backdated"]) + "?tu=2024-02-01" in text
    assert "<details>" in text and "<svg" in text and "<script" not in text
    for personal in PERSONAL:
        assert personal not in text


def _count(client, name, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", [DASHBOARD, "indicators-public:league", "indicators-public:trends"])
def test_query_count_is_bounded_whatever_the_data(
    client,
    scenario,
    make_dossier,
    name,
    django_assert_max_num_queries,
):
    committee, x, y = scenario
    params = {"don_vi": committee.slug, **QUARTER}
    with django_assert_max_num_queries(45):
        client.get(reverse(name), params)
    before = _count(client, name, params)
    # Ten times the dossiers and three more units: the same number of queries.
    for i in range(3):
        make_agency(name=f"UBND xã {i}", parent=committee, code=f"000.5{i}.15.H49")
    for i in range(60):
        make_dossier(
            agency=y if i % 2 else x,
            accepted=f"2024-03-{1 + i % 28:02d} 09:00",
            due=f"2024-03-{1 + (i + 3) % 28:02d} 17:00",
        )
    rollups.rebuild()
    assert _count(client, name, params) == before


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ky": "tuy-chon", "tu": "2024-05-01", "den": "2024-01-01"}, "trước hoặc bằng ngày kết thúc"),
        ({"ky": "tuy-chon", "tu": "2024-05-01"}, "cần cả ngày bắt đầu và ngày kết thúc"),
        ({"ky": "thang", "thang": "13/2024"}, "Tháng không hợp lệ"),
        ({"ky": "nam", "nam": "abc"}, "Giá trị không hợp lệ"),
        ({"ky": "tuy-chon", "tu": "1990-01-01", "den": "2024-01-01"}, "không được trước năm 2000"),
        ({"ky": "hom-qua"}, "Lựa chọn không hợp lệ"),
        ({"don_vi": "khong-co", "ky": "nam", "nam": "2024"}, "Không tìm thấy đơn vị"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_not_a_500(client, scenario, params, message):
    response = client.get(reverse(DASHBOARD), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "result" not in response.context


def test_period_presets(client, scenario):
    committee, _x, _y = scenario
    cases = [
        ({"ky": "quy", "quy": "1", "nam": "2024"}, (dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
        ({"ky": "thang", "thang": "02/2024"}, (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ({"ky": "nam", "nam": "2023"}, (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ({"ky": "phong-trao"}, (dt.date(2023, 9, 1), dt.date(2024, 11, 30))),
        ({"tu": "2024-02-03", "den": "2024-02-10"}, (dt.date(2024, 2, 3), dt.date(2024, 2, 10))),
    ]
    for params, expected in cases:
        response = client.get(reverse(DASHBOARD), {"don_vi": committee.slug, **params})
        assert (response.context["start"], response.context["end"]) == expected, params


# --- Staff workload ----------------------------------------------------------------------------


@pytest.fixture
def workload(district, users, make_dossier):
    """At desk A: one overdue and one due tomorrow-ish dossier held by officer A; at desk B: one overdue."""
    now = timezone.now()
    stamp = lambda moment: timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    owner = Applicant.objects.create(full_name="Lê Văn Riêng", phone="0977000111")
    overdue_a = make_dossier(
        agency=district.desk_a,
        accepted=stamp(now - dt.timedelta(days=10)),
        due=stamp(now - dt.timedelta(days=1)),
        owner=owner,
    )
    make_dossier(
        agency=district.desk_a,
        accepted=stamp(now - dt.timedelta(days=2)),
        due=stamp(now + dt.timedelta(days=60)),
        owner=owner,
    )
    make_dossier(
        agency=district.desk_b,
        accepted=stamp(now - dt.timedelta(days=10)),
        due=stamp(now - dt.timedelta(days=2)),
        owner=owner,
    )
    make_dossier(
        agency=district.desk_b,
        accepted=stamp(now - dt.timedelta(days=10)),
        due=stamp(now - dt.timedelta(days=2)),
        owner=owner,
        status=Status.RETURNED,
    )
    DossierStep.objects.create(
        dossier=overdue_a,
        agency=district.desk_a,
        officer=users["officer_a"].official,
        received_at=now - dt.timedelta(days=9),
    )
    return district


def _login(client, user):
    client.force_login(user)


def test_staff_workload_requires_login(client, workload):
    response = client.get(reverse("indicators:workload"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_staff_workload_role_matrix(client, workload, users, django_assert_max_num_queries):
    url = reverse("indicators:workload")
    _login(client, users["officer_a"])
    with django_assert_max_num_queries(25):
        response = client.get(url)
    units = {row["name"]: row for row in response.context["dossier_units"]}
    assert set(units) == {"Bộ phận Một cửa xã A"}
    assert (units["Bộ phận Một cửa xã A"]["overdue"], units["Bộ phận Một cửa xã A"]["open"]) == (1, 2)
    officers = response.context["dossier_officers"]
    assert len(officers) == 1 and officers[0]["overdue"] == 1
    assert "Lê Văn Riêng" not in response.content.decode()
    client.logout()

    _login(client, users["officer_b"])
    response = client.get(url)
    assert {row["name"] for row in response.context["dossier_units"]} == {"Bộ phận Một cửa xã B"}
    assert response.context["dossier_units"][0]["open"] == 1  # the returned dossier is not open work
    client.logout()

    _login(client, users["secretariat"])
    response = client.get(url)
    assert {row["name"] for row in response.context["dossier_units"]} == {
        "Bộ phận Một cửa xã A",
        "Bộ phận Một cửa xã B",
    }
    assert "feedback_units" in response.context
    client.logout()

    _login(client, users["no_unit"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context.get("dossier_units") is None and response.context["has_any"] is False


def test_no_personal_data_on_any_public_page(client, scenario):
    committee, _x, _y = scenario
    query = "?tu=2024-02-01&den=2024-02-29"
    urls = [
        reverse(DASHBOARD) + f"?don_vi={committee.slug}&ky=thang&thang=02/2024",
        reverse("indicators-public:league") + f"?don_vi={committee.slug}&ky=thang&thang=02/2024",
        reverse("indicators-public:evidence", args=[committee.slug, "C3", "denominator"]) + query,
        reverse("indicators-public:evidence", args=[committee.slug, "SAT", "denominator"]) + query,
        reverse("indicators-public:flag", args=[committee.slug, "kiosk_rating"]) + query,
        reverse("indicators-public:report-csv", args=[committee.slug]) + query,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        for personal in PERSONAL:
            assert personal not in text, url


def test_unknown_unit_is_404(client, scenario):
    query = "?tu=2024-02-01&den=2024-02-29"
    assert (
        client.get(
            reverse("indicators-public:evidence", args=["khong-co", "K1", "numerator"]) + query
        ).status_code
        == 404
    )
    assert client.get(reverse("indicators-public:report-pdf", args=["khong-co"]) + query).status_code == 404
    assert Agency.objects.filter(slug="khong-co").count() == 0
