"""Import dossiers from the provincial one-stop system (DOMAIN.md §5.10; issue 4 item 7).

The file uses the National Public Service Portal's sync field names (``MaHoSo``, ``MaTTHC``,
``KenhThucHien``, ``NgayNopHoSo`` …, full list in ``docs/dossier-import.md``). Each row becomes
an imported dossier (``source="imported"``), its events and ledger entries, classified by the
same clock rules as a dossier received here (§5.6): the time limit of the channel in the
procedure version in force, the cut-off and the working-day calendar for the start, a pause
for each supplement request after acceptance, rule 3 for a second request, and
:func:`minhbach.dossiers.clock.judge` for punctuality.

* **Idempotent.** Rows are upserted by ``MaHoSo``. A fingerprint of the normalised row is kept
  with the dossier (``deadline_trace["import"]["row_hash"]``); an unchanged row is skipped and
  writes nothing, not even a ledger entry.
* **Nothing half-written.** Each row is one transaction; a bad row is reported with its line
  number and a Vietnamese reason and the good rows are still imported.
* ``original_due_at`` is ``NgayHenTraTruoc`` when present, else ``NgayHenTra`` (DOMAIN.md §12
  question 5); ``extended_due_at`` is ``NgayHenTraMoi``.

The pure clock steps of ``clock.py`` (:func:`~minhbach.dossiers.clock.start_clock`, ``pause_clock``,
``resume_clock``) apply §5.6 rules 1–2 to an unsaved dossier over an in-memory
:class:`~minhbach.core.workdays.engine.WorkCalendar`, exactly as the services do for one dossier;
the demo history uses them too, so tens of thousands of dossiers need one calendar query per agency
instead of several per dossier.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.dossiers import clock
from minhbach.dossiers.models import (
    Applicant,
    Dossier,
    DossierEvent,
    DossierFee,
    DossierResult,
    Extension,
    Status,
    SupplementRequest,
    fold_name,
)
from minhbach.dossiers.transitions import TRANSITIONS
from minhbach.procedures.models import Channel, Procedure, ProcedureVersion, TimeUnit
from minhbach.units.models import Agency

VN_TZ = engine.VN_TZ
DOSSIER_TYPE = "dossiers.dossier"

# --- Pure clock helpers (DOMAIN.md §5.6 rules 1–2) ------------------------------------------


def pending_for(
    event: DossierEvent, dossier: Dossier, *, occurred_at: dt.datetime | None = None
) -> ledger.Pending:
    """The ledger entry of a dossier event, with the payload ``services._record`` writes."""
    return ledger.Pending(
        action=f"dossier.{event.action}",
        object_type=DOSSIER_TYPE,
        object_id=dossier.pk,
        payload={
            "code": dossier.code,
            "from": event.from_status,
            "to": event.to_status,
            "stage": event.payload.get("stage", ""),
            "at": event.at,
            "note": event.note,
            "source": dossier.source,
            **{k: v for k, v in event.payload.items() if k != "stage"},
        },
        unit_code=dossier.receiving_agency.electronic_code,
        occurred_at=occurred_at,
    )


# --- Columns ---------------------------------------------------------------------------------

REQUIRED = ("MaHoSo", "MaTTHC", "MaDonViTiepNhan", "NgayNopHoSo", "TrangThaiHoSo")
DATE_COLUMNS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayHenTraTruoc",
    "NgayHenTraMoi",
    "NgayXinLoi",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayThanhToan",
)
LIST_DATE_COLUMNS = ("NgayYeuCauBoSung", "NgayHoanThanhBoSung")
COLUMNS = (
    *REQUIRED[:3],
    "KenhThucHien",
    "MaDonViXuLy",
    "NoiDungYeuCau",
    "TrangThaiHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayHenTraTruoc",
    "NgayHenTraMoi",
    "NgayXinLoi",
    "LyDoXinLoi",
    "NgayKetThucXuLy",
    "NgayTra",
    "LyDo",
    "NgayYeuCauBoSung",
    "NgayHoanThanhBoSung",
    "NoiDungBoSung",
    "TongPhiLePhi",
    "DuocThanhToanTrucTuyen",
    "NgayThanhToan",
    "MaKetQua",
    "TenKetQua",
    "DuongDanTepTinKetQua",
    "ChuHoSo",
    "LoaiDoiTuong",
    "SoDinhDanh",
    "MaSoThue",
    "SoDienThoai",
    "Email",
    "DiaChi",
    "TaiKhoanDuocXacThucVoiVNeID",
)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y%m%d%H%M%S",
)
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d")
TRUE = {"1", "true", "co", "có", "x", "yes"}
FALSE = {"", "0", "false", "khong", "không", "no"}


class RowError(ValueError):
    """A row that cannot be imported; the message is shown to the user with the line number."""


@dataclasses.dataclass(frozen=True)
class LineError:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""
        return _("Dòng %(line)d%(code)s: %(message)s") % {
            "line": self.line,
            "code": code,
            "message": self.message,
        }


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


def read_rows(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, {column: value})`` for each non-empty data row of a CSV or XLSX file.

    Line numbers are those a user sees in a spreadsheet: the header is line 1.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
        book.close()
    elif suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        sample = text[:4096]
        dialect = csv.excel
        with contextlib.suppress(csv.Error):  # one column, or an unusual file: plain CSV
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        reader = csv.reader(io.StringIO(text), dialect)
        header = [c.strip() for c in next(reader, [])]
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
    else:
        raise RowError(_("Chỉ nhận tệp .csv hoặc .xlsx."))


def _text(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_moment(value: Any, column: str) -> dt.datetime | None:
    """A portal date: ``yyyyMMddHHmmss``, ISO or ``dd/mm/yyyy [HH:MM[:SS]]``; local time unless zoned."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(0))
    else:
        text = str(value).strip()
        if not text:
            return None
        moment = None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in DATE_FORMATS + DAY_FORMATS:
                try:
                    moment = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if moment is None:
            raise RowError(
                _(
                    "%(column)s “%(value)s” không phải ngày giờ hợp lệ "
                    "(dạng dd/mm/yyyy HH:MM hoặc yyyyMMddHHmmss)."
                )
                % {"column": column, "value": text}
            )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment


def _moments(row: dict[str, Any], column: str) -> list[dt.datetime]:
    raw = row.get(column)
    if isinstance(raw, dt.date):
        return [parse_moment(raw, column)]
    parts = [p for p in re.split(r"[;|\n]", _text(row, column)) if p.strip()]
    return [parse_moment(p, column) for p in parts]


def _int(row: dict[str, Any], column: str, *, default: int | None = None) -> int | None:
    text = _text(row, column).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return default
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise RowError(
            _("%(column)s “%(value)s” phải là số nguyên.") % {"column": column, "value": _text(row, column)}
        ) from None


def _bool(row: dict[str, Any], column: str) -> bool:
    text = _text(row, column).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(_("%(column)s “%(value)s” phải là 0 hoặc 1.") % {"column": column, "value": text})


@dataclasses.dataclass
class ParsedRow:
    """A row after validation: every value typed, every reference resolved."""

    line: int
    code: str
    values: dict[str, Any]
    row_hash: str


def _fingerprint(values: dict[str, Any]) -> str:
    return hashlib.sha256(ledger.canonical_json(values).encode("utf-8")).hexdigest()


def parse_row(line: int, row: dict[str, Any]) -> ParsedRow:
    """Type and check one row; raises :class:`RowError` with the first problem found."""
    missing = [c for c in REQUIRED if not _text(row, c)]
    if missing:
        raise RowError(_("Thiếu giá trị bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})
    values: dict[str, Any] = {c: _text(row, c) for c in COLUMNS if c not in DATE_COLUMNS + LIST_DATE_COLUMNS}
    code = values["MaHoSo"]
    if len(code) > 64:
        raise RowError(_("MaHoSo dài quá 64 ký tự."))
    status = _int(row, "TrangThaiHoSo")
    if status not in Status.values:
        raise RowError(
            _("TrangThaiHoSo “%(value)s” không hợp lệ (phải từ 1 đến 10).")
            % {"value": _text(row, "TrangThaiHoSo")}
        )
    values["TrangThaiHoSo"] = status
    channel = _int(row, "KenhThucHien", default=Channel.IN_PERSON)
    if channel not in Channel.values:
        raise RowError(
            _("KenhThucHien “%(value)s” không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính).")
            % {"value": _text(row, "KenhThucHien")}
        )
    values["KenhThucHien"] = channel
    online = _int(row, "DuocThanhToanTrucTuyen", default=0)
    if online not in (0, 1, 2):
        raise RowError(_("DuocThanhToanTrucTuyen phải là 0, 1 hoặc 2."))
    values["DuocThanhToanTrucTuyen"] = online
    fee = _int(row, "TongPhiLePhi")
    if fee is not None and fee < 0:
        raise RowError(_("TongPhiLePhi không được âm."))
    values["TongPhiLePhi"] = fee
    values["TaiKhoanDuocXacThucVoiVNeID"] = _bool(row, "TaiKhoanDuocXacThucVoiVNeID")
    kind = values["LoaiDoiTuong"].lower()
    values["LoaiDoiTuong"] = (
        Applicant.Kind.ORGANISATION
        if kind in {"2", "to-chuc", "organisation", "tổ chức"}
        else Applicant.Kind.CITIZEN
    )
    for column in DATE_COLUMNS:
        values[column] = parse_moment(row.get(column), column)
    for column in LIST_DATE_COLUMNS:
        values[column] = _moments(row, column)
    _check_order(values)
    return ParsedRow(line=line, code=code, values=values, row_hash=_fingerprint(values))


def _after(values: dict[str, Any], later: str, earlier: str) -> None:
    a, b = values.get(earlier), values.get(later)
    if a is not None and b is not None and b < a:
        raise RowError(
            _("%(later)s (%(b)s) trước %(earlier)s (%(a)s): thứ tự ngày không hợp lệ.")
            % {
                "later": later,
                "earlier": earlier,
                "a": f"{a:%d/%m/%Y %H:%M}",
                "b": f"{b:%d/%m/%Y %H:%M}",
            }
        )


def _check_order(v: dict[str, Any]) -> None:
    _after(v, "NgayTiepNhan", "NgayNopHoSo")
    _after(v, "NgayKetThucXuLy", "NgayTiepNhan")
    _after(v, "NgayKetThucXuLy", "NgayNopHoSo")
    _after(v, "NgayTra", "NgayKetThucXuLy")
    _after(v, "NgayHenTraMoi", "NgayHenTraTruoc")
    if not v.get("NgayHenTraTruoc"):
        _after(v, "NgayHenTraMoi", "NgayHenTra")
    requests, completions = v["NgayYeuCauBoSung"], v["NgayHoanThanhBoSung"]
    if len(completions) > len(requests):
        raise RowError(_("NgayHoanThanhBoSung có nhiều ngày hơn NgayYeuCauBoSung."))
    previous = v["NgayNopHoSo"]
    for i, requested in enumerate(requests):
        if requested < previous:
            raise RowError(
                _("NgayYeuCauBoSung thứ %(n)d trước ngày nộp hoặc lần bổ sung trước.") % {"n": i + 1}
            )
        if i < len(completions):
            if completions[i] < requested:
                raise RowError(_("NgayHoanThanhBoSung thứ %(n)d trước ngày yêu cầu bổ sung.") % {"n": i + 1})
            previous = completions[i]
        elif i < len(requests) - 1:
            raise RowError(
                _("Yêu cầu bổ sung thứ %(n)d chưa hoàn thành nhưng đã có yêu cầu sau.") % {"n": i + 1}
            )
    end = v["NgayKetThucXuLy"] or v["NgayTra"]
    if end is not None and requests and previous > end and len(completions) == len(requests):
        raise RowError(_("Ngày hoàn thành bổ sung sau ngày kết thúc xử lý."))
    status = v["TrangThaiHoSo"]
    accepted = v["NgayTiepNhan"]
    if status in (2, 4, 6, 8, 9, 10) and accepted is None:
        raise RowError(_("Trạng thái %(s)d cần NgayTiepNhan.") % {"s": status})
    if status == Status.REFUSED and accepted is not None:
        raise RowError(_("Hồ sơ “không được tiếp nhận” (3) không thể có NgayTiepNhan."))
    if status in (9, 10) and v["NgayKetThucXuLy"] is None:
        raise RowError(_("Trạng thái %(s)d cần NgayKetThucXuLy.") % {"s": status})
    if status == 10 and v["NgayTra"] is None:
        raise RowError(_("Trạng thái 10 (đã trả kết quả) cần NgayTra."))
    if status not in (9, 10) and v["NgayTra"] is not None:
        raise RowError(_("Có NgayTra nhưng trạng thái không phải 9 hoặc 10."))
    if status == Status.SUPPLEMENT_REQUESTED and (not requests or len(completions) == len(requests)):
        raise RowError(_("Trạng thái 5 cần một yêu cầu bổ sung chưa hoàn thành (NgayYeuCauBoSung)."))
    if status != Status.SUPPLEMENT_REQUESTED and len(completions) < len(requests) and status not in (3, 7):
        raise RowError(_("Yêu cầu bổ sung chưa có NgayHoanThanhBoSung nhưng trạng thái không phải 5."))


# --- Building a dossier ----------------------------------------------------------------------


class References:
    """Agencies, procedures and calendars, each looked up once per file."""

    def __init__(self) -> None:
        self._agencies: dict[str, list[Agency]] = {}
        self._procedures: dict[str, Procedure | None] = {}
        self._calendars: dict[int, engine.WorkCalendar] = {}

    def agency(self, code: str, on: dt.date, column: str) -> Agency:
        if code not in self._agencies:
            self._agencies[code] = list(Agency.objects.filter(electronic_code=code).order_by("pk"))
        candidates = [
            a for a in self._agencies[code] if a.valid_from <= on and (a.valid_to is None or on <= a.valid_to)
        ] or self._agencies[code]
        if not candidates:
            raise RowError(
                _("%(column)s “%(code)s”: không có cơ quan, đơn vị nào có mã định danh này.")
                % {"column": column, "code": code}
            )
        return candidates[0]

    def version(self, code: str, on: dt.date) -> ProcedureVersion:
        if code not in self._procedures:
            self._procedures[code] = (
                Procedure.objects.filter(code=code)
                .select_related("current_version")
                .prefetch_related("versions__channels", "current_version__channels")
                .first()
            )
        procedure = self._procedures[code]
        if procedure is None:
            raise RowError(
                _("MaTTHC “%(code)s”: không có thủ tục hành chính này trong danh mục.") % {"code": code}
            )
        versions = [
            v
            for v in procedure.versions.all()
            if (v.valid_from is None or v.valid_from <= on) and (v.valid_to is None or on <= v.valid_to)
        ]
        versions.sort(key=lambda v: (v.valid_from or dt.date.min, v.pk))
        if versions:
            return versions[-1]
        if procedure.current_version_id:
            return procedure.current_version
        raise RowError(
            _("MaTTHC “%(code)s”: thủ tục không có phiên bản áp dụng ngày %(day)s.")
            % {"code": code, "day": f"{on:%d/%m/%Y}"}
        )

    def calendar(self, agency: Agency, first: dt.date, last: dt.date) -> engine.WorkCalendar:
        cal = self._calendars.get(agency.pk)
        if cal is None or cal.first > first or cal.last < last:
            lo = min(first, cal.first) if cal else first
            hi = max(last, cal.last) if cal else last
            cal = load_calendar(lo - dt.timedelta(days=7), hi + dt.timedelta(days=400), agency=agency)
            self._calendars[agency.pk] = cal
        return cal


@dataclasses.dataclass
class Built:
    dossier: Dossier
    events: list[DossierEvent]
    supplements: list[SupplementRequest]
    extension: Extension | None
    fee: DossierFee | None
    result: DossierResult | None
    applicant: dict[str, Any]


def _event(
    action: str,
    at: dt.datetime,
    from_status: int | None,
    to: int,
    stage: str = "",
    note: str = "",
    **payload: Any,
) -> DossierEvent:
    return DossierEvent(
        action=action,
        from_status=from_status,
        to_status=to,
        at=at,
        note=note,
        payload={"stage": stage, **payload},
    )


def build(parsed: ParsedRow, refs: References) -> Built:
    """The dossier a row describes, its event stream and satellite rows (nothing saved)."""
    v = parsed.values
    submitted = v["NgayNopHoSo"]
    accepted = v["NgayTiepNhan"]
    on = clock.local_date(accepted or submitted)
    agency = refs.agency(v["MaDonViTiepNhan"], on, "MaDonViTiepNhan")
    handling = refs.agency(v["MaDonViXuLy"], on, "MaDonViXuLy") if v["MaDonViXuLy"] else None
    version = refs.version(v["MaTTHC"], on)
    channel = v["KenhThucHien"]
    dossier = Dossier(
        code=parsed.code,
        source=Dossier.Source.IMPORTED,
        procedure_version=version,
        channel=channel,
        receiving_agency=agency,
        handling_agency=handling,
        subject=v["NoiDungYeuCau"][:500],
        submitted_at=submitted,
        status=Status.REGISTERED,
    )
    channels = [
        c
        for c in version.channels.all()
        if c.channel == channel and c.time_limit_unit != TimeUnit.UNSPECIFIED
    ]
    if channels:
        dossier.time_limit_value, dossier.time_limit_unit = (
            channels[0].time_limit_value,
            channels[0].time_limit_unit,
        )
    else:
        dossier.time_limit_value, dossier.time_limit_unit = None, TimeUnit.UNSPECIFIED

    dates = (
        [d for c in DATE_COLUMNS if (d := v[c]) is not None]
        + v["NgayYeuCauBoSung"]
        + v["NgayHoanThanhBoSung"]
    )
    cal = refs.calendar(agency, clock.local_date(min(dates)), clock.local_date(max(dates)))
    events: list[DossierEvent] = [_event("register", submitted, None, Status.REGISTERED)]
    state = (Status.REGISTERED, "")
    non_standard = False
    reason = v["NoiDungBoSung"] or _("Bổ sung hồ sơ theo hệ thống của tỉnh")

    def move(action: str, at: dt.datetime, note: str = "", **payload: Any) -> None:
        nonlocal state, non_standard
        transition = TRANSITIONS[action]
        if (
            state == (Status.ACCEPTED, "")
            and (Status.IN_PROGRESS, "") in transition.sources
            and state not in transition.sources
        ):
            # The provincial system does not sync the hand-over to the office: implied at acceptance.
            events.append(
                _event("transfer", dossier.accepted_at, Status.ACCEPTED, Status.IN_PROGRESS, implied=True)
            )
            state = (Status.IN_PROGRESS, "")
        if state not in transition.sources:
            non_standard = True
        previous = state[0]
        state = transition.target
        events.append(_event(action, at, previous, state[0], state[1], note, **payload))

    supplements: list[SupplementRequest] = []
    requests, completions = v["NgayYeuCauBoSung"], v["NgayHoanThanhBoSung"]
    for i, requested in enumerate(requests):
        completed = completions[i] if i < len(completions) else None
        after = accepted is not None and requested >= accepted
        if not after:
            move("request_supplement_before", requested, reason, items=[])
            dossier.supplements_before += 1
            supplements.append(
                SupplementRequest(
                    stage=Dossier.Stage.BEFORE_ACCEPTANCE,
                    requested_at=requested,
                    reason=reason,
                    completed_at=completed,
                )
            )
            continue
        if dossier.accepted_at is None:
            _accept(dossier, accepted, cal, move)
        clock.pause_clock(dossier, requested, cal)
        dossier.supplements_after += 1
        move("request_supplement_after", requested, reason, items=[], remaining=dossier.remaining_value)
        supplements.append(
            SupplementRequest(
                stage=Dossier.Stage.AFTER_ACCEPTANCE,
                requested_at=requested,
                reason=reason,
                completed_at=completed,
            )
        )
        if completed is not None:
            clock.resume_clock(dossier, completed, cal)
            move("complete_supplement", completed, due_at=dossier.effective_due_at)
    if accepted is not None and dossier.accepted_at is None:
        _accept(dossier, accepted, cal, move)

    status = v["TrangThaiHoSo"]
    end = v["NgayKetThucXuLy"]
    extension = None
    if v["NgayHenTraMoi"] is not None and accepted is not None:
        issued = v["NgayXinLoi"] or v["NgayHenTraTruoc"] or accepted
        issued = max(issued, accepted)
        late = False
        if dossier.effective_due_at is not None:
            due_date = clock.due_date_of(dossier.effective_due_at)
            late = engine.count_working_days(clock.local_date(issued), due_date, cal) < 1
        extension = Extension(
            issued_at=issued,
            reason=v["LyDoXinLoi"] or _("Xin lỗi và hẹn lại theo hệ thống của tỉnh"),
            new_due_at=v["NgayHenTraMoi"],
            apology_late=late,
        )
        dossier.extended_due_at = v["NgayHenTraMoi"]
        if state == (Status.ACCEPTED, ""):
            events.append(_event("transfer", accepted, Status.ACCEPTED, Status.IN_PROGRESS, implied=True))
            state = (Status.IN_PROGRESS, "")
        events.append(
            _event(
                "extension_issued",
                issued,
                state[0],
                state[0],
                state[1],
                extension.reason,
                new_due_at=extension.new_due_at,
                apology_late=late,
            )
        )
    last_known = max(dates)
    if status == Status.REFUSED:
        move("refuse", end or last_known, v["LyDo"])
    elif status == Status.WITHDRAWN:
        move("withdraw", end or last_known, v["LyDo"])
    elif status == Status.STOPPED:
        move("stop", end or last_known, v["LyDo"])
    elif status in (Status.FINISHED, Status.RETURNED):
        move("finish", end)
        dossier.finished_at = end
        if status == Status.RETURNED:
            move("return_result", v["NgayTra"])
            dossier.returned_at = v["NgayTra"]
    elif status == Status.IN_PROGRESS and state == (Status.ACCEPTED, ""):
        move("transfer", accepted, implied=True)
    elif status == Status.FINANCIAL_OBLIGATION:
        if state == (Status.ACCEPTED, ""):
            move("transfer", accepted, implied=True)
        move("notify_obligation", end or last_known)
        clock.pause_clock(dossier, end or last_known, cal)
    if status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.FINISHED):
        dossier.ended_at = end or last_known
    elif status == Status.RETURNED:
        dossier.ended_at = end
    if status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        dossier.paused_at = None
    if state[0] != status:
        non_standard = True
    dossier.status, dossier.stage = status, state[1] if status == Status.SUPPLEMENT_REQUESTED else ""
    if dossier.status == Status.SUPPLEMENT_REQUESTED and not dossier.stage:
        dossier.stage = Dossier.Stage.BEFORE_ACCEPTANCE
    dossier.non_standard_transition = non_standard

    # §12 question 5: the original appointment is the previous one when an extension was synced.
    source_due = v["NgayHenTraTruoc"] or v["NgayHenTra"]
    if source_due is not None:
        dossier.original_due_at = source_due
        dossier.printed_due_at = source_due
    if dossier.effective_due_at is None and source_due is not None and accepted is not None:
        # No time limit in the catalogue: the provincial appointment is the only deadline known.
        dossier.effective_due_at = engine.end_of_day(clock.local_date(source_due))
    dossier.deadline_trace = {
        **dossier.deadline_trace,
        "import": {
            "row_hash": parsed.row_hash,
            "line": parsed.line,
            "source_due_at": source_due.isoformat() if source_due else None,
        },
    }
    dossier.punctuality = (
        clock.judge(dossier) if dossier.status in (Status.FINISHED, Status.RETURNED, Status.STOPPED) else ""
    )

    fee = None
    if v["TongPhiLePhi"] is not None:
        fee = DossierFee(
            name=_("Phí, lệ phí"),
            amount_vnd=v["TongPhiLePhi"],
            paid_at=v["NgayThanhToan"],
            online_channel=v["DuocThanhToanTrucTuyen"],
        )
    result = None
    if v["MaKetQua"] or v["DuongDanTepTinKetQua"] or v["TenKetQua"]:
        result = DossierResult(
            name=v["TenKetQua"][:500],
            code=v["MaKetQua"][:64],
            file_url=v["DuongDanTepTinKetQua"][:500],
            issued_at=end,
        )
    applicant = {
        "full_name": v["ChuHoSo"] or _("(không rõ)"),
        "kind": v["LoaiDoiTuong"],
        "citizen_id": v["SoDinhDanh"][:12],
        "tax_code": v["MaSoThue"][:14],
        "phone": v["SoDienThoai"][:20],
        "email": v["Email"][:254],
        "address": v["DiaChi"][:500],
        "vneid_verified": v["TaiKhoanDuocXacThucVoiVNeID"],
    }
    return Built(dossier, events, supplements, extension, fee, result, applicant)


def _accept(
    dossier: Dossier, accepted: dt.datetime, cal: engine.WorkCalendar, move: Callable[..., None]
) -> None:
    clock.start_clock(dossier, accepted, cal)
    move(
        "accept",
        accepted,
        due_at=dossier.effective_due_at,
        time_limit=[dossier.time_limit_value, dossier.time_limit_unit],
    )


# --- Writing ---------------------------------------------------------------------------------

DOSSIER_FIELDS = (
    "source",
    "procedure_version",
    "channel",
    "receiving_agency",
    "handling_agency",
    "subject",
    "status",
    "stage",
    "time_limit_value",
    "time_limit_unit",
    "submitted_at",
    "accepted_at",
    "day_zero",
    "original_due_at",
    "printed_due_at",
    "effective_due_at",
    "extended_due_at",
    "paused_at",
    "finished_at",
    "returned_at",
    "ended_at",
    "clock_started_at",
    "clock_day_zero",
    "remaining_value",
    "deadline_trace",
    "supplements_before",
    "supplements_after",
    "punctuality",
    "non_standard_transition",
)


@transaction.atomic
def write(built: Built, existing: Dossier | None) -> str:
    """Create or update one dossier with its events and ledger entries; "created" or "updated"."""
    d = built.dossier
    if existing is None:
        owner = Applicant(**built.applicant)
        owner.full_clean(validate_unique=False)
        owner.save()
        d.owner = owner
        d.save()
        new_events = built.events
        outcome = "created"
    else:
        # ``update`` skips ``pre_save``: the folded name is written with the name.
        fields = {**built.applicant}
        if "full_name" in fields:
            fields["name_key"] = fold_name(fields["full_name"])
        Applicant.objects.filter(pk=existing.owner_id).update(**fields)
        for field in DOSSIER_FIELDS:
            setattr(existing, field, getattr(d, field))
        existing.lock_version += 1
        existing.save()
        seen = {(e.action, e.at) for e in existing.events.all()}
        new_events = [e for e in built.events if (e.action, e.at) not in seen]
        last_at = max(e.at for e in built.events)
        new_events.append(
            _event("import_updated", last_at, d.status, d.status, d.stage, _("Cập nhật từ hệ thống của tỉnh"))
        )
        existing.supplement_requests.all().delete()
        existing.fees.all().delete()
        DossierResult.objects.filter(dossier=existing).delete()
        d = existing
        outcome = "updated"
    for event in new_events:
        event.dossier = d
        event.agency = d.receiving_agency
        event.payload = {**event.payload, "import": True}
    DossierEvent.objects.bulk_create(new_events)
    for request in built.supplements:
        request.dossier = d
    SupplementRequest.objects.bulk_create(built.supplements)
    if built.extension is not None and not Extension.objects.filter(dossier=d).exists():
        built.extension.dossier = d
        built.extension.save()
    if built.fee is not None:
        built.fee.dossier = d
        built.fee.save()
    if built.result is not None:
        built.result.dossier = d
        built.result.save()
    ledger.record_many([pending_for(e, d) for e in new_events])
    return outcome


def import_rows(
    rows: Iterable[tuple[int, dict[str, Any]]], *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import parsed file rows; each row commits or rolls back alone."""
    report = ImportReport()
    rows = list(rows)
    refs = References()
    seen_codes: dict[str, int] = {}
    for done, (line, row) in enumerate(rows, start=1):
        code = _text(row, "MaHoSo")
        try:
            if code and code in seen_codes:
                raise RowError(_("MaHoSo trùng với dòng %(line)d của cùng tệp.") % {"line": seen_codes[code]})
            parsed = parse_row(line, row)
            seen_codes[code] = line
            existing = Dossier.objects.select_related("receiving_agency").filter(code=parsed.code).first()
            if existing is not None and existing.source != Dossier.Source.IMPORTED:
                raise RowError(_("Mã hồ sơ đã có trên hệ thống (hồ sơ tiếp nhận tại đây); không ghi đè."))
            if (
                existing is not None
                and existing.deadline_trace.get("import", {}).get("row_hash") == parsed.row_hash
            ):
                report.unchanged += 1
            else:
                built = build(parsed, refs)
                outcome = write(built, existing)
                setattr(report, outcome, getattr(report, outcome) + 1)
        except RowError as exc:
            report.errors.append(LineError(line, code, str(exc)))
        except (ValueError, engine.CalendarRangeError) as exc:
            report.errors.append(LineError(line, code, _("Dữ liệu không hợp lệ: %(error)s") % {"error": exc}))
        if progress is not None:
            progress(done, len(rows))
    return report


def import_file(path: str | Path, **kwargs: Any) -> ImportReport:
    return import_rows(read_rows(path), **kwargs)


__all__ = [
    "COLUMNS",
    "ImportReport",
    "LineError",
    "RowError",
    "import_file",
    "import_rows",
    "pending_for",
]
