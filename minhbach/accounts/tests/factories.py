"""Factories for officials with logins and roles."""

from __future__ import annotations

import datetime as dt

from minhbach.accounts import services
from minhbach.accounts.models import Official
from minhbach.units.models import Agency

PASSWORD = "mat-khau-thu-nghiem-2024"


def make_official(
    agency: Agency,
    *,
    roles: tuple[str, ...] = (),
    username: str | None = None,
    gender: str = Official.Gender.FEMALE,
    is_leader: bool = False,
) -> Official:
    make_official.counter += 1  # type: ignore[attr-defined]
    n = make_official.counter  # type: ignore[attr-defined]
    return services.official_create(
        actor=None,
        full_name=f"Cán Bộ Thử {n}",
        gender=gender,
        agency=agency,
        position="Chuyên viên",
        is_leader=is_leader,
        valid_from=dt.date(2020, 1, 1),
        username=username or f"canbo{n}",
        password=PASSWORD,
        roles=roles,
    )


make_official.counter = 0  # type: ignore[attr-defined]
