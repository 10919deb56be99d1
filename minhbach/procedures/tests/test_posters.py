"""The counter poster: an A4 PDF whose QR codes decode to the procedure pages and whose text keeps
every Vietnamese diacritic; printing it records the counter listing."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import unicodedata
from decimal import Decimal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from django.urls import reverse

from minhbach.core.models import LedgerEntry
from minhbach.procedures import coverage, listing, posters
from minhbach.procedures.models import Channel, ProcedureChannel, ProcedureListing, TimeUnit
from minhbach.procedures.services import ChannelData, FeeData
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

CM_PER_POINT = 2.54 / 72
SCALE = 4  # 288 dpi
ON = dt.date(2024, 6, 28)


@pytest.fixture
def desk(district, settings):
    settings.PUBLIC_BASE_URL = "https://minhbach.bactramy.gov.vn"
    birth = make_procedure("1.001193", "Đăng ký khai sinh", days=3, fee_vnd=0).procedure
    signature = make_procedure(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        field="Chứng thực",
        days=None,
        channels=[
            ChannelData(
                channel=Channel.IN_PERSON,
                time_limit_text="Không có thông tin",
                fees=[FeeData(name="Phí chứng thực", amount_vnd=10000)],
            )
        ],
    ).procedure
    permit = make_procedure(
        "1.013225",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        field="Hoạt động xây dựng",
        days=15,
        unit=TimeUnit.DAY,
        fee_vnd=50000,
    ).procedure
    listing.procedures_assign(
        actor=None,
        agency=district.desk_a,
        procedures=[birth, signature, permit],
        valid_from=dt.date(2023, 1, 1),
    )
    return district.desk_a


def _pages(pdf: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf)


def _text(document: pdfium.PdfDocument) -> str:
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _barcodes(document: pdfium.PdfDocument, index: int = 0):
    image = document[index].render(scale=SCALE).to_pil()
    return zxingcpp.read_barcodes(image)


def test_poster_is_a4_with_scannable_qr_codes(desk):
    poster, pdf, recorded = posters.generate_poster(actor=None, agency=desk, on=ON, record=False)
    assert recorded == 0 and poster.count == 3
    assert pdf.startswith(b"%PDF")
    document = _pages(pdf)
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    codes = _barcodes(document)
    assert sorted(c.text for c in codes) == [
        "https://minhbach.bactramy.gov.vn/thu-tuc/1.001193/",
        "https://minhbach.bactramy.gov.vn/thu-tuc/1.013225/",
        "https://minhbach.bactramy.gov.vn/thu-tuc/2.000884/",
    ]
    for code in codes:
        assert code.format == zxingcpp.BarcodeFormat.QRCode
        corners = code.position
        side_px = max(
            abs(corners.top_right.x - corners.top_left.x), abs(corners.bottom_left.y - corners.top_left.y)
        )
        side_cm = side_px / SCALE * CM_PER_POINT
        assert side_cm >= 2.5, f"QR code printed {side_cm:.2f} cm wide"


def test_poster_text_keeps_vietnamese_diacritics(desk):
    desk.address = "Thôn 1, xã Trà Sơn"
    desk.save()
    _poster, pdf, _recorded = posters.generate_poster(actor=None, agency=desk, on=ON, record=False)
    text = _text(_pages(pdf))
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC NIÊM YẾT",
        "BỘ PHẬN MỘT CỬA XÃ A",
        "UBND XÃ A",
        "Đăng ký khai sinh",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "LĨNH VỰC HỘ TỊCH",
        "3 ngày làm việc",
        "15 ngày",
        "Miễn phí",
        "10.000 đồng",
        "50.000 đồng",
        "Chưa có thông tin",
        "Thôn 1, xã Trà Sơn",
        "ngày 28 tháng 06 năm 2024",
    ]:
        assert expected in text, expected
    assert "\ufffd" not in text


def _fonts(document: pdfium.PdfDocument) -> set[tuple[str, bool]]:
    """(base font name without subset tag, embedded) of every text object of every page."""
    fonts = set()
    for page in document:
        for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_raw.FPDFTextObj_GetFont(obj.raw)
            size = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, size)
            name = buffer.value.decode().split("+", 1)[-1]
            fonts.add((name, bool(pdfium_raw.FPDFFont_GetIsEmbedded(font))))
    return fonts


def test_poster_prints_every_word_in_one_embedded_font(desk):
    _poster, pdf, _recorded = posters.generate_poster(actor=None, agency=desk, on=ON, record=False)
    fonts = _fonts(_pages(pdf))
    assert fonts and all(embedded for _name, embedded in fonts)
    # No fallback font for the letters with two marks (ộ, ữ, ệ): one family throughout.
    assert {name.split("-")[0] for name, _embedded in fonts} == {"DejaVu"}, fonts


def test_printing_records_the_listing_with_the_version_in_force(desk, users):
    poster, _pdf, recorded = posters.generate_poster(actor=users["officer_a"], agency=desk, on=ON)
    assert recorded == 3
    listings = ProcedureListing.objects.filter(agency=desk)
    assert {(x.procedure.code, x.counter_medium) for x in listings} == {
        ("1.001193", "both"),
        ("1.013225", "both"),
        ("2.000884", "both"),
    }
    assert all(x.counter_version_id == x.procedure.current_version_id for x in listings)
    assert all(x.counter_posted_on == ON for x in listings)
    assert coverage.coverage(desk, ON).percent == Decimal("100.0")
    entries = LedgerEntry.objects.filter(action="procedure.listing_recorded")
    assert entries.count() == 3 and {e.actor_id for e in entries} == {users["officer_a"].pk}
    _poster, _pdf, again = posters.generate_poster(actor=users["officer_a"], agency=desk, on=ON)
    assert again == 0 and entries.count() == 3
    assert poster.filename == f"niem-yet-{desk.slug}-20240628.pdf"


def test_a_committee_poster_leaves_out_the_communes_under_it(desk, district):
    office = make_procedure("1.013978", "Đăng ký đất đai lần đầu", field="Đất đai").procedure
    listing.procedures_assign(
        actor=None, agency=district.home_affairs, procedures=[office], valid_from=dt.date(2023, 1, 1)
    )
    assert [i.code for g in posters.build_poster(district.committee, ON).groups for i in g.items] == [
        "1.013978"
    ]
    commune = posters.build_poster(district.commune_a, ON)
    assert sorted(i.code for g in commune.groups for i in g.items) == ["1.001193", "1.013225", "2.000884"]


def test_public_pdf_by_slug_or_code_writes_nothing(client, desk):
    response = client.get(reverse("listing:poster", args=[desk.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="niem-yet-')
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/don-vi/{desk.electronic_code}/niem-yet.pdf").status_code == 200
    assert client.get("/don-vi/khong-co-don-vi-nay/niem-yet.pdf").status_code == 404
    assert not ProcedureListing.objects.exists()
    assert not LedgerEntry.objects.filter(action="procedure.listing_recorded").exists()


def test_command_writes_the_file_and_records(desk, tmp_path):
    out = tmp_path / "niem-yet.pdf"
    stdout = open(tmp_path / "stdout.txt", "w+")  # noqa: SIM115
    call_command(
        "listing_poster", desk.electronic_code, "--out", str(out), "--on", "28/06/2024", stdout=stdout
    )
    assert out.read_bytes().startswith(b"%PDF")
    stdout.seek(0)
    assert "Đã tạo bảng niêm yết 3 thủ tục" in stdout.read()
    assert ProcedureListing.objects.filter(agency=desk, counter_medium="both").count() == 3
    payload = json.loads(LedgerEntry.objects.filter(action="procedure.listing_recorded").first().payload)
    assert payload["after"]["posted_on"] == "2024-06-28"


def test_command_preview_records_nothing(desk, tmp_path):
    out = tmp_path / "thu.pdf"
    call_command("listing_poster", desk.slug, "--out", str(out), "--no-record", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert out.exists() and not ProcedureListing.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["000.99.99.H99"], "Không tìm thấy đơn vị có mã định danh hoặc đường dẫn “000.99.99.H99”"),
        (["{slug}", "--on", "31/02/2024"], "Ngày “31/02/2024” không hợp lệ"),
        (["{slug}", "--on", "01/01/2000"], "không hoạt động vào ngày 01/01/2000"),
        (["{slug}", "--out", "/khong-co-thu-muc/a.pdf", "--on", "28/06/2024"], "Không ghi được tệp"),
    ],
)
def test_command_errors_are_in_vietnamese(desk, args, message):
    args = [a.format(slug=desk.slug) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("listing_poster", *args)
    assert not ProcedureListing.objects.exists()


def _channel(**fields) -> ProcedureChannel:
    return ProcedureChannel(channel=Channel.IN_PERSON, **fields)


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"time_limit_value": Decimal("3.00"), "time_limit_unit": TimeUnit.WORKING_DAY}, "3 ngày làm việc"),
        ({"time_limit_value": Decimal("0.5"), "time_limit_unit": TimeUnit.DAY}, "0,5 ngày"),
        ({"time_limit_value": Decimal("4"), "time_limit_unit": TimeUnit.WORKING_HOUR}, "4 giờ làm việc"),
        ({"time_limit_unit": TimeUnit.SAME_DAY}, "Trong ngày"),
        (
            {"time_limit_unit": TimeUnit.UNSPECIFIED, "time_limit_text": "Không có thông tin"},
            "Chưa có thông tin",
        ),
        (
            {"time_limit_unit": TimeUnit.UNSPECIFIED, "time_limit_text": "Ngay khi nhận đủ hồ sơ"},
            "Ngay khi nhận đủ hồ sơ",
        ),
    ],
)
def test_time_limit_labels(fields, label):
    assert posters.time_limit_label(_channel(**fields)) == label


def test_fee_labels(desk):
    birth = coverage.version_in_force(
        desk.procedure_assignments.get(procedure__code="1.001193").procedure, ON
    )
    permit = coverage.version_in_force(
        desk.procedure_assignments.get(procedure__code="1.013225").procedure, ON
    )
    assert posters.fee_label(birth.channels.get(channel=Channel.IN_PERSON)) == "Miễn phí"
    assert posters.fee_label(permit.channels.get(channel=Channel.IN_PERSON)) == "50.000 đồng"
    assert posters.fee_label(None) == "Chưa có thông tin"
