"""Fixtures shared by every app's tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from minhbach.accounts.tests.factories import PASSWORD, make_official
from minhbach.units.models import AdministrativeUnit, Agency
from minhbach.units.tests.factories import AdministrativeUnitFactory, make_agency


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Hashing with the production PBKDF2 cost makes every login in the role matrix slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class District:
    committee: Agency
    home_affairs: Agency
    commune_a: Agency
    desk_a: Agency
    commune_b: Agency
    desk_b: Agency


@pytest.fixture
def district(db) -> District:
    """A small district: its committee, its home-affairs office and two communes with their desks."""
    d_unit = AdministrativeUnitFactory(
        code="515",
        name="Huyện Thử",
        level=AdministrativeUnit.Level.DISTRICT,
        type=AdministrativeUnit.Type.DISTRICT,
    )
    committee = make_agency(name="UBND huyện Thử", unit=d_unit)
    home_affairs = make_agency(name="Phòng Nội vụ", kind=Agency.Kind.OFFICE, parent=committee)
    commune_a = make_agency(name="UBND xã A", parent=committee, unit=AdministrativeUnitFactory(parent=d_unit))
    desk_a = make_agency(name="Bộ phận Một cửa xã A", kind=Agency.Kind.ONE_STOP_DESK, parent=commune_a)
    commune_b = make_agency(name="UBND xã B", parent=committee, unit=AdministrativeUnitFactory(parent=d_unit))
    desk_b = make_agency(name="Bộ phận Một cửa xã B", kind=Agency.Kind.ONE_STOP_DESK, parent=commune_b)
    return District(committee, home_affairs, commune_a, desk_a, commune_b, desk_b)


@pytest.fixture
def users(district, django_user_model):
    """One login per row of the role matrix."""
    return {
        "officer_a": make_official(district.desk_a, roles=("desk_officer",)).user,
        "officer_b": make_official(district.desk_b, roles=("desk_officer",)).user,
        "leader_a": make_official(district.commune_a, roles=("unit_leader",), is_leader=True).user,
        "secretariat": make_official(district.home_affairs, roles=("secretariat",)).user,
        "auditor": make_official(district.home_affairs, roles=("auditor",)).user,
        "no_unit": django_user_model.objects.create_user("nobody", password=PASSWORD),
    }
