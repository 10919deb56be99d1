"""Online submission ``/ho-so/nop-truc-tuyen/<procedure code>/``: status 1 with a code, or the
form again with a 400 and nothing written (no row, no file on disk)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from minhbach.dossiers import services
from minhbach.dossiers.models import Applicant, Dossier, DossierDocument, DossierEvent, Status
from minhbach.dossiers.public_forms import document_field_name, normalise_phone
from minhbach.dossiers.tests.test_uploads import JPEG, PDF, PNG
from minhbach.procedures.models import Channel, ProcedureAssignment, TimeUnit
from minhbach.procedures.services import ChannelData
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.tests.factories import make_agency


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def assigned(desk, version):
    return ProcedureAssignment.objects.create(
        procedure=version.procedure, agency=desk, valid_from=dt.date(2020, 1, 1)
    )


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def url(version) -> str:
    return reverse("dossiers-public:submit", args=[version.procedure.code])


def form_data(desk, version, **overrides) -> dict:
    first, second = version.documents.order_by("order")
    data = {
        "agency": desk.slug,
        "full_name": "Hồ Thị Lan",
        "citizen_id": "049190000123",
        "phone": "0905 123 456",
        "email": "lan.ho@example.com",
        "address": "Thôn 2, xã Trà Giang",
        "subject": "",
        document_field_name(first): SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
        document_field_name(second): SimpleUploadedFile("chung-sinh.png", PNG, content_type="image/png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def assert_nothing_written(media):
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert stored_files(media) == []


def test_get_shows_the_form_with_agencies_and_checklist(client, desk, version, assigned, media):
    response = client.get(url(version))
    assert response.status_code == 200
    body = response.content.decode()
    assert desk.name in body
    assert "Tờ khai đăng ký khai sinh" in body and "Giấy chứng sinh" in body
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body


def test_happy_path_registers_status_1_with_code_and_stored_files(client, desk, version, assigned, media):
    response = client.post(url(version), form_data(desk, version))
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers-public:submitted")

    dossier = Dossier.objects.get()
    assert dossier.status == Status.REGISTERED
    assert dossier.channel == Channel.ONLINE
    assert dossier.receiving_agency == desk
    assert dossier.code and dossier.code.startswith(f"{desk.electronic_code}-")
    assert dossier.owner.phone == "0905123456"
    assert dossier.owner.citizen_id == "049190000123"
    documents = list(dossier.documents.order_by("pk"))
    assert [d.name for d in documents] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert all(d.digitised and d.procedure_document_id for d in documents)
    assert documents[0].file.name.endswith(".pdf") and documents[1].file.name.endswith(".png")
    assert "to-khai" not in documents[0].file.name  # random stored names
    assert documents[0].file.read() == PDF
    assert len(stored_files(media)) == 2

    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    body = receipt.content.decode()
    assert dossier.code in body and "3456" in body
    assert receipt["Cache-Control"] == "private, no-store"
    link = receipt.context["lookup_link"]
    assert link.startswith(f"/ho-so/tra-cuu/{dossier.code}/?t=")
    status_page = client.get(link)
    assert status_page.status_code == 200
    assert "Mới đăng ký" in status_page.content.decode()


def test_one_file_of_the_checklist_is_enough(client, desk, version, assigned, media):
    second = version.documents.order_by("order")[1]
    response = client.post(url(version), form_data(desk, version, **{document_field_name(second): None}))
    assert response.status_code == 302
    assert DossierDocument.objects.count() == 1


def test_receipt_page_without_a_submission_sends_to_the_lookup(client, db):
    response = client.get(reverse("dossiers-public:submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers-public:lookup")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "doc": SimpleUploadedFile(
                    "to-khai.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
                )
            },
            "không phải PDF, JPEG hoặc PNG",
        ),
        ({"doc": SimpleUploadedFile("anh.jpg", JPEG + b"0" * 2000, content_type="image/jpeg")}, "lớn hơn"),
        ({"full_name": "   "}, "Phải nhập họ và tên"),
        ({"full_name": None}, "Phải nhập họ và tên"),
        ({"phone": "12345"}, "Số điện thoại không hợp lệ"),
        ({"phone": "0105123456"}, "Số điện thoại không hợp lệ"),
        ({"citizen_id": "04919000012"}, "12 chữ số"),
        ({"email": "not-an-email"}, "thư điện tử không hợp lệ"),
        ({"agency": "agency-that-does-not-exist"}, "không nhận thủ tục này"),
        ({"doc": None, "doc2": None}, "ít nhất một giấy tờ"),
    ],
    ids=[
        "disguised-pdf",
        "too-big",
        "blank-name",
        "missing-name",
        "short-phone",
        "bad-prefix",
        "citizen-id",
        "email",
        "agency",
        "no-file",
    ],
)
def test_bad_input_is_answered_400_and_writes_nothing(
    client, desk, version, assigned, media, settings, overrides, message
):
    settings.DOSSIER_UPLOAD_MAX_FILE_BYTES = 1500
    first, second = version.documents.order_by("order")
    renamed = {"doc": document_field_name(first), "doc2": document_field_name(second)}
    overrides = {renamed.get(k, k): v for k, v in overrides.items()}
    response = client.post(url(version), form_data(desk, version, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_written(media)


def test_total_size_over_the_limit_is_refused(client, desk, version, assigned, media, settings):
    settings.DOSSIER_UPLOAD_MAX_TOTAL_BYTES = len(PDF) + len(PNG) - 1
    response = client.post(url(version), form_data(desk, version))
    assert response.status_code == 400
    assert "Tổng dung lượng" in response.content.decode()
    assert_nothing_written(media)


def test_agency_not_assigned_the_procedure_is_not_offered(client, desk, version, assigned, media):
    other = make_agency(name="UBND xã Khác")
    response = client.post(url(version), form_data(desk, version, agency=other.slug))
    assert response.status_code == 400
    assert "UBND xã Khác" not in response.content.decode()
    assert_nothing_written(media)


def test_expired_assignment_means_no_online_submission(client, desk, version, media):
    ProcedureAssignment.objects.create(
        procedure=version.procedure, agency=desk, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1)
    )
    assert client.get(url(version)).status_code == 200
    response = client.post(url(version), form_data(desk, version))
    assert response.status_code == 400
    assert "chưa có cơ quan nào tiếp nhận" in response.content.decode()
    assert_nothing_written(media)


def test_procedure_without_online_channel_gives_a_clear_page(client, desk, media):
    offline = make_procedure(
        code="1.000894",
        name="Thủ tục chứng thực bản sao",
        channels=[
            ChannelData(
                channel=Channel.IN_PERSON,
                time_limit_value=None,
                time_limit_unit=TimeUnit.UNSPECIFIED,
                time_limit_text="Trong ngày",
                fees=[],
            )
        ],
    )
    ProcedureAssignment.objects.create(
        procedure=offline.procedure, agency=desk, valid_from=dt.date(2020, 1, 1)
    )
    get = client.get(url(offline))
    assert get.status_code == 200
    assert "chưa được tiếp nhận hồ sơ trực tuyến" in get.content.decode()
    assert '<form method="post" enctype' not in get.content.decode()
    response = client.post(url(offline), form_data(desk, offline))
    assert response.status_code == 400
    assert "chưa được tiếp nhận hồ sơ trực tuyến" in response.content.decode()
    assert_nothing_written(media)


def test_unknown_procedure_is_404(client, db, media):
    assert client.get(reverse("dossiers-public:submit", args=["9.999999"])).status_code == 404
    assert client.get(reverse("dossiers-public:submit", args=["<script>"])).status_code == 404


def test_csrf_is_enforced(desk, version, assigned, media):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(version), form_data(desk, version))
    assert response.status_code == 403
    assert_nothing_written(media)


def test_files_already_stored_are_removed_when_registration_fails(
    client, desk, version, assigned, media, monkeypatch
):
    """A refusal inside the service (after the files were written) leaves no file behind."""

    def refuse(*args, **kwargs):
        raise services.TransitionError("Từ chối thử")

    monkeypatch.setattr(services, "_record", refuse)
    response = client.post(url(version), form_data(desk, version))
    assert response.status_code == 400
    assert "Từ chối thử" in response.content.decode()
    assert_nothing_written(media)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0905123456", "0905123456"), ("0905 123 456", "0905123456"), ("+84 905.123.456", "0905123456"),
     ("84905123456", "0905123456"), ("0235-3812-345", "02353812345"), ("(0235) 3812 345", "02353812345")],
)  # fmt: skip
def test_vietnamese_phone_formats_are_normalised(typed, expected):
    assert normalise_phone(typed) == expected


def test_oversized_upload_is_cut_while_streaming(client, desk, version, assigned, media, settings):
    """The upload handler stops reading past the limits: 400, a clear message, nothing stored."""
    settings.DOSSIER_UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    settings.DOSSIER_UPLOAD_MAX_TOTAL_BYTES = 1024 * 1024
    first, _second = version.documents.order_by("order")
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (3 * 1024 * 1024), content_type="application/pdf")
    response = client.post(url(version), form_data(desk, version, **{document_field_name(first): big}))
    assert response.status_code == 400
    assert "Tổng dung lượng các tệp vượt quá 1 MB" in response.content.decode()
    assert response.context["form"].non_field_errors()  # cut by the handler, not by the form
    assert_nothing_written(media)


def test_one_oversized_file_is_skipped_and_named(client, desk, version, assigned, media, settings):
    settings.DOSSIER_UPLOAD_MAX_FILE_BYTES = 1000
    first, _second = version.documents.order_by("order")
    big = SimpleUploadedFile("ban-ve.pdf", PDF + b"0" * 5000, content_type="application/pdf")
    response = client.post(url(version), form_data(desk, version, **{document_field_name(first): big}))
    assert response.status_code == 400
    assert "Tệp “ban-ve.pdf” lớn hơn" in response.content.decode()
    # Skipped by the handler while streaming: the form never received the file.
    assert any("ban-ve.pdf" in e for e in response.context["form"].non_field_errors())
    assert_nothing_written(media)
