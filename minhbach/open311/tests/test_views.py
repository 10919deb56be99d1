"""GeoReport v2 endpoints in JSON and XML: element names, filters, errors, and no personal data."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minhbach.feedback.models import Category, Feedback, State
from minhbach.open311 import selectors
from minhbach.open311.tests.conftest import PRIVATE, SENDER, parse_xml, receive

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "address", "requested_datetime", "updated_datetime",
    "expected_datetime", "media_url",
]  # fmt: skip


def get_json(client, path, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response["Content-Type"].startswith("application/json")
    return response, json.loads(response.content)


def get_xml(client, path, **params):
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response["Content-Type"].startswith("text/xml")
    return response, parse_xml(response.content)


def assert_errors_json(body, status):
    assert isinstance(body, list) and body
    for error in body:
        assert set(error) == {"code", "description"}
        assert error["code"] == status
        assert error["description"]


def assert_errors_xml(root, status):
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors
    for error in errors:
        assert [child.tag for child in error] == ["code", "description"]
        assert error.findtext("code") == str(status)
        assert error.findtext("description")


def test_urls_are_mounted_under_open311_v2():
    assert reverse("open311:services", kwargs={"fmt": "json"}) == f"{BASE}/services.json"


# --- discovery and services ----------------------------------------------------------------------


def test_discovery_json_and_xml(client, db):
    _r, body = get_json(client, "discovery")
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}

    _r, root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert {c.tag for c in root} == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_feedback_categories(client, db):
    _r, body = get_json(client, "services")
    assert [s["service_code"] for s in body] == Category.values
    conduct = body[0]
    assert conduct["service_name"] == str(Category.CONDUCT.label)
    assert conduct["group"] == "Hành vi của cán bộ, công chức"
    assert body[1]["group"] == "Quy định, chính sách, TTHC"
    assert conduct["type"] == "realtime" and conduct["metadata"] is True
    assert set(conduct) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }

    _r, root = get_xml(client, "services")
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == len(Category.values)
    assert [c.tag for c in services[0]] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert services[0].findtext("metadata") == "true"
    assert services[0].findtext("service_code") == "conduct"


def test_service_definition_json_and_xml(client, district):
    _r, body = get_json(client, "services/unsuitable")
    assert body["service_code"] == "unsuitable"
    by_code = {a["code"]: a for a in body["attributes"]}
    assert by_code["dossier_code"]["datatype"] == "string" and by_code["dossier_code"]["required"] is False
    assert by_code["procedure_code"]["datatype"] == "string"
    assert {"key": district.desk_a.slug, "name": district.desk_a.name} in by_code["agency"]["values"]

    _r, root = get_xml(client, "services/unsuitable")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "unsuitable"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == [
        "agency",
        "procedure_code",
        "dossier_code",
        "sender_kind",
    ]
    for attribute in attributes:
        assert {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        } <= {c.tag for c in attribute}
    assert attributes[0].find("values/value/key") is not None
    assert attributes[0].find("values/value/name") is not None


def test_unknown_service_is_404_in_the_error_format(client, db):
    response, body = get_json(client, "services/nope")
    assert response.status_code == 404
    assert_errors_json(body, 404)
    response, root = get_xml(client, "services/nope")
    assert response.status_code == 404
    assert_errors_xml(root, 404)


# --- GET requests -------------------------------------------------------------------------------------


def test_list_json_maps_states_and_hides_what_is_not_public(client, items):
    response, body = get_json(client, "requests")
    assert response.status_code == 200
    rows = {row["service_request_id"]: row for row in body}
    # Anonymous and out-of-scope items appear only once published; the old one is outside 90 days.
    assert set(rows) == {items.received.code, items.published.code, items.refused.code,
                         items.anonymous_published.code}  # fmt: skip
    assert body[0]["service_request_id"] == items.anonymous_published.code  # newest first
    for row in body:
        assert list(row) == REQUEST_FIELDS
        assert row["address"] == "" and row["media_url"] == ""
        assert "lat" not in row and "long" not in row

    open_row = rows[items.received.code]
    assert open_row["status"] == "open"
    assert open_row["description"] == "" and open_row["status_notes"] == ""
    assert open_row["service_code"] == "conduct"
    assert open_row["agency_responsible"] == "Bộ phận Một cửa xã A"
    assert open_row["requested_datetime"] == "2024-03-04T09:00:00+07:00"
    # 15 working days after Monday 04/03/2024: Monday 25/03/2024, at the close of office hours.
    assert open_row["expected_datetime"].startswith("2024-03-25T")

    done = rows[items.published.code]
    assert done["status"] == "closed"
    assert done["description"] == "Gọi [số điện thoại đã ẩn] hoặc gửi [thư điện tử đã ẩn] không ai trả lời."
    assert done["status_notes"] == "Đã bố trí cán bộ trực; liên hệ lại qua [thư điện tử đã ẩn]."
    assert done["expected_datetime"] is None
    assert done["updated_datetime"] == "2024-03-12T09:00:00+07:00"

    refused = rows[items.refused.code]
    assert refused["status"] == "closed"
    assert refused["description"] == ""
    assert refused["status_notes"] == "Không đủ thông tin; người gửi số CCCD [số CCCD đã ẩn]."
    assert refused["agency_responsible"] == "Bộ phận Một cửa xã B"

    assert rows[items.anonymous_published.code]["description"] == "Cán bộ một cửa hẹn nhiều lần."


def test_list_xml_has_the_element_names_of_the_specification(client, items):
    response, root = get_xml(client, "requests")
    assert response.status_code == 200
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 4
    for request in requests:
        assert [c.tag for c in request] == REQUEST_FIELDS
    by_id = {r.findtext("service_request_id"): r for r in requests}
    assert by_id[items.published.code].findtext("status") == "closed"
    assert by_id[items.received.code].findtext("status") == "open"
    assert by_id[items.received.code].findtext("description") == ""


def test_no_personal_data_in_any_get_response(client, items):
    codes = ",".join(f.code for f in Feedback.objects.all())
    paths = [
        ("requests", {}),
        ("requests", {"service_request_id": codes}),
        ("requests", {"start_date": "2023-09-25T00:00:00+07:00", "end_date": "2023-12-20T00:00:00+07:00"}),
    ]
    paths += [(f"requests/{f.code}", {}) for f in Feedback.objects.all()]
    bodies = []
    for path, params in paths:
        for fmt in ("json", "xml"):
            response = client.get(f"{BASE}/{path}.{fmt}", params)
            bodies.append(response.content.decode())
    seen = "\n".join(bodies)
    assert items.published.code in seen and items.old.code in seen
    for value in PRIVATE:
        assert value not in seen, value
    assert "Tôi là" not in seen  # the raw text the citizen typed


def test_filter_by_ids_overrides_the_other_filters(client, items):
    ids = f"{items.old.code},{items.published.code},{items.anonymous.code},PAKN.19990101.0001"
    _r, body = get_json(client, "requests", service_request_id=ids, status="open", service_code="conduct")
    # ``old`` is outside the default window, ``published`` is closed and not "conduct": ids win; the
    # unpublished anonymous item stays hidden.
    assert {row["service_request_id"] for row in body} == {items.old.code, items.published.code}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, {"received"}),
        ({"status": "closed"}, {"published", "refused", "anonymous_published"}),
        ({"status": "open,closed"}, {"received", "published", "refused", "anonymous_published"}),
        ({"service_code": "conduct"}, {"received"}),
        ({"service_code": "unsuitable,other"}, {"published", "refused", "anonymous_published"}),
        ({"start_date": "2024-03-06T00:00:00+07:00", "end_date": "2024-03-07T23:59:59+07:00"}, {"refused"}),
        ({"start_date": "2024-03-06T03:00:00Z"}, {"anonymous_published"}),
        ({"start_date": "2023-09-25T00:00:00+07:00", "end_date": "2023-12-20T00:00:00+07:00"}, {"old"}),
        ({"end_date": "2024-03-05T00:00:00+07:00"}, {"received"}),
        ({"start_date": "2023-12-21"}, {"received", "published", "refused", "anonymous_published"}),
    ],
)
def test_list_filters(client, items, params, expected):
    _r, body = get_json(client, "requests", **params)
    assert {row["service_request_id"] for row in body} == {getattr(items, name).code for name in expected}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"service_code": "conduct,nope"},
        {"start_date": "yesterday"},
        {"end_date": "2024-02-30T00:00:00Z"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01"},
        {"start_date": "2024-03-04T09:00:00+99:00"},
        {"start_date": "2024-03-10T00:00:00Z", "end_date": "2024-03-01T00:00:00Z"},
        {"start_date": "2023-01-01T00:00:00Z", "end_date": "2024-03-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_400_in_the_error_format(client, items, params):
    response, body = get_json(client, "requests", **params)
    assert response.status_code == 400
    assert_errors_json(body, 400)
    response, root = get_xml(client, "requests", **params)
    assert response.status_code == 400
    assert_errors_xml(root, 400)


def test_list_issues_a_constant_number_of_queries(client, items, district, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/requests.json").status_code == 200
        return len(ctx.captured_queries)

    receive(district.desk_b, when="2024-03-09 10:00")  # open items at both agencies from the start
    before = count()
    for day in range(10, 20):
        receive(district.desk_a if day % 2 else district.desk_b, when=f"2024-03-{day} 10:00")
    assert len(json.loads(client.get(f"{BASE}/requests.json").content)) == 15
    assert count() == before
    # The page, the feedback rule set, then per agency its onestop rule set, office hours, calendar.
    with django_assert_max_num_queries(8):
        client.get(f"{BASE}/requests.xml")


def test_list_is_capped(monkeypatch, client, items):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 2)
    _r, body = get_json(client, "requests")
    assert len(body) == 2


def test_one_request_json_and_xml(client, items):
    response, body = get_json(client, f"requests/{items.published.code}")
    assert response.status_code == 200
    assert len(body) == 1 and body[0]["service_request_id"] == items.published.code
    assert body[0]["status"] == "closed"

    response, root = get_xml(client, f"requests/{items.published.code}")
    assert root.tag == "service_requests"
    assert [c.tag for c in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/service_request_id") == items.published.code


@pytest.mark.parametrize("name", ["anonymous", "out_of_scope", None])
def test_unknown_or_hidden_request_is_404(client, items, name):
    code = getattr(items, name).code if name else "PAKN.19990101.0001"
    response, body = get_json(client, f"requests/{code}")
    assert response.status_code == 404
    assert_errors_json(body, 404)
    response, root = get_xml(client, f"requests/{code}")
    assert response.status_code == 404
    assert_errors_xml(root, 404)


def test_unknown_path_and_method_answer_in_the_error_format(client, db):
    response = client.get(f"{BASE}/nothing.xml")
    assert response.status_code == 404
    assert_errors_xml(parse_xml(response.content), 404)
    response = client.get(f"{BASE}/requests.csv")
    assert response.status_code == 404
    response = client.put(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert_errors_json(json.loads(response.content), 405)


def test_sender_fields_are_never_loaded_by_the_public_read(items):
    item = selectors.visible().get(pk=items.published.pk)
    assert {
        "sender_name",
        "sender_phone",
        "sender_email",
        "sender_address",
        "text",
    } <= item.get_deferred_fields()
    assert SENDER.name not in json.dumps(selectors.represent(item), ensure_ascii=False)
    assert items.published.state == State.PUBLISHED


def test_unescaped_plus_of_an_offset_is_understood(client, items):
    # Many clients put "+07:00" in the query string as is; it arrives as a space.
    response = client.get(f"{BASE}/requests.json?start_date=2024-03-06T10:00:00+07:00")
    assert response.status_code == 200
    rows = json.loads(response.content)
    assert {row["service_request_id"] for row in rows} == {items.anonymous_published.code}
