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


def test_task_completion_register_validates_writes_the_ledger_and_shows_who(users, login, world):
    from django.core.exceptions import ValidationError

    from minhbach.emulation.models import TaskCompletion

    unit = world.units[0]
    user = users["secretariat"]
    common = {"actor": user, "agency": unit, "year": 2024, "decided_by": "UBND huyện",
              "decided_on": dt.date(2024, 12, 20)}  # fmt: skip
    with pytest.raises(ValidationError):
        services.task_completion_record(**common, task="  ", result="completed")
    with pytest.raises(ValidationError):
        services.task_completion_record(**common, task="Số hóa hồ sơ", result="gần xong")
    with pytest.raises(ValidationError):
        services.task_completion_record(
            **{**common, "decided_on": dt.date(2023, 12, 1)}, task="X", result="completed"
        )
    assert not TaskCompletion.objects.exists()
    record = services.task_completion_record(**common, task="Số hóa 100% hồ sơ", result="completed_late")
    assert record.entered_by == user
    assert LedgerEntry.objects.filter(action="emulation.task_completion_record").count() == 1
    page = login(user).get(reverse("emulation:tasks"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Số hóa 100% hồ sơ" in body and "Hoàn thành nhưng chậm" in body and str(user) in body
    # The form adds a row; a bad one answers 400 with the message and writes nothing.
    client = login(user)
    form = {"agency": unit.pk, "year": 2024, "task": "Y", "result": "x", "decided_by": "UBND",
            "decided_on": "2024-12-01"}  # fmt: skip
    bad = client.post(reverse("emulation:tasks"), form)
    assert bad.status_code == 400
    assert TaskCompletion.objects.count() == 1


def test_task_completion_register_role_matrix(client, users, world):
    url = reverse("emulation:tasks")
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(users["officer_a"])
    assert client.get(url).status_code == 404
    client.force_login(users["auditor"])
    page = client.get(url)
    assert page.status_code == 200 and "<form" not in page.content.decode().split("</table>")[-1]


@pytest.mark.parametrize(
    ("name", "form", "shown"),
    [
        ("emulation:par", {"year": 2024, "value": "85.50", "source": "QĐ 1/QĐ-UBND"}, "QĐ 1/QĐ-UBND"),
        ("emulation:verifications", {"kind": "inspection", "opened_on": "2024-03-01", "note": "Kiểm tra"},
         "Đang thực hiện"),
    ],
)  # fmt: skip
def test_par_and_verification_registers_add_rows_with_their_author(users, login, world, name, form, shown):
    unit = world.units[0]
    user = users["secretariat"]
    client = login(user)
    response = client.post(reverse(name), {**form, "agency": unit.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    body = client.get(reverse(name)).content.decode()
    assert shown in body and str(user) in body
    client.force_login(users["officer_a"])
    assert client.get(reverse(name)).status_code == 404
