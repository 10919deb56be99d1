"""The demo data set: Bắc Trà My as DOMAIN.md §2.2 describes it, loaded twice without duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from minhbach.accounts import policies
from minhbach.accounts.models import Official, User
from minhbach.core import ledger
from minhbach.core.models import LedgerEntry
from minhbach.portal.demo.people import DEMO_PASSWORD, LOGINS
from minhbach.units.models import AdministrativeUnit, Agency, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_territory_matches_the_reference(demo):
    district = AdministrativeUnit.objects.get(code="515")
    assert district.parent.code == "49" and district.name == "Huyện Bắc Trà My"
    communes = AdministrativeUnit.objects.filter(parent=district)
    assert communes.count() == 13
    assert communes.filter(type=AdministrativeUnit.Type.TOWNSHIP).count() == 1
    on_reform = AdministrativeUnit.objects.valid_on(dt.date(2025, 7, 1)).filter(parent__code="48")
    assert sorted(on_reform.values_list("code", flat=True)) == ["20900", "20908", "20920", "20923", "20929"]


def test_code_reuse_keeps_both_units(demo):
    assert AdministrativeUnit.objects.valid_on(dt.date(2024, 1, 1)).get(code="20900").name == "Xã Trà Sơn"
    assert AdministrativeUnit.objects.valid_on(dt.date(2025, 7, 2)).get(code="20900").name == "Xã Trà My"


def test_successions_follow_the_table(demo):
    lien = UnitSuccession.objects.filter(new_unit__code="20908", new_unit__valid_from=dt.date(2025, 7, 1))
    assert sorted(lien.values_list("old_unit__code", flat=True)) == ["20902", "20905", "20908"]
    assert UnitSuccession.objects.get(old_unit__code="515").kind == UnitSuccession.Kind.ABOLISHED


def test_every_agency_has_staff_of_both_genders(demo):
    assert (
        Agency.objects.filter(memberships__isnull=True, kind=Agency.Kind.PEOPLE_COMMITTEE)
        .exclude(slug__in=["ubnd-tinh-quang-nam", "ubnd-tp-da-nang"])
        .count()
        == 0
    )
    genders = set(Official.objects.values_list("gender", flat=True))
    assert genders == {"female", "male"}


def test_one_login_per_role_and_the_printed_password_works(demo):
    roles = {login.role for login in LOGINS}
    assert roles == {
        "desk_officer",
        "specialist",
        "unit_leader",
        "secretariat",
        "council_member",
        "auditor",
        "administrator",
    }
    for login in LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD), login.username
        assert user.groups.filter(name=login.role).exists()


def test_demo_scopes(demo):
    desk = User.objects.get(username="motcua.trason")
    assert set(policies.restrict(Agency.objects.all(), desk).values_list("slug", flat=True)) == {
        "mot-cua-xa-tra-son"
    }
    secretariat = User.objects.get(username="noivu")
    visible = policies.restrict(Agency.objects.all(), secretariat)
    assert visible.filter(slug="mot-cua-xa-tra-ka").exists()
    assert not visible.filter(slug="ubnd-tinh-quang-nam").exists()


def test_load_demo_is_idempotent(demo):
    counts = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        Official.objects.count(),
        User.objects.count(),
        UnitSuccession.objects.count(),
    )
    entries = LedgerEntry.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        Official.objects.count(),
        User.objects.count(),
        UnitSuccession.objects.count(),
    )
    assert LedgerEntry.objects.count() == entries
    assert ledger.verify().ok


def test_demo_prints_logins(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for login in LOGINS:
        assert login.username in out
