"""The coverage page and the listing forms against the role matrix (out of scope: 404, never 403)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minhbach.core.models import LedgerEntry
from minhbach.procedures import listing
from minhbach.procedures.models import ProcedureListing
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

LISTING_RIGHTS = {
    "desk_officer": ("view_procedurelisting", "change_procedurelisting"),
    "unit_leader": ("view_procedurelisting", "change_procedurelisting"),
    "secretariat": ("view_procedurelisting",),
    "council_member": ("view_procedurelisting",),
    "auditor": ("view_procedurelisting",),
    "administrator": ("view_procedurelisting", "change_procedurelisting"),
}


def test_role_table_grants_the_listing_rights():
    for role, codenames in LISTING_RIGHTS.items():
        group = Group.objects.get(name=role)
        granted = group.permissions.filter(content_type__app_label="procedures")
        assert set(granted.values_list("codename", flat=True)) == set(codenames), role
    specialist = Group.objects.get(name="specialist")
    assert not specialist.permissions.filter(content_type__app_label="procedures").exists()


@pytest.fixture
def catalogue(district):
    """Three procedures at desk A (one listed), one at desk B."""
    codes = [
        ("1.001193", "Đăng ký khai sinh"),
        ("1.000894", "Đăng ký kết hôn"),
        ("2.000884", "Chứng thực chữ ký"),
    ]
    procedures = [make_procedure(code, name).procedure for code, name in codes]
    listing.procedures_assign(
        actor=None, agency=district.desk_a, procedures=procedures, valid_from=dt.date(2023, 1, 1)
    )
    listing.listing_record(actor=None, agency=district.desk_a, procedure=procedures[0], medium="paper")
    other = make_procedure("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân").procedure
    listing.procedures_assign(
        actor=None, agency=district.desk_b, procedures=[other], valid_from=dt.date(2023, 1, 1)
    )
    return district


def _url(name: str, agency) -> str:
    return reverse(f"listing:{name}", args=[agency.slug])


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("officer_a", "desk_a", 200),
        ("officer_a", "commune_a", 404),
        ("officer_b", "desk_a", 404),
        ("leader_a", "commune_a", 200),
        ("leader_a", "desk_a", 200),
        ("leader_a", "commune_b", 404),
        ("secretariat", "commune_a", 200),
        ("auditor", "committee", 200),
        ("no_unit", "commune_a", 404),
    ],
)
def test_coverage_page_role_matrix(client, catalogue, users, who, target, status):
    client.force_login(users[who])
    assert client.get(_url("coverage", getattr(catalogue, target))).status_code == status


def test_anonymous_is_sent_to_login(client, catalogue):
    response = client.get(_url("coverage", catalogue.commune_a))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(_url("record", catalogue.commune_a), {"procedure": "1.000894"})
    assert response.status_code == 302
    assert ProcedureListing.objects.count() == 1


def test_leader_sees_coverage_and_gaps(client, catalogue, users):
    client.force_login(users["leader_a"])
    page = client.get(_url("coverage", catalogue.commune_a)).content.decode()
    assert "33,3%" in page
    assert "1.000894" in page and "2.000884" in page and "Chưa niêm yết" in page
    assert "1.004873" not in page  # desk B is another commune
    assert 'name="medium"' in page  # the leader may record


def test_secretariat_sees_but_cannot_record(client, catalogue, users):
    client.force_login(users["secretariat"])
    page = client.get(_url("coverage", catalogue.committee)).content.decode()
    assert "25,0%" in page and "1.004873" in page
    assert 'name="medium"' not in page
    response = client.post(
        _url("record", catalogue.committee),
        {"procedure": "1.004873", "agency": catalogue.desk_b.slug, "medium": "paper"},
    )
    assert response.status_code == 404
    assert not ProcedureListing.objects.filter(agency=catalogue.desk_b).exists()


def test_a_past_check_date_can_be_chosen(client, catalogue, users):
    client.force_login(users["leader_a"])
    page = client.get(_url("coverage", catalogue.commune_a), {"ngay": "30/06/2024"}).content.decode()
    assert "30/06/2024" in page
    assert "0,0%" in page  # the listing was posted today, after that day


def test_a_bad_check_date_is_explained(client, catalogue, users):
    client.force_login(users["leader_a"])
    response = client.get(_url("coverage", catalogue.commune_a), {"ngay": "32/13/2024"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in response.content.decode()


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_query_count_does_not_grow_with_the_catalogue(client, catalogue, users):
    client.force_login(users["leader_a"])
    url = _url("coverage", catalogue.commune_a)
    _page_queries(client, url)  # warm the session and permission caches
    few = _page_queries(client, url)
    more = [make_procedure(f"9.{i:06d}", f"Thủ tục {i}").procedure for i in range(12)]
    listing.procedures_assign(
        actor=None, agency=catalogue.desk_a, procedures=more, valid_from=dt.date(2023, 1, 1)
    )
    for proc in more[:5]:
        listing.listing_record(actor=None, agency=catalogue.desk_a, procedure=proc, medium="qr")
    assert _page_queries(client, url) == few
    assert few == 15  # session, user, permissions, scope, agency, policy (3), 4 reads of the page


@pytest.mark.parametrize(
    ("who", "status"), [("leader_a", 302), ("officer_a", 302), ("officer_b", 404), ("auditor", 404)]
)
def test_record_role_matrix(client, catalogue, users, who, status):
    client.force_login(users[who])
    root = catalogue.commune_a if who == "leader_a" else catalogue.desk_a
    response = client.post(
        _url("record", root),
        {
            "procedure": "1.000894",
            "agency": catalogue.desk_a.slug,
            "medium": "both",
            "location": "Bảng tin tầng 1",
        },
    )
    assert response.status_code == status
    written = ProcedureListing.objects.filter(agency=catalogue.desk_a, procedure__code="1.000894").first()
    if status == 302:
        assert written.counter_medium == "both" and written.counter_location == "Bảng tin tầng 1"
        entry = LedgerEntry.objects.filter(action="procedure.listing_recorded").last()
        assert entry.actor_id == users[who].pk
    else:
        assert written is None


def test_recording_closes_the_gap(client, catalogue, users):
    client.force_login(users["leader_a"])
    client.post(
        _url("record", catalogue.commune_a),
        {"procedure": "1.000894", "agency": catalogue.desk_a.slug, "medium": "paper"},
    )
    page = client.get(_url("coverage", catalogue.commune_a)).content.decode()
    assert "66,7%" in page and "Đã ghi nhận niêm yết thủ tục 1.000894" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"medium": "loa"}, "Hình thức niêm yết phải là bản giấy, mã QR hoặc cả hai."),
        ({"medium": ""}, "Chưa chọn hình thức niêm yết."),
        ({"posted_on": "hôm qua"}, "Ngày niêm yết không hợp lệ"),
        ({"posted_on": "tomorrow"}, "Ngày niêm yết không được sau ngày hôm nay."),
        ({"procedure": "9.999999"}, "Không tìm thấy thủ tục có mã này."),
        ({"procedure": "1.004873"}, "Thủ tục này không được giao cho đơn vị vào ngày niêm yết."),
        ({"posted_on": "01/01/2020"}, "Thủ tục này không được giao cho đơn vị vào ngày niêm yết."),
        ({"agency": "desk_b"}, "Đơn vị không thuộc phạm vi được giao."),
        ({"location": "x" * 300}, "Vị trí niêm yết dài quá 255 ký tự."),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(client, catalogue, users, data, message):
    client.force_login(users["leader_a"])
    form = {"procedure": "1.000894", "agency": catalogue.desk_a.slug, "medium": "paper", **data}
    if form.get("posted_on") == "tomorrow":
        form["posted_on"] = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    if form["agency"] == "desk_b":
        form["agency"] = catalogue.desk_b.slug
    before = LedgerEntry.objects.count()
    response = client.post(_url("record", catalogue.commune_a), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ProcedureListing.objects.count() == 1
    assert LedgerEntry.objects.count() == before


def test_check_confirms_a_listing(client, catalogue, users):
    client.force_login(users["leader_a"])
    response = client.post(
        _url("check", catalogue.commune_a), {"procedure": "1.001193", "agency": catalogue.desk_a.slug}
    )
    assert response.status_code == 302
    record = ProcedureListing.objects.get(procedure__code="1.001193")
    assert record.counter_checked_by == users["leader_a"]
    response = client.post(
        _url("check", catalogue.commune_a), {"procedure": "1.000894", "agency": catalogue.desk_a.slug}
    )
    assert response.status_code == 400
    assert "Không tìm thấy niêm yết cần xác nhận." in response.content.decode()


def test_printing_from_the_page_records_and_downloads(client, catalogue, users):
    client.force_login(users["leader_a"])
    assert client.get(_url("poster-print", catalogue.desk_a)).status_code == 405
    response = client.post(_url("poster-print", catalogue.desk_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="niem-yet-')
    assert set(
        ProcedureListing.objects.filter(agency=catalogue.desk_a).values_list("counter_medium", flat=True)
    ) == {"both"}


def test_printing_needs_the_right_to_record(client, catalogue, users):
    client.force_login(users["secretariat"])
    assert client.post(_url("poster-print", catalogue.desk_a)).status_code == 404
    assert ProcedureListing.objects.filter(counter_medium="both").count() == 0


def test_a_dissolved_unit_records_on_its_last_day(client, catalogue, users):
    catalogue.desk_a.valid_to = dt.date(2025, 6, 30)
    catalogue.desk_a.save()
    client.force_login(users["leader_a"])
    page = client.get(_url("coverage", catalogue.desk_a)).content.decode()
    assert "Ngày kiểm tra 30/06/2025" in page
    response = client.post(
        _url("record", catalogue.desk_a),
        {"procedure": "1.000894", "agency": catalogue.desk_a.slug, "medium": "qr"},
    )
    assert response.status_code == 302
    assert ProcedureListing.objects.get(procedure__code="1.000894").counter_posted_on == dt.date(2025, 6, 30)
