"""Writes on assignments and counter listings: atomic, one ledger entry per change, none otherwise."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minhbach.core import ledger
from minhbach.core.models import LedgerEntry
from minhbach.procedures import listing
from minhbach.procedures.models import ProcedureAssignment, ProcedureListing
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

POSTED = dt.date(2023, 3, 1)


@pytest.fixture
def birth():
    return make_procedure("1.001193", "Đăng ký khai sinh", decision="1872/QĐ-BTP").procedure


def _entries(action: str) -> list[dict]:
    return [json.loads(e.payload) for e in LedgerEntry.objects.filter(action=action).order_by("seq")]


def test_assign_creates_once_and_records_the_codes(district, birth):
    marriage = make_procedure("1.000894", "Đăng ký kết hôn").procedure
    created = listing.procedures_assign(
        actor=None, agency=district.desk_a, procedures=[birth, marriage], valid_from=dt.date(2023, 1, 1)
    )
    assert created == 2
    again = listing.procedures_assign(
        actor=None, agency=district.desk_a, procedures=[birth, marriage], valid_from=dt.date(2023, 1, 1)
    )
    assert again == 0
    assert ProcedureAssignment.objects.filter(agency=district.desk_a).count() == 2
    assert _entries("procedure.assigned") == [
        {"codes": ["1.000894", "1.001193"], "valid_from": "2023-01-01", "valid_to": None}
    ]


def test_assign_refuses_an_end_before_the_start(district, birth):
    with pytest.raises(ValidationError, match="Ngày kết thúc không được trước ngày bắt đầu"):
        listing.procedures_assign(
            actor=None,
            agency=district.desk_a,
            procedures=[birth],
            valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2023, 1, 1),
        )
    assert not ProcedureAssignment.objects.exists()
    assert not LedgerEntry.objects.filter(action="procedure.assigned").exists()


def test_record_uses_the_version_in_force_on_the_day_posted(district, birth, users):
    new = make_procedure(
        "1.001193", "Đăng ký khai sinh", decision="163/QĐ-BTP", valid_from=dt.date(2024, 1, 1)
    )
    old = birth.versions.get(decision__number="1872/QĐ-BTP")
    record, changed = listing.listing_record(
        actor=users["officer_a"], agency=district.desk_a, procedure=birth, medium="paper", posted_on=POSTED
    )
    assert changed and record.counter_version == old
    record, changed = listing.listing_record(
        actor=users["officer_a"],
        agency=district.desk_a,
        procedure=birth,
        medium="both",
        location="Bảng niêm yết tầng 1",
        posted_on=dt.date(2024, 2, 1),
    )
    assert changed and record.counter_version == new and record.counter_medium == "both"
    entries = LedgerEntry.objects.filter(action="procedure.listing_recorded").order_by("seq")
    assert [e.actor_id for e in entries] == [users["officer_a"].pk] * 2
    second = json.loads(entries.last().payload)
    assert second["before"] == {
        "medium": "paper",
        "location": "",
        "version": old.pk,
        "posted_on": "2023-03-01",
    }
    assert second["after"]["version"] == new.pk and second["after"]["location"] == "Bảng niêm yết tầng 1"
    assert entries.last().unit_code == district.desk_a.electronic_code


def test_recording_the_same_listing_twice_changes_nothing(district, birth):
    kwargs = {
        "actor": None,
        "agency": district.desk_a,
        "procedure": birth,
        "medium": "qr",
        "posted_on": POSTED,
    }
    listing.listing_record(**kwargs, location="Cửa ra vào")
    before = LedgerEntry.objects.count()
    record, changed = listing.listing_record(**kwargs)
    assert not changed
    assert record.counter_location == "Cửa ra vào"  # an empty location keeps the one on record
    assert LedgerEntry.objects.count() == before
    assert ProcedureListing.objects.count() == 1


def test_taking_a_listing_down(district, birth):
    listing.listing_record(
        actor=None, agency=district.desk_a, procedure=birth, medium="paper", posted_on=POSTED
    )
    record, _changed = listing.listing_record(
        actor=None, agency=district.desk_a, procedure=birth, medium="none", posted_on=POSTED
    )
    assert record.counter_medium == "none" and record.counter_version is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"medium": "loa"}, "Hình thức niêm yết không hợp lệ"),
        ({"medium": "paper", "posted_on": "tomorrow"}, "Ngày niêm yết không được sau ngày hôm nay"),
        (
            {"medium": "paper", "posted_on": dt.date(2019, 1, 1)},
            "không có phiên bản nào áp dụng vào ngày 01/01/2019",
        ),
        ({"medium": "paper", "version": "other"}, "Phiên bản được chọn không thuộc thủ tục này"),
    ],
)
def test_bad_input_writes_nothing(district, birth, kwargs, message):
    if kwargs.get("posted_on") == "tomorrow":
        kwargs["posted_on"] = timezone.localdate() + dt.timedelta(days=1)
    if kwargs.get("version") == "other":
        kwargs["version"] = make_procedure("2.000884", "Chứng thực chữ ký")
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match=message):
        listing.listing_record(actor=None, agency=district.desk_a, procedure=birth, **kwargs)
    assert not ProcedureListing.objects.exists()
    assert LedgerEntry.objects.count() == before


def test_listing_and_ledger_commit_together(district, birth, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(ledger, "record", broken)
    with pytest.raises(RuntimeError):
        listing.listing_record(
            actor=None, agency=district.desk_a, procedure=birth, medium="paper", posted_on=POSTED
        )
    assert not ProcedureListing.objects.exists()


def test_check_records_who_looked_and_when(district, birth, users):
    record, _changed = listing.listing_record(
        actor=None, agency=district.desk_a, procedure=birth, medium="paper", posted_on=POSTED
    )
    checked = listing.listing_check(actor=users["leader_a"], listing=record)
    assert checked.counter_checked_by == users["leader_a"]
    assert checked.counter_checked_at is not None
    entry = LedgerEntry.objects.get(action="procedure.listing_checked")
    assert entry.actor_id == users["leader_a"].pk and json.loads(entry.payload)["code"] == "1.001193"


def test_check_refuses_a_listing_that_is_not_up(district, birth, users):
    record, _changed = listing.listing_record(
        actor=None, agency=district.desk_a, procedure=birth, medium="none", posted_on=POSTED
    )
    with pytest.raises(ValidationError, match="chưa được niêm yết"):
        listing.listing_check(actor=users["leader_a"], listing=record)
    with pytest.raises(ValidationError, match="tương lai"):
        listing.listing_check(
            actor=users["leader_a"], listing=record, checked_at=timezone.now() + dt.timedelta(hours=1)
        )
    assert not LedgerEntry.objects.filter(action="procedure.listing_checked").exists()
