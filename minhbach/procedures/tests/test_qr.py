"""QR codes encode the canonical, absolute URL of the procedure page; decoded, not trusted."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from minhbach.procedures import qr
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

CODES = ["1.001193", "1.012753.H19", "2.000635"]


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def procedures():
    for code in CODES:
        make_procedure(code, f"Thủ tục {code}")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/thu-tuc/1.012753.H19/"),
        ("https://dichvucong.bactramy.gov.vn/", "https://dichvucong.bactramy.gov.vn/thu-tuc/1.012753.H19/"),
    ],
)
def test_procedure_url_is_absolute_from_the_setting(settings, base, expected):
    settings.PUBLIC_BASE_URL = base
    assert qr.procedure_url("1.012753.H19") == expected


@pytest.mark.parametrize("code", CODES)
def test_png_decodes_to_the_canonical_url(client, procedures, code):
    response = client.get(f"/thu-tuc/{code}/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert decode(image) == [qr.procedure_url(code)] == [f"http://127.0.0.1:8000/thu-tuc/{code}/"]
    # Scannable from a print: at least 8 px per module and a 4-module quiet zone.
    symbol = qr.procedure_qr(code)
    width, _height = symbol.symbol_size(scale=1, border=0)
    assert image.size[0] >= (width + 8) * 8


def test_png_still_decodes_when_printed_small(procedures):
    """A 3 cm square at 150 dpi (the checklist prints it 24 mm wide) still reads."""
    image = Image.open(io.BytesIO(qr.qr_png("1.001193"))).convert("L").resize((177, 177), Image.BILINEAR)
    assert decode(image) == [qr.procedure_url("1.001193")]


def test_url_follows_the_public_base_url(client, procedures, settings):
    settings.PUBLIC_BASE_URL = "https://minhbach.bactramy.gov.vn"
    image = Image.open(io.BytesIO(client.get("/thu-tuc/1.001193/qr.png").content))
    assert decode(image) == ["https://minhbach.bactramy.gov.vn/thu-tuc/1.001193/"]


def test_svg_is_an_svg_that_decodes_to_the_same_url(client, procedures):
    response = client.get("/thu-tuc/1.012753.H19/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "1.012753.H19" in title.text
    assert decode(_rasterise_svg(response.content)) == ["http://127.0.0.1:8000/thu-tuc/1.012753.H19/"]


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_cache_headers(client, procedures, kind):
    response = client.get(f"/thu-tuc/1.001193/qr.{kind}")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=86400"} <= cache_control
    assert f'filename="thu-tuc-1.001193.{kind}"' in response["Content-Disposition"]


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_unknown_code_is_404(client, db, kind):
    response = client.get(f"/thu-tuc/9.999999/qr.{kind}")
    assert response.status_code == 404 and "Không tìm thấy" in response.content.decode()


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_anyone_may_fetch_but_not_post(client, procedures, users, kind):
    assert client.get(f"/thu-tuc/1.001193/qr.{kind}").status_code == 200
    client.force_login(users["officer_a"])
    assert client.get(f"/thu-tuc/1.001193/qr.{kind}").status_code == 200
    assert client.post(f"/thu-tuc/1.001193/qr.{kind}").status_code == 405


def _rasterise_svg(svg: bytes) -> Image.Image:
    """SVG → PDF (WeasyPrint) → bitmap (pdfium), the way a browser or a printer would draw it."""
    weasyprint = pytest.importorskip("weasyprint")
    html = "<style>@page{size:60mm 60mm;margin:0}img{width:60mm;height:60mm}</style><img src='qr.svg'>"

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return URLFetcherResponse(url, body=svg, headers={"Content-Type": "image/svg+xml"})

    pdf = weasyprint.HTML(string=html, base_url="http://testserver/", url_fetcher=Fetcher()).write_pdf()
    return pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
