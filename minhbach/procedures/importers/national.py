"""Import of procedure records in the national database's JSON format (CSDL quốc gia về TTHC).

One record (one ``<ma_thu_tuc>.json``, crawled from dichvucong.gov.vn) becomes one
:class:`~minhbach.procedures.services.ProcedureData`, written by
:func:`~minhbach.procedures.services.procedure_upsert`: idempotent by code + announcing
decision, versioned by decision, ledgered. The rules, and the rates measured on the 1,843
public records, are in ``docs/adr/0005-procedure-import.md``.

Three outcomes per record, and the report lists the last two with their reasons:

* **imported** (created, updated or unchanged);
* **flagged**: imported, but some value could not be read with certainty. It is stored as
  source text with ``needs_review`` and a review note, never guessed;
* **failed**: nothing of the record is written. That is for input the importer must refuse:
  a file that is not JSON (truncated), a record without its code, name, field or decision,
  a field it does not know (the format changed: importing the rest would silently drop data),
  a value of the wrong type, or an absurd value (a 100,000-day time limit, a negative fee).

Each record is its own transaction (``procedure_upsert`` is atomic), so a failure never
undoes the records before it, and nothing escapes: an unexpected error fails that record only.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError
from django.utils.translation import gettext as _

from minhbach.procedures import services
from minhbach.procedures.importers.channels import parse_channels
from minhbach.procedures.importers.common import RecordError, clean, one_line, or_empty
from minhbach.procedures.importers.decisions import parse_decision
from minhbach.procedures.importers.documents import parse_documents
from minhbach.procedures.importers.legal import parse_legal_bases
from minhbach.procedures.importers.levels import parse_levels
from minhbach.procedures.importers.results import parse_results
from minhbach.procedures.importers.subjects import parse_subjects
from minhbach.procedures.models import Channel, ProcedureVersion
from minhbach.procedures.services import ProcedureData

REQUIRED_FIELDS = ("ma_thu_tuc", "ten_thu_tuc", "so_quyet_dinh", "linh_vuc")
KNOWN_FIELDS = frozenset(
    {
        *REQUIRED_FIELDS,
        "detail_url", "formality_id", "cap_thuc_hien", "loai_thu_tuc", "doi_tuong_thuc_hien",
        "co_quan_co_tham_quyen", "dia_chi_tiep_nhan", "co_quan_duoc_uy_quyen", "co_quan_phoi_hop",
        "thu_tuc_lien_quan", "trinh_tu_thuc_hien", "cach_thuc_thuc_hien", "thanh_phan_ho_so",
        "can_cu_phap_ly", "co_quan_thuc_hien", "yeu_cau_dieu_kien", "ket_qua_xu_ly", "raw_text",
    }
)  # fmt: skip
# ``raw_text`` is the whole page as text: every field above already holds its parts, and it
# would triple the size of ``source_record``.
NOT_KEPT = ("raw_text",)
# National codes ("1.001193", "2.000635") and local variants with a suffix ("1.012753.H19").
CODE = re.compile(r"\d\.\d{6}(?:\.[A-Z0-9]{1,10})*")

# Lengths of the model's character columns that the parsers fill from free text.
MAX_NAME = ProcedureVersion._meta.get_field("name").max_length
MAX_KIND = ProcedureVersion._meta.get_field("kind").max_length
MAX_FIELD = 255
MAX_DECISION = 120
MAX_URL = ProcedureVersion._meta.get_field("source_url").max_length
MAX_GROUP = 1000
MAX_TEMPLATE = 500
MAX_RESULT_CODE = 40
MAX_LEGAL_NUMBER = 120

CREATED, UPDATED, UNCHANGED, FAILED = services.CREATED, services.UPDATED, services.UNCHANGED, "failed"


@dataclasses.dataclass(frozen=True)
class ReportLine:
    """One line of the report: where (file, record code) and why (Vietnamese)."""

    source: str
    code: str
    reason: str


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: list[ReportLine] = dataclasses.field(default_factory=list)
    failed: list[ReportLine] = dataclasses.field(default_factory=list)
    elapsed: float = 0.0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _fit(value: str, limit: int, label: str, notes: list[str]) -> str:
    """Cut ``value`` to the column's length, with a review note; the full text stays in the source."""
    if len(value) <= limit:
        return value
    notes.append(
        _("%(label)s dài %(length)d ký tự, đã cắt còn %(limit)d (nguyên văn trong bản ghi gốc)")
        % {"label": label, "length": len(value), "limit": limit}
    )
    return value[: limit - 1] + "…"


def _check_shape(record: Any) -> dict[str, str]:
    """Refuse a record whose shape is wrong; return it with every value a string."""
    if not isinstance(record, dict):
        raise RecordError(
            _("Bản ghi không phải một đối tượng JSON (gặp %(type)s).") % {"type": type(record).__name__}
        )
    unknown = sorted(set(record) - KNOWN_FIELDS)
    if unknown:
        raise RecordError(
            _(
                "Trường không xác định: %(fields)s. Định dạng nguồn có thể đã đổi; "
                "không nhập để tránh mất dữ liệu."
            )
            % {"fields": ", ".join(unknown)}
        )
    wrong = sorted(k for k, v in record.items() if v is not None and not isinstance(v, str))
    if wrong:
        raise RecordError(_("Trường không phải chuỗi ký tự: %(fields)s.") % {"fields": ", ".join(wrong)})
    values = {k: (v or "") for k, v in record.items()}
    missing = [k for k in REQUIRED_FIELDS if not one_line(values.get(k))]
    if missing:
        raise RecordError(_("Thiếu trường bắt buộc: %(fields)s.") % {"fields": ", ".join(missing)})
    return values


def record_to_data(record: Any) -> ProcedureData:
    """Parse one national record; raises :class:`RecordError` when it must not be imported."""
    values = _check_shape(record)
    code = one_line(values["ma_thu_tuc"])
    if not CODE.fullmatch(code):
        raise RecordError(
            _("Mã thủ tục “%(code)s” không đúng dạng (ví dụ 1.001193 hoặc 1.012753.H19).")
            % {"code": code[:60]}
        )
    field = one_line(values["linh_vuc"])
    if len(field) > MAX_FIELD:
        raise RecordError(
            _("Lĩnh vực dài hơn %(limit)d ký tự: không phải tên một lĩnh vực.") % {"limit": MAX_FIELD}
        )
    decision, decision_issuer, decision_notes = parse_decision(values["so_quyet_dinh"])
    if len(decision) > MAX_DECISION:
        raise RecordError(_("Số quyết định dài hơn %(limit)d ký tự.") % {"limit": MAX_DECISION})

    notes: list[str] = [_("Số quyết định: %(note)s") % {"note": n} for n in decision_notes]
    name = _fit(one_line(values["ten_thu_tuc"]), MAX_NAME, _("Tên thủ tục"), notes)
    kind = _fit(or_empty(values.get("loai_thu_tuc")), MAX_KIND, _("Loại thủ tục"), notes)
    levels, level_notes = parse_levels(values.get("cap_thuc_hien", ""))
    notes += [_("Cấp thực hiện: %(note)s") % {"note": n} for n in level_notes]

    table = parse_channels(values.get("cach_thuc_thuc_hien", ""))
    notes += [_("Cách thức thực hiện – %(note)s") % {"note": n} for n in table.notes]
    documents = parse_documents(values.get("thanh_phan_ho_so", ""))
    notes += [_("Thành phần hồ sơ: %(note)s") % {"note": n} for n in documents.notes]
    for doc in documents.documents:
        doc.group = _fit(doc.group, MAX_GROUP, _("Nhóm giấy tờ"), notes)
        doc.form_template = _fit(doc.form_template, MAX_TEMPLATE, _("Tên mẫu đơn"), notes)
    results = parse_results(values.get("ket_qua_xu_ly", ""))
    notes += [_("Kết quả thực hiện: %(note)s") % {"note": n} for n in results.notes]
    for result in results.results:
        if len(result.code) > MAX_RESULT_CODE:
            notes.append(_("Mã kết quả “%(code)s” quá dài, không lưu") % {"code": result.code[:60]})
            result.name, result.code = f"{result.name} (Mã: {result.code})", ""
    legal_bases = parse_legal_bases(values.get("can_cu_phap_ly", ""))
    for basis in legal_bases:
        basis.number = _fit(basis.number, MAX_LEGAL_NUMBER, _("Số hiệu văn bản"), notes)

    source_url = clean(values.get("detail_url"))
    try:
        if source_url:
            URLValidator()(source_url)
        source_url = _fit(source_url, MAX_URL, _("Đường dẫn nguồn"), notes)
    except ValidationError:
        notes.append(_("Đường dẫn nguồn “%(url)s” không hợp lệ, không lưu") % {"url": source_url[:120]})
        source_url = ""

    online = any(c.channel == Channel.ONLINE for c in table.channels)
    return ProcedureData(
        code=code,
        name=name,
        field=field,
        decision=decision,
        decision_issuer=decision_issuer,
        levels=levels,
        kind=kind,
        subjects=parse_subjects(values.get("doi_tuong_thuc_hien", "")),
        competent_agencies=or_empty(values.get("co_quan_co_tham_quyen")),
        performing_agencies=or_empty(values.get("co_quan_thuc_hien")),
        authorised_agencies=or_empty(values.get("co_quan_duoc_uy_quyen")),
        cooperating_agencies=or_empty(values.get("co_quan_phoi_hop")),
        receiving_address=or_empty(values.get("dia_chi_tiep_nhan")),
        steps=or_empty(values.get("trinh_tu_thuc_hien")),
        conditions=or_empty(values.get("yeu_cau_dieu_kien")),
        related_procedures=or_empty(values.get("thu_tuc_lien_quan")),
        keywords=results.keywords,
        description=results.description,
        # An online channel in the table means applications can be filed online; whether the
        # whole procedure is online ("toàn trình") is not in these records, so it stays False.
        online_mode=ProcedureVersion.OnlineMode.PARTIAL if online else ProcedureVersion.OnlineMode.NONE,
        source_url=source_url,
        source_record={k: v for k, v in record.items() if k not in NOT_KEPT},
        channels=table.channels,
        documents=documents.documents,
        results=results.results,
        legal_bases=legal_bases,
        review_notes=notes,
    )


# --- reading files -----------------------------------------------------------------------


def iter_json_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``.json`` file named or found (recursively) under the given paths, sorted, once."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*.json")):
                if child.is_file():
                    found.setdefault(child, None)
        else:
            found.setdefault(path, None)
    return list(found)


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """(label, record) for each record in a file: one object, or an array of objects."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RecordError(_("Tệp không phải văn bản UTF-8 (byte %(pos)d).") % {"pos": exc.start}) from exc
    except json.JSONDecodeError as exc:
        raise RecordError(
            _("JSON không hợp lệ hoặc bị cắt cụt (dòng %(line)d, cột %(col)d: %(msg)s).")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from exc
    except OSError as exc:
        raise RecordError(_("Không đọc được tệp: %(error)s.") % {"error": exc.strerror or exc}) from exc
    if isinstance(data, list):
        for i, record in enumerate(data):
            yield f"{path}#{i}", record
    else:
        yield str(path), data


def _code_of(record: Any) -> str:
    code = record.get("ma_thu_tuc") if isinstance(record, dict) else None
    return one_line(code)[:40] if isinstance(code, str) else ""


def import_record(record: Any, *, actor: Any = None) -> tuple[ProcedureData, ProcedureVersion, str]:
    """Parse and write one record; raises :class:`RecordError` and writes nothing on refusal."""
    data = record_to_data(record)
    version, outcome = services.procedure_upsert(actor=actor, data=data)
    return data, version, outcome


def import_paths(
    paths: Iterable[Path],
    *,
    actor: Any = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> ImportReport:
    """Import every record under ``paths``; never raises for a bad record (see the report)."""
    started = time.monotonic()
    report = ImportReport()
    files = iter_json_files(paths)
    for done, path in enumerate(files, start=1):
        try:
            records = list(_records(path))
        except RecordError as exc:
            report.failed.append(ReportLine(str(path), "", str(exc)))
            records = []
        for label, record in records:
            code = _code_of(record)
            try:
                data, version, outcome = import_record(record, actor=actor)
            except RecordError as exc:
                report.failed.append(ReportLine(label, code, str(exc)))
                continue
            except DatabaseError as exc:
                report.failed.append(
                    ReportLine(label, code, _("Cơ sở dữ liệu từ chối bản ghi: %(error)s") % {"error": exc})
                )
                continue
            except Exception as exc:  # never let one record stop the run; its transaction rolled back
                reason = _("Lỗi không lường trước (%(type)s): %(error)s")
                report.failed.append(
                    ReportLine(label, code, reason % {"type": type(exc).__name__, "error": exc})
                )
                continue
            report.count(outcome)
            if version.needs_review:
                reasons = data.review_notes or [_("có kênh cần rà soát")]
                report.flagged.append(ReportLine(label, code, "; ".join(reasons)))
        if progress is not None:
            progress(done, len(files), path)
    report.elapsed = time.monotonic() - started
    return report
