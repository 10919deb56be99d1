"""``import_units``: the GSO tree, the 1/7/2025 reorganisation, idempotence, bad input.

Two kinds of test: small synthetic files written to ``tmp_path`` (always run), and the real
public files under ``settings.SHARED_DATA_DIR/units`` (skipped with a reason when absent, as in
a fresh clone; see ``shared/data/README.md``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from minhbach.core.models import LedgerEntry
from minhbach.units import importers, selectors
from minhbach.units.models import AdministrativeUnit, UnitSuccession

pytestmark = pytest.mark.django_db

PRE_FROM = importers.PRE2025_VALID_FROM
BEFORE = dt.date(2024, 1, 1)
AFTER = dt.date(2025, 7, 2)
Kind = UnitSuccession.Kind


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def row_counts() -> tuple[int, int, int]:
    return AdministrativeUnit.objects.count(), UnitSuccession.objects.count(), LedgerEntry.objects.count()


# --------------------------------------------------------------------------- synthetic files


PRE = {
    "data": [
        {
            "level1_id": "49",
            "name": "Tỉnh Quảng Nam",
            "type": "Tỉnh",
            "level2s": [
                {
                    "level2_id": "515",
                    "name": "Huyện Bắc Trà My",
                    "type": "Huyện",
                    "level3s": [
                        {"level3_id": "20899", "name": "Thị trấn Trà My", "type": "Thị trấn"},
                        {"level3_id": "20900", "name": "Xã Trà Sơn", "type": "Xã"},
                        {"level3_id": "20902", "name": "Xã  Trà   Kót ", "type": "Xã"},
                        {"level3_id": "20905", "name": "Xã Trà Nú", "type": "Xã"},
                    ],
                }
            ],
        }
    ]
}
SPLITS = {
    "data": [
        {
            "level1_id": "49",
            "name": "Tỉnh Quảng Nam",
            "splits": [{"new_id": "48", "name": "Thành phố Đà Nẵng"}],
            "level3s": [
                {
                    "level3_id": "20899",
                    "name": "Thị trấn Trà My",
                    "splits": [{"new_id": "20900", "name": "Xã Trà My"}],
                },
                {
                    "level3_id": "20900",
                    "name": "Xã Trà Sơn",
                    "splits": [{"new_id": "20900", "name": "xã Trà My"}],
                },
                {
                    "level3_id": "20902",
                    "name": "Xã Trà Kót",
                    "splits": [
                        {"new_id": "20900", "name": "Xã Trà My"},
                        {"new_id": "20908", "name": "Xã Trà Liên"},
                    ],
                },
                {
                    "level3_id": "20905",
                    "name": "Xã Trà Nú",
                    "splits": [{"new_id": "20905", "name": "Xã Trà Nú"}],
                },
            ],
        }
    ]
}


@pytest.fixture
def files(tmp_path: Path):
    """Write (possibly altered) synthetic files; return the command arguments that point at them."""

    def write(pre: Any = PRE, splits: Any = SPLITS) -> list[str]:
        pre_path, splits_path = tmp_path / "pre.json", tmp_path / "splits.json"
        for path, data in ((pre_path, pre), (splits_path, splits)):
            path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), "utf-8")
        return ["--pre2025", str(pre_path), "--splits", str(splits_path)]

    return write


def test_synthetic_import_builds_both_eras(files):
    run(*files())

    sơn = AdministrativeUnit.objects.get(code="20900", valid_from=PRE_FROM)
    assert (sơn.name, sơn.type, sơn.valid_to, sơn.parent.code) == (
        "Xã Trà Sơn",
        "commune",
        dt.date(2025, 6, 30),
        "515",
    )
    assert sơn.legal_basis == "QĐ 124/2004/QĐ-TTg và các văn bản sửa đổi"
    assert AdministrativeUnit.objects.get(code="20899").type == "township"
    assert AdministrativeUnit.objects.get(code="20902").name == "Xã Trà Kót"  # whitespace normalised
    assert AdministrativeUnit.objects.get(code="515").parent.code == "49"

    my = AdministrativeUnit.objects.get(code="20900", valid_from=importers.REFORM_DATE)
    assert (my.name, my.level, my.type, my.valid_to) == ("Xã Trà My", "commune", "commune", None)
    assert my.legal_basis == "QĐ 19/2025/QĐ-TTg"
    đà_nẵng = my.parent
    assert (đà_nẵng.code, đà_nẵng.name, đà_nẵng.type, đà_nẵng.valid_from) == (
        "48",
        "Thành phố Đà Nẵng",
        "central_city",
        importers.REFORM_DATE,
    )


def test_synthetic_succession_kinds(files):
    run(*files())

    kinds = {
        (s.old_unit.code, s.new_unit.code if s.new_unit else None): s.kind
        for s in UnitSuccession.objects.select_related("old_unit", "new_unit")
    }
    assert kinds == {
        ("49", "48"): Kind.RENAMED,  # the only predecessor of the new 48 in this file
        ("515", None): Kind.ABOLISHED,
        ("20899", "20900"): Kind.MERGED_INTO,
        ("20900", "20900"): Kind.MERGED_INTO,
        ("20902", "20900"): Kind.SPLIT_INTO,
        ("20902", "20908"): Kind.SPLIT_INTO,
        ("20905", "20905"): Kind.RENAMED,  # one to one, same name: continues alone as a new record
    }
    assert set(UnitSuccession.objects.values_list("effective_date", flat=True)) == {importers.REFORM_DATE}


def test_second_run_changes_nothing_and_adds_one_ledger_entry(files):
    args = files()
    run(*args)
    counts = row_counts()

    out = run(*args)

    assert row_counts() == (counts[0], counts[1], counts[2] + 1)
    assert "tạo mới 0, cập nhật 0, không đổi 4" in out  # the four old communes
    assert "Quan hệ kế thừa: tạo mới 0, cập nhật 0, không đổi 7" in out
    first, second = LedgerEntry.objects.order_by("seq")
    assert (second.action, second.object_type) == ("units.imported", "units.import")
    assert second.object_id == first.object_id and len(second.object_id) == 32
    payload = json.loads(second.payload)
    assert payload["units"]["pre2025.commune"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert set(payload["files"]) == {"pre.json", "splits.json"}
    assert json.loads(first.payload)["units"]["2025.commune"]["created"] == 3


def test_changed_name_is_updated_in_place(files):
    run(*files())
    changed = copy.deepcopy(PRE)
    changed["data"][0]["level2s"][0]["level3s"][1]["name"] = "Xã Trà Sơn Mới"

    out = run(*files(pre=changed))

    assert AdministrativeUnit.objects.get(code="20900", valid_from=PRE_FROM).name == "Xã Trà Sơn Mới"
    assert AdministrativeUnit.objects.filter(code="20900").count() == 2
    assert "Xã/phường/thị trấn (đến 30/6/2025): tạo mới 0, cập nhật 1, không đổi 3" in out
    first, second = LedgerEntry.objects.order_by("seq")
    assert first.object_id != second.object_id  # other input bytes, other import id


def test_valid_from_option(files):
    run(*files(), "--valid-from", "2008-01-01")

    assert set(
        AdministrativeUnit.objects.filter(valid_to__isnull=False).values_list("valid_from", flat=True)
    ) == {dt.date(2008, 1, 1)}


def _drop(path: list[Any], key: str):
    def mutate(pre, splits):
        obj = {"pre": pre, "splits": splits}
        for step in path:
            obj = obj[step]
        del obj[key]

    return mutate


def _set(path: list[Any], key: str, value: Any):
    def mutate(pre, splits):
        obj = {"pre": pre, "splits": splits}
        for step in path:
            obj = obj[step]
        obj[key] = value

    return mutate


PRE_COMMUNE = ["pre", "data", 0, "level2s", 0, "level3s", 1]
SPLIT_COMMUNE = ["splits", "data", 0, "level3s", 1]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            _drop(PRE_COMMUNE, "name"),
            ["pre.json", "level3s[1]", "mã 20900", "thiếu trường “name”"],
            id="missing-key",
        ),
        pytest.param(
            _set(PRE_COMMUNE, "level3_id", "2090X"), ["pre.json", "“2090X”", "5 chữ số"], id="bad-code"
        ),
        pytest.param(
            _set(PRE_COMMUNE, "level3_id", "2090"), ["pre.json", "“2090”", "5 chữ số"], id="short-code"
        ),
        pytest.param(_set(PRE_COMMUNE, "level3_id", 20900), ["pre.json", "5 chữ số"], id="code-as-number"),
        pytest.param(
            _set(PRE_COMMUNE, "level3_id", "20899"), ["pre.json", "20899 xuất hiện hai lần"], id="duplicate"
        ),
        pytest.param(
            _set(PRE_COMMUNE, "type", "Ấp"), ["pre.json", "loại “Ấp”", "Xã, Phường, Thị trấn"], id="bad-type"
        ),
        pytest.param(_drop(["pre"], "data"), ["pre.json", "thiếu trường “data”"], id="no-data"),
        pytest.param(
            _set(SPLIT_COMMUNE, "level3_id", "99999"), ["splits.json", "mã cũ 99999"], id="unknown-old"
        ),
        pytest.param(
            _drop(SPLIT_COMMUNE, "splits"), ["splits.json", "thiếu trường “splits”"], id="no-splits"
        ),
        pytest.param(_set(SPLIT_COMMUNE, "splits", []), ["splits.json", "rỗng"], id="empty-splits"),
        pytest.param(
            _set(SPLIT_COMMUNE, "splits", [{"new_id": "20900", "name": "Ấp Trà My"}]),
            ["splits.json", "“Ấp Trà My”", "Đặc khu"],
            id="bad-new-name",
        ),
        pytest.param(
            _set(["splits", "data", 0], "splits", [{"new_id": "480", "name": "Thành phố Đà Nẵng"}]),
            ["splits.json", "“480”", "2 chữ số"],
            id="bad-new-province-code",
        ),
    ],
)
def test_malformed_input_writes_nothing(files, mutate, expected):
    pre, splits = copy.deepcopy(PRE), copy.deepcopy(SPLITS)
    mutate(pre, splits)

    with pytest.raises(CommandError) as excinfo:
        run(*files(pre, splits))

    message = str(excinfo.value)
    assert "Dữ liệu không hợp lệ" in message and "Không có dữ liệu nào được ghi" in message
    for fragment in expected:
        assert fragment in message
    assert row_counts() == (0, 0, 0)


def test_not_json_is_refused(files):
    with pytest.raises(CommandError, match="không phải JSON UTF-8 hợp lệ"):
        run(*files(splits="{not json"))
    assert row_counts() == (0, 0, 0)


def test_missing_file_is_a_clear_error(files, tmp_path):
    args = files()
    args[1] = str(tmp_path / "nowhere.json")
    with pytest.raises(CommandError, match=r"Không tìm thấy tệp dữ liệu .*nowhere\.json"):
        run(*args)


def test_failure_while_writing_rolls_everything_back(files, monkeypatch):
    def broken_record(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(importers.ledger, "record", broken_record)

    with pytest.raises(CommandError, match="Không ghi được đơn vị hành chính"):
        run(*files())
    assert row_counts() == (0, 0, 0)


def test_overlapping_existing_unit_is_refused(files):
    AdministrativeUnit.objects.create(
        code="20900", name="Xã Trà Sơn", level="commune", type="commune", valid_from=dt.date(2008, 1, 1)
    )

    with pytest.raises(CommandError, match="--valid-from 2008-01-01"):
        run(*files())
    assert row_counts() == (1, 0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "99"], "Không có tỉnh mã 99"),
        (["--valid-from", "08/07/2004"], "Ngày “08/07/2004” không hợp lệ"),
        (["--valid-from", "2025-07-01"], "phải trước ngày 01/07/2025"),
    ],
)
def test_bad_options(files, args, message):
    with pytest.raises(CommandError, match=message):
        run(*files(), *args)
    assert row_counts() == (0, 0, 0)


# --------------------------------------------------------------------------- the real files


@pytest.fixture
def shared_units(settings) -> Path:
    folder = Path(settings.SHARED_DATA_DIR) / "units"
    needed = [folder / importers.PRE2025_FILENAME, folder / importers.SPLITS_FILENAME]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        pytest.skip(f"Thiếu dữ liệu dùng chung (shared/data/units): {', '.join(missing)}")
    return folder


@pytest.fixture
def quang_nam(shared_units) -> str:
    return run("--province", "49")


# DOMAIN.md §2.2: (old code, old name, old type, new code, new name).
BAC_TRA_MY = [
    ("20899", "Thị trấn Trà My", "township", "20900", "Xã Trà My"),
    ("20900", "Xã Trà Sơn", "commune", "20900", "Xã Trà My"),
    ("20902", "Xã Trà Kót", "commune", "20908", "Xã Trà Liên"),
    ("20905", "Xã Trà Nú", "commune", "20908", "Xã Trà Liên"),
    ("20908", "Xã Trà Đông", "commune", "20908", "Xã Trà Liên"),
    ("20911", "Xã Trà Dương", "commune", "20900", "Xã Trà My"),
    ("20914", "Xã Trà Giang", "commune", "20900", "Xã Trà My"),
    ("20917", "Xã Trà Bui", "commune", "20920", "Xã Trà Đốc"),
    ("20920", "Xã Trà Đốc", "commune", "20920", "Xã Trà Đốc"),
    ("20923", "Xã Trà Tân", "commune", "20923", "Xã Trà Tân"),
    ("20926", "Xã Trà Giác", "commune", "20923", "Xã Trà Tân"),
    ("20929", "Xã Trà Giáp", "commune", "20929", "Xã Trà Giáp"),
    ("20932", "Xã Trà Ka", "commune", "20929", "Xã Trà Giáp"),
]


def test_bac_tra_my_tree(quang_nam):
    quảng_nam = selectors.unit_on("49", BEFORE)
    assert (quảng_nam.name, quảng_nam.level, quảng_nam.type) == ("Tỉnh Quảng Nam", "province", "province")
    # 17 in the 01/03/2025 snapshot: Huyện Nông Sơn is absent (merged into Quế Sơn on 1/1/2025).
    assert quảng_nam.children.count() == 17
    bắc_trà_my = selectors.unit_on("515", BEFORE)
    assert (bắc_trà_my.name, bắc_trà_my.type, bắc_trà_my.parent_id) == (
        "Huyện Bắc Trà My",
        "district",
        quảng_nam.pk,
    )

    communes = list(bắc_trà_my.children.order_by("code").values_list("code", "name", "type", "level"))

    assert communes == [(code, name, kind, "commune") for code, name, kind, _n, _m in BAC_TRA_MY]
    assert [c[2] for c in communes].count("township") == 1


def test_bac_tra_my_successors_match_domain_table(quang_nam):
    for old_code, _name, _type, new_code, new_name in BAC_TRA_MY:
        old = AdministrativeUnit.objects.get(code=old_code, valid_from=PRE_FROM)
        new = list(selectors.successors(old))
        assert [(u.code, u.name, u.valid_from, u.parent.code) for u in new] == [
            (new_code, new_name, importers.REFORM_DATE, "48")
        ], old_code
    trà_đốc = selectors.unit_on("20920", AFTER)
    assert [u.code for u in selectors.predecessors(trà_đốc)] == ["20917", "20920"]
    assert {s.kind for s in selectors.successions_of(selectors.unit_on("20917", BEFORE))} == {
        Kind.MERGED_INTO
    }
    assert (
        AdministrativeUnit.objects.filter(valid_from=importers.REFORM_DATE, parent__code="48")
        .filter(code__in=["20900", "20908", "20920", "20923", "20929"])
        .count()
        == 5
    )


def test_code_reuse_trap(quang_nam):
    assert AdministrativeUnit.objects.filter(code="20900").count() == 2
    assert selectors.unit_on("20900", BEFORE).name == "Xã Trà Sơn"
    assert selectors.unit_on("20900", dt.date(2025, 6, 30)).name == "Xã Trà Sơn"
    assert selectors.unit_on("20900", importers.REFORM_DATE).name == "Xã Trà My"
    assert selectors.unit_on("20900", AFTER).name == "Xã Trà My"
    assert selectors.unit_on("20908", BEFORE).name == "Xã Trà Đông"
    assert selectors.unit_on("20908", AFTER).name == "Xã Trà Liên"
    assert selectors.unit_on("515", AFTER) is None  # the district level is gone


def test_district_is_abolished(quang_nam):
    (succession,) = selectors.successions_of(selectors.unit_on("515", BEFORE))
    assert (succession.kind, succession.new_unit, succession.effective_date) == (
        Kind.ABOLISHED,
        None,
        importers.REFORM_DATE,
    )
    assert succession.legal_basis == importers.DISTRICT_SUCCESSION_BASIS
    assert UnitSuccession.objects.filter(old_unit__level="district", kind=Kind.ABOLISHED).count() == 17


def test_province_scope_brings_the_new_province_and_only_successor_communes(quang_nam):
    (succession,) = selectors.successions_of(selectors.unit_on("49", BEFORE))
    assert (succession.kind, succession.new_unit.name, succession.legal_basis) == (
        Kind.MERGED_INTO,
        "Thành phố Đà Nẵng",
        "Nghị quyết 202/2025/QH15",
    )
    assert selectors.unit_on("48", BEFORE) is None  # pre-2025 Đà Nẵng was not asked for
    new_communes = AdministrativeUnit.objects.filter(valid_from=importers.REFORM_DATE, level="commune")
    assert new_communes.count() == (
        AdministrativeUnit.objects.filter(predecessions__old_unit__parent__parent__code="49")
        .distinct()
        .count()
    )
    assert not new_communes.filter(predecessions__isnull=True).exists()


def test_island_district_becomes_special_zone(shared_units):
    run("--province", "77")  # Bà Rịa - Vũng Tàu, merged into Thành phố Hồ Chí Minh

    (succession,) = selectors.successions_of(selectors.unit_on("755", BEFORE))
    côn_đảo = succession.new_unit
    assert (côn_đảo.code, côn_đảo.name, côn_đảo.level, côn_đảo.type) == (
        "26732",
        "Đặc khu Côn Đảo",
        "commune",
        "special_zone",
    )
    assert succession.kind == Kind.RENAMED
    assert côn_đảo.parent.name == "Thành phố Hồ Chí Minh"


def test_cross_province_successor_gets_the_majority_parent(shared_units):
    out = run("--province", "89")  # An Giang: one commune maps into a Đồng Tháp commune

    tân_phú_trung = selectors.unit_on("30259", AFTER)
    assert (tân_phú_trung.name, tân_phú_trung.parent.code) == ("Xã Tân Phú Trung", "82")
    assert (
        "30259 (Xã Tân Phú Trung) có đơn vị tiền thân thuộc nhiều tỉnh mới (82, 91); xếp vào tỉnh 82" in out
    )
    assert selectors.unit_on("82", AFTER).name == "Tỉnh Đồng Tháp"


@pytest.mark.parametrize("province", ["49", "01"])
def test_import_does_not_query_per_row(shared_units, django_assert_max_num_queries, province):
    # Quảng Nam writes 332 units and 253 successions, Hà Nội 684 and 827: the same bound holds for
    # both because existing rows are read once and writes go in batches (per-row would be hundreds).
    with django_assert_max_num_queries(30):
        run("--province", province)
    assert AdministrativeUnit.objects.count() > 300


def test_full_import(shared_units):
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started

    def count(valid_from: dt.date, level: str) -> int:
        return AdministrativeUnit.objects.filter(valid_from=valid_from, level=level).count()

    assert count(PRE_FROM, "province") == 63
    assert count(PRE_FROM, "district") == 696
    assert count(PRE_FROM, "commune") == 10047
    assert count(importers.REFORM_DATE, "province") == 34
    assert count(importers.REFORM_DATE, "commune") == 3321
    assert count(importers.REFORM_DATE, "district") == 0
    assert AdministrativeUnit.objects.filter(type="special_zone").count() == 13
    kinds = {kind: UnitSuccession.objects.filter(kind=kind).count() for kind in Kind.values}
    assert kinds == {"merged_into": 9507, "split_into": 1012, "abolished": 691, "renamed": 148}
    assert not AdministrativeUnit.objects.filter(
        valid_from=importers.REFORM_DATE, predecessions__isnull=True
    ).exists()
    assert elapsed < 30, f"full import took {elapsed:.1f} s"

    out = run()

    assert LedgerEntry.objects.count() == 2
    assert "Quan hệ kế thừa: tạo mới 0, cập nhật 0, không đổi 11358" in out
