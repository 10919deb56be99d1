"""Public read API: anyone reads, nobody writes, bad parameters are a Vietnamese 400, no 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from minhbach.procedures.models import OnlineService, Procedure, ProcedureAssignment, ProcedureVersion
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db

LIST = "/api/v1/public/procedures/"
BIRTH = "1.001193"
CONTACT = {
    "address": "Thôn 1, xã A",
    "spokesperson_name": "Nguyễn Văn Phát",
    "spokesperson_position": "Phó Chủ tịch UBND xã",
    "spokesperson_phone": "0235 3880 123",
    "spokesperson_email": "ubnd.xaa@example.gov.vn",
}


def detail_url(code: str) -> str:
    return f"{LIST}{code}/"


@pytest.fixture
def catalogue(district):
    Agency.objects.filter(pk=district.commune_a.pk).update(**CONTACT)
    birth = make_procedure(BIRTH, "Thủ tục đăng ký khai sinh").procedure
    make_procedure("1.004884", "Thủ tục đăng ký lại khai sinh", fee_vnd=5000)
    make_procedure("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", levels=("district",))
    make_procedure(
        "1.009994", "Thủ tục cấp giấy phép xây dựng", "Xây dựng", "1000/QĐ-BXD", days=15,
        unit="day", fee_vnd=75000, levels=("district",), full_online_eligible=False,
    )  # fmt: skip
    ProcedureAssignment.objects.create(
        procedure=birth, agency=district.desk_a, valid_from=dt.date(2020, 1, 1)
    )
    ProcedureAssignment.objects.create(
        procedure=birth, agency=district.commune_b, valid_from=dt.date(2020, 1, 1)
    )
    OnlineService.objects.create(
        procedure=birth, agency=district.commune_a, mode="full", url="https://dichvucong.gov.vn/p/1",
        valid_from=dt.date(2022, 1, 1),
    )  # fmt: skip
    return birth


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


# --- List and search ----------------------------------------------------------------------------


def test_list_is_public_and_paginated(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 4
    row = next(r for r in body["results"] if r["code"] == BIRTH)
    assert row == {
        "code": BIRTH,
        "name": "Thủ tục đăng ký khai sinh",
        "field": {"slug": "ho-tich", "name": "Hộ tịch"},
        "levels": ["commune"],
        "online_available": True,
        "url": "http://127.0.0.1:8000/thu-tuc/1.001193/",
        "channels": [
            {
                "channel": 1,
                "channel_label": "Trực tiếp",
                "time_limit_value": 3.0,
                "time_limit_unit": "working_day",
                "time_limit_display": "3 ngày làm việc",
                "fee_display": "Miễn phí",
            },
            {
                "channel": 2,
                "channel_label": "Trực tuyến",
                "time_limit_value": 3.0,
                "time_limit_unit": "working_day",
                "time_limit_display": "3 ngày làm việc",
                "fee_display": "Miễn phí",
            },
        ],
    }


@pytest.mark.parametrize(
    "q", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai sinh", "1.001193"]
)
def test_search_ranks_birth_registration_first(client, catalogue, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200 and codes(response)[0] == BIRTH


def test_filters(client, catalogue, district):
    assert codes(client.get(LIST, {"field": "xay-dung"})) == ["1.009994"]
    assert sorted(codes(client.get(LIST, {"level": "district"}))) == ["1.009994", "2.000528"]
    assert codes(client.get(LIST, {"agency": district.desk_a.slug})) == [BIRTH]
    assert codes(client.get(LIST, {"agency": district.desk_b.slug})) == []
    assert codes(client.get(LIST, {"online": "false"})) == ["1.009994"]
    assert len(codes(client.get(LIST, {"online": "true"}))) == 3
    assert codes(client.get(LIST, {"q": "khai sinh", "level": "district", "online": "1"})) == ["2.000528"]


def test_limit_and_offset(client, catalogue):
    first = client.get(LIST, {"q": "khai sinh", "limit": 1}).json()
    assert first["count"] == 3 and [r["code"] for r in first["results"]] == [BIRTH]
    assert "offset=1" in first["next"]
    second = client.get(LIST, {"q": "khai sinh", "limit": 1, "offset": 1}).json()
    assert [r["code"] for r in second["results"]] == ["1.004884"]
    beyond = client.get(LIST, {"offset": 100_000})
    assert beyond.status_code == 200 and beyond.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "key", "message"),
    [
        ({"level": "xyz"}, "level", "Cấp thực hiện “xyz” không hợp lệ"),
        ({"online": "maybe"}, "online", "chỉ nhận true hoặc false"),
        ({"field": "khong-co"}, "field", "Không có lĩnh vực “khong-co”"),
        ({"agency": "khong-co"}, "agency", "Không có cơ quan, đơn vị “khong-co”"),
        ({"q": "x" * 201}, "q", "dài quá 200 ký tự"),
        ({"limit": "abc"}, "limit", "cần một số nguyên từ 1 đến 100"),
        ({"limit": "0"}, "limit", "cần một số nguyên từ 1 đến 100"),
        ({"limit": "1000"}, "limit", "cần một số nguyên từ 1 đến 100"),
        ({"offset": "-1"}, "offset", "cần một số nguyên từ 0 đến 100000"),
        ({"offset": "9" * 40}, "offset", "cần một số nguyên từ 0 đến 100000"),
        ({"offset": "1e5"}, "offset", "cần một số nguyên"),
    ],
)
def test_bad_parameters_are_400_in_vietnamese(client, catalogue, params, key, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    errors = response.json()
    assert key in errors and message in " ".join(errors[key])


@pytest.mark.parametrize("q", ["", "%", "_", "' OR 1=1 --", "ă" * 200, "\x00", "khai\x00sinh"])
def test_odd_queries_answer(client, catalogue, q):
    assert client.get(LIST, {"q": q}).status_code in (200, 400)


def test_unknown_parameters_are_ignored(client, catalogue):
    assert client.get(LIST, {"ordering": "-pk", "page": "x"}).status_code == 200


def test_list_query_count(client, district, django_assert_max_num_queries):
    for n in range(60):
        version = make_procedure(f"9.{n:06d}", f"Thủ tục thử nghiệm {n}", fee_vnd=n * 1000)
        ProcedureAssignment.objects.create(
            procedure=version.procedure, agency=district.desk_a, valid_from=dt.date(2020, 1, 1)
        )
    with django_assert_max_num_queries(4):  # count, page, channels, fees
        response = client.get(LIST, {"q": "thu nghiem", "limit": 100})
    assert response.status_code == 200 and len(response.json()["results"]) == 60
    with django_assert_max_num_queries(6):  # + the two slugs validated
        response = client.get(LIST, {"field": "ho-tich", "agency": district.desk_a.slug, "limit": 100})
    assert len(response.json()["results"]) == 60


# --- Detail -----------------------------------------------------------------------------------


def test_detail(client, catalogue, district):
    response = client.get(detail_url(BIRTH))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == BIRTH and body["online_available"] is True
    assert body["decision"]["number"] == "1872/QĐ-BTP"
    assert body["version"]["steps"].startswith("Bước 1") and body["version"]["subjects"] == [
        "Công dân Việt Nam"
    ]
    channel = body["channels"][0]
    assert channel["time_limit_value"] == 3.0 and channel["time_limit_unit"] == "working_day"
    assert channel["fees"] == [{"name": "Lệ phí", "amount_vnd": 0, "basis_text": "Miễn lệ phí"}]
    assert [d["name"] for d in body["documents"]] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert body["documents"][0]["originals"] == 1 and body["documents"][0]["form_template"] == "Mẫu tờ khai"
    assert body["results"] == [{"name": "Giấy khai sinh", "code": "KQ.G15.000001"}]
    assert body["legal_bases"] == [
        {"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": "2014-11-20", "issuer": ""}
    ]
    units = {u["slug"]: u for u in body["handling_units"]}
    assert set(units) == {district.desk_a.slug, district.commune_b.slug}
    # The desk publishes no contact; its committee's public contact answers for it.
    assert units[district.desk_a.slug]["contact"] == {"agency_name": "UBND xã A", **CONTACT}
    assert body["online_services"] == [
        {"agency": district.commune_a.slug, "agency_name": "UBND xã A", "mode": "full",
         "url": "https://dichvucong.gov.vn/p/1"}
    ]  # fmt: skip
    assert body["qr_png"] == "http://127.0.0.1:8000/thu-tuc/1.001193/qr.png"


def test_detail_carries_no_personal_data(client, catalogue, users):
    text = client.get(detail_url(BIRTH)).content.decode()
    payload = json.loads(text)
    assert "Cán Bộ Thử" not in text and "canbo" not in text
    assert '"id"' not in text and '"pk"' not in text  # codes and slugs, never primary keys
    assert "source_record" not in payload


def test_detail_of_a_dotted_local_code(client, db):
    make_procedure("1.012753.H19", "Thủ tục đăng ký thường trú", "Đăng ký, quản lý cư trú")
    response = client.get(detail_url("1.012753.H19"))
    assert response.status_code == 200 and response.json()["url"].endswith("/thu-tuc/1.012753.H19/")


def test_unknown_or_abolished_is_404_in_vietnamese(client, catalogue):
    response = client.get(detail_url("9.999999"))
    assert (
        response.status_code == 404
        and "Không có thủ tục hành chính đang áp dụng" in response.json()["detail"]
    )
    ProcedureVersion.objects.filter(procedure__code="1.004884").update(
        status=ProcedureVersion.Status.ABOLISHED
    )
    assert client.get(detail_url("1.004884")).status_code == 404
    assert Procedure.objects.filter(code="1.004884").exists()


def test_detail_query_count(client, catalogue, django_assert_max_num_queries):
    # procedure (+version, decision, field), channels, fees, documents, results, legal bases,
    # assignments (+agency, parent), online services (+agency)
    with django_assert_max_num_queries(8):
        assert client.get(detail_url(BIRTH)).status_code == 200


# --- Role matrix: the same for everyone, read-only ----------------------------------------------


@pytest.mark.parametrize("role", [None, "officer_a", "officer_b", "leader_a", "secretariat", "no_unit"])
def test_every_role_reads_the_same_and_nobody_writes(client, catalogue, users, role):
    anonymous = client.get(detail_url(BIRTH)).json()
    if role:
        client.force_login(users[role])
    assert client.get(detail_url(BIRTH)).json() == anonymous
    assert client.get(LIST).status_code == 200
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(LIST).status_code == 405
        assert method(detail_url(BIRTH)).status_code == 405


def test_schema_endpoint(client, db):
    response = client.get("/api/v1/public/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/public/procedures/" in paths and "/api/v1/public/procedures/{code}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/public/procedures/"]["get"]["parameters"]}
    assert {"q", "field", "level", "agency", "online", "limit", "offset"} <= parameters
