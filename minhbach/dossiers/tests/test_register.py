"""Sổ theo dõi hồ sơ (Mẫu 06): the dossiers a desk received in a period, as PDF and Excel, in a
number of queries that does not grow with the rows, served only inside the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minhbach.dossiers import register as register_book
from minhbach.dossiers import services
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures.tests.factories import make_procedure
from minhbach.procedures.tests.test_posters import _pages, _text

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def _receive(agency, version, name: str, when: str, *, phone: str = "0905123456"):
    dossier = services.dossier_register(
        actor=None,
        procedure_version=version,
        channel=1,
        receiving_agency=agency,
        owner=services.ApplicantData(full_name=name, phone=phone, address="Thôn 1, xã Trà Sơn"),
        submitted_at=at(when),
    )
    return services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(when))


@pytest.fixture
def book(district, calendar):
    """Three dossiers at desk A in March (one transferred, finished and returned), one in
    April, one at desk B."""
    version = make_procedure("1.001193", "Đăng ký khai sinh", days=3)
    desk = district.desk_a
    first = _receive(desk, version, "Hồ Thị Lan", "2024-03-04 08:30")
    first = services.dossier_transfer(
        actor=None, dossier=first, at=at("2024-03-04 10:00"), agency=district.commune_a
    )
    first = services.dossier_finish(actor=None, dossier=first, at=at("2024-03-05 15:00"))
    services.dossier_return(actor=None, dossier=first, at=at("2024-03-06 09:00"))
    _receive(desk, version, "Nguyễn Văn Đức", "2024-03-15 10:00")
    _receive(desk, version, "Trần Thị Ánh", "2024-03-29 16:00")
    _receive(desk, version, "Lê Văn Tháng Tư", "2024-04-01 08:00")
    _receive(district.desk_b, version, "Phạm Văn Xã B", "2024-03-05 08:00")
    return desk


def test_rows_are_the_dossiers_received_in_the_period(book, district):
    rows = list(register_book.register_rows(book, *MARCH))
    assert [r.applicant for r in rows] == ["Hồ Thị Lan", "Nguyễn Văn Đức", "Trần Thị Ánh"]
    assert [r.number for r in rows] == [1, 2, 3]
    first = rows[0]
    assert first.code.startswith(book.electronic_code)
    assert first.procedure == "Đăng ký khai sinh"
    assert first.contact == "Thôn 1, xã Trà Sơn, 0905123456"
    assert first.lead_agency == district.commune_a.name
    assert first.received_at == at("2024-03-04 08:30")
    assert (first.transferred_at, first.result_received_at, first.returned_at) == (
        at("2024-03-04 10:00"),
        at("2024-03-05 15:00"),
        at("2024-03-06 09:00"),
    )
    assert "Đã trả kết quả" in first.note
    assert rows[1].transferred_at is None and rows[1].lead_agency == book.name


def test_query_count_does_not_grow_with_rows(book, district, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(register_book.register_rows(district.desk_b, *MARCH))) == 1
    with django_assert_num_queries(1):
        assert len(list(register_book.register_rows(book, *MARCH))) == 3


def test_excel_register_opens_with_the_rows(book):
    workbook = load_workbook(io.BytesIO(register_book.render_xlsx(book, *MARCH)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Mẫu số 06"
    assert values[1][0] == book.name.upper()
    assert values[3][:3] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính")
    body = values[4:]
    assert [(r[0], r[4]) for r in body] == [(1, "Hồ Thị Lan"), (2, "Nguyễn Văn Đức"), (3, "Trần Thị Ánh")]
    assert body[0][7] == dt.datetime(2024, 3, 4, 8, 30)  # local wall-clock time
    assert body[0][11] == dt.datetime(2024, 3, 6, 9, 0)


def test_pdf_register_is_a_landscape_table_with_diacritics(book):
    document = _pages(register_book.render_pdf(book, *MARCH))
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (842, 595)
    text = _text(document)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Mẫu số 06",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/03/2024 đến ngày 31/03/2024",
        "Hồ Thị Lan",
        "Nguyễn Văn Đức",
        "Trần Thị Ánh",
    ]:
        assert expected in text, expected
    assert "Lê Văn Tháng Tư" not in text and "Phạm Văn Xã B" not in text


def _url(agency, ext: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse(f"slips:register-{ext}", kwargs={"slug": agency.slug}) + (f"?{query}" if query else "")


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_a", 200), ("leader_a", 200), ("secretariat", 200), ("officer_b", 404), ("no_unit", 404)],
)
def test_register_role_matrix(client, users, book, who, status):
    client.force_login(users[who])
    response = client.get(_url(book, "xlsx", tu="01/03/2024", den="31/03/2024"))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=5, values_only=True))
        assert len(rows) == 3


def test_register_pdf_view(client, users, book):
    client.force_login(users["officer_a"])
    response = client.get(_url(book, "pdf", tu="2024-03-01", den="2024-03-31"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_anonymous_is_sent_to_login(client, book):
    response = client.get(_url(book, "pdf"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tu": "32/03/2024"}, "Ngày không hợp lệ"),
        ({"tu": "31/03/2024", "den": "01/03/2024"}, "Ngày kết thúc phải sau ngày bắt đầu"),
    ],
)
def test_bad_dates_get_a_clear_message(client, users, book, params, message):
    client.force_login(users["officer_a"])
    response = client.get(_url(book, "xlsx", **params))
    assert response.status_code == 400
    assert message in response.content.decode()
