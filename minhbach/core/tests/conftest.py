"""Fixtures of the core tests: working calendars in memory and in the database, units, agencies."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from minhbach.core.workdays import seed
from minhbach.core.workdays.engine import VN_TZ, DayException, WorkCalendar
from minhbach.units.models import AdministrativeUnit
from minhbach.units.tests.factories import AdministrativeUnitFactory, make_agency

CALENDAR_YEARS = range(2014, 2028)


def local(*args: int) -> dt.datetime:
    """An aware moment in Asia/Ho_Chi_Minh: ``local(2024, 2, 7, 16, 30)``."""
    return dt.datetime(*args, tzinfo=VN_TZ)


@pytest.fixture(scope="session")
def vn_exceptions() -> dict[dt.date, DayException]:
    """The national rows of 2014–2027 as seeding would write them, without a database."""
    return {
        row.date: DayException(kind=row.kind, name=row.name, legal_ref=row.legal_ref)
        for year in CALENDAR_YEARS
        for row in seed.holiday_rows(year)
    }


@pytest.fixture(scope="session")
def vn_calendar(vn_exceptions) -> WorkCalendar:
    """The national calendar with the D10 defaults (Sat–Sun rest, 15:00 cut-off, seed hours)."""
    return WorkCalendar(exceptions=vn_exceptions)


@pytest.fixture(scope="session")
def calendar_with(vn_calendar):
    """``calendar_with(cutoff_enabled=False, extra={date: DayException(...)})``: variations."""

    def build(*, extra: dict[dt.date, DayException] | None = None, **changes) -> WorkCalendar:
        exceptions = {**vn_calendar.exceptions, **(extra or {})}
        return dataclasses.replace(vn_calendar, exceptions=exceptions, **changes)

    return build


@pytest.fixture
def seeded_calendar(db):
    """National rows of 2023–2026 seeded in the database."""
    return seed.seed_years(range(2023, 2027))


@dataclasses.dataclass
class Units:
    province: AdministrativeUnit
    district: AdministrativeUnit
    commune: AdministrativeUnit  # under the district (before 01/7/2025)
    new_commune: AdministrativeUnit  # directly under the province (after 01/7/2025)
    other_province: AdministrativeUnit
    other_commune: AdministrativeUnit


@pytest.fixture
def units(db) -> Units:
    province_fields = {"level": AdministrativeUnit.Level.PROVINCE, "type": AdministrativeUnit.Type.PROVINCE}
    province = AdministrativeUnitFactory(code="49", name="Tỉnh Quảng Nam", **province_fields)
    district = AdministrativeUnitFactory(
        code="506",
        name="Huyện Bắc Trà My",
        level=AdministrativeUnit.Level.DISTRICT,
        type=AdministrativeUnit.Type.DISTRICT,
        parent=province,
    )
    commune = AdministrativeUnitFactory(code="20900", name="Xã Trà Sơn", parent=district)
    new_commune = AdministrativeUnitFactory(
        code="20901", name="Xã Trà My", parent=province, valid_from=dt.date(2025, 7, 1)
    )
    other_province = AdministrativeUnitFactory(code="48", name="Thành phố Đà Nẵng", **province_fields)
    other_commune = AdministrativeUnitFactory(code="20200", name="Xã Hòa Bắc", parent=other_province)
    return Units(province, district, commune, new_commune, other_province, other_commune)


@pytest.fixture
def agency(units):
    """UBND xã Trà Sơn with the seed office hours and the default 15:00 cut-off."""
    return make_agency(name="UBND xã Trà Sơn", unit=units.commune, code="000.20.30.H49")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="canbo.lich", password="x")
