"""Loading the working calendar from the database: rule set, scopes, agency overrides, queries."""

from __future__ import annotations

import datetime as dt

import pytest

from minhbach.core.models import CalendarDay, RuleSet
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.tests.conftest import local
from minhbach.core.workdays import calendar as wd_calendar
from minhbach.core.workdays.calendar import compute_due, load_calendar, policy_from_settings, policy_in_force
from minhbach.core.workdays.engine import add_working_days, is_working_day
from minhbach.units.models import WorkingHours
from minhbach.units.services import agency_update_settings
from minhbach.units.tests.factories import make_agency

D = dt.date
pytestmark = pytest.mark.django_db


def _row(day, kind, scope="national", unit=None, name="Ngày thử"):
    return CalendarDay.objects.create(
        date=day, kind=kind, name=name, legal_ref="QĐ thử", scope=scope, unit=unit
    )


# --- Rule sets (migration 0003) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (D(2019, 1, 5), None),
        (D(2019, 1, 6), "vn-2018"),
        (D(2024, 2, 7), "vn-2018"),
        (D(2025, 6, 30), "vn-2018"),
        (D(2025, 7, 1), "vn-2025"),
        (D(2030, 1, 1), "vn-2025"),
    ],
)
def test_ruleset_in_force(day, code):
    ruleset = ruleset_in_force(RuleSet.Domain.ONESTOP, day)
    assert (ruleset.code if ruleset else None) == code


def test_seeded_rulesets_hold_the_d10_calendar():
    for ruleset in RuleSet.objects.filter(domain="onestop"):
        assert ruleset.settings["calendar"] == {
            "weekly_rest": [5, 6],
            "cutoff": {"enabled": True, "time": "15:00"},
            "office_hours": [["07:00", "11:00"], ["13:00", "17:00"]],
        }
    vn2018 = RuleSet.objects.get(code="vn-2018")
    assert "Nghị định 61/2018/NĐ-CP" in vn2018.legal_bases
    assert "Thông tư 01/2018/TT-VPCP" in vn2018.legal_bases


def test_a_new_ruleset_version_changes_the_policy():
    RuleSet.objects.create(
        domain="onestop",
        code="vn-2018",
        version=2,
        name="Giờ chốt 16:00",
        valid_from=D(2024, 1, 1),
        valid_to=D(2025, 6, 30),
        settings={"calendar": {"weekly_rest": [6], "cutoff": {"enabled": True, "time": "16:00"}}},
    )
    policy = policy_in_force(D(2024, 3, 5))
    assert policy.ruleset == "vn-2018 v2"
    assert policy.cutoff_time == dt.time(16, 0)
    assert policy.weekly_rest == frozenset({6})
    assert policy.office_hours[5] == ((dt.time(7), dt.time(11)), (dt.time(13), dt.time(17)))
    assert policy_in_force(D(2023, 3, 5)).ruleset == "vn-2018 v1"


def test_policy_from_settings_accepts_hours_per_weekday():
    policy = policy_from_settings(
        {"calendar": {"office_hours": {"0": [["07:30", "11:30"]], "5": [["07:30", "11:00"]]}}}
    )
    assert policy.office_hours == {
        0: ((dt.time(7, 30), dt.time(11, 30)),),
        5: ((dt.time(7, 30), dt.time(11)),),
    }
    defaults = policy_from_settings({})
    assert (defaults.weekly_rest, defaults.cutoff_enabled, defaults.cutoff_time) == (
        frozenset({5, 6}),
        True,
        dt.time(15),
    )


def test_before_any_ruleset_the_defaults_apply():
    policy = policy_in_force(D(2018, 5, 2))
    assert policy.ruleset == ""
    assert policy.cutoff_time == dt.time(15)


# --- Scopes: unit > province > national -------------------------------------------------------


def test_most_specific_scope_wins(seeded_calendar, units):
    makeup = D(2024, 5, 4)
    _row(makeup, "local_day_off", scope="unit", unit=units.commune, name="Lễ hội xã")
    _row(D(2024, 3, 6), "local_day_off", scope="province", unit=units.province, name="Ngày nghỉ của tỉnh")
    _row(D(2024, 3, 6), "makeup_working_day", scope="unit", unit=units.commune, name="Xã vẫn làm việc")
    _row(D(2024, 3, 7), "local_day_off", scope="province", unit=units.province, name="Ngày nghỉ của tỉnh")

    commune = load_calendar(D(2024, 3, 1), D(2024, 5, 31), unit=units.commune)
    assert not is_working_day(makeup, commune)
    assert commune.exception(makeup).name == "Lễ hội xã"
    assert is_working_day(D(2024, 3, 6), commune)
    assert commune.exception(D(2024, 3, 6)).scope == "unit"
    assert not is_working_day(D(2024, 3, 7), commune)
    assert commune.exception(D(2024, 3, 7)).scope == "province"

    national = load_calendar(D(2024, 3, 1), D(2024, 5, 31))
    assert is_working_day(makeup, national)
    assert is_working_day(D(2024, 3, 6), national) and is_working_day(D(2024, 3, 7), national)


@pytest.mark.parametrize("which", ["province", "district", "commune", "new_commune"])
def test_province_rows_reach_every_unit_of_the_province(units, which):
    _row(D(2024, 3, 7), "local_day_off", scope="province", unit=units.province)
    cal = load_calendar(D(2024, 3, 1), D(2024, 3, 31), unit=getattr(units, which))
    assert not is_working_day(D(2024, 3, 7), cal)


def test_rows_of_other_units_do_not_apply(units):
    _row(D(2024, 3, 7), "local_day_off", scope="province", unit=units.other_province)
    _row(D(2024, 3, 8), "local_day_off", scope="unit", unit=units.other_commune)
    _row(D(2024, 3, 11), "local_day_off", scope="unit", unit=units.district)
    cal = load_calendar(D(2024, 3, 1), D(2024, 3, 31), unit=units.commune)
    assert [d for d in (D(2024, 3, 7), D(2024, 3, 8), D(2024, 3, 11)) if not is_working_day(d, cal)] == []


def test_unit_makeup_day_shifts_a_deadline(seeded_calendar, units):
    _row(D(2024, 3, 9), "makeup_working_day", scope="unit", unit=units.commune)
    cal = load_calendar(D(2024, 3, 1), D(2024, 4, 30), unit=units.commune)
    assert add_working_days(D(2024, 3, 8), 1, cal).due_date == D(2024, 3, 9)


# --- Agency overrides --------------------------------------------------------------------------


def test_agency_cutoff_and_hours_override_the_ruleset(seeded_calendar, agency):
    cal = load_calendar(D(2024, 3, 1), D(2024, 3, 31), agency=agency)
    assert (cal.cutoff_enabled, cal.cutoff_time, cal.ruleset) == (True, dt.time(15), "vn-2018 v1")
    assert cal.office_hours[0] == ((dt.time(7), dt.time(11)), (dt.time(13), dt.time(17)))

    agency_update_settings(actor=None, agency=agency, cutoff_enabled=False)
    WorkingHours.objects.filter(agency=agency).delete()
    WorkingHours.objects.create(agency=agency, weekday=0, start=dt.time(7, 30), end=dt.time(11, 30))
    cal = load_calendar(D(2024, 3, 1), D(2024, 3, 31), agency=agency)
    assert cal.cutoff_enabled is False
    assert dict(cal.office_hours) == {0: ((dt.time(7, 30), dt.time(11, 30)),)}
    # Tuesday has no hours of its own: Monday's are used.
    assert cal.hours_on(D(2024, 3, 5)) == ((dt.time(7, 30), dt.time(11, 30)),)


def test_agency_without_hours_uses_the_ruleset_hours(units):
    bare = make_agency(unit=units.commune, seed_hours=False)
    cal = load_calendar(D(2024, 3, 1), D(2024, 3, 31), agency=bare)
    assert cal.office_hours[4] == ((dt.time(7), dt.time(11)), (dt.time(13), dt.time(17)))


# --- Queries -----------------------------------------------------------------------------------


def test_one_query_for_the_rows(seeded_calendar, units, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rule set in force, then every row of the window
        cal = load_calendar(D(2023, 1, 1), D(2026, 12, 31), unit=units.commune)
    assert len(cal.exceptions) >= 60


def test_agency_adds_one_query_for_its_hours(seeded_calendar, agency, django_assert_num_queries):
    agency.refresh_from_db()
    with django_assert_num_queries(3):
        load_calendar(D(2024, 1, 1), D(2024, 12, 31), agency=agency)


def test_compute_due_reloads_a_wider_window_when_needed(
    seeded_calendar, agency, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(wd_calendar, "window_end", lambda start, value, unit: start + dt.timedelta(days=1))
    agency.refresh_from_db()
    # Policy (2 queries) once, rows for windows of 1, 2, 4, 8 and 16 days.
    with django_assert_num_queries(2 + 5):
        result = compute_due(D(2024, 2, 7), 3, agency=agency)
    assert result.due_date == D(2024, 2, 19)


@pytest.mark.parametrize(
    ("start", "value", "unit", "due_date"),
    [
        (D(2024, 4, 26), 5, "working_day", D(2024, 5, 7)),
        (D(2024, 2, 7), 3, "working_day", D(2024, 2, 19)),
        (D(2023, 8, 31), 2, "working_day", D(2023, 9, 6)),
        (local(2024, 2, 7, 16, 30), 3, "working_day", D(2024, 2, 20)),
        (local(2024, 3, 1, 16, 0), 8, "hour", D(2024, 3, 4)),
        (D(2024, 1, 31), 1, "month", D(2024, 2, 29)),
    ],
)
def test_compute_due(seeded_calendar, agency, start, value, unit, due_date):
    result = compute_due(start, value, unit, agency=agency)
    assert result.due_date == due_date
    assert result.ruleset == "vn-2018 v1"


def test_load_calendar_rejects_reversed_ranges():
    with pytest.raises(ValueError):
        load_calendar(D(2024, 3, 2), D(2024, 3, 1))
