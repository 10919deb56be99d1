"""Import of the GSO administrative units and of the 1/7/2025 reorganisation (DOMAIN.md §2).

Two public files are read (see ``shared/data/README.md``):

* the **pre-2025 tree** (``dvhcvn-pre2025.json``): 63 tỉnh, 696 huyện, 10,047 xã with their GSO
  codes under QĐ 124/2004/QĐ-TTg and its updates, a snapshot dated 01/03/2025;
* the **old → new mapping** (``dvhcvn-20250701-splits.json``): for every old tỉnh its new tỉnh
  (63 → 34, Nghị quyết 202/2025/QH15), for every old xã its new xã (10,047 → 3,321,
  QĐ 19/2025/QĐ-TTg and the UBTVQH resolutions per province), and for the five island huyện
  without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) the đặc khu they became.

Decisions (the "why" behind each rule):

* **Key.** A unit is ``(code, valid_from)``. New communes reuse old codes (20900 was Xã Trà Sơn
  to 30/6/2025 and is Xã Trà My from 01/7/2025), so both rows coexist.
* **Pre-2025 validity.** The source is a snapshot and says nothing about when each unit was
  created, so every pre-2025 unit gets the same conventional ``valid_from``:
  :data:`PRE2025_VALID_FROM` = 08/7/2004, the date of QĐ 124/2004/QĐ-TTg that established the
  GSO code list. It means "valid since before the data horizon", not the founding date of the
  unit: units created or merged between 2004 and 01/03/2025 (including the 2023–2025 commune
  arrangement) carry the same date. ``--valid-from`` overrides it; the importer refuses a date
  that would make a second, overlapping row for a code already in the database. Every pre-2025
  unit ends on 30/6/2025: the district level was abolished and every commune re-created on
  01/7/2025 (Nghị quyết 203/2025/QH15; Luật Tổ chức chính quyền địa phương 72/2025/QH15).
* **Names** are normalised: Unicode NFC, runs of whitespace collapsed, ends trimmed, first letter
  capitalised (the source has ``"Xã  Tư"``, ``"xã Sông Vàng"``, decomposed accents). When the
  mapping spells one new unit in several ways (``Hiệp Hòa``/``Hiệp Hoà``), the most frequent
  spelling wins, ties to the first seen, and the run reports a warning.
* **New provinces.** Type from the name: ``Thành phố …`` → thành phố trực thuộc trung ương,
  otherwise tỉnh; a bare name (the mapping writes ``"Tuyên Quang"``) gets the prefix ``Tỉnh``.
* **New communes.** Type from the name: ``Xã`` → xã, ``Phường`` → phường, ``Đặc khu`` → đặc khu
  (commune level, Luật 72/2025/QH15). Parent: the new province of its predecessors; when they
  disagree (one record: 30259 Xã Tân Phú Trung has four predecessors in Đồng Tháp and one in An
  Giang) the majority wins and the run reports a warning.
* **Succession kind**, from the shape of the mapping over the *whole* file (never only the
  selected provinces, so a partial import writes the same rows as a full one):
  ``split_into`` when the old unit maps to more than one new unit; ``renamed`` when it maps to
  exactly one new unit that has no other predecessor, *whether or not the name changed* — the
  unit continues alone, but as a new record (new legal basis, no district, possibly a new
  province), and ``merged_into`` would wrongly suggest that others joined it; ``merged_into``
  when it maps to one new unit that has other predecessors too. A district gets ``abolished``
  with no successor, except the five island districts, which continue as a đặc khu and get
  that one-to-one edge (``renamed``) instead.
* **``--province`` (repeatable)** selects pre-2025 provinces by code. The import then writes
  those provinces with their districts and communes, their successions, the new units those
  successions point to, and the new provinces that are parents of those new units. Nothing
  else: ``--province 49`` writes Quảng Nam, Thành phố Đà Nẵng (48, new) and the new communes
  that Quảng Nam's communes became, but not the pre-2025 Đà Nẵng or its communes.
* **All or nothing.** Both files are parsed and checked in full before anything is written;
  the writes run in one transaction with one ledger entry; any error leaves the database as it
  was. Existing rows are read once into dictionaries and written with ``bulk_create`` /
  ``bulk_update`` in batches, so the number of queries does not grow with the number of units
  (only with the number of batches).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.units.models import AdministrativeUnit, UnitSuccession

Level = AdministrativeUnit.Level
Type = AdministrativeUnit.Type
Kind = UnitSuccession.Kind

PRE2025_FILENAME = "dvhcvn-pre2025.json"
SPLITS_FILENAME = "dvhcvn-20250701-splits.json"

#: Date of QĐ 124/2004/QĐ-TTg (GSO code list): conventional start of every pre-2025 unit.
PRE2025_VALID_FROM = dt.date(2004, 7, 8)
#: First day of the two-level local government (Luật 72/2025/QH15; QĐ 19/2025/QĐ-TTg).
REFORM_DATE = dt.date(2025, 7, 1)
PRE2025_VALID_TO = REFORM_DATE - dt.timedelta(days=1)

PRE2025_LEGAL_BASIS = "QĐ 124/2004/QĐ-TTg và các văn bản sửa đổi"
NEW_UNIT_LEGAL_BASIS = "QĐ 19/2025/QĐ-TTg"
COMMUNE_SUCCESSION_BASIS = "QĐ 19/2025/QĐ-TTg; nghị quyết sắp xếp ĐVHC cấp xã của UBTVQH"
PROVINCE_SUCCESSION_BASIS = "Nghị quyết 202/2025/QH15"
DISTRICT_SUCCESSION_BASIS = "Nghị quyết 203/2025/QH15; Luật Tổ chức chính quyền địa phương 72/2025/QH15"

LEDGER_ACTION = "units.imported"
LEDGER_OBJECT_TYPE = "units.import"

BATCH_SIZE = 500
_CODE_DIGITS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}

PRE_TYPES: dict[str, dict[str, str]] = {
    Level.PROVINCE: {"Tỉnh": Type.PROVINCE, "Thành phố Trung ương": Type.CENTRAL_CITY},
    Level.DISTRICT: {
        "Huyện": Type.DISTRICT,
        "Quận": Type.URBAN_DISTRICT,
        "Thị xã": Type.TOWN,
        "Thành phố": Type.PROVINCIAL_CITY,
    },
    Level.COMMUNE: {"Xã": Type.COMMUNE, "Phường": Type.WARD, "Thị trấn": Type.TOWNSHIP},
}
NEW_COMMUNE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Xã ", Type.COMMUNE),
    ("Phường ", Type.WARD),
    ("Đặc khu ", Type.SPECIAL_ZONE),
)

ERA_PRE2025 = "pre2025"
ERA_2025 = "2025"
#: Report rows, in display order: (era, level).
REPORT_KEYS: tuple[tuple[str, str], ...] = (
    (ERA_PRE2025, Level.PROVINCE),
    (ERA_PRE2025, Level.DISTRICT),
    (ERA_PRE2025, Level.COMMUNE),
    (ERA_2025, Level.PROVINCE),
    (ERA_2025, Level.COMMUNE),
)


class UnitImportError(Exception):
    """Bad input: the message (Vietnamese) names the file and the record. Nothing was written."""


# --------------------------------------------------------------------------- parsed data


@dataclasses.dataclass(frozen=True)
class UnitRecord:
    """One unit as the files describe it, before it meets the database."""

    era: str
    code: str
    name: str
    level: str
    type: str
    parent_code: str | None
    province_code: str  # the province it belongs to, in its own era

    @property
    def key(self) -> tuple[str, str]:
        return (self.era, self.code)


@dataclasses.dataclass(frozen=True)
class SuccessionRecord:
    old_code: str  # pre-2025
    new_code: str | None  # 2025; None for an abolished unit
    kind: str
    legal_basis: str
    old_province_code: str


@dataclasses.dataclass
class Dataset:
    """Both files, parsed and cross-checked. Units are keyed by code within their era."""

    pre: dict[str, UnitRecord]
    new: dict[str, UnitRecord]
    successions: list[SuccessionRecord]
    warnings: list[str]


@dataclasses.dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class ImportReport:
    units: dict[tuple[str, str], Counts]
    successions: Counts
    warnings: list[str]
    digest: str
    files: dict[str, str]  # file name -> sha256
    provinces: list[str]
    valid_from: dt.date
    elapsed: float = 0.0
    ledger_seq: int | None = None

    @property
    def created(self) -> int:
        return sum(c.created for c in self.units.values())

    def payload(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "provinces": self.provinces,
            "valid_from": self.valid_from.isoformat(),
            "units": {f"{era}.{level}": c.as_dict() for (era, level), c in self.units.items()},
            "successions": self.successions.as_dict(),
            "warnings": len(self.warnings),
        }


# --------------------------------------------------------------------------- reading


def normalise_name(value: str) -> str:
    """NFC, single spaces, trimmed, first letter capitalised ("xã  Tư " → "Xã Tư")."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
    return text[:1].upper() + text[1:]


@dataclasses.dataclass(frozen=True)
class _Loc:
    """Where a record sits in a file, to name it in an error message."""

    file: str
    path: str = "data"
    label: str = ""

    def item(self, key: str, index: int, obj: Any) -> _Loc:
        """Where ``obj``, item ``index`` of list ``key``, sits; labelled with its code and name."""
        bits: list[str] = []
        if isinstance(obj, dict):
            ident = next(
                (obj[k] for k in ("level1_id", "level2_id", "level3_id", "new_id") if k in obj), None
            )
            if isinstance(ident, str) and ident:
                bits.append(_("mã %(code)s") % {"code": ident})
            if isinstance(obj.get("name"), str):
                bits.append(obj["name"])
        prefix = f"{self.path}." if self.path else ""
        return _Loc(self.file, f"{prefix}{key}[{index}]", ", ".join(bits))

    def error(self, problem: str) -> UnitImportError:
        where = f"{self.path} ({self.label})" if self.label else self.path
        return UnitImportError(
            _("Dữ liệu không hợp lệ trong tệp %(file)s, bản ghi %(where)s: %(problem)s.")
            % {"file": self.file, "where": where, "problem": problem}
        )


def _field(obj: Any, key: str, loc: _Loc) -> Any:
    if not isinstance(obj, dict):
        raise loc.error(_("bản ghi phải là một đối tượng JSON"))
    if key not in obj:
        raise loc.error(_("thiếu trường “%(key)s”") % {"key": key})
    return obj[key]


def _list(obj: Any, key: str, loc: _Loc) -> list[Any]:
    value = _field(obj, key, loc)
    if not isinstance(value, list):
        raise loc.error(_("trường “%(key)s” phải là một danh sách") % {"key": key})
    return value


def _name(obj: Any, key: str, loc: _Loc) -> str:
    value = _field(obj, key, loc)
    if not isinstance(value, str) or not normalise_name(value):
        raise loc.error(_("trường “%(key)s” phải là chuỗi không rỗng") % {"key": key})
    name = normalise_name(value)
    if len(name) > 255:
        raise loc.error(_("trường “%(key)s” dài quá 255 ký tự") % {"key": key})
    return name


def _code(obj: Any, key: str, level: str, loc: _Loc) -> str:
    value = _field(obj, key, loc)
    digits = _CODE_DIGITS[level]
    if not isinstance(value, str) or not re.fullmatch(rf"[0-9]{{{digits}}}", value):
        raise loc.error(
            _("mã “%(value)s” ở trường “%(key)s” không hợp lệ: mã %(level)s phải gồm đúng %(digits)d chữ số")
            % {"value": value, "key": key, "level": str(Level(level).label).lower(), "digits": digits}
        )
    return value


def _pre_type(obj: Any, level: str, loc: _Loc) -> str:
    raw = _name(obj, "type", loc)
    try:
        return PRE_TYPES[level][raw]
    except KeyError:
        allowed = ", ".join(PRE_TYPES[level])
        raise loc.error(
            _("loại “%(value)s” không hợp lệ cho %(level)s (chấp nhận: %(allowed)s)")
            % {"value": raw, "level": str(Level(level).label).lower(), "allowed": allowed}
        ) from None


def _load(path: Path) -> tuple[Any, bytes]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UnitImportError(_("Không tìm thấy tệp dữ liệu %(path)s.") % {"path": path}) from None
    except OSError as exc:
        raise UnitImportError(
            _("Không đọc được tệp dữ liệu %(path)s: %(error)s.") % {"path": path, "error": exc}
        ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnitImportError(
            _("Tệp %(path)s không phải JSON UTF-8 hợp lệ: %(error)s.") % {"path": path, "error": exc}
        ) from None
    return data, raw


def _parse_pre2025(data: Any, file: str) -> dict[str, UnitRecord]:
    units: dict[str, UnitRecord] = {}

    def add(unit: UnitRecord, loc: _Loc) -> None:
        if unit.code in units:
            raise loc.error(_("mã %(code)s xuất hiện hai lần") % {"code": unit.code})
        units[unit.code] = unit

    def unit(obj: Any, level: str, key: str, loc: _Loc, parent: str | None, province: str | None) -> str:
        code = _code(obj, key, level, loc)
        name = _name(obj, "name", loc)
        record = UnitRecord(
            ERA_PRE2025, code, name, level, _pre_type(obj, level, loc), parent, province or code
        )
        add(record, loc)
        return code

    root = _Loc(file, path="")
    for i, p in enumerate(_list(data, "data", root)):
        ploc = root.item("data", i, p)
        pcode = unit(p, Level.PROVINCE, "level1_id", ploc, None, None)
        for j, d in enumerate(_list(p, "level2s", ploc)):
            dloc = ploc.item("level2s", j, d)
            dcode = unit(d, Level.DISTRICT, "level2_id", dloc, pcode, pcode)
            for k, c in enumerate(_list(d, "level3s", dloc)):
                cloc = dloc.item("level3s", k, c)
                unit(c, Level.COMMUNE, "level3_id", cloc, dcode, pcode)
    return units


def _province_name_and_type(name: str) -> tuple[str, str]:
    if name.startswith("Thành phố "):
        return name, Type.CENTRAL_CITY
    if name.startswith("Tỉnh "):
        return name, Type.PROVINCE
    return f"Tỉnh {name}", Type.PROVINCE


def _commune_type(name: str, loc: _Loc) -> str:
    for prefix, unit_type in NEW_COMMUNE_PREFIXES:
        if name.startswith(prefix):
            return unit_type
    raise loc.error(
        _("không xác định được loại đơn vị mới “%(name)s”: tên phải bắt đầu bằng Xã, Phường hoặc Đặc khu")
        % {"name": name}
    )


@dataclasses.dataclass
class _Edge:
    old: UnitRecord
    new_code: str
    new_level: str


def _parse_splits(data: Any, file: str, pre: dict[str, UnitRecord]) -> Dataset:
    warnings: list[str] = []
    edges: list[_Edge] = []
    names: dict[str, Counter[str]] = {}  # new code -> spelling -> count (first seen first)
    name_locs: dict[str, _Loc] = {}
    seen_old: set[str] = set()

    def old_unit(obj: Any, key: str, level: str, loc: _Loc, province: str | None) -> UnitRecord:
        code = _code(obj, key, level, loc)
        unit = pre.get(code)
        if unit is None or unit.level != level:
            raise loc.error(
                _("mã cũ %(code)s không có trong danh sách đơn vị trước 01/7/2025") % {"code": code}
            )
        if province is not None and unit.province_code != province:
            raise loc.error(
                _("đơn vị %(code)s thuộc tỉnh %(real)s trong danh sách cũ, không phải tỉnh %(given)s")
                % {"code": code, "real": unit.province_code, "given": province}
            )
        if code in seen_old:
            raise loc.error(_("mã cũ %(code)s xuất hiện hai lần") % {"code": code})
        seen_old.add(code)
        return unit

    def targets(obj: Any, old: UnitRecord, new_level: str, loc: _Loc) -> None:
        splits = _list(obj, "splits", loc)
        if not splits:
            raise loc.error(_("danh sách “splits” rỗng: không có đơn vị kế thừa"))
        seen: set[str] = set()
        for n, s in enumerate(splits):
            sloc = loc.item("splits", n, s)
            new_code = _code(s, "new_id", new_level, sloc)
            if new_code in seen:
                raise sloc.error(_("đơn vị mới %(code)s được nêu hai lần") % {"code": new_code})
            seen.add(new_code)
            name = _name(s, "name", sloc)
            if new_level == Level.PROVINCE:
                name = _province_name_and_type(name)[0]
            else:
                _commune_type(name, sloc)
            names.setdefault(new_code, Counter())[name] += 1
            name_locs.setdefault(new_code, sloc)
            edges.append(_Edge(old, new_code, new_level))

    root = _Loc(file, path="")
    for i, p in enumerate(_list(data, "data", root)):
        ploc = root.item("data", i, p)
        province = old_unit(p, "level1_id", Level.PROVINCE, ploc, None)
        targets(p, province, Level.PROVINCE, ploc)
        island_districts = _list(p, "level2s", ploc) if "level2s" in p else []  # optional key
        for j, d in enumerate(island_districts):
            dloc = ploc.item("level2s", j, d)
            targets(d, old_unit(d, "level2_id", Level.DISTRICT, dloc, province.code), Level.COMMUNE, dloc)
        for k, c in enumerate(_list(p, "level3s", ploc)):
            cloc = ploc.item("level3s", k, c)
            targets(c, old_unit(c, "level3_id", Level.COMMUNE, cloc, province.code), Level.COMMUNE, cloc)

    # The new province of every old province, to place the new communes.
    new_province_of: dict[str, Counter[str]] = {}
    for e in edges:
        if e.new_level == Level.PROVINCE:
            new_province_of.setdefault(e.old.code, Counter())[e.new_code] += 1

    def pick_name(code: str) -> str:
        spellings = names[code]
        best = spellings.most_common(1)[0][0]  # ties: first inserted wins (Counter keeps order)
        if len(spellings) > 1:
            warnings.append(
                _("Đơn vị mới %(code)s có nhiều cách viết tên (%(all)s); dùng “%(name)s”.")
                % {"code": code, "all": ", ".join(f"“{s}”" for s in spellings), "name": best}
            )
        return best

    new: dict[str, UnitRecord] = {}
    for code in names:
        if len(code) != _CODE_DIGITS[Level.PROVINCE]:
            continue
        name = pick_name(code)
        new[code] = UnitRecord(
            ERA_2025, code, name, Level.PROVINCE, _province_name_and_type(name)[1], None, code
        )
    parent_votes: dict[str, Counter[str]] = {}
    for e in edges:
        if e.new_level == Level.COMMUNE:
            for prov in new_province_of.get(e.old.province_code, Counter()):
                parent_votes.setdefault(e.new_code, Counter())[prov] += 1
    for code, votes in parent_votes.items():
        name = pick_name(code)
        parent = votes.most_common(1)[0][0]
        if len(votes) > 1:
            warnings.append(
                _(
                    "Đơn vị mới %(code)s (%(name)s) có đơn vị tiền thân thuộc nhiều tỉnh mới (%(all)s); "
                    "xếp vào tỉnh %(parent)s."
                )
                % {"code": code, "name": name, "all": ", ".join(votes), "parent": parent}
            )
        new[code] = UnitRecord(
            ERA_2025, code, name, Level.COMMUNE, _commune_type(name, name_locs[code]), parent, parent
        )

    # Kinds are decided on the whole file (see the module docstring).
    out_degree = Counter(e.old.code for e in edges)
    in_degree = Counter(e.new_code for e in edges)
    basis = {
        Level.PROVINCE: PROVINCE_SUCCESSION_BASIS,
        Level.DISTRICT: DISTRICT_SUCCESSION_BASIS,
        Level.COMMUNE: COMMUNE_SUCCESSION_BASIS,
    }
    successions: list[SuccessionRecord] = []
    for e in edges:
        if out_degree[e.old.code] > 1:
            kind = Kind.SPLIT_INTO
        elif in_degree[e.new_code] == 1:
            kind = Kind.RENAMED
        else:
            kind = Kind.MERGED_INTO
        successions.append(
            SuccessionRecord(e.old.code, e.new_code, kind, basis[e.old.level], e.old.province_code)
        )
    for unit in pre.values():
        if unit.level == Level.DISTRICT and unit.code not in out_degree:
            successions.append(
                SuccessionRecord(
                    unit.code, None, Kind.ABOLISHED, DISTRICT_SUCCESSION_BASIS, unit.province_code
                )
            )
    missing = [u.code for u in pre.values() if u.level != Level.DISTRICT and u.code not in out_degree]
    if missing:
        warnings.append(
            _(
                "%(count)d đơn vị trước 01/7/2025 không có trong bảng sắp xếp (ví dụ %(codes)s); "
                "không ghi kế thừa."
            )
            % {"count": len(missing), "codes": ", ".join(missing[:5])}
        )
    return Dataset(pre=pre, new=new, successions=successions, warnings=warnings)


def parse(pre2025_data: Any, splits_data: Any, *, pre2025_name: str, splits_name: str) -> Dataset:
    """Parse and cross-check both files. Raises :class:`UnitImportError` naming the first bad record."""
    pre = _parse_pre2025(pre2025_data, pre2025_name)
    return _parse_splits(splits_data, splits_name, pre)


def select(
    dataset: Dataset, provinces: Sequence[str] | None
) -> tuple[list[UnitRecord], list[SuccessionRecord]]:
    """The units and successions to write for the given pre-2025 provinces (``None``: all)."""
    if not provinces:
        return [*dataset.pre.values(), *dataset.new.values()], list(dataset.successions)
    wanted = set(provinces)
    known = {u.code for u in dataset.pre.values() if u.level == Level.PROVINCE}
    unknown = sorted(wanted - known)
    if unknown:
        raise UnitImportError(
            _("Không có tỉnh mã %(codes)s trong danh sách đơn vị trước 01/7/2025.")
            % {"codes": ", ".join(unknown)}
        )
    olds = [u for u in dataset.pre.values() if u.province_code in wanted]
    successions = [s for s in dataset.successions if s.old_province_code in wanted]
    new_codes = {s.new_code for s in successions if s.new_code}
    new_codes |= {dataset.new[c].parent_code for c in new_codes if dataset.new[c].parent_code}
    news = [u for code, u in dataset.new.items() if code in new_codes]
    return [*olds, *news], successions


# --------------------------------------------------------------------------- writing

_UNIT_FIELDS = ("name", "level", "type", "parent_id", "valid_to", "legal_basis")
_SUCCESSION_FIELDS = ("kind", "effective_date", "legal_basis")


class _Index:
    """Every existing unit, read once: ``(code, valid_from)`` → (id, compared fields)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, dt.date], tuple[int, tuple[Any, ...]]] = {}
        self.periods: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for pk, code, valid_from, *rest in AdministrativeUnit.objects.values_list(
            "pk", "code", "valid_from", *_UNIT_FIELDS
        ):
            self.rows[(code, valid_from)] = (pk, tuple(rest))
            self.periods.setdefault(code, []).append((valid_from, rest[_UNIT_FIELDS.index("valid_to")]))

    def check_overlap(self, code: str, valid_from: dt.date, valid_to: dt.date | None) -> None:
        for other_from, other_to in self.periods.get(code, []):
            if other_from == valid_from:
                continue
            if (valid_to is None or other_from <= valid_to) and (other_to is None or valid_from <= other_to):
                raise UnitImportError(
                    _(
                        "Mã %(code)s đã có một đơn vị hiệu lực từ %(other)s, chồng lấn với thời kỳ nhập "
                        "(từ %(valid_from)s). Hãy dùng --valid-from %(other)s "
                        "hoặc sửa dữ liệu trước khi nhập."
                    )
                    % {"code": code, "other": other_from.isoformat(), "valid_from": valid_from.isoformat()}
                )


def _dates(unit: UnitRecord, pre_from: dt.date) -> tuple[dt.date, dt.date | None, str]:
    if unit.era == ERA_PRE2025:
        return pre_from, PRE2025_VALID_TO, PRE2025_LEGAL_BASIS
    return REFORM_DATE, None, NEW_UNIT_LEGAL_BASIS


def _write_units(
    units: Iterable[UnitRecord], pre_from: dt.date, report: ImportReport
) -> dict[tuple[str, str], int]:
    index = _Index()
    ordered = sorted(units, key=lambda u: list(_CODE_DIGITS).index(u.level))
    plans = []
    for unit in ordered:
        valid_from, valid_to, basis = _dates(unit, pre_from)
        index.check_overlap(unit.code, valid_from, valid_to)
        plans.append((unit, valid_from, valid_to, basis))

    ids: dict[tuple[str, str], int] = {}
    for level in _CODE_DIGITS:
        to_create: list[tuple[UnitRecord, AdministrativeUnit]] = []
        to_update: list[AdministrativeUnit] = []
        for unit, valid_from, valid_to, basis in plans:
            if unit.level != level:
                continue
            parent_id = ids[(unit.era, unit.parent_code)] if unit.parent_code else None
            wanted = (unit.name, unit.level, unit.type, parent_id, valid_to, basis)
            obj = AdministrativeUnit(
                code=unit.code, valid_from=valid_from, **dict(zip(_UNIT_FIELDS, wanted, strict=True))
            )
            counts = report.units[(unit.era, unit.level)]
            existing = index.rows.get((unit.code, valid_from))
            if existing is None:
                to_create.append((unit, obj))
                counts.created += 1
                continue
            obj.pk = existing[0]
            ids[unit.key] = obj.pk
            if existing[1] == wanted:
                counts.unchanged += 1
            else:
                to_update.append(obj)
                counts.updated += 1
        AdministrativeUnit.objects.bulk_create([obj for _unit, obj in to_create], batch_size=BATCH_SIZE)
        AdministrativeUnit.objects.bulk_update(to_update, _UNIT_FIELDS, batch_size=BATCH_SIZE)
        if any(obj.pk is None for _unit, obj in to_create):  # backends that return no ids
            fresh = _Index().rows
            for _unit, obj in to_create:
                obj.pk = fresh[(obj.code, obj.valid_from)][0]
        for unit, obj in to_create:
            ids[unit.key] = obj.pk
    return ids


def _write_successions(
    successions: Iterable[SuccessionRecord], ids: dict[tuple[str, str], int], report: ImportReport
) -> None:
    existing = {
        (old, new): (pk, (kind, date, basis))
        for pk, old, new, kind, date, basis in UnitSuccession.objects.values_list(
            "pk", "old_unit_id", "new_unit_id", *_SUCCESSION_FIELDS
        )
    }
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    counts = report.successions
    for s in successions:
        old_id = ids[(ERA_PRE2025, s.old_code)]
        new_id = ids[(ERA_2025, s.new_code)] if s.new_code else None
        wanted = (s.kind, REFORM_DATE, s.legal_basis)
        obj = UnitSuccession(
            old_unit_id=old_id, new_unit_id=new_id, **dict(zip(_SUCCESSION_FIELDS, wanted, strict=True))
        )
        row = existing.get((old_id, new_id))
        if row is None:
            to_create.append(obj)
            counts.created += 1
        elif row[1] == wanted:
            counts.unchanged += 1
        else:
            obj.pk = row[0]
            to_update.append(obj)
            counts.updated += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(to_update, _SUCCESSION_FIELDS, batch_size=BATCH_SIZE)


def input_digest(*contents: bytes) -> tuple[str, list[str]]:
    """Identifier of one pair of input files: SHA-256 over their SHA-256s, truncated to 32 hex digits."""
    each = [hashlib.sha256(c).hexdigest() for c in contents]
    return hashlib.sha256("".join(each).encode()).hexdigest()[:32], each


def import_units(
    *,
    pre2025_path: Path,
    splits_path: Path,
    provinces: Sequence[str] | None = None,
    valid_from: dt.date = PRE2025_VALID_FROM,
    actor: Any = None,
) -> ImportReport:
    """Parse both files, upsert units and successions in one transaction, record one ledger entry.

    Idempotent: a second run with the same files creates nothing and updates nothing. Raises
    :class:`UnitImportError` (and writes nothing) on any bad input.
    """
    started = time.perf_counter()
    if valid_from >= REFORM_DATE:
        raise UnitImportError(
            _("Ngày hiệu lực của đơn vị cũ (%(date)s) phải trước ngày %(reform)s.")
            % {"date": valid_from.isoformat(), "reform": REFORM_DATE.strftime("%d/%m/%Y")}
        )
    pre_data, pre_raw = _load(pre2025_path)
    splits_data, splits_raw = _load(splits_path)
    dataset = parse(
        pre_data, splits_data, pre2025_name=Path(pre2025_path).name, splits_name=Path(splits_path).name
    )
    units, successions = select(dataset, provinces)
    digest, shas = input_digest(pre_raw, splits_raw)
    report = ImportReport(
        units={key: Counts() for key in REPORT_KEYS},
        successions=Counts(),
        warnings=list(dataset.warnings),
        digest=digest,
        files={Path(pre2025_path).name: shas[0], Path(splits_path).name: shas[1]},
        provinces=sorted(set(provinces or [])),
        valid_from=valid_from,
    )
    try:
        with transaction.atomic():
            ids = _write_units(units, valid_from, report)
            _write_successions(successions, ids, report)
            entry = ledger.record(
                actor=actor,
                action=LEDGER_ACTION,
                object_type=LEDGER_OBJECT_TYPE,
                object_id=digest,
                payload=report.payload(),
            )
    except IntegrityError as exc:
        raise UnitImportError(
            _(
                "Không ghi được đơn vị hành chính (xung đột dữ liệu, có thể do một lần nhập khác "
                "chạy cùng lúc): %(error)s"
            )
            % {"error": exc}
        ) from exc
    report.ledger_seq = entry.seq
    report.elapsed = time.perf_counter() - started
    return report
