"""``import_procedures``: records in, versions out; bad input reported and never half-written."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from minhbach.core.models import LedgerEntry
from minhbach.procedures.importers.national import import_paths, import_record
from minhbach.procedures.models import (
    AnnouncingDecision,
    Channel,
    FeeLine,
    Procedure,
    ProcedureField,
    ProcedureVersion,
    TimeUnit,
)

pytestmark = pytest.mark.django_db

HEAD = "Hình thức nộpThời gianPhí, lệ phíMô tả"
PORTAL_JUNK = "Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Nộp hồ sơ"


def national_record(code: str = "1.000894", **overrides) -> dict:
    """A record in the crawled national format, with short excerpts of a real one (bo-tu-phap)."""
    record = {
        "ma_thu_tuc": code,
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-380b-73df-9a18-5658e09794d3",
        "formality_id": "",
        "ten_thu_tuc": "Thủ tục đăng ký khai sinh",
        "so_quyet_dinh": "1872/QD-BTP",
        "cap_thuc_hien": "Cấp xã",
        "loai_thu_tuc": "TTHC được luật giao quy định chi tiết",
        "linh_vuc": "Hộ tịch",
        "doi_tuong_thuc_hien": "Công dân Việt Nam, Người nước ngoài",
        "co_quan_co_tham_quyen": "Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn.",
        "dia_chi_tiep_nhan": "",
        "co_quan_duoc_uy_quyen": "",
        "co_quan_phoi_hop": "",
        "thu_tuc_lien_quan": "Không có thông tin",
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "cach_thuc_thuc_hien": (
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 Ngày làm việcMiễn phí(Miễn lệ phí đăng ký khai "
            "sinh đúng hạn.)Nộp tại Trung tâm phục vụ hành chính công.Trực tuyến3 Ngày làm việcMiễn phí"
            "Dịch vụ bưu chính3 Ngày làm việc8,000 Việt Nam Đồng(Phí: 8.000 Đồng/bản sao trích lục)"
        ),
        "thanh_phan_ho_so": (
            "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinh theo mẫu.Mẫu TK "
            "khai sinh.docx1 bản chínhGiấy chứng sinh1 bản chính,1 bản sao"
        ),
        "can_cu_phap_ly": (
            "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13Nghị định quy định chi tiết Luật Hộ tịch"
            "123/2015/NĐ-CP"
        ),
        "co_quan_thuc_hien": "Ủy ban Nhân dân xã, phường, thị trấn.",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G15.000001Từ khóakhai sinhMô tảKhông có thông tin"
        + PORTAL_JUNK,
        "raw_text": "Thủ tục đăng ký khai sinhTên thủ tục… (the whole page)",
    }
    record.update(overrides)
    return record


def write(folder, name: str, content) -> str:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), "utf-8")
    return str(path)


def test_a_record_becomes_a_version_with_all_its_parts(tmp_path):
    write(tmp_path, "1.000894.json", national_record())
    report = import_paths([tmp_path])
    assert (report.created, report.failed, report.flagged) == (1, [], [])

    version = ProcedureVersion.objects.get(procedure__code="1.000894")
    assert version.decision.number == "1872/QĐ-BTP" and version.decision.issuer == "Bộ Tư pháp"
    assert (version.name, version.field.name, version.levels) == (
        "Thủ tục đăng ký khai sinh",
        "Hộ tịch",
        ["commune"],
    )
    assert version.subjects == ["Công dân Việt Nam", "Người nước ngoài"]
    assert version.competent_agencies == "Ủy ban Nhân dân xã, phường, thị trấn."
    assert (version.related_procedures, version.conditions, version.keywords) == ("", "", "khai sinh")
    assert version.online_mode == ProcedureVersion.OnlineMode.PARTIAL
    assert version.source_url.startswith("https://dichvucong.gov.vn/")
    assert "raw_text" not in version.source_record and version.source_record["ma_thu_tuc"] == "1.000894"

    channels = [
        (c.channel, c.time_limit_value, c.time_limit_unit, c.needs_review) for c in version.channels.all()
    ]
    assert channels == [
        (Channel.IN_PERSON, Decimal(3), TimeUnit.WORKING_DAY, False),
        (Channel.ONLINE, Decimal(3), TimeUnit.WORKING_DAY, False),
        (Channel.POSTAL, Decimal(3), TimeUnit.WORKING_DAY, False),
    ]
    in_person = version.channels.get(channel=Channel.IN_PERSON)
    assert in_person.description == "Nộp tại Trung tâm phục vụ hành chính công."
    assert list(FeeLine.objects.filter(channel__version=version).values_list("amount_vnd", flat=True)) == [
        0,
        0,
        8000,
    ]
    assert [(d.group, d.name, d.form_template, d.originals, d.copies) for d in version.documents.all()] == [
        ("Giấy tờ phải nộp", "Tờ khai đăng ký khai sinh theo mẫu.", "Mẫu TK khai sinh.docx", 1, None),
        ("Giấy tờ phải nộp", "Giấy chứng sinh", "", 1, 1),
    ]
    assert [(r.name, r.code) for r in version.results.all()] == [("Giấy khai sinh", "KQ.G15.000001")]
    assert [(b.number, b.issuer) for b in version.legal_bases.all()] == [
        ("60/2014/QH13", "Quốc hội"),
        ("123/2015/NĐ-CP", "Chính phủ"),
    ]
    assert Procedure.objects.get(code="1.000894").current_version == version


def truncated(folder, name):
    return write(folder, name, json.dumps(national_record("1.000002"), ensure_ascii=False)[:300])


BAD_INPUTS = {
    "truncated JSON": (truncated, "", "JSON không hợp lệ hoặc bị cắt cụt"),
    "not UTF-8": (lambda f, n: (f / n).write_bytes(b"\xff\xfe{") and str(f / n), "", "UTF-8"),
    "not an object": (lambda f, n: write(f, n, "42"), "", "không phải một đối tượng JSON"),
    "unknown field": (
        lambda f, n: write(f, n, national_record("1.000002", so_hieu_moi="x")),
        "1.000002",
        "Trường không xác định: so_hieu_moi",
    ),
    "missing code": (lambda f, n: write(f, n, national_record("")), "", "Thiếu trường bắt buộc: ma_thu_tuc"),
    "missing decision": (
        lambda f, n: write(f, n, national_record("1.000002", so_quyet_dinh=" ")),
        "1.000002",
        "Thiếu trường bắt buộc: so_quyet_dinh",
    ),
    "wrong type": (
        lambda f, n: write(f, n, national_record("1.000002", cap_thuc_hien=["Cấp xã"])),
        "1.000002",
        "không phải chuỗi ký tự: cap_thuc_hien",
    ),
    "malformed code": (
        lambda f, n: write(f, n, national_record("DROP TABLE")),
        "DROP TABLE",
        "không đúng dạng",
    ),
    "absurd time limit": (
        lambda f, n: write(
            f,
            n,
            national_record(
                "1.000002",
                cach_thuc_thuc_hien=HEAD + "Trực tiếp100000 Ngày làm việcMiễn phí",
            ),
        ),
        "1.000002",
        "vượt quá",
    ),
    "negative fee": (
        lambda f, n: write(
            f,
            n,
            national_record(
                "1.000002",
                cach_thuc_thuc_hien=HEAD + "Trực tiếp3 Ngày làm việc-50,000 VNĐ",
            ),
        ),
        "1.000002",
        "Mức phí “-50,000 VNĐ” không hợp lệ",
    ),
    "absurd fee": (
        lambda f, n: write(
            f,
            n,
            national_record(
                "1.000002",
                cach_thuc_thuc_hien=(HEAD + "Trực tiếp3 Ngày làm việc10,000,000,000,000 VNĐ"),
            ),
        ),
        "1.000002",
        "không hợp lệ",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_reported_and_writes_nothing_while_the_rest_imports(tmp_path, case):
    make, code, reason = BAD_INPUTS[case]
    write(tmp_path, "a-good.json", national_record("1.000001"))
    bad_path = make(tmp_path, "b-bad.json")
    write(tmp_path, "c-good.json", national_record("1.000003"))

    report = import_paths([tmp_path])

    assert report.created == 2
    (line,) = report.failed
    assert (line.source, line.code) == (bad_path, code) and reason in line.reason
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.000001", "1.000003"}
    assert ProcedureVersion.objects.count() == 2 and LedgerEntry.objects.count() == 2
    assert AnnouncingDecision.objects.count() == 1 and ProcedureField.objects.count() == 1


def test_an_unreadable_value_is_stored_raw_flagged_and_listed(tmp_path):
    table = HEAD + "Trực tuyến7Miễn phíTrực tiếp5 Ngày làm việcMiễn phí"
    path = write(tmp_path, "1.000080.json", national_record("1.000080", cach_thuc_thuc_hien=table))
    report = import_paths([tmp_path])
    (line,) = report.flagged
    assert (line.source, line.code) == (path, "1.000080")
    assert "Trực tuyến: thời hạn “7” không có đơn vị" in line.reason
    version = ProcedureVersion.objects.get()
    assert version.needs_review and version.review_notes == [line.reason]
    online, in_person = version.channels.order_by("channel")[1], version.channels.order_by("channel")[0]
    assert (online.time_limit_value, online.time_limit_unit, online.time_limit_text) == (
        None,
        TimeUnit.UNSPECIFIED,
        "7",
    )
    assert online.needs_review and not in_person.needs_review


def test_records_without_a_time_limit_are_unspecified_not_flagged(tmp_path):
    table = HEAD + "Trực tiếpKhông có thông tinKhông có thông tin"
    write(tmp_path, "x.json", national_record(cach_thuc_thuc_hien=table))
    report = import_paths([tmp_path])
    assert (report.created, report.flagged) == (1, [])
    channel = ProcedureVersion.objects.get().channels.get()
    assert (channel.time_limit_unit, channel.time_limit_text, channel.needs_review) == (
        TimeUnit.UNSPECIFIED,
        "Không có thông tin",
        False,
    )
    assert not channel.fees.exists() and channel.fee_text == "Không có thông tin"


def test_second_run_changes_nothing(tmp_path):
    for i in range(3):
        write(tmp_path, f"{i}.json", national_record(f"1.00000{i}"))
    first = import_paths([tmp_path])
    entries = list(LedgerEntry.objects.values_list("pk", "hash"))
    versions = list(ProcedureVersion.objects.values_list("pk", "source_hash", "updated_at"))

    second = import_paths([tmp_path])

    assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert list(LedgerEntry.objects.values_list("pk", "hash")) == entries
    assert list(ProcedureVersion.objects.values_list("pk", "source_hash", "updated_at")) == versions


def test_a_corrected_record_updates_and_a_new_decision_adds_a_version(tmp_path):
    import_record(national_record())
    _data, version, outcome = import_record(national_record(ten_thu_tuc="Đăng ký khai sinh"))
    assert outcome == "updated" and version.name == "Đăng ký khai sinh"
    _data, newer, outcome = import_record(national_record(so_quyet_dinh="2000/QĐ-BTP"))
    assert outcome == "created" and newer.pk != version.pk
    assert Procedure.objects.get().versions.count() == 2


def test_spellings_of_one_decision_are_one_version():
    import_record(national_record(so_quyet_dinh="SỐ 1872/QĐ-BTP"))
    _data, _version, outcome = import_record(national_record(so_quyet_dinh="1872/QD-BTP"))
    assert outcome == "updated"  # same version; only the source record's spelling changed
    assert ProcedureVersion.objects.count() == 1 and AnnouncingDecision.objects.get().number == "1872/QĐ-BTP"


def test_queries_per_record_are_bounded(django_assert_max_num_queries):
    import_record(national_record("1.000001"))  # field and decision exist from here on
    with django_assert_max_num_queries(40):  # 3 channels, 2 documents, 1 result, 2 legal bases
        import_record(national_record("1.000002"))
    with django_assert_max_num_queries(8):
        import_record(national_record("1.000002"))


def test_a_file_may_hold_an_array_of_records(tmp_path):
    path = write(tmp_path, "many.json", [national_record("1.000001"), {"ma_thu_tuc": "1.000002"}])
    report = import_paths([tmp_path / "many.json"])
    assert report.created == 1
    (line,) = report.failed
    assert (line.source, line.code) == (f"{path}#1", "1.000002")


def test_a_name_longer_than_the_column_is_cut_and_flagged():
    # bo-nong-nghiep-mt/1.013980 has a 1,094-character name; the column holds 1,000
    data, version, _outcome = import_record(national_record(ten_thu_tuc="Thủ tục " * 150))
    assert len(version.name) == 1000 and version.name.endswith("…")
    assert version.needs_review and "Tên thủ tục dài 1199 ký tự" in data.review_notes[0]
    assert version.source_record["ten_thu_tuc"] == "Thủ tục " * 150


# --- the command ---------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_command_prints_the_report(tmp_path):
    write(tmp_path, "good.json", national_record("1.000001"))
    table = HEAD + "Trực tuyến7Miễn phí"
    write(tmp_path, "flagged.json", national_record("1.000080", cach_thuc_thuc_hien=table))
    truncated(tmp_path, "truncated.json")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_procedures", str(tmp_path), stdout=out, stderr=err)

    text = out.getvalue()
    assert "tạo mới 2, cập nhật 0, không đổi 0, cần rà soát 1, không nhập được 1" in text
    assert f"{tmp_path / 'flagged.json'} [1.000080]: Cách thức thực hiện – Trực tuyến: thời hạn “7”" in text
    assert f"{tmp_path / 'truncated.json'}: JSON không hợp lệ hoặc bị cắt cụt" in text
    assert err.getvalue() == ""  # not a terminal: no progress bar


def test_command_draws_progress_on_a_terminal_unless_asked_not_to(tmp_path):
    write(tmp_path, "a.json", national_record("1.000001"))
    write(tmp_path, "b.json", national_record("1.000002"))
    terminal = FakeTerminal()
    call_command("import_procedures", str(tmp_path), stdout=io.StringIO(), stderr=terminal)
    assert "\r[###############...............] 1/2 a.json" in terminal.getvalue()
    assert "\r[##############################] 2/2 b.json" in terminal.getvalue()

    quiet = FakeTerminal()
    call_command("import_procedures", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""


def test_command_strict_fails_on_failed_records(tmp_path):
    write(tmp_path, "good.json", national_record("1.000001"))
    truncated(tmp_path, "bad.json")
    call_command("import_procedures", str(tmp_path), stdout=io.StringIO())  # completes: exit status 0
    with pytest.raises(CommandError, match=r"1 bản ghi không nhập được \(--strict\)") as failure:
        call_command("import_procedures", str(tmp_path), "--strict", stdout=io.StringIO())
    assert failure.value.returncode == 2
    assert Procedure.objects.count() == 1


def test_command_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_procedures", str(tmp_path / "nope"), stdout=io.StringIO())
