"""Seeding the national calendar from ``holidays`` (DOMAIN.md §3.2, §3.6)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from minhbach.core.models import CalendarDay, LedgerEntry
from minhbach.core.workdays import seed
from minhbach.core.workdays.services import calendar_day_remove
from minhbach.core.workdays.signals import calendar_changed

D = dt.date


def _kinds(year):
    return {row.date: row.kind for row in seed.holiday_rows(year)}


# --- Pure: what the package gives ------------------------------------------------------------


def test_2024_matches_the_domain_table():
    """DOMAIN.md §3.2: the days off of civil servants in 2024."""
    kinds = _kinds(2024)
    expected = {
        D(2024, 1, 1): "public_holiday",
        **{D(2024, 2, d): "public_holiday" for d in range(8, 15)},
        D(2024, 4, 18): "public_holiday",
        D(2024, 4, 29): "swap_day_off",
        D(2024, 4, 30): "public_holiday",
        D(2024, 5, 1): "public_holiday",
        D(2024, 5, 4): "makeup_working_day",
        D(2024, 9, 2): "public_holiday",
        D(2024, 9, 3): "public_holiday",
    }
    assert kinds == expected


def test_2023_national_day_and_its_substitute():
    kinds = _kinds(2023)
    assert kinds[D(2023, 9, 1)] == kinds[D(2023, 9, 2)] == "public_holiday"
    assert kinds[D(2023, 9, 4)] == "substitute_day_off"
    assert kinds[D(2023, 1, 2)] == "substitute_day_off"
    assert D(2023, 9, 3) not in kinds


def test_legal_references():
    rows = {
        row.date: row for row in seed.holiday_rows(2024) + seed.holiday_rows(2023) + seed.holiday_rows(2025)
    }
    assert rows[D(2024, 4, 30)].legal_ref == "BLLĐ 2019 Điều 112"
    assert rows[D(2023, 9, 4)].legal_ref == "BLLĐ 2019 Điều 111 khoản 3"
    assert rows[D(2024, 4, 29)].legal_ref == rows[D(2024, 5, 4)].legal_ref == "Công văn 2450/VPCP-KGVX"
    assert rows[D(2025, 4, 26)].legal_ref == seed.GENERIC_SWAP_NOTICE
    assert rows[D(2024, 5, 4)].name == "Ngày làm bù (cho ngày nghỉ 29/04/2024)"
    assert rows[D(2024, 2, 8)].name == "29 Tết"


def test_swap_pairs_include_cross_year_swaps():
    pairs = seed.swap_pairs()
    for pair in [
        (D(2024, 4, 29), D(2024, 5, 4)),
        (D(2025, 5, 2), D(2025, 4, 26)),
        (D(2026, 8, 31), D(2026, 8, 22)),
        (D(2015, 1, 2), D(2014, 12, 27)),
        (D(2018, 12, 31), D(2019, 1, 5)),
    ]:
        assert pair in pairs
    assert all(makeup.weekday() == 5 for _off, makeup in pairs)
    # A make-up day is seeded in the year it falls in, not the year of the day off.
    assert _kinds(2014)[D(2014, 12, 27)] == "makeup_working_day"
    assert _kinds(2019)[D(2019, 1, 5)] == "makeup_working_day"
    assert D(2014, 12, 27) not in _kinds(2015)


# --- Database --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_is_idempotent_and_logged_once_per_year(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = seed.seed_years([2024, 2023])
    assert [(r.year, r.created) for r in first] == [(2023, 17), (2024, 15)]
    row = CalendarDay.objects.get(date=D(2024, 5, 4))
    assert (row.kind, row.scope, row.unit, row.source, row.confirmed) == (
        "makeup_working_day",
        "national",
        None,
        "seed",
        False,
    )
    entries = LedgerEntry.objects.filter(action="calendar.seeded").order_by("seq")
    assert [e.object_id for e in entries] == ["2023", "2024"]
    payload = json.loads(entries[1].payload)
    assert (payload["year"], payload["created"], payload["updated"]) == (2024, 15, 0)
    assert payload["source"].startswith("holidays ")

    second = seed.seed_years([2023, 2024])
    assert [(r.changed, r.unchanged) for r in second] == [(0, 17), (0, 15)]
    assert CalendarDay.objects.count() == 32
    assert LedgerEntry.objects.filter(action="calendar.seeded").count() == 2


@pytest.mark.django_db
def test_seed_never_overwrites_an_officials_row(officer):
    CalendarDay.objects.create(
        date=D(2024, 9, 3),
        kind="public_holiday",
        name="Quốc khánh (ngày liền kề theo thông báo)",
        legal_ref="Thông báo số 1/TB",
        source="manual",
        confirmed=True,
        updated_by=officer,
    )
    seed.seed_year(2024)
    CalendarDay.objects.filter(date=D(2024, 4, 18)).update(name="Giỗ Tổ (đã đối chiếu)", confirmed=True)
    CalendarDay.objects.filter(date=D(2024, 4, 30)).update(name="Tên cũ")
    report = seed.seed_year(2024)
    assert (report.kept, report.updated, report.created) == (2, 1, 0)
    assert CalendarDay.objects.get(date=D(2024, 9, 3)).name == "Quốc khánh (ngày liền kề theo thông báo)"
    assert CalendarDay.objects.get(date=D(2024, 4, 18)).name == "Giỗ Tổ (đã đối chiếu)"
    assert CalendarDay.objects.get(date=D(2024, 4, 30)).name == "Ngày Chiến thắng"


@pytest.mark.django_db
def test_a_day_removed_by_an_official_is_not_seeded_again(officer):
    seed.seed_year(2026)
    calendar_day_remove(
        actor=officer,
        calendar_day=CalendarDay.objects.get(date=D(2026, 11, 24)),
        legal_ref="Chưa có văn bản quy định ngày nghỉ",
    )
    report = seed.seed_year(2026)
    assert (report.created, report.removed_by_official) == (0, 1)
    assert not CalendarDay.objects.filter(date=D(2026, 11, 24)).exists()


@pytest.mark.django_db
def test_seeding_announces_the_changed_dates(django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, dates, scope, unit, **kwargs):
        heard.append((sorted(dates), scope, unit))

    calendar_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            seed.seed_year(2025)
        assert len(callbacks) == 1
        assert heard[0][0][0] == D(2025, 1, 1) and len(heard[0][0]) == 14
        assert heard[0][1:] == ("national", None)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            seed.seed_year(2025)
        assert callbacks == []
    finally:
        calendar_changed.disconnect(receiver)


@pytest.mark.django_db
def test_missing_years():
    seed.seed_year(2024)
    assert seed.missing_years(range(2023, 2026)) == [2023, 2025]
    assert seed.missing_years([]) == []


@pytest.mark.django_db
def test_seed_calendar_command(capsys):
    call_command("seed_calendar", "2023", "2026")
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("Năm 2024: tạo mới 15, cập nhật 0, giữ nguyên 0, giữ theo cán bộ 0, đã bị cán bộ xóa 0")
    assert len(out) == 4
    assert sorted(seed.missing_years(range(2023, 2027))) == []
    call_command("seed_calendar", "2024")
    assert "giữ nguyên 15" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [(("2026", "2023"), "Năm đầu"), (("1990",), "1995")])
def test_seed_calendar_command_rejects_bad_years(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_calendar", *args)


def test_seed_year_rejects_years_out_of_range():
    with pytest.raises(ValueError):
        seed.seed_year(1990)
