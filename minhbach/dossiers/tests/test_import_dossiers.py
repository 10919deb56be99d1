"""Import from the provincial system (issue 4 item 7): validation, classification, idempotence."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from minhbach.core import ledger
from minhbach.core.models import LedgerEntry
from minhbach.dossiers import clock, services
from minhbach.dossiers.importers import COLUMNS, import_file
from minhbach.dossiers.models import Dossier, DossierEvent, Punctuality, Status, SupplementRequest
from minhbach.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db

DESK_CODE = "000.31.15.H49"


def row(**values) -> dict[str, str]:
    base = {
        "MaHoSo": "000.31.15.H49-240304-0001",
        "MaTTHC": "1.001193",
        "KenhThucHien": "1",
        "MaDonViTiepNhan": DESK_CODE,
        "NgayNopHoSo": "04/03/2024 08:00",
        "NgayTiepNhan": "04/03/2024 08:10",
        "NgayHenTra": "07/03/2024 17:00",
        "NgayKetThucXuLy": "06/03/2024 10:00",
        "NgayTra": "06/03/2024 14:00",
        "TrangThaiHoSo": "10",
        "ChuHoSo": "Hồ Thị Lan",
        "SoDinhDanh": "049190000123",
        "SoDienThoai": "0905123456",
    }
    base.update(values)
    return base


def write_csv(tmp_path, rows, name="hoso.csv"):
    path = tmp_path / name
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in COLUMNS})
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_good_rows_are_classified_with_the_native_clock_rules(desk, version, tmp_path):
    path = write_csv(
        tmp_path,
        [
            row(),  # 3 working days from Mon 04/3 → due Thu 07/3; finished Wed 06/3: early
            row(  # after 15:00 → day zero Tue 05/3 → due Fri 08/3; finished Mon 11/3: late
                MaHoSo="000.31.15.H49-240304-0002",
                NgayTiepNhan="04/03/2024 15:30",
                NgayKetThucXuLy="11/03/2024 09:00",
                NgayTra="11/03/2024 10:00",
                TrangThaiHoSo="10",
                NgayHenTra="13/03/2024",
                NgayHenTraTruoc="08/03/2024",
                NgayHenTraMoi="13/03/2024",
                NgayXinLoi="07/03/2024 09:00",
                LyDoXinLoi="Chờ xác minh",
            ),
            row(  # Tết: accepted Wed 07/2/2024 → due Mon 19/2; still open
                MaHoSo="000.31.15.H49-240207-0001",
                NgayNopHoSo="2024-02-07 09:00",
                NgayTiepNhan="20240207100000",
                NgayKetThucXuLy="",
                NgayTra="",
                TrangThaiHoSo="4",
                KenhThucHien="2",
                TongPhiLePhi="8.000",
                DuocThanhToanTrucTuyen="1",
                NgayThanhToan="07/02/2024 10:05",
            ),
        ],
    )
    report = import_file(path)
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])

    early = Dossier.objects.get(code="000.31.15.H49-240304-0001")
    assert early.source == Dossier.Source.IMPORTED
    assert early.status == Status.RETURNED
    assert clock.due_date_of(early.effective_due_at) == dt.date(2024, 3, 7)
    assert early.punctuality == Punctuality.EARLY == clock.judge(early)
    assert early.owner.citizen_id == "049190000123"
    actions = list(early.events.values_list("action", flat=True))
    assert actions == ["register", "accept", "transfer", "finish", "return_result"]
    assert not early.non_standard_transition

    late = Dossier.objects.get(code="000.31.15.H49-240304-0002")
    assert late.day_zero == dt.date(2024, 3, 5)
    assert clock.due_date_of(late.effective_due_at) == dt.date(2024, 3, 8)
    assert clock.local_date(late.original_due_at) == dt.date(2024, 3, 8)  # NgayHenTraTruoc (§12 q5)
    assert clock.local_date(late.extended_due_at) == dt.date(2024, 3, 13)
    assert late.extension.reason == "Chờ xác minh"
    assert late.punctuality == Punctuality.LATE  # the apology never clears lateness (D4)

    open_ = Dossier.objects.get(code="000.31.15.H49-240207-0001")
    assert clock.due_date_of(open_.effective_due_at) == dt.date(2024, 2, 19)
    assert open_.status == Status.IN_PROGRESS and open_.punctuality == ""
    assert clock.judge(open_, period_end=dt.date(2024, 2, 29)) == Punctuality.OVERDUE
    fee = open_.fees.get()
    assert (fee.amount_vnd, fee.online_channel) == (8000, 1)

    events = DossierEvent.objects.count()
    assert LedgerEntry.objects.filter(action__startswith="dossier.").count() == events
    assert ledger.verify().ok


def test_supplements_pause_like_a_native_dossier(register, version, tmp_path):
    """Same timeline through the services and through the importer: same due date and verdict."""
    native = register(when="2024-03-04 08:00")
    native = services.dossier_accept(actor=None, dossier=native, accepted_at=at("2024-03-04 08:10"))
    native = services.dossier_transfer(actor=None, dossier=native, at=at("2024-03-04 09:00"))
    for asked, back in (("2024-03-05 10:00", "2024-03-08 09:00"), ("2024-03-11 09:00", "2024-03-12 09:00")):
        services.dossier_request_supplement(
            actor=None, dossier=native, items=[{"name": "Tờ khai"}], reason="Thiếu", at=at(asked)
        )
        native = services.dossier_complete_supplement(actor=None, dossier=native, at=at(back))
    native = services.dossier_finish(actor=None, dossier=native, at=at("2024-03-13 09:00"))

    path = write_csv(
        tmp_path,
        [
            row(
                MaHoSo="T-1",
                NgayYeuCauBoSung="05/03/2024 10:00;11/03/2024 09:00",
                NgayHoanThanhBoSung="08/03/2024 09:00;12/03/2024 09:00",
                NgayKetThucXuLy="13/03/2024 09:00",
                NgayTra="",
                TrangThaiHoSo="9",
                NoiDungBoSung="Thiếu tờ khai",
            ),
            row(
                MaHoSo="T-2",
                NgayYeuCauBoSung="05/03/2024 10:00",
                NgayHoanThanhBoSung="08/03/2024 09:00",
                NgayKetThucXuLy="12/03/2024 09:00",
                NgayTra="",
                TrangThaiHoSo="9",
            ),
        ],
    )
    assert import_file(path).created == 2
    imported = Dossier.objects.get(code="T-1")
    assert imported.effective_due_at == native.effective_due_at
    assert imported.supplements_after == native.supplements_after == 2
    assert imported.punctuality == native.punctuality == Punctuality.LATE  # rule 3: second request
    assert SupplementRequest.objects.filter(dossier=imported, completed_at__isnull=False).count() == 2
    one = Dossier.objects.get(code="T-2")
    # used 1 day (05/3) of 3; remainder 2 from Fri 08/3 → Tue 12/3; finished that day: on time
    assert clock.due_date_of(one.effective_due_at) == dt.date(2024, 3, 12)
    assert one.punctuality == Punctuality.ON_TIME


BAD_ROWS = [
    (row(MaHoSo="B-1", MaTTHC="9.999999"), "MaTTHC “9.999999”: không có thủ tục"),
    (row(MaHoSo="B-2", MaDonViTiepNhan="000.99.99.H99"), "không có cơ quan, đơn vị nào có mã định danh"),
    (row(MaHoSo="B-3", NgayTiepNhan="31/02/2024"), "không phải ngày giờ hợp lệ"),
    (row(MaHoSo="B-4", NgayTiepNhan="03/03/2024 08:00"), "thứ tự ngày không hợp lệ"),
    (row(MaHoSo="B-5", TrangThaiHoSo="12"), "TrangThaiHoSo “12” không hợp lệ"),
    (row(MaHoSo="B-6", TrangThaiHoSo="10", NgayTra=""), "cần NgayTra"),
    (row(MaHoSo="", TrangThaiHoSo="10"), "Thiếu giá trị bắt buộc: MaHoSo"),
]


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imported(desk, version, tmp_path):
    rows = [row(MaHoSo="G-1")] + [r for r, _message in BAD_ROWS] + [row(MaHoSo="G-2")]
    report = import_file(write_csv(tmp_path, rows))
    assert report.created == 2
    assert [e.line for e in report.errors] == list(range(3, 3 + len(BAD_ROWS)))
    for error, (_row, message) in zip(report.errors, BAD_ROWS, strict=True):
        assert message in error.message, (error, message)
        assert str(error).startswith(f"Dòng {error.line}")
    assert set(Dossier.objects.values_list("code", flat=True)) == {"G-1", "G-2"}
    assert ledger.verify().ok


def test_reimport_changes_nothing_and_a_changed_row_updates(desk, version, tmp_path):
    rows = [row(MaHoSo="R-1"), row(MaHoSo="R-2", TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="")]
    path = write_csv(tmp_path, rows)
    assert import_file(path).created == 2
    entries, events = LedgerEntry.objects.count(), DossierEvent.objects.count()
    again = import_file(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (LedgerEntry.objects.count(), DossierEvent.objects.count()) == (entries, events)

    rows[1].update(
        TrangThaiHoSo="10",
        NgayKetThucXuLy="08/03/2024 10:00",
        NgayTra="08/03/2024 11:00",
        ChuHoSo="HỒ THỊ LAN ANH",
    )
    report = import_file(write_csv(tmp_path, rows, name="hoso2.csv"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    updated = Dossier.objects.get(code="R-2")
    # The owner's folded name follows the corrected name (one-go rule 3 matches on it).
    assert (updated.owner.full_name, updated.owner.name_key) == ("HỒ THỊ LAN ANH", "hồ thị lan anh")
    assert updated.status == Status.RETURNED and updated.punctuality == Punctuality.LATE
    actions = list(updated.events.values_list("action", flat=True))
    assert actions.count("register") == 1 and "finish" in actions and "import_updated" in actions
    assert LedgerEntry.objects.count() > entries
    assert ledger.verify().ok


def test_a_native_dossier_is_never_overwritten(register, tmp_path):
    native = register(channel=2)
    report = import_file(write_csv(tmp_path, [row(MaHoSo=native.code)]))
    assert report.created == 0 and "không ghi đè" in report.errors[0].message


def test_command_reads_xlsx_and_reports(desk, version, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    good = row(MaHoSo="X-1")
    good["NgayTiepNhan"] = dt.datetime(2024, 3, 4, 8, 10)  # a real date cell
    sheet.append([good.get(c, "") for c in COLUMNS])
    sheet.append([row(MaHoSo="X-2", KenhThucHien="7").get(c, "") for c in COLUMNS])
    path = tmp_path / "hoso.xlsx"
    book.save(path)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dossiers", str(path), stdout=out, stderr=err)
    assert "1 hồ sơ mới" in out.getvalue() and "1 dòng lỗi" in out.getvalue()
    assert "Dòng 3 (X-2): KenhThucHien “7” không hợp lệ" in err.getvalue()
    assert "\r" not in err.getvalue()  # no progress bar when stderr is not a terminal
    assert clock.due_date_of(Dossier.objects.get(code="X-1").effective_due_at) == dt.date(2024, 3, 7)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counter_on_a_terminal(desk, version, tmp_path):
    path = write_csv(tmp_path, [row(MaHoSo=f"P-{i}") for i in range(30)])
    err = Terminal()
    call_command("import_dossiers", str(path), stdout=io.StringIO(), stderr=err)
    drawn = err.getvalue()
    assert "\r[#########################.....] 25/30 " in drawn
    assert "\r[##############################] 30/30 " in drawn
    assert drawn.endswith("\r")  # the bar is cleared before the report is printed


@pytest.mark.parametrize(
    ("values", "status", "stage", "actions"),
    [
        (
            {"TrangThaiHoSo": "3", "NgayTiepNhan": "", "NgayHenTra": "", "NgayTra": "",
             "LyDo": "Sai thẩm quyền", "NgayKetThucXuLy": "04/03/2024 08:30"},
            Status.REFUSED, "", ["register", "refuse"],
        ),
        (
            {"TrangThaiHoSo": "5", "NgayKetThucXuLy": "", "NgayTra": "",
             "NgayYeuCauBoSung": "05/03/2024 09:00"},
            Status.SUPPLEMENT_REQUESTED, Dossier.Stage.AFTER_ACCEPTANCE,
            ["register", "accept", "transfer", "request_supplement_after"],
        ),
        (
            {"TrangThaiHoSo": "7", "NgayTra": "", "NgayKetThucXuLy": "05/03/2024 09:00", "LyDo": "Xin rút"},
            Status.WITHDRAWN, "", ["register", "accept", "withdraw"],
        ),
    ],
)  # fmt: skip
def test_refused_waiting_and_withdrawn_rows(desk, version, tmp_path, values, status, stage, actions):
    assert import_file(write_csv(tmp_path, [row(MaHoSo="S-1", **values)])).created == 1
    dossier = Dossier.objects.get(code="S-1")
    assert (dossier.status, dossier.stage, dossier.punctuality) == (status, stage, "")
    assert list(dossier.events.values_list("action", flat=True)) == actions
    assert not dossier.non_standard_transition
    if status == Status.SUPPLEMENT_REQUESTED:  # paused: judged at the time of the request (rule 7)
        assert dossier.paused_at is not None and dossier.remaining_value == 2
        assert clock.judge(dossier, period_end=dt.date(2024, 12, 31)) == Punctuality.WITHIN_TIME
