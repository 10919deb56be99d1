"""The PDF report (WeasyPrint, DejaVu Serif) and the Excel download of a unit × period."""

from __future__ import annotations

import io

import pypdfium2
from django.urls import reverse

QUERY = "?tu=2024-02-01&den=2024-02-29"


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_pdf_report_has_the_full_table_in_vietnamese(client, scenario, django_assert_max_num_queries):
    _committee, x, _y = scenario
    with django_assert_max_num_queries(25):
        response = client.get(reverse("indicators-public:report-pdf", args=[x.slug]) + QUERY)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phòng X",
        "Tỷ lệ hồ sơ giải quyết đúng và trước hạn",
        "Chưa đạt",  # K1 40 % against < 5 %
        "62,50%",  # 2.1
        "38,47",  # the 766 total
        "CÔNG THỨC VÀ CÁCH TÍNH",
        "N/A",
    ):
        assert expected in text, expected
    assert "Nguyễn Văn Thử" not in text


def test_xlsx_download_opens(client, scenario):
    from openpyxl import load_workbook

    _committee, x, _y = scenario
    response = client.get(reverse("indicators-public:report-xlsx", args=[x.slug]) + QUERY)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Phòng X", "Công thức"]
    values = [c.value for row in book["Phòng X"].iter_rows() for c in row]
    assert "62.50" in values and "38.47" in values


def test_report_rejects_a_bad_period(client, scenario):
    _committee, x, _y = scenario
    response = client.get(
        reverse("indicators-public:report-pdf", args=[x.slug]) + "?tu=2024-02-30&den=2024-02-29"
    )
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    response = client.get(reverse("indicators-public:report-xlsx", args=[x.slug]))
    assert response.status_code == 400 and "Thiếu ngày bắt đầu kỳ" in response.content.decode()
