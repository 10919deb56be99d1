"""A real Open311 client from PyPI against the endpoint: ``georeport`` (GeoReport v2 wrapper).

``georeport`` lists services, reads service definitions and requests in JSON and XML (parsing XML
with ``xmltodict``), but cannot create requests; the POST goes through a plain ``requests`` session,
exactly as an Open311 client sends it (form-encoded, ``api_key`` in the body).

No live server: the Django test client is mounted as a ``requests`` transport adapter for the
fictitious host, so the test runs in the test transaction on SQLite and PostgreSQL alike while the
library's own URL building, parameters, status checks and parsing run unchanged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

georeport = pytest.importorskip("georeport")
requests = pytest.importorskip("requests")
xmltodict = pytest.importorskip("xmltodict")  # georeport's own XML parser

from minhbach.feedback.models import Category, Feedback, State  # noqa: E402

ROOT = "http://open311.test/open311/v2"


class DjangoTestClientAdapter(requests.adapters.BaseAdapter):
    """Send ``requests`` traffic to ``django.test.Client`` instead of the network."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        path = f"{url.path}?{url.query}" if url.query else url.path
        headers = {"HTTP_HOST": url.netloc}
        if request.method == "GET":
            reply = self.client.get(path, **headers)
        else:
            body = request.body or b""
            reply = self.client.generic(
                request.method,
                path,
                data=body,
                content_type=request.headers.get("Content-Type", ""),
                **headers,
            )
        response = requests.Response()
        response.status_code = reply.status_code
        response._content = reply.content
        response.headers = requests.structures.CaseInsensitiveDict(reply.headers.items())
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def transport(client, monkeypatch, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "open311.test"]
    adapter = DjangoTestClientAdapter(client)
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        return adapter if url.startswith("http://open311.test/") else original(self, url)

    # georeport calls ``requests.get`` (a new Session each time), so the adapter is given to every Session.
    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_lists_services_posts_a_request_and_reads_it_back(
    transport, api_key, calendar, district, output_format
):
    api = georeport.GeoReport(ROOT, api_key=api_key, output_format=output_format)

    services = api.get_service_list()
    assert [s["service_code"] for s in services] == Category.values
    definition = api.get_service_definition("conduct")
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict: <attributes><attribute>…</attribute></attributes>
        attributes = attributes["attribute"]
    assert "dossier_code" in {a["code"] for a in attributes}

    reply = requests.post(
        f"{ROOT}/requests.{output_format}",
        data={
            "api_key": api_key,
            "service_code": "conduct",
            "description": "Cán bộ một cửa hẹn ba lần chưa trả kết quả.",
            "first_name": "Mai",
            "last_name": "Nguyễn Thị",
            "phone": "0912345678",
            "address_string": "Thôn 2, xã A",
            "attribute[agency]": district.desk_b.slug,
        },
        timeout=5,
    )
    reply.raise_for_status()
    if output_format == "json":
        code = reply.json()[0]["service_request_id"]
    else:
        code = xmltodict.parse(reply.content)["service_requests"]["request"]["service_request_id"]
    item = Feedback.objects.get(code=code)
    assert item.state == State.RECEIVED and item.agency == district.desk_b

    request = api.get_service_request(code)
    assert request["service_request_id"] == code
    assert request["status"] == "open"
    assert request["agency_responsible"] == district.desk_b.name
    assert not request["description"]  # nothing the citizen typed before publication

    listed = api.get_service_requests(service_request_id=code)
    if isinstance(listed, dict):  # xmltodict gives a dict for a single <request>
        listed = [listed]
    assert [r["service_request_id"] for r in listed] == [code]
    assert "0912345678" not in str(listed) and "Nguyễn Thị Mai" not in str(listed)


def test_georeport_sees_http_errors(transport, db):
    api = georeport.GeoReport(ROOT)
    with pytest.raises(requests.HTTPError) as excinfo:
        api.get_service_request("PAKN.19990101.0001")
    assert excinfo.value.response.status_code == 404
    assert excinfo.value.response.json()[0]["code"] == 404
