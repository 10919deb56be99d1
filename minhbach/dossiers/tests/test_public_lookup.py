"""Public lookup ``/ho-so/tra-cuu/``: status, public timeline and "why this date", nothing
personal; the same answer for a wrong code and wrong digits; rate-limited."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from minhbach.core.workdays.calendar import compute_due
from minhbach.dossiers import links, lookup, services
from minhbach.dossiers.tests.conftest import at

LOOKUP = "/ho-so/tra-cuu/"
OWNER = services.ApplicantData(
    full_name="Hồ Thị Lan",
    citizen_id="049190000123",
    phone="0905123456",
    email="lan.ho@example.com",
    address="Thôn 2, xã Trà Giang",
)
SUBMITTER = services.ApplicantData(full_name="Nguyễn Văn Bình", citizen_id="049088000777", phone="0912000789")
PERSONAL = [
    "Hồ Thị Lan", "049190000123", "0905123456", "0905 123 456", "lan.ho@example.com", "Thôn 2, xã Trà Giang",
    "Nguyễn Văn Bình", "049088000777", "0912000789",
    "ghi chú nội bộ", "lý do có số 0905123456",
]  # fmt: skip
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(desk, version):
    """Accepted after the 15:00 cut-off, handed over, paused for a supplement and resumed."""
    registered = services.dossier_register(
        actor=None, procedure_version=version, channel=1, receiving_agency=desk, owner=OWNER,
        submitter=SUBMITTER, submitted_at=at("2024-03-04 08:00"),
    )  # fmt: skip
    accepted = services.dossier_accept(actor=None, dossier=registered, accepted_at=at("2024-03-04 16:00"))
    services.dossier_transfer(actor=None, dossier=accepted, at=at("2024-03-05 09:00"))
    services.dossier_hand_over(
        actor=None, dossier=accepted, at=at("2024-03-05 10:00"), reason="ghi chú nội bộ"
    )
    services.dossier_request_supplement(
        actor=None, dossier=accepted, at=at("2024-03-06 09:00"), reason="lý do có số 0905123456",
        items=[{"name": "Giấy chứng sinh bản chính", "reason": "thiếu"}],
    )  # fmt: skip
    services.dossier_complete_supplement(actor=None, dossier=accepted, at=at("2024-03-11 09:00"))
    accepted.refresh_from_db()
    return accepted


def post(client, code: str, digits: str, ip: str = "10.0.0.1"):
    return client.post(LOOKUP, {"code": code, "digits": digits}, REMOTE_ADDR=ip)


def normalised(response) -> str:
    """The body without the per-response CSRF mask (random noise, not information)."""
    return CSRF_RE.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())


def test_lookup_path_is_the_one_printed_in_receipts(db):
    code = "000.31.15.H49-240304-0001"
    assert reverse("dossiers-public:lookup-code", args=[code]) == links.LOOKUP_PATH.format(code=code)
    assert reverse("dossiers-public:lookup") == LOOKUP
    assert urlsplit(links.lookup_url(code)).path == f"/ho-so/tra-cuu/{code}/"


def test_form_page(client, db):
    response = client.get(LOOKUP)
    assert response.status_code == 200
    assert "4 số cuối số điện thoại" in response.content.decode()


def test_code_and_owner_digits_show_status_timeline_and_why_this_date(client, dossier):
    response = post(client, dossier.code, "3456")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert dossier.code in body
    assert "Đang xử lý" in body
    assert "Thủ tục đăng ký khai sinh" in body
    # Timeline: public steps with dates only; the officers' hand-over is not public.
    view = response.context["dossier"]
    assert [(row.day.isoformat(), row.label) for row in view.timeline] == [
        ("2024-03-04", "Nộp, đăng ký hồ sơ"),
        ("2024-03-04", "Hồ sơ được tiếp nhận, hẹn ngày trả kết quả"),
        ("2024-03-05", "Chuyển cơ quan chuyên môn xử lý"),
        ("2024-03-06", "Yêu cầu bổ sung giấy tờ (tạm dừng tính thời hạn)"),
        ("2024-03-11", "Đã bổ sung đủ giấy tờ (tiếp tục tính thời hạn)"),
    ]
    # Appointment printed on the receipt and why: after the cut-off, day zero is the 5th.
    assert "08/03/2024" in body
    assert "Vì sao là ngày này?" in body
    assert "sau giờ chốt 15:00" in body
    assert "05/03/2024 (Thứ Ba): ngày 0" in body
    assert "3 ngày làm việc" in body
    assert view.explanation.after_pause  # the remainder after the supplement is explained too
    # 2 of 3 working days were left at the pause (6/3); resumed 11/3, the due date is 13/3.
    assert view.current_due_on.isoformat() == "2024-03-13"
    assert "13/03/2024" in body


def test_apology_new_date_is_public(client, dossier):
    services.dossier_issue_extension(
        actor=None, dossier=dossier, reason="Cần xác minh", new_due_at=at("2024-03-20 17:00"),
        at=at("2024-03-12 09:00"),
    )  # fmt: skip
    response = post(client, dossier.code, "3456")
    body = response.content.decode()
    assert response.context["dossier"].extended_due_on.isoformat() == "2024-03-20"
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in body and "20/03/2024" in body
    assert "Cần xác minh" not in body  # the reason is free text: never public


def test_submitter_digits_also_open_the_dossier(client, dossier):
    assert post(client, dossier.code, "0789").status_code == 200


def test_no_personal_data_in_the_lookup_page(client, dossier):
    pages = [post(client, dossier.code, "3456")]
    path = urlsplit(links.lookup_url(dossier.code))
    pages.append(client.get(f"{path.path}?{path.query}"))
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for value in PERSONAL:
            assert value not in body, value


def test_wrong_code_and_wrong_digits_give_the_same_answer(client, dossier):
    wrong_digits = post(client, dossier.code, "0000")
    wrong_code = post(client, dossier.code[:-4] + "9999", "3456")
    malformed_code = post(client, "000.31.15.H49-000000-0000", "3456")
    assert wrong_digits.status_code == wrong_code.status_code == malformed_code.status_code == 404
    assert normalised(wrong_digits) == normalised(wrong_code) == normalised(malformed_code)
    assert "Không tìm thấy hồ sơ" in normalised(wrong_code)
    assert dossier.code not in normalised(wrong_digits)  # nothing typed is echoed


def test_invalid_form_is_400(client, db):
    assert post(client, "000.31.15.H49-240304-0001", "12a4").status_code == 400
    assert post(client, "", "1234").status_code == 400
    assert post(client, "bad code\x00", "1234").status_code == 400


def test_token_from_the_receipt_opens_without_digits(client, dossier):
    path = urlsplit(links.lookup_url(dossier.code))
    response = client.get(f"{path.path}?{path.query}")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Đang xử lý" in response.content.decode()


def test_bad_or_missing_token_asks_for_the_digits_and_says_nothing_about_the_code(client, dossier):
    existing = client.get(f"/ho-so/tra-cuu/{dossier.code}/?t=forged")
    missing = client.get("/ho-so/tra-cuu/000.31.15.H49-240304-0999/?t=forged")
    assert existing.status_code == missing.status_code == 200
    assert "Liên kết tra cứu không hợp lệ" in existing.content.decode()
    assert "Đang xử lý" not in existing.content.decode()
    assert normalised(existing).replace(dossier.code, "X") == normalised(missing).replace(
        "000.31.15.H49-240304-0999", "X"
    )
    plain = client.get(f"/ho-so/tra-cuu/{dossier.code}/")
    assert plain.status_code == 200 and "Liên kết tra cứu không hợp lệ" not in plain.content.decode()
    # A token of another dossier does not open this one.
    other = links.lookup_token("000.31.15.H49-240304-0999")
    assert "Đang xử lý" not in client.get(f"/ho-so/tra-cuu/{dossier.code}/?t={other}").content.decode()


def test_registered_online_dossier_without_deadline_yet(client, desk, version):
    registered = services.dossier_register(
        actor=None, procedure_version=version, channel=2, receiving_agency=desk, owner=OWNER
    )
    response = post(client, registered.code, "3456")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mới đăng ký" in body and "Vì sao là ngày này?" not in body


def test_rate_limit_per_ip(client, dossier, settings):
    for _ in range(10):
        assert post(client, dossier.code, "0000").status_code == 404
    # The 11th attempt from the same IP is refused, even with the right digits.
    response = post(client, dossier.code, "3456")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert post(client, dossier.code, "3456", ip="10.0.0.2").status_code == 429  # code closed too


def test_rate_limit_per_ip_counts_all_attempts(client, dossier):
    for n in range(10):
        assert post(client, f"000.31.15.H49-240304-{n + 100:04d}", "3456").status_code == 404
    assert post(client, dossier.code, "3456").status_code == 429
    assert post(client, dossier.code, "3456", ip="10.0.0.2").status_code == 200


def test_rate_limit_per_code_across_ips(client, dossier):
    for n in range(10):
        assert post(client, dossier.code, f"{n:04d}", ip=f"10.0.1.{n}").status_code == 404
    response = post(client, dossier.code, "3456", ip="10.0.2.1")
    assert response.status_code == 429
    # Other codes are not affected.
    assert post(client, dossier.code[:-4] + "9999", "3456", ip="10.0.2.2").status_code == 404


def test_successful_lookups_do_not_close_a_code(client, dossier):
    for n in range(12):
        assert post(client, dossier.code, "3456", ip=f"10.0.3.{n}").status_code == 200


def test_token_route_is_rate_limited_per_ip(client, dossier, settings):
    settings.DOSSIER_LOOKUP_RATE_LIMIT = 3
    path = urlsplit(links.lookup_url(dossier.code))
    for _ in range(3):
        assert client.get(f"{path.path}?{path.query}", REMOTE_ADDR="10.0.4.1").status_code == 200
    assert client.get(f"{path.path}?{path.query}", REMOTE_ADDR="10.0.4.1").status_code == 429


def test_query_count_is_bounded(client, dossier, django_assert_max_num_queries):
    for _ in range(5):  # more events must not mean more queries
        services.dossier_hand_over(actor=None, dossier=dossier, at=at("2024-03-12 10:00"))
    with django_assert_max_num_queries(2):
        assert post(client, dossier.code, "3456").status_code == 200
    with django_assert_max_num_queries(1):
        assert post(client, dossier.code, "0000").status_code == 404


def test_stored_trace_renders_like_the_engine(desk):
    deadline = compute_due(at("2024-04-26 16:00"), Decimal(3), "working_day", agency=desk)
    assert lookup.render_trace(deadline.as_dict()) == deadline.lines()
    assert any("làm bù" in line for line in deadline.lines())  # Saturday 04/5/2024 counted
    assert lookup.render_trace({}) == []
    assert lookup.render_trace({"trace": [{"event": "unknown"}]}) == []


def test_code_typed_in_lower_case_is_found(client, dossier):
    assert post(client, dossier.code.lower(), "3456").status_code == 200


def test_a_returned_dossier_links_to_its_rating_page(client, register):
    from minhbach.dossiers import links, services
    from minhbach.ratings.tokens import rating_url

    dossier = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-04 09:00"))
    page = client.get(links.lookup_url(dossier.code).replace("http://127.0.0.1:8000", "")).content.decode()
    assert "/danh-gia/" not in page
    for step in (services.dossier_transfer, services.dossier_finish, services.dossier_return):
        dossier = step(actor=None, dossier=dossier)
    page = client.get(links.lookup_url(dossier.code).replace("http://127.0.0.1:8000", "")).content.decode()
    assert rating_url(dossier.code).replace("&", "&amp;") in page or rating_url(dossier.code) in page
