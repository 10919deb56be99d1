"""The importer against every real record in ``../shared/data/procedures`` (1,843 records).

Skipped when the folder is absent (a fresh clone has no shared data). Two checks:

* **parse rate**, no database: of the records whose every channel row states a time limit
  as ``<number> <unit>``, the share for which the importer yields every channel with the same
  value and unit. The ground truth is an independent reader below: one regular expression over
  the raw text that reads the number and unit directly after each channel name, without the
  importer's row splitting, cell cutting or evidence rules. Records with a bare number ("7")
  are not in the denominator: their source states no unit, so there is no "right" unit to
  compare with (they are flagged, and counted separately);
* **full import** into the test database, twice: no failure, then nothing changes.

The measured numbers are printed (``pytest -s``) and are also in the assertion messages; they
are written down in ``docs/adr/0005-procedure-import.md``.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from minhbach.core.models import LedgerEntry
from minhbach.procedures.importers.common import RecordError
from minhbach.procedures.importers.national import import_paths, record_to_data
from minhbach.procedures.models import ProcedureVersion, TimeUnit

CHANNELS = {"Trực tiếp": 1, "Trực tuyến": 2, "Dịch vụ bưu chính": 3}
UNITS = {
    "Ngày làm việc": TimeUnit.WORKING_DAY,
    "Giờ làm việc": TimeUnit.WORKING_HOUR,
    "Ngày": TimeUnit.DAY,
    "Giờ": TimeUnit.HOUR,
    "Tháng": TimeUnit.MONTH,
}
_NAME = "(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)"
# A row opens where a channel name runs straight into its time cell.
TRUTH_ROW = re.compile(_NAME + r"(?=\d|Không|[A-ZĐ])")
TRUTH_STATED = re.compile(_NAME + r"(\d+(?:\.\d+)?) (Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng)")
TRUTH_NUMBER = re.compile(_NAME + r"\d")


def _folder() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "procedures"


@pytest.fixture(scope="module")
def records() -> list[tuple[Path, dict]]:
    folder = _folder()
    files = sorted(folder.rglob("*.json")) if folder.is_dir() else []
    if not files:
        pytest.skip(
            f"Không có dữ liệu thật ở {folder} (shared/data/procedures): bỏ qua kiểm thử toàn bộ dữ liệu."
        )
    return [(path, json.loads(path.read_text("utf-8"))) for path in files]


def test_parse_rate_of_stated_time_limits(records):
    failed, flagged, stated, right, unspecified, numbered, numbered_right = [], 0, 0, 0, 0, 0, 0
    wrong = []
    for path, record in records:
        try:
            data = record_to_data(record)
        except RecordError as exc:
            failed.append(f"{path.name}: {exc}")
            continue
        flagged += bool(data.review_notes)
        got = [(c.channel, c.time_limit_value, c.time_limit_unit) for c in data.channels]
        if data.channels and all(
            c.time_limit_unit == TimeUnit.UNSPECIFIED and not c.needs_review for c in data.channels
        ):
            unspecified += 1
        text = record["cach_thuc_thuc_hien"]
        opened = TRUTH_ROW.findall(text)
        if opened and len(TRUTH_NUMBER.findall(text)) == len(opened):
            numbered += 1
            numbered_right += all(value is not None and unit in UNITS.values() for _ch, value, unit in got)
        truth = [(CHANNELS[ch], Decimal(v), UNITS[u]) for ch, v, u in TRUTH_STATED.findall(text)]
        if not opened or len(truth) != len(opened):
            continue
        stated += 1
        if got == truth:
            right += 1
        else:
            wrong.append(f"{path.name}: {truth} ≠ {got}")
    rate = right / stated
    summary = (
        f"{len(records)} records; {stated} state '<number> <unit>' for every channel, {right} parsed "
        f"with the same value and unit ({rate:.2%}); {unspecified} state no time limit at all (unspecified); "
        f"{numbered} give a number for every channel, {numbered_right} of them resolved to value + unit "
        f"({numbered_right / numbered:.2%}, the rest are bare numbers, flagged); {flagged} flagged records; "
        f"{len(failed)} failed"
    )
    print("\n" + summary)
    assert not failed, failed[:5]
    assert rate >= 0.98, summary + "\n" + "\n".join(wrong[:10])


@pytest.mark.django_db
def test_full_import_completes_and_a_second_run_changes_nothing(records):
    started = time.monotonic()
    first = import_paths([_folder()])
    first_seconds = time.monotonic() - started
    entries = LedgerEntry.objects.count()
    started = time.monotonic()
    second = import_paths([_folder()])
    second_seconds = time.monotonic() - started
    summary = (
        f"first run {first_seconds:.1f} s: created {first.created}, flagged {len(first.flagged)}, failed "
        f"{len(first.failed)}; second run {second_seconds:.1f} s: unchanged {second.unchanged}"
    )
    print("\n" + summary)
    assert first.failed == [], summary
    assert first.imported == len(records) == ProcedureVersion.objects.count(), summary
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(records)), summary
    assert LedgerEntry.objects.count() == entries
    _api_serves_imported_records(records)


def _api_serves_imported_records(records) -> None:
    """The public API returns the imported records with their parsed time limits (acceptance)."""
    from django.db.models import F
    from django.test import Client

    from minhbach.procedures.models import Procedure, ProcedureChannel

    client = Client()
    listing = client.get("/api/v1/public/procedures/", {"limit": 5})
    assert listing.status_code == 200 and listing.json()["count"] == Procedure.objects.count()
    parsed = (
        ProcedureChannel.objects.exclude(time_limit_unit="unspecified")
        .filter(version__procedure__current_version=F("version"))
        .select_related("version__procedure")
        .order_by("version__procedure__code")[::97][:20]
    )
    for channel in parsed:
        code = channel.version.procedure.code
        body = client.get(f"/api/v1/public/procedures/{code}/").json()
        served = [c for c in body["channels"] if c["time_limit_unit"] == channel.time_limit_unit]
        assert served, (code, body["channels"])
