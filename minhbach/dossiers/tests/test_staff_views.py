"""Back office against the role matrix: reception desk, queue, dossier page and its actions.

Out of scope is 404, never 403; a refused move is the page again with status 400 and nothing
written; the queue costs the same number of queries whatever the number of dossiers.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import LedgerEntry
from minhbach.dossiers import services
from minhbach.dossiers.models import Applicant, Dossier, DossierEvent, Extension, Status, SupplementRequest
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures import listing
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

pytestmark = pytest.mark.django_db

#: What ``accounts/roles.py`` grants on dossiers (checked below, so the screens' tests use the real table).
DOSSIER_RIGHTS = {
    "desk_officer": ("view_dossier", "add_dossier", "change_dossier"),
    "specialist": ("view_dossier", "change_dossier"),
    "unit_leader": ("view_dossier", "change_dossier"),
    "secretariat": ("view_dossier",),
    "council_member": ("view_dossier",),
    "auditor": ("view_dossier",),
    "administrator": ("view_dossier", "add_dossier", "change_dossier"),
}
NOW = "2024-03-05 09:00"


def test_role_table_grants_the_dossier_rights():
    for role, codenames in DOSSIER_RIGHTS.items():
        granted = Group.objects.get(name=role).permissions.filter(content_type__app_label="dossiers")
        assert set(granted.values_list("codename", flat=True)) == set(codenames), role


@pytest.fixture(autouse=True)
def frozen(calendar):
    with time_machine.travel(at(NOW), tick=False):
        yield


@pytest.fixture
def version(district):
    version = make_procedure(days=3, fee_vnd=8000)
    other = make_procedure("1.000894", "Thủ tục đăng ký kết hôn", days=5)
    for desk in (district.desk_a, district.desk_b):
        listing.procedures_assign(
            actor=None, agency=desk, procedures=[version.procedure], valid_from=dt.date(2023, 1, 1)
        )
    listing.procedures_assign(
        actor=None, agency=district.desk_b, procedures=[other.procedure], valid_from=dt.date(2023, 1, 1)
    )
    return version


@pytest.fixture
def receive(district, version):
    def _receive(desk=None, *, when="2024-03-04 08:00", accept=True):
        dossier = services.dossier_register(
            actor=None,
            procedure_version=version,
            channel=1,
            receiving_agency=desk or district.desk_a,
            owner=services.ApplicantData(
                full_name="Hồ Thị Lan", citizen_id="049190000123", phone="0905123456"
            ),
            submitted_at=at(when),
        )
        if accept:
            dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(when))
        return dossier

    return _receive


def _login(client, users, who):
    if who != "anonymous":
        client.force_login(users[who])
    return client


def _written() -> tuple[int, int, int, int]:
    return (
        Dossier.objects.count(),
        Applicant.objects.count(),
        DossierEvent.objects.count(),
        LedgerEntry.objects.count(),
    )


# --- Reception ----------------------------------------------------------------------------

RECEPTION = reverse("dossiers:reception")


def _reception_post(version, desk, **overrides) -> dict:
    docs = list(version.documents.order_by("order", "pk"))
    data = {
        "don_vi": desk.slug,
        "thu_tuc": version.procedure.code,
        "action": "accept",
        "channel": "1",
        "kind": "citizen",
        "full_name": "  Nguyễn   Văn An ",
        "citizen_id": "049 190 000 456",
        "phone": "+84 905.123.456",
        "email": "an@example.vn",
        "address": "Thôn 1, xã A",
        "subject": "Đăng ký khai sinh cho con",
        "fee_0_name": "Lệ phí",
        "fee_0_amount": "8000",
    }
    for doc in docs:
        data[f"doc_{doc.pk}"] = "on"
        data[f"doc_{doc.pk}_originals"] = "1"
        data[f"doc_{doc.pk}_copies"] = "0"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_a", 200), ("officer_b", 200), ("leader_a", 404), ("secretariat", 404), ("auditor", 404),
     ("no_unit", 404)],
)  # fmt: skip
def test_reception_role_matrix(client, users, version, who, status):
    assert _login(client, users, who).get(RECEPTION).status_code == status


def test_reception_anonymous_goes_to_login(client):
    response = client.get(RECEPTION)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_reception_search_selects_the_only_match_and_shows_checklist_and_fees(
    client, users, district, version
):
    client.force_login(users["officer_b"])
    page = client.get(RECEPTION, {"don_vi": district.desk_b.slug, "q": "khai sinh"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Giấy chứng sinh" in html and "Tờ khai đăng ký khai sinh" in html
    assert 'name="fee_0_amount"' in html and 'value="8000"' in html
    assert "autofocus" in html and 'accesskey="n"' in html
    # A procedure the desk does not receive is not offered.
    again = client.get(
        RECEPTION, {"don_vi": district.desk_b.slug, "q": "ket hon", "thu_tuc": "1.001193", "tim": "1"}
    )
    assert again.context["procedure"].code == "1.000894"  # a new search drops the previous choice
    client.force_login(users["officer_a"])
    other = client.get(RECEPTION, {"don_vi": district.desk_a.slug, "q": "ket hon"}).content.decode()
    assert "Giấy chứng sinh" not in other and "Không tìm thấy thủ tục" in other


def test_reception_desk_out_of_scope_is_404(client, users, district, version):
    client.force_login(users["officer_a"])
    assert client.get(RECEPTION, {"don_vi": district.desk_b.slug}).status_code == 404
    assert client.post(RECEPTION, _reception_post(version, district.desk_b)).status_code == 404
    assert Dossier.objects.count() == 0


def test_reception_accept_registers_and_accepts_in_one_go(client, users, district, version):
    client.force_login(users["officer_a"])
    response = client.post(RECEPTION, _reception_post(version, district.desk_a))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])
    assert dossier.status == Status.ACCEPTED and dossier.code
    assert dossier.receiving_agency == district.desk_a and dossier.created_by == users["officer_a"]
    assert dossier.owner.full_name == "Nguyễn Văn An"
    assert (dossier.owner.citizen_id, dossier.owner.phone) == ("049190000456", "0905123456")
    assert dossier.documents.count() == 2
    assert list(dossier.fees.values_list("amount_vnd", flat=True)) == [8000]
    # Accepted Tuesday 05/3 09:00, 3 working days: due at the end of Friday 08/3.
    assert dossier.effective_due_at == at("2024-03-09 00:00")
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Đã tiếp nhận hồ sơ" in page
    assert "24:00 08/03/2024" in page  # the exclusive midnight is shown as the end of the last day
    receipt = dossier.slips.get(role="receipt")
    assert reverse("slips:slip-pdf", args=[dossier.pk, receipt.pk]) in page


def test_reception_supplement_lists_the_unticked_documents(client, users, district, version):
    client.force_login(users["officer_a"])
    missing = version.documents.get(name="Giấy chứng sinh")
    data = _reception_post(
        version,
        district.desk_a,
        action="supplement",
        supplement_reason="Hồ sơ chưa đầy đủ",
        extra_missing="Sổ hộ khẩu",
    )
    del data[f"doc_{missing.pk}"]
    assert client.post(RECEPTION, data).status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.stage) == (Status.SUPPLEMENT_REQUESTED, Dossier.Stage.BEFORE_ACCEPTANCE)
    request = SupplementRequest.objects.get(dossier=dossier)
    assert [item["name"] for item in request.items] == ["Giấy chứng sinh", "Sổ hộ khẩu"]
    assert request.reason == "Hồ sơ chưa đầy đủ"
    assert dossier.documents.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": "   "}, "Chưa nhập họ và tên"),
        ({"citizen_id": "0491900001"}, "12 chữ số"),
        ({"phone": "0123456"}, "Số điện thoại không hợp lệ"),
        ({"phone": "0105123456"}, "Số điện thoại không hợp lệ"),
        ({"email": "khong-phai-thu"}, "thư điện tử không hợp lệ"),
        ({"fee_0_amount": "-5"}, "không được âm"),
        ({"channel": "3"}, "không thực hiện qua kênh"),
        ({"action": "supplement"}, "Không có giấy tờ nào còn thiếu"),
        ({"action": None}, "Hãy chọn Tiếp nhận hoặc Yêu cầu bổ sung"),
    ],
)
def test_reception_bad_input_is_400_in_vietnamese_and_writes_nothing(
    client, users, district, version, overrides, message
):
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(RECEPTION, _reception_post(version, district.desk_a, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _written() == before


def test_reception_accept_with_a_mandatory_document_missing_is_refused(client, users, district, version):
    client.force_login(users["officer_a"])
    data = _reception_post(version, district.desk_a)
    del data[f"doc_{version.documents.get(name='Giấy chứng sinh').pk}"]
    before = _written()
    response = client.post(RECEPTION, data)
    assert response.status_code == 400 and "Còn thiếu giấy tờ bắt buộc" in response.content.decode()
    assert _written() == before


def test_reception_service_refusal_rolls_back_the_registration(client, users, district, version):
    """A refusal inside the second service must undo the first (one transaction)."""
    client.force_login(users["officer_a"])
    version.status = version.Status.AMENDED
    version.save(update_fields=["status"])
    before = _written()
    response = client.post(RECEPTION, _reception_post(version, district.desk_a))
    assert response.status_code == 400
    assert _written() == before


# --- Queue --------------------------------------------------------------------------------

QUEUE = reverse("dossiers:queue")


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [("officer_a", True, False), ("officer_b", False, True), ("leader_a", True, False),
     ("secretariat", True, True), ("auditor", True, True)],
)  # fmt: skip
def test_queue_role_matrix(client, users, district, receive, who, sees_a, sees_b):
    a, b = receive(district.desk_a), receive(district.desk_b)
    html = _login(client, users, who).get(QUEUE).content.decode()
    assert (a.code in html, b.code in html) == (sees_a, sees_b)


@pytest.mark.parametrize("who", ["no_unit"])
def test_queue_without_rights_is_404(client, users, who):
    assert _login(client, users, who).get(QUEUE).status_code == 404


def test_queue_anonymous_goes_to_login(client):
    assert client.get(QUEUE).status_code == 302


def test_queue_unit_out_of_scope_is_404(client, users, district):
    client.force_login(users["officer_a"])
    assert client.get(QUEUE, {"don-vi": district.desk_b.slug}).status_code == 404
    assert client.get(QUEUE, {"don-vi": district.desk_a.slug}).status_code == 200


def test_queue_highlights_filters_and_counts(client, users, district, receive):
    overdue, soon, later = receive(), receive(), receive()
    Dossier.objects.filter(pk=overdue.pk).update(effective_due_at=at("2024-03-05 00:00"))
    Dossier.objects.filter(pk=soon.pk).update(effective_due_at=at("2024-03-08 00:00"))
    Dossier.objects.filter(pk=later.pk).update(effective_due_at=at("2024-03-20 00:00"))
    client.force_login(users["officer_a"])
    response = client.get(QUEUE, {"don-vi": district.desk_a.slug})
    html = response.content.decode()
    assert html.index(overdue.code) < html.index(soon.code) < html.index(later.code)
    assert html.count('<tr class="overdue">') == 1 and html.count('<tr class="soon">') == 1
    assert response.context["totals"]["overdue"] == 1 and response.context["totals"]["due_soon"] == 1
    assert response.context["totals"]["s2"] == 3
    filtered = client.get(QUEUE, {"han": "qua-han"}).content.decode()
    assert overdue.code in filtered and soon.code not in filtered
    by_status = client.get(QUEUE, {"trang-thai": "4"})
    assert list(by_status.context["page"]) == []


def test_queue_query_count_does_not_grow_with_dossiers(client, users, district, receive):
    client.force_login(users["officer_a"])
    for _i in range(2):
        receive()
    client.get(QUEUE)  # warm up anything cached per process (content types, ...)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for _i in range(12):
        receive(district.desk_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert len(response.context["page"]) == 14
    assert len(few) == len(many) <= 14, [q["sql"] for q in many.captured_queries]


def test_queue_paginates(client, users, district, receive, settings, monkeypatch):
    from minhbach.dossiers.views import staff

    monkeypatch.setattr(staff, "PAGE_SIZE", 2)
    for _i in range(3):
        receive()
    client.force_login(users["officer_a"])
    first = client.get(QUEUE)
    assert len(first.context["page"]) == 2 and "trang=2" in first.content.decode()
    assert len(client.get(QUEUE, {"trang": "2"}).context["page"]) == 1


# --- Dossier page -------------------------------------------------------------------------


def _detail(dossier) -> str:
    return reverse("dossiers:detail", args=[dossier.pk])


def _act(dossier, name: str) -> str:
    return reverse("dossiers:action", args=[dossier.pk, name])


@pytest.mark.parametrize(
    ("who", "a_status", "b_status"),
    [("officer_a", 200, 404), ("officer_b", 404, 200), ("leader_a", 200, 404), ("secretariat", 200, 200),
     ("auditor", 200, 200), ("no_unit", 404, 404)],
)  # fmt: skip
def test_detail_role_matrix(client, users, district, receive, who, a_status, b_status):
    a, b = receive(district.desk_a), receive(district.desk_b)
    _login(client, users, who)
    assert client.get(_detail(a)).status_code == a_status
    assert client.get(_detail(b)).status_code == b_status


def test_detail_anonymous_goes_to_login(client, receive):
    response = client.get(_detail(receive()))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_detail_shows_everything(client, users, receive):
    dossier = receive(when="2024-03-01 16:00")  # Friday after the 15:00 cut-off
    client.force_login(users["officer_a"])
    response = client.get(_detail(dossier))
    html = response.content.decode()
    assert dossier.code in html and "049190000123" in html and "0905123456" in html
    assert "ngày làm việc thứ 3" in html and "sau giờ chốt" in html
    entries = list(LedgerEntry.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk)))
    assert entries and all(entry.hash in html for entry in entries)
    assert "register" in html and "accept" in html
    assert 'action="{}"'.format(_act(dossier, "transfer")) in html


def test_handling_office_sees_the_transferred_dossier(client, users, district, receive):
    office = make_agency(name="Phòng Tư pháp", kind=Agency.Kind.OFFICE, parent=district.committee)
    specialist = make_official(office, roles=("specialist",)).user
    dossier = receive(district.desk_b)
    client.force_login(specialist)
    assert client.get(_detail(dossier)).status_code == 404
    services.dossier_transfer(actor=None, dossier=dossier, agency=office)
    assert client.get(_detail(dossier)).status_code == 200
    assert dossier.code in client.get(QUEUE).content.decode()


def test_auditor_is_read_only(client, users, receive):
    dossier = receive()
    client.force_login(users["auditor"])
    html = client.get(_detail(dossier)).content.decode()
    assert "/thao-tac/" not in html
    before = _written()
    response = client.post(_act(dossier, "transfer"), {"lock_version": dossier.lock_version})
    assert response.status_code == 404
    assert _written() == before


def test_officer_cannot_act_on_another_desks_dossier(client, users, district, receive):
    dossier = receive(district.desk_b)
    client.force_login(users["officer_a"])
    assert client.post(_act(dossier, "transfer"), {"lock_version": dossier.lock_version}).status_code == 404


def test_transfer_then_finish_then_return(client, users, district, receive):
    dossier = receive()
    client.force_login(users["officer_a"])
    page = client.get(_detail(dossier)).content.decode()
    assert f'value="{district.commune_a.slug}"' in page  # the desk's commune is offered
    assert f'value="{district.desk_b.slug}"' not in page  # another desk is no handling office
    response = client.post(
        _act(dossier, "transfer"), {"lock_version": dossier.lock_version, "agency": district.commune_a.slug}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS and dossier.handling_agency == district.commune_a
    assert client.post(_act(dossier, "finish"), {"lock_version": dossier.lock_version}).status_code == 302
    dossier.refresh_from_db()
    assert (
        client.post(_act(dossier, "return_result"), {"lock_version": dossier.lock_version}).status_code == 302
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.punctuality == "early"


def test_hand_over_needs_the_next_agency(client, users, district, receive):
    dossier = services.dossier_transfer(actor=None, dossier=receive(), agency=district.commune_a)
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(_act(dossier, "hand_over"), {"lock_version": dossier.lock_version})
    assert response.status_code == 400 and "Phải chọn cơ quan, đơn vị nhận hồ sơ" in response.content.decode()
    assert _written() == before
    office = make_agency(name="Công chức Tư pháp", kind=Agency.Kind.OFFICE, parent=district.commune_a)
    listing.procedures_assign(
        actor=None,
        agency=office,
        procedures=[dossier.procedure_version.procedure],
        valid_from=dt.date(2023, 1, 1),
    )
    response = client.post(
        _act(dossier, "hand_over"), {"lock_version": dossier.lock_version, "agency": office.slug}
    )
    assert response.status_code == 302
    assert list(dossier.steps.values_list("agency", flat=True)) == [district.commune_a.pk, office.pk]


@pytest.mark.parametrize("name", ["refuse", "withdraw"])
def test_action_without_required_reason_is_400_and_writes_nothing(client, users, receive, name):
    dossier = receive(accept=False)
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(_act(dossier, name), {"lock_version": dossier.lock_version, "reason": "  "})
    assert response.status_code == 400 and "Phải ghi rõ lý do" in response.content.decode()
    assert _written() == before
    dossier.refresh_from_db()
    assert dossier.status == Status.REGISTERED


def test_refuse_with_reason(client, users, receive):
    dossier = receive(accept=False)
    client.force_login(users["officer_a"])
    response = client.post(
        _act(dossier, "refuse"), {"lock_version": dossier.lock_version, "reason": "Không thuộc thẩm quyền"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.events.last().note == "Không thuộc thẩm quyền"


def test_stale_lock_version_is_refused(client, users, receive):
    dossier = receive()
    stale = dossier.lock_version
    services.dossier_transfer(actor=None, dossier=dossier)  # someone else, meanwhile
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(_act(dossier, "finish"), {"lock_version": stale})
    assert response.status_code == 400
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    assert _written() == before
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_move_not_in_the_table_is_400(client, users, receive):
    dossier = receive(accept=False)
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(_act(dossier, "finish"), {"lock_version": dossier.lock_version})
    assert response.status_code == 400 and "Không thể thực hiện" in response.content.decode()
    assert _written() == before


def test_unknown_action_is_404(client, users, receive):
    dossier = receive()
    client.force_login(users["officer_a"])
    assert client.post(_act(dossier, "xoa"), {"lock_version": dossier.lock_version}).status_code == 404


def test_get_on_an_action_is_not_allowed(client, users, receive):
    dossier = receive()
    client.force_login(users["officer_a"])
    assert client.get(_act(dossier, "transfer")).status_code == 405


def test_supplement_after_acceptance_and_completion(client, users, receive):
    dossier = services.dossier_transfer(actor=None, dossier=receive())
    client.force_login(users["officer_a"])
    response = client.post(
        _act(dossier, "request_supplement_after"),
        {
            "lock_version": dossier.lock_version,
            "reason": "Thẩm định thiếu",
            "items": "Giấy chứng sinh: bản mờ\n\n",
        },
    )
    assert response.status_code == 302
    request = SupplementRequest.objects.get(dossier=dossier)
    assert request.items == [{"name": "Giấy chứng sinh", "reason": "bản mờ"}]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.stage) == (Status.SUPPLEMENT_REQUESTED, Dossier.Stage.AFTER_ACCEPTANCE)
    response = client.post(_act(dossier, "complete_supplement"), {"lock_version": dossier.lock_version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_supplement_without_items_is_400(client, users, receive):
    dossier = services.dossier_transfer(actor=None, dossier=receive())
    client.force_login(users["officer_a"])
    before = _written()
    response = client.post(
        _act(dossier, "request_supplement_after"), {"lock_version": dossier.lock_version, "reason": "Thiếu"}
    )
    assert response.status_code == 400 and "Phải liệt kê đầy đủ" in response.content.decode()
    assert _written() == before


def test_extension_once_with_a_later_date(client, users, receive):
    dossier = services.dossier_transfer(actor=None, dossier=receive())
    client.force_login(users["officer_a"])
    assert 'action="{}"'.format(_act(dossier, "extension")) in client.get(_detail(dossier)).content.decode()
    early = client.post(
        _act(dossier, "extension"),
        {"lock_version": dossier.lock_version, "reason": "Chờ xác minh", "new_due_on": "07/03/2024"},
    )
    assert early.status_code == 400 and "phải sau hạn giải quyết" in early.content.decode()
    assert not Extension.objects.exists()
    ok = client.post(
        _act(dossier, "extension"),
        {"lock_version": dossier.lock_version, "reason": "Chờ xác minh", "new_due_on": "15/03/2024"},
    )
    assert ok.status_code == 302
    extension = Extension.objects.get(dossier=dossier)
    assert extension.new_due_at == at("2024-03-16 00:00")
    html = client.get(_detail(dossier)).content.decode()
    assert 'action="{}"'.format(_act(dossier, "extension")) not in html


def test_slip_links_point_at_the_pdf(client, users, receive):
    dossier = receive()
    client.force_login(users["officer_a"])
    html = client.get(_detail(dossier)).content.decode()
    for slip in dossier.slips.all():
        assert reverse("slips:slip-pdf", args=[dossier.pk, slip.pk]) in html


def test_detail_query_count_does_not_grow_with_events(client, users, receive):
    dossier = receive()
    client.force_login(users["officer_a"])
    client.get(_detail(dossier))
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(dossier))
    services.dossier_transfer(actor=None, dossier=dossier)
    for _i in range(3):
        dossier = services.dossier_hand_over(
            actor=None, dossier=dossier, agency=dossier.receiving_agency.parent
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_detail(dossier))
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize(
    ("moment", "label"),
    [("2024-03-09 00:00", "24:00 08/03/2024"), ("2024-03-08 17:00", "17:00 08/03/2024"), (None, "—")],
)
def test_due_label(moment, label):
    from minhbach.dossiers.views.staff import due_label

    assert due_label(at(moment) if moment else None) == label
