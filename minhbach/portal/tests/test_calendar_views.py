"""Calendar corrections in the back office: who may do what, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import CalendarDay, LedgerEntry

pytestmark = pytest.mark.django_db

URL = "/can-bo/lich-lam-viec/"


@pytest.fixture
def admin_user(district):
    return make_official(district.committee, roles=("administrator",)).user


def _post(client, user, **data):
    client.force_login(user)
    payload = {
        "date": "2024-03-26",
        "kind": "local_day_off",
        "name": "Ngày thành lập huyện",
        "legal_ref": "QĐ 12/QĐ-UBND",
        "scope": "unit",
        "unit": "",
    }
    payload.update(data)
    return client.post(URL, payload)


def test_url_name_matches(client):
    assert reverse("portal:calendar") == URL


def test_desk_officer_reads_but_cannot_write(client, district, users):
    CalendarDay.objects.create(date=dt.date(2024, 1, 1), kind="public_holiday", name="Tết Dương lịch")
    client.force_login(users["officer_a"])
    page = client.get(URL + "?nam=2024")
    assert page.status_code == 200 and "Tết Dương lịch" in page.content.decode()
    assert "Thêm hoặc điều chỉnh" not in page.content.decode()
    response = _post(client, users["officer_a"], unit=district.desk_a.administrative_unit.pk)
    assert response.status_code == 404
    assert not CalendarDay.objects.filter(date=dt.date(2024, 3, 26)).exists()


def test_secretariat_adds_local_day_off_for_a_unit_in_scope(client, district, users):
    before = LedgerEntry.objects.count()
    unit = district.commune_a.administrative_unit
    response = _post(client, users["secretariat"], unit=unit.pk)
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2024, 3, 26))
    assert (row.scope, row.unit, row.source, row.updated_by) == ("unit", unit, "manual", users["secretariat"])
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert LedgerEntry.objects.count() == before + 1 and entry.action == "calendar.day_set"
    assert "QĐ 12/QĐ-UBND" in entry.payload


def test_secretariat_cannot_write_national_rows(client, district, users):
    response = _post(client, users["secretariat"], scope="national")
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_unit_outside_scope_is_not_a_valid_choice(client, district, users, admin_user):
    from minhbach.units.tests.factories import AdministrativeUnitFactory

    foreign = AdministrativeUnitFactory(name="Xã Ngoài Phạm Vi")
    response = _post(client, users["leader_a"], unit=foreign.pk)
    # The leader has no write permission at all: 404. The secretariat gets a form error instead.
    assert response.status_code == 404
    response = _post(client, users["secretariat"], unit=foreign.pk)
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_missing_legal_reference_gets_a_vietnamese_message(client, district, users):
    response = _post(
        client, users["secretariat"], unit=district.commune_a.administrative_unit.pk, legal_ref=""
    )
    assert response.status_code == 400
    assert "bắt buộc" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_makeup_day_on_a_weekday_is_refused(client, district, admin_user):
    response = _post(client, admin_user, scope="national", kind="makeup_working_day", date="2024-05-06")
    assert response.status_code == 400
    assert "Ngày làm bù phải là ngày nghỉ hằng tuần" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_admin_adds_national_day_and_removes_it_with_a_reference(client, district, admin_user):
    response = _post(
        client,
        admin_user,
        scope="national",
        kind="public_holiday",
        date="2024-05-06",
        name="Ngày nghỉ đột xuất",
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2024, 5, 6))
    remove = reverse("portal:calendar-remove", args=[row.pk])
    assert client.post(remove, {"legal_ref": ""}).status_code == 302
    assert CalendarDay.objects.filter(pk=row.pk).exists()
    assert client.post(remove, {"legal_ref": "Công văn 1/VPCP"}).status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    assert LedgerEntry.objects.filter(action="calendar.day_removed").count() == 1


def test_secretariat_cannot_remove_a_national_row(client, district, users):
    row = CalendarDay.objects.create(date=dt.date(2024, 1, 1), kind="public_holiday", name="Tết Dương lịch")
    client.force_login(users["secretariat"])
    page = client.get(URL + "?nam=2024").content.decode()
    assert reverse("portal:calendar-remove", args=[row.pk]) not in page
    response = client.post(reverse("portal:calendar-remove", args=[row.pk]), {"legal_ref": "x"})
    assert response.status_code == 404
    assert CalendarDay.objects.filter(pk=row.pk).exists()


def test_calendar_page_query_count_is_flat(client, district, users, django_assert_max_num_queries):
    for day in range(1, 25):
        CalendarDay.objects.create(date=dt.date(2024, 6, day), kind="public_holiday", name=f"Ngày {day}")
    client.force_login(users["secretariat"])
    with django_assert_max_num_queries(14):
        assert client.get(URL + "?nam=2024").status_code == 200
