"""Selectors over effective-dated units: code reuse, succession in both directions, subtrees."""

from __future__ import annotations

import datetime as dt

import pytest

from minhbach.units import selectors
from minhbach.units.models import AdministrativeUnit, UnitSuccession

pytestmark = pytest.mark.django_db

OLD_FROM = dt.date(2004, 7, 8)
OLD_TO = dt.date(2025, 6, 30)
NEW_FROM = dt.date(2025, 7, 1)
Kind = UnitSuccession.Kind


def unit(
    code: str, name: str, level: str, type_: str, parent=None, *, new: bool = False
) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        level=level,
        type=type_,
        parent=parent,
        valid_from=NEW_FROM if new else OLD_FROM,
        valid_to=None if new else OLD_TO,
    )


def succeed(old: AdministrativeUnit, new: AdministrativeUnit | None, kind: str) -> UnitSuccession:
    return UnitSuccession.objects.create(old_unit=old, new_unit=new, kind=kind, effective_date=NEW_FROM)


@pytest.fixture
def world() -> dict[str, AdministrativeUnit]:
    """A slice of DOMAIN.md §2.2: Bắc Trà My before and after 1/7/2025."""
    quang_nam = unit("49", "Tỉnh Quảng Nam", "province", "province")
    bac_tra_my = unit("515", "Huyện Bắc Trà My", "district", "district", quang_nam)
    tra_son = unit("20900", "Xã Trà Sơn", "commune", "commune", bac_tra_my)
    tra_my_town = unit("20899", "Thị trấn Trà My", "commune", "township", bac_tra_my)
    tra_dong = unit("20908", "Xã Trà Đông", "commune", "commune", bac_tra_my)
    da_nang = unit("48", "Thành phố Đà Nẵng", "province", "central_city", new=True)
    tra_my = unit("20900", "Xã Trà My", "commune", "commune", da_nang, new=True)
    tra_lien = unit("20908", "Xã Trà Liên", "commune", "commune", da_nang, new=True)
    succeed(quang_nam, da_nang, Kind.MERGED_INTO)
    succeed(bac_tra_my, None, Kind.ABOLISHED)
    succeed(tra_son, tra_my, Kind.MERGED_INTO)
    succeed(tra_my_town, tra_my, Kind.MERGED_INTO)
    succeed(tra_dong, tra_lien, Kind.MERGED_INTO)
    return {
        u.name: u for u in (quang_nam, bac_tra_my, tra_son, tra_my_town, tra_dong, da_nang, tra_my, tra_lien)
    }


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("20900", dt.date(2024, 1, 1), "Xã Trà Sơn"),
        ("20900", OLD_TO, "Xã Trà Sơn"),  # last day included
        ("20900", NEW_FROM, "Xã Trà My"),  # first day included
        ("20900", dt.date(2030, 1, 1), "Xã Trà My"),  # open-ended
        ("20908", dt.date(2024, 1, 1), "Xã Trà Đông"),
        ("20908", dt.date(2025, 7, 2), "Xã Trà Liên"),
        ("515", dt.date(2024, 1, 1), "Huyện Bắc Trà My"),
        ("515", NEW_FROM, None),  # districts end on 30/6/2025
        ("20900", dt.date(2004, 7, 7), None),  # before the data horizon
        ("99999", dt.date(2024, 1, 1), None),
    ],
)
def test_unit_on_follows_the_date_not_the_code(world, code, day, expected):
    found = selectors.unit_on(code, day)
    assert (found.name if found else None) == expected


def test_unit_on_is_one_query_including_parent(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = selectors.unit_on("20900", dt.date(2024, 1, 1))
        assert found.parent.name == "Huyện Bắc Trà My"


def test_successors_and_predecessors(world):
    assert [u.name for u in selectors.successors(world["Xã Trà Sơn"])] == ["Xã Trà My"]
    assert [u.name for u in selectors.successors(world["Tỉnh Quảng Nam"])] == ["Thành phố Đà Nẵng"]
    assert list(selectors.successors(world["Huyện Bắc Trà My"])) == []
    assert list(selectors.successors(world["Xã Trà My"])) == []
    assert [u.name for u in selectors.predecessors(world["Xã Trà My"])] == ["Thị trấn Trà My", "Xã Trà Sơn"]
    assert list(selectors.predecessors(world["Xã Trà Sơn"])) == []


def test_successors_of_a_split_unit_lists_each_once(world):
    tra_kot = unit("20902", "Xã Trà Kót", "commune", "commune", world["Huyện Bắc Trà My"])
    succeed(tra_kot, world["Xã Trà My"], Kind.SPLIT_INTO)
    succeed(tra_kot, world["Xã Trà Liên"], Kind.SPLIT_INTO)

    assert [u.name for u in selectors.successors(tra_kot)] == ["Xã Trà My", "Xã Trà Liên"]


def test_successions_of_includes_abolished(world):
    (row,) = selectors.successions_of(world["Huyện Bắc Trà My"])
    assert (row.kind, row.new_unit) == (Kind.ABOLISHED, None)
    (row,) = selectors.successions_of(world["Xã Trà Đông"])
    assert (row.kind, row.new_unit.name) == (Kind.MERGED_INTO, "Xã Trà Liên")


def test_unit_subtree(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [u.name for u in selectors.unit_subtree(world["Tỉnh Quảng Nam"])]
    assert names == ["Tỉnh Quảng Nam", "Huyện Bắc Trà My", "Thị trấn Trà My", "Xã Trà Sơn", "Xã Trà Đông"]
    assert [u.name for u in selectors.unit_subtree(world["Thành phố Đà Nẵng"])] == [
        "Thành phố Đà Nẵng",
        "Xã Trà My",
        "Xã Trà Liên",
    ]


def test_unit_subtree_on_a_day(world):
    assert list(selectors.unit_subtree(world["Thành phố Đà Nẵng"], day=dt.date(2024, 1, 1))) == []
    assert len(selectors.unit_subtree(world["Tỉnh Quảng Nam"], day=dt.date(2024, 1, 1))) == 5
    assert list(selectors.unit_subtree(world["Tỉnh Quảng Nam"], day=NEW_FROM)) == []
