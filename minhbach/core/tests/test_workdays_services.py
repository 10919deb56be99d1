"""Officials' corrections of the calendar: validation, ledger, signal on commit (DOMAIN.md §3.7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from minhbach.core.models import CalendarDay, LedgerEntry
from minhbach.core.workdays.calendar import compute_due
from minhbach.core.workdays.services import calendar_day_remove, calendar_day_set
from minhbach.core.workdays.signals import calendar_changed

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, dates, scope, unit, **kwargs):
        calls.append({"sender": sender, "dates": dates, "scope": scope, "unit": unit})

    calendar_changed.connect(receiver)
    yield calls
    calendar_changed.disconnect(receiver)


def _payload(entry):
    return json.loads(entry.payload)


def test_set_corrects_a_seeded_row(seeded_calendar, officer, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = calendar_day_set(
            actor=officer,
            date=D(2024, 9, 3),
            kind="public_holiday",
            name="Quốc khánh (ngày liền kề)",
            legal_ref="Công văn 2450/VPCP-KGVX",
        )
    assert heard == []  # nothing is announced before the commit
    for callback in callbacks:
        callback()
    assert heard == [{"sender": CalendarDay, "dates": [D(2024, 9, 3)], "scope": "national", "unit": None}]

    assert (row.source, row.confirmed, row.updated_by) == ("manual", True, officer)
    assert CalendarDay.objects.filter(date=D(2024, 9, 3)).count() == 1
    entry = LedgerEntry.objects.get(action="calendar.day_set")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        officer.pk,
        "core.calendarday",
        str(row.pk),
    )
    payload = _payload(entry)
    assert payload["old"] == {
        "date": "2024-09-03",
        "kind": "public_holiday",
        "name": "Quốc khánh",
        "legal_ref": "BLLĐ 2019 Điều 112",
        "scope": "national",
        "unit": None,
        "source": "seed",
        "confirmed": False,
    }
    assert payload["new"]["name"] == "Quốc khánh (ngày liền kề)"
    assert payload["new"]["source"] == "manual"
    assert payload["legal_ref"] == "Công văn 2450/VPCP-KGVX"


def test_set_a_unit_day_off_moves_deadlines(seeded_calendar, units, agency, officer, heard):
    before = compute_due(D(2024, 3, 5), 2, agency=agency).due_date
    row = calendar_day_set(
        actor=officer,
        date=D(2024, 3, 6),
        kind="local_day_off",
        name="Lễ hội văn hóa xã",
        legal_ref="QĐ 15/QĐ-UBND",
        scope="unit",
        unit=units.commune,
    )
    assert (before, compute_due(D(2024, 3, 5), 2, agency=agency).due_date) == (D(2024, 3, 7), D(2024, 3, 8))
    assert compute_due(D(2024, 3, 5), 2).due_date == D(2024, 3, 7)  # other units are unaffected
    entry = LedgerEntry.objects.get(action="calendar.day_set")
    assert entry.unit_code == "20900"
    assert _payload(entry)["old"] is None and _payload(entry)["new"]["unit"] == "20900"
    assert row.unit == units.commune


def test_set_a_makeup_saturday_for_a_province(units, officer):
    row = calendar_day_set(
        actor=officer,
        date=D(2024, 3, 9),
        kind="makeup_working_day",
        name="Làm bù",
        legal_ref="QĐ 20/QĐ-UBND",
        scope="province",
        unit=units.province,
    )
    assert row.scope == "province"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_ref": "  "}, "legal_ref", "căn cứ pháp lý"),
        ({"name": ""}, "name", "tên ngày"),
        ({"kind": "holiday"}, "kind", "Loại ngày"),
        ({"scope": "district", "unit": "commune"}, "scope", "Phạm vi"),
        ({"unit": "commune"}, "unit", "toàn quốc"),
        ({"scope": "unit"}, "unit", "chọn đơn vị hành chính"),
        ({"scope": "province", "unit": "commune"}, "unit", "tỉnh, thành phố"),
        ({"kind": "makeup_working_day", "date": D(2024, 3, 6)}, "kind", "06/03/2024 (Thứ Tư)"),
    ],
)
def test_set_validation(units, officer, heard, django_capture_on_commit_callbacks, changes, field, message):
    arguments = {
        "date": D(2024, 3, 7),
        "kind": "local_day_off",
        "name": "Ngày nghỉ",
        "legal_ref": "QĐ 1/QĐ-UBND",
        **changes,
    }
    if arguments.get("unit") == "commune":
        arguments["unit"] = units.commune
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        calendar_day_set(actor=officer, **arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert not CalendarDay.objects.exists()
    assert not LedgerEntry.objects.filter(action="calendar.day_set").exists()
    assert heard == []


def test_remove(seeded_calendar, officer, heard, django_capture_on_commit_callbacks):
    row = CalendarDay.objects.get(date=D(2024, 4, 29))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(actor=officer, calendar_day=row, legal_ref="Thông báo hủy hoán đổi (thử)")
    assert not CalendarDay.objects.filter(date=D(2024, 4, 29)).exists()
    entry = LedgerEntry.objects.get(action="calendar.day_removed")
    assert entry.object_id == str(row.pk)
    assert _payload(entry)["old"]["kind"] == "swap_day_off"
    assert _payload(entry)["new"] is None
    assert heard == [{"sender": CalendarDay, "dates": [D(2024, 4, 29)], "scope": "national", "unit": None}]
    assert compute_due(D(2024, 4, 26), 1).due_date == D(2024, 4, 29)


def test_remove_needs_a_legal_reference(seeded_calendar, officer, heard, django_capture_on_commit_callbacks):
    row = CalendarDay.objects.get(date=D(2024, 4, 29))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        calendar_day_remove(actor=officer, calendar_day=row, legal_ref="")
    assert "căn cứ pháp lý" in error.value.message_dict["legal_ref"][0]
    assert CalendarDay.objects.filter(pk=row.pk).exists()
    assert heard == []
