"""POST /requests: a trusted client registers a PAKN through ``feedback_receive``; anything else is
403 or 400 in the specification's error format, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from minhbach.core.models import LedgerEntry
from minhbach.feedback import selectors as feedback_selectors
from minhbach.feedback.models import Channel, Feedback, State
from minhbach.open311 import services
from minhbach.open311.models import ApiClient, key_digest
from minhbach.open311.tests.conftest import CCCD, EMAIL, PHONE, parse_xml
from minhbach.open311.tests.test_views import BASE, assert_errors_json, assert_errors_xml

FORM = {
    "service_code": "conduct",
    "description": f"Cán bộ hẹn ba lần chưa trả hồ sơ. CCCD {CCCD}.",
    "first_name": "Mai",
    "last_name": "Nguyễn Thị",
    "email": EMAIL,
    "phone": PHONE,
    "address_string": "Thôn 2, xã A",
}


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_post_registers_a_pakn_visible_to_staff(client, district, users, api_key, calendar):
    response = post(client, api_key=api_key, **FORM)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert len(body) == 1
    assert set(body[0]) == {"service_request_id", "token", "service_notice", "account_id"}
    code = body[0]["service_request_id"]
    assert code.startswith("PAKN.")

    item = Feedback.objects.get(code=code)
    assert item.state == State.RECEIVED
    assert item.channel == Channel.MINHBACH
    assert item.agency == district.desk_a  # the client's default agency
    assert item.category == "conduct" and item.class_766 == "staff"
    assert (item.sender_name, item.sender_phone, item.sender_email, item.sender_address) == (
        "Nguyễn Thị Mai", PHONE, EMAIL, "Thôn 2, xã A",
    )  # fmt: skip
    assert item.valid and not item.anonymous
    assert item.text == FORM["description"]
    assert item.events.get().action == "receive"
    actions = set(LedgerEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
    assert {"feedback.receive", "open311.request_submit"} <= actions
    assert item in feedback_selectors.staff_queue(users["officer_a"])
    assert item not in feedback_selectors.staff_queue(users["officer_b"])

    # Read back: listed, open, and without what the citizen typed.
    detail = client.get(f"{BASE}/requests/{code}.json")
    row = json.loads(detail.content)[0]
    assert row["status"] == "open" and row["description"] == ""
    assert CCCD not in detail.content.decode() and PHONE not in detail.content.decode()

    token = client.get(f"{BASE}/tokens/{body[0]['token']}.json")
    assert json.loads(token.content) == [{"service_request_id": code, "token": body[0]["token"]}]


def test_post_xml_and_routing_attributes(client, district, api_key, calendar):
    response = post(
        client, "xml", api_key=api_key, **{**FORM, "service_code": "unlawful"},
        **{"attribute[agency]": district.desk_b.slug, "attribute[sender_kind]": "business"},
    )  # fmt: skip
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == ["service_request_id", "token", "service_notice", "account_id"]
    item = Feedback.objects.get(code=request.findtext("service_request_id"))
    assert item.agency == district.desk_b
    assert item.sender_kind == "business"

    token = client.get(f"{BASE}/tokens/{request.findtext('token')}.xml")
    assert parse_xml(token.content).findtext("request/service_request_id") == item.code


def test_post_without_sender_is_anonymous_information(client, api_key, calendar):
    response = post(client, api_key=api_key, service_code="other", description="Giờ làm việc không niêm yết.")
    item = Feedback.objects.get(code=json.loads(response.content)[0]["service_request_id"])
    assert item.anonymous and not item.valid


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_missing_or_bad_key_is_403(client, api_key, fmt, key):
    data = dict(FORM) if key is None else {**FORM, "api_key": key}
    response = post(client, fmt, **data)
    assert response.status_code == 403
    if fmt == "json":
        assert_errors_json(json.loads(response.content), 403)
    else:
        assert_errors_xml(parse_xml(response.content), 403)
    assert not Feedback.objects.exists()


def test_inactive_client_is_403(client, api_key):
    services.api_client_set_active(actor=None, client=ApiClient.objects.get(), active=False)
    assert post(client, api_key=api_key, **FORM).status_code == 403
    assert not Feedback.objects.exists()
    assert LedgerEntry.objects.filter(action="open311.client_deactivate").exists()


def test_key_is_stored_only_as_its_digest(api_key):
    row = ApiClient.objects.get()
    assert row.key_digest == key_digest(api_key)
    assert api_key not in str(ApiClient.objects.values().get())


@pytest.mark.parametrize(
    ("changes", "count"),
    [
        ({"service_code": ""}, 1),
        ({"service_code": "nope"}, 1),
        ({"description": "   "}, 1),
        ({"email": "not-an-email"}, 1),
        ({"phone": "gọi tôi"}, 1),
        ({"attribute[agency]": "no-such-agency"}, 1),
        ({"attribute[dossier_code]": "H49.99-240101-0001", "attribute[procedure_code]": "9.999999"}, 2),
        ({"attribute[sender_kind]": "alien"}, 1),
        ({"last_name": "x" * 300, "address_string": "y" * 400, "description": "z" * 20_001}, 3),
        ({"service_code": "", "description": "", "email": "@"}, 3),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_submission_is_400_with_every_error_and_writes_nothing(client, api_key, changes, count, fmt):
    ledger_before = LedgerEntry.objects.count()
    response = post(client, fmt, api_key=api_key, **{**FORM, **changes})
    assert response.status_code == 400
    if fmt == "json":
        body = json.loads(response.content)
        assert_errors_json(body, 400)
        assert len(body) == count
    else:
        root = parse_xml(response.content)
        assert_errors_xml(root, 400)
        assert len(root.findall("error")) == count
    assert not Feedback.objects.exists()
    assert LedgerEntry.objects.count() == ledger_before


def test_post_needs_no_csrf_token_but_still_the_key(district, api_key, calendar):
    client = Client(enforce_csrf_checks=True)
    assert post(client, **FORM).status_code == 403
    assert post(client, api_key=api_key, **FORM).status_code == 200


def test_bad_token_is_404(client, db):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/tokens/forged:token.{fmt}")
        assert response.status_code == 404
    assert_errors_json(json.loads(client.get(f"{BASE}/tokens/abc.json").content), 404)
