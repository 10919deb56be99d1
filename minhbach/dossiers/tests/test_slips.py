"""The paper forms Mẫu 01–05: issued by the transition services with a frozen snapshot, rendered
as A4 PDFs with every Vietnamese diacritic, the receipt's QR decoding to the lookup URL, and
served only to officials of the dossier's agencies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.core.models import RuleSet
from minhbach.dossiers import links, services, slips
from minhbach.dossiers.models import DossierStep, Slip
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures.tests.factories import make_procedure
from minhbach.procedures.tests.test_posters import _barcodes, _pages, _text

pytestmark = pytest.mark.django_db

HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_BASE_URL = "https://minhbach.bactramy.gov.vn"


@pytest.fixture
def accepted(register):
    dossier = register(
        subject="Đăng ký khai sinh cho con",
        documents=[
            services.SubmittedDocument(name="Tờ khai đăng ký khai sinh", originals=1),
            services.SubmittedDocument(name="Giấy chứng sinh", originals=1, copies=2),
        ],
    )
    dossier.owner.address = "Thôn 2, xã Trà Đốc"
    dossier.owner.email = "lan@example.vn"
    dossier.owner.save()
    return services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 08:30"))


def _one(dossier, role) -> Slip:
    found = list(Slip.objects.filter(dossier=dossier, role=role))
    assert len(found) == 1, found
    return found[0]


def _pdf_text(slip: Slip) -> str:
    pdf = slips.render_pdf(slip)
    assert pdf.startswith(b"%PDF")
    document = _pages(pdf)
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    text = _text(document)
    assert "\ufffd" not in text
    for expected in HEADER:
        assert expected in text, expected
    return text


def test_accepting_issues_the_receipt_with_its_snapshot(accepted):
    slip = _one(accepted, Slip.Role.RECEIPT)
    assert (slip.form_set, slip.form_number, slip.number) == ("2018", "01", accepted.code)
    data = slip.snapshot
    assert data["applicant"] == {
        "full_name": "Hồ Thị Lan",
        "address": "Thôn 2, xã Trà Đốc",
        "phone": "0905123456",
        "email": "lan@example.vn",
    }
    assert data["dossier"]["code"] == accepted.code
    assert [d["name"] for d in data["documents"]] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert dt.datetime.fromisoformat(data["printed_due_at"]) == accepted.printed_due_at
    assert dt.datetime.fromisoformat(data["received_at"]) == at("2024-03-04 08:30")
    assert data["lookup_url"] == links.lookup_url(accepted.code)
    assert data["time_limit"] == "3 ngày làm việc"


def test_receipt_pdf_has_the_fields_and_a_qr_to_the_lookup(accepted):
    slip = _one(accepted, Slip.Role.RECEIPT)
    pdf = slips.render_pdf(slip)
    document = _pages(pdf)
    text = _text(document)
    due = slips._moments({"x_at": slip.snapshot["printed_due_at"]})["x_at"]
    for expected in [
        *HEADER,
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "BỘ PHẬN MỘT CỬA XÃ THỬ",
        "Hồ Thị Lan",
        "Thôn 2, xã Trà Đốc",
        "0905123456",
        "lan@example.vn",
        "Đăng ký khai sinh cho con",
        accepted.code,
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "3 ngày làm việc",
        "08 giờ 30 phút, ngày 04/03/2024",
        f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}",
        "ngày 04 tháng 03 năm 2024",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ]:
        assert expected in text, expected
    codes = _barcodes(document)
    assert [c.text for c in codes] == [links.lookup_url(accepted.code)]


def test_reprint_shows_the_data_as_issued(accepted):
    slip = _one(accepted, Slip.Role.RECEIPT)
    owner = accepted.owner
    owner.full_name = "Nguyễn Văn Đổi"
    owner.save()
    accepted.printed_due_at = at("2024-12-31 17:00")
    accepted.save()
    text = _pdf_text(Slip.objects.get(pk=slip.pk))
    assert "Hồ Thị Lan" in text
    assert "Nguyễn Văn Đổi" not in text
    assert "31/12/2024" not in text


def test_supplement_requests_list_every_item_and_are_numbered(register):
    dossier = register()
    items = [
        {"name": "Giấy chứng sinh", "reason": "Bản sao không có chứng thực"},
        {"name": "Giấy xác nhận cư trú", "reason": "Chưa nộp"},
    ]
    services.dossier_request_supplement(
        actor=None,
        dossier=dossier,
        items=items,
        reason="Hồ sơ chưa đầy đủ thành phần",
        at=at("2024-03-04 09:00"),
    )
    first = _one(dossier, Slip.Role.SUPPLEMENT_REQUEST)
    assert first.form_number == "02"
    assert first.snapshot["items"] == items
    text = _pdf_text(first)
    for expected in [
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ Thị Lan",
        "1 Giấy chứng sinh Bản sao không có chứng thực",
        "2 Giấy xác nhận cư trú Chưa nộp",
        "Hồ sơ chưa đầy đủ thành phần",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in text, expected
    # After acceptance, a second request (the clock pauses): Mẫu 02 again, with its own number.
    dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-05 08:00"))
    services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-05 09:00"))
    services.dossier_request_supplement(
        actor=None,
        dossier=dossier,
        items=[{"name": "Bản đồ thửa đất", "reason": "Sai tỷ lệ"}],
        reason="Cần làm rõ",
        at=at("2024-03-06 09:00"),
    )
    numbers = list(
        Slip.objects.filter(dossier=dossier, role=Slip.Role.SUPPLEMENT_REQUEST).values_list(
            "number", flat=True
        )
    )
    # The first was printed before acceptance, when a counter dossier has no code yet.
    assert numbers == ["", f"{dossier.code}/HDHS-2"]


def test_refusal_prints_the_reason(register):
    dossier = register()
    services.dossier_refuse(
        actor=None, dossier=dossier, reason="Thủ tục không thuộc thẩm quyền của xã", at=at("2024-03-04 09:00")
    )
    slip = _one(dossier, Slip.Role.REFUSAL)
    assert slip.form_number == "03"
    text = _pdf_text(slip)
    for expected in [
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau",
        "Thủ tục không thuộc thẩm quyền của xã",
        "Hồ Thị Lan",
    ]:
        assert expected in text, expected


def test_apology_prints_original_and_new_dates(accepted):
    dossier = services.dossier_transfer(actor=None, dossier=accepted, at=at("2024-03-04 10:00"))
    services.dossier_issue_extension(
        actor=None,
        dossier=dossier,
        reason="Cần xác minh thông tin tại địa phương khác",
        new_due_at=at("2024-03-12 17:00"),
        at=at("2024-03-05 09:00"),
    )
    slip = _one(dossier, Slip.Role.APOLOGY_EXTENSION)
    assert (slip.form_number, slip.number) == ("04", f"{dossier.code}/PXL")
    original = slips._moments({"x_at": slip.snapshot["original_due_at"]})["x_at"]
    text = _pdf_text(slip)
    for expected in [
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Hồ Thị Lan",
        "Ngày 04/03/2024",
        f"ngày {original:%d/%m/%Y}",
        "Cần xác minh thông tin tại địa phương khác",
        "17 giờ 00 phút, ngày 12/03/2024",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
    ]:
        assert expected in text, expected


def test_control_slip_is_one_sheet_updated_at_each_hand_over(accepted, desk):
    from minhbach.units.tests.factories import make_agency

    office = make_agency(name="Công chức Tư pháp - Hộ tịch", parent=desk.parent)
    dossier = services.dossier_transfer(
        actor=None, dossier=accepted, at=at("2024-03-04 10:00"), agency=office
    )
    slip = _one(dossier, Slip.Role.CONTROL_SLIP)
    assert (slip.form_number, slip.number) == ("05", f"{dossier.code}/PKS")
    assert [(r["agency"], r["handed_over_at"]) for r in slip.snapshot["rows"]] == [(office.name, None)]
    # The office marks its own step (its deadline and a note) before handing the dossier back.
    step = DossierStep.objects.get(dossier=dossier, agency=office)
    step.step_due_at = at("2024-03-07 00:00")
    step.note = "Đã thẩm định"
    step.save()
    services.dossier_hand_over(actor=None, dossier=dossier, at=at("2024-03-06 16:00"), agency=desk)
    slip = _one(dossier, Slip.Role.CONTROL_SLIP)
    assert [r["agency"] for r in slip.snapshot["rows"]] == [office.name, desk.name]
    assert slip.snapshot["handling_agency"] == office.name
    text = _pdf_text(slip)
    for expected in [
        "Mẫu số 05",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Công chức Tư pháp - Hộ tịch",
        "10 giờ 00 phút, ngày 04/03/2024",
        "16 giờ 00 phút, ngày 06/03/2024",
        "Đúng hạn",
        "Đã thẩm định",
    ]:
        assert expected in text, expected


def test_form_numbers_come_from_the_rule_set(register):
    ruleset = RuleSet.objects.get(domain="onestop", code="vn-2018")
    ruleset.settings = {**ruleset.settings, "forms": {"set": "2025", "numbers": {"control_slip": "06"}}}
    ruleset.save()
    assert slips.form_numbering(dt.date(2024, 3, 4)) == (
        "2025",
        {**slips.NUMBERS_2018, "control_slip": "06"},
    )
    dossier = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-04 08:30"))
    services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 10:00"))
    slip = _one(dossier, Slip.Role.CONTROL_SLIP)
    assert (slip.form_set, slip.form_number) == ("2025", "06")
    assert _one(dossier, Slip.Role.RECEIPT).form_number == "01"


def test_a_failed_transition_issues_no_slip(register):
    dossier = register()
    with pytest.raises(services.TransitionError):
        services.dossier_refuse(actor=None, dossier=dossier, reason="  ")
    assert not Slip.objects.filter(dossier=dossier).exists()


# --- back office: login and scope --------------------------------------------------------------


@pytest.fixture
def district_dossier(district, calendar):
    version = make_procedure("1.001193", "Đăng ký khai sinh", days=3)
    dossier = services.dossier_register(
        actor=None,
        procedure_version=version,
        channel=1,
        receiving_agency=district.desk_a,
        owner=services.ApplicantData(full_name="Hồ Thị Lan", phone="0905123456"),
        submitted_at=at("2024-03-04 08:00"),
    )
    return services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 08:30"))


def _url(dossier, slip) -> str:
    return reverse("slips:slip-pdf", kwargs={"pk": dossier.pk, "slip_id": slip.pk})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("leader_a", 200),
        ("secretariat", 200),
        ("officer_b", 404),
        ("no_unit", 404),
    ],
)
def test_slip_pdf_role_matrix(client, users, district_dossier, who, status):
    slip = _one(district_dossier, Slip.Role.RECEIPT)
    client.force_login(users[who])
    response = client.get(_url(district_dossier, slip))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_slip_pdf_query_count_is_fixed(client, users, district_dossier, django_assert_max_num_queries):
    slip = _one(district_dossier, Slip.Role.RECEIPT)
    client.force_login(users["officer_a"])
    # session, user, scope (official, groups, memberships), dossier, slip: nothing per field or row
    with django_assert_max_num_queries(8):
        assert client.get(_url(district_dossier, slip)).status_code == 200


def test_anonymous_is_sent_to_login(client, district_dossier):
    slip = _one(district_dossier, Slip.Role.RECEIPT)
    response = client.get(_url(district_dossier, slip))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_handling_agency_sees_the_slips(client, users, district, district_dossier):
    dossier = services.dossier_transfer(
        actor=None, dossier=district_dossier, at=at("2024-03-04 10:00"), agency=district.desk_b
    )
    slip = _one(dossier, Slip.Role.CONTROL_SLIP)
    client.force_login(users["officer_b"])
    assert client.get(_url(dossier, slip)).status_code == 200


def test_a_slip_of_another_dossier_is_not_found(client, users, district, district_dossier, register):
    foreign = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-04 09:00"))
    client.force_login(users["officer_a"])
    response = client.get(_url(district_dossier, _one(foreign, Slip.Role.RECEIPT)))
    assert response.status_code == 404
