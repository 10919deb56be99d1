"""Scope by unit: an official sees his agencies and what lies beneath; the rest does not exist for him."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.accounts import policies, services
from minhbach.accounts.tests.factories import PASSWORD
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db


def _names(user) -> set[str]:
    return set(policies.restrict(Agency.objects.all(), user).values_list("name", flat=True))


def test_officer_sees_only_his_desk(district, users):
    assert _names(users["officer_a"]) == {"Bộ phận Một cửa xã A"}


def test_leader_sees_his_commune_and_its_desk(district, users):
    assert _names(users["leader_a"]) == {"UBND xã A", "Bộ phận Một cửa xã A"}


def test_secretariat_sees_the_whole_district(district, users):
    assert _names(users["secretariat"]) == {
        "UBND huyện Thử",
        "Phòng Nội vụ",
        "UBND xã A",
        "Bộ phận Một cửa xã A",
        "UBND xã B",
        "Bộ phận Một cửa xã B",
    }


def test_user_without_unit_and_anonymous_see_nothing(district, users):
    from django.contrib.auth.models import AnonymousUser

    assert _names(users["no_unit"]) == set()
    assert _names(AnonymousUser()) == set()


def test_transfer_moves_scope_on_its_date(district, users):
    official = users["officer_a"].official
    services.membership_transfer(
        actor=None, official=official, to_agency=district.desk_b, on=dt.date(2024, 3, 1)
    )
    user = type(users["officer_a"]).objects.get(pk=users["officer_a"].pk)
    assert policies.in_scope(user, district.desk_a, on=dt.date(2024, 2, 29))
    assert not policies.in_scope(user, district.desk_b, on=dt.date(2024, 2, 29))
    fresh = type(user).objects.get(pk=user.pk)
    assert policies.in_scope(fresh, district.desk_b, on=dt.date(2024, 3, 1))
    assert not policies.in_scope(fresh, district.desk_a, on=dt.date(2024, 3, 1))


# The role matrix for the agency page of commune A's desk.
MATRIX = [
    ("officer_a", 200),
    ("officer_b", 404),
    ("leader_a", 200),
    ("secretariat", 200),
    ("auditor", 200),
    ("no_unit", 404),
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_agency_page_role_matrix(client, district, users, who, status):
    client.force_login(users[who])
    response = client.get(reverse("portal:agency-detail", args=[district.desk_a.slug]))
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("portal:agency-detail", args=[district.desk_a.slug]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_forbidden_and_missing_look_the_same(client, district, users):
    client.force_login(users["officer_b"])
    forbidden = client.get(reverse("portal:agency-detail", args=[district.desk_a.slug]))
    missing = client.get(reverse("portal:agency-detail", args=["khong-ton-tai"]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_officer_does_not_see_staff_list_or_ledger_but_leader_does(client, district, users):
    client.force_login(users["officer_a"])
    page = client.get(reverse("portal:agency-detail", args=[district.desk_a.slug])).content.decode()
    assert "Cán bộ, công chức" not in page and "sổ cái" not in page
    client.force_login(users["leader_a"])
    page = client.get(reverse("portal:agency-detail", args=[district.desk_a.slug])).content.decode()
    assert "Cán bộ, công chức" in page and "sổ cái" in page


def test_staff_home_lists_only_scope(client, district, users):
    client.force_login(users["officer_b"])
    page = client.get(reverse("portal:staff-home")).content.decode()
    assert "Bộ phận Một cửa xã B" in page and "xã A" not in page


def test_staff_home_query_count_does_not_grow_with_agencies(
    client, district, users, django_assert_max_num_queries
):
    client.force_login(users["secretariat"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:staff-home"))
    assert response.status_code == 200


def test_login_with_password(client, users):
    response = client.post(
        reverse("accounts:login"), {"username": users["officer_a"].username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_brute_force_is_locked_out(client, users):
    url = reverse("accounts:login")
    username = users["officer_a"].username
    for _ in range(5):
        client.post(url, {"username": username, "password": "sai-mat-khau"})
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa" in response.content.decode()
