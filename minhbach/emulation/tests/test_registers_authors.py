"""Evidence registers record who entered each row and when (issue #7 item 3), shown on the register page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import LedgerEntry
from minhbach.emulation import services
from minhbach.emulation.models import Initiative


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_services_record_the_user_who_entered_the_row(users, world):
    unit = world.units[0]
    official = make_official(unit)
    user = users["secretariat"]
    initiative = services.initiative_create(actor=user, title="Một cửa lưu động", agency=unit, kind="model")
    rating = services.annual_rating_record(
        actor=user,
        official=official,
        year=2024,
        level="HTTNV",
        decided_on=dt.date(2024, 12, 20),
        decided_by="UBND",
    )
    case = services.discipline_case_record(
        actor=user, official=official, agency=unit, status="under_consideration"
    )
    verification = services.verification_open(
        actor=user, kind="inspection", opened_on=dt.date(2024, 3, 1), agency=unit
    )
    par = services.par_index_record(
        actor=user, agency=unit, year=2024, value=Decimal("85.5"), source="QĐ 1/UBND"
    )
    for row in (initiative, rating, case, verification, par):
        row.refresh_from_db()
        assert row.entered_by_id == user.pk and row.created_at is not None, row
    system = services.initiative_create(actor=None, title="Mô hình khác", agency=unit, kind="model")
    assert system.entered_by_id is None
    assert LedgerEntry.objects.filter(action="emulation.initiative_create").count() == 2


def test_register_page_shows_who_entered_each_row(users, login, world):
    unit = world.units[0]
    user = users["secretariat"]
    services.initiative_create(actor=user, title="Một cửa lưu động", agency=unit, kind="model")
    assert Initiative.objects.get().entered_by == user
    body = login(user).get(reverse("emulation:initiatives")).content.decode()
    assert "Người nhập" in body and str(user) in body
