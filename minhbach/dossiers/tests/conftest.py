from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.core.workdays.seed import seed_years
from minhbach.dossiers import services
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    """'2024-02-07 10:00' in Việt Nam time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def calendar(db):
    seed_years([2023, 2024, 2025])


@pytest.fixture
def desk(db, calendar) -> Agency:
    return make_agency(name="Bộ phận Một cửa xã Thử", kind=Agency.Kind.ONE_STOP_DESK, code="000.31.15.H49")


@pytest.fixture
def version(db):
    return make_procedure(days=3)


@pytest.fixture
def register(desk, version):
    def _register(*, channel: int = 1, when: str = "2024-03-04 08:00", version=version, **kwargs):
        return services.dossier_register(
            actor=None,
            procedure_version=version,
            channel=channel,
            receiving_agency=desk,
            owner=services.ApplicantData(
                full_name="Hồ Thị Lan", citizen_id="049190000123", phone="0905123456"
            ),
            submitted_at=at(when),
            **kwargs,
        )

    return _register
