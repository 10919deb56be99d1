"""Fixtures of the disclosure tests: the working calendar 2023–2025 (Tết 2024 included)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.core.workdays.seed import seed_years

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    """A local moment in Asia/Ho_Chi_Minh from ``YYYY-MM-DD HH:MM``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def calendar(db):
    seed_years([2023, 2024, 2025])


@pytest.fixture
def make_item(calendar):
    from minhbach.disclosure import services

    def _make(agency, *, kind="procedure_listing", ref=None, trigger="2024-03-04 09:00", **kwargs):
        _make.n += 1
        return services.item_from_trigger(
            actor=None,
            agency=agency,
            kind=kind,
            title=f"Thông tin {_make.n}",
            trigger_kind="decision",
            trigger_ref=ref or f"decision:{_make.n}/QĐ-UBND",
            trigger_at=at(trigger),
            **kwargs,
        )

    _make.n = 0
    return _make
