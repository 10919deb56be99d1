"""The pure deadline engine: tables of vectors (DOMAIN.md §3.5) and property tests."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minhbach.core.tests.conftest import local
from minhbach.core.workdays import engine
from minhbach.core.workdays.engine import (
    CalendarRangeError,
    DayException,
    Event,
    TimeUnit,
    WorkCalendar,
    add_calendar_days,
    add_months,
    add_working_days,
    add_working_hours,
    count_working_days,
    day_zero,
    due,
    is_working_day,
    next_working_day,
    same_day,
    working_time_between,
)

D = dt.date


# --- DOMAIN.md §3.5 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected", "skipped", "counted"),
    [
        pytest.param(
            D(2024, 2, 7),
            3,
            D(2024, 2, 19),
            [D(2024, 2, d) for d in (8, 9, 10, 11, 12, 13, 14, 17, 18)],
            {D(2024, 2, 15): 1, D(2024, 2, 16): 2, D(2024, 2, 19): 3},
            id="a-tet-2024",
        ),
        pytest.param(
            D(2023, 8, 31),
            2,
            D(2023, 9, 6),
            [D(2023, 9, 1), D(2023, 9, 2), D(2023, 9, 3), D(2023, 9, 4)],
            {D(2023, 9, 5): 1, D(2023, 9, 6): 2},
            id="b-national-day-2023",
        ),
        pytest.param(
            D(2024, 4, 26),
            5,
            D(2024, 5, 7),
            [D(2024, 4, 27), D(2024, 4, 28), D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 1), D(2024, 5, 5)],
            {D(2024, 5, 2): 1, D(2024, 5, 3): 2, D(2024, 5, 4): 3, D(2024, 5, 6): 4, D(2024, 5, 7): 5},
            id="c-swap-2024-makeup-saturday",
        ),
    ],
)
def test_domain_vectors(vn_calendar, start, n, expected, skipped, counted):
    result = add_working_days(start, n, vn_calendar)
    assert result.due_date == expected
    assert result.day_zero == start
    assert result.due_at == local(*(expected + dt.timedelta(days=1)).timetuple()[:3])
    assert result.office_close_at == local(*expected.timetuple()[:3], 17, 0)
    assert [line.day for line in result.trace if line.event == Event.SKIPPED] == skipped
    assert {line.day: line.ordinal for line in result.trace if line.event == Event.COUNTED} == counted


def test_vector_a_trace_names_the_tet_days(vn_calendar):
    lines = add_working_days(D(2024, 2, 7), 3, vn_calendar).lines()
    assert lines[0] == "07/02/2024 (Thứ Tư): ngày 0 — không tính vào thời hạn (BLDS 2015 Điều 147 khoản 2)"
    assert "08/02/2024 (Thứ Năm): nghỉ lễ, Tết — 29 Tết (BLLĐ 2019 Điều 112)" in lines
    assert "14/02/2024 (Thứ Tư): nghỉ lễ, Tết — Mùng năm Tết Nguyên Đán (BLLĐ 2019 Điều 112)" in lines
    assert "17/02/2024 (Thứ Bảy): nghỉ hằng tuần (QĐ 188/1999/QĐ-TTg Điều 1)" in lines
    assert "16/02/2024 (Thứ Sáu): ngày làm việc thứ 2" in lines
    assert lines[-1] == "Hạn giải quyết: 24:00 ngày 19/02/2024 (Thứ Hai) (BLDS 2015 Điều 148 khoản 6)"


def test_vector_c_trace_shows_swap_and_makeup_day(vn_calendar):
    lines = add_working_days(D(2024, 4, 26), 5, vn_calendar).lines()
    assert (
        "29/04/2024 (Thứ Hai): nghỉ do hoán đổi ngày làm việc — Ngày nghỉ (thay cho ngày 04/05/2024) "
        "(Công văn 2450/VPCP-KGVX)"
    ) in lines
    assert (
        "04/05/2024 (Thứ Bảy): ngày làm việc thứ 3 — ngày làm bù: Ngày làm bù (cho ngày nghỉ 29/04/2024) "
        "(Công văn 2450/VPCP-KGVX)"
    ) in lines


def test_vector_b_names_the_substitute_day(vn_calendar):
    lines = add_working_days(D(2023, 8, 31), 2, vn_calendar).lines()
    assert "04/09/2023 (Thứ Hai): nghỉ bù — Quốc khánh (nghỉ bù) (BLLĐ 2019 Điều 111 khoản 3)" in lines


# --- Every kind of day in 2023–2026 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2022, 12, 30), 1, D(2023, 1, 3), id="new-year-2023-sunday-substitute-monday"),
        pytest.param(D(2023, 1, 19), 1, D(2023, 1, 27), id="tet-2023-20-to-26-jan"),
        pytest.param(D(2023, 4, 28), 1, D(2023, 5, 4), id="gio-to-2023-sat-with-two-substitutes"),
        pytest.param(D(2023, 4, 28), 2, D(2023, 5, 5), id="gio-to-2023-second-day"),
        pytest.param(D(2024, 4, 17), 1, D(2024, 4, 19), id="gio-to-2024-thursday"),
        pytest.param(D(2024, 8, 30), 1, D(2024, 9, 4), id="national-day-2024-mon-tue"),
        pytest.param(D(2024, 12, 31), 1, D(2025, 1, 2), id="new-year-2025"),
        pytest.param(D(2025, 1, 24), 1, D(2025, 2, 3), id="tet-2025-27-jan-to-2-feb"),
        pytest.param(D(2025, 4, 4), 1, D(2025, 4, 8), id="gio-to-2025-monday"),
        pytest.param(D(2025, 4, 25), 1, D(2025, 4, 26), id="swap-2025-saturday-26-apr-worked"),
        pytest.param(D(2025, 4, 29), 1, D(2025, 5, 5), id="swap-2025-friday-2-may-off"),
        pytest.param(D(2025, 8, 29), 1, D(2025, 9, 3), id="national-day-2025-mon-tue"),
        pytest.param(D(2026, 2, 13), 1, D(2026, 2, 23), id="tet-2026-16-to-20-feb"),
        pytest.param(D(2026, 4, 24), 1, D(2026, 4, 28), id="gio-to-2026-sunday-substitute-monday"),
        pytest.param(D(2026, 4, 29), 1, D(2026, 5, 4), id="april-30-may-1-2026"),
        pytest.param(D(2026, 8, 21), 1, D(2026, 8, 22), id="swap-2026-saturday-22-aug-worked"),
        pytest.param(D(2026, 8, 28), 1, D(2026, 9, 3), id="swap-2026-31-aug-off-then-1-2-sep"),
    ],
)
def test_holiday_table(vn_calendar, start, n, expected):
    assert add_working_days(start, n, vn_calendar).due_date == expected


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2023, 9, 4), "substitute_day_off"),
        (D(2024, 2, 8), "public_holiday"),
        (D(2024, 4, 29), "swap_day_off"),
        (D(2024, 5, 4), "makeup_working_day"),
        (D(2025, 5, 2), "swap_day_off"),
        (D(2025, 4, 26), "makeup_working_day"),
        (D(2026, 8, 31), "swap_day_off"),
        (D(2026, 8, 22), "makeup_working_day"),
    ],
)
def test_kinds_in_the_calendar(vn_calendar, day, kind):
    assert vn_calendar.exception(day).kind == kind
    assert is_working_day(day, vn_calendar) is (kind == "makeup_working_day")


def test_local_day_off_overrides_a_makeup_day(calendar_with):
    cal = calendar_with(
        extra={D(2024, 5, 4): DayException("local_day_off", "Lễ hội địa phương", "QĐ 1/UBND")}
    )
    assert add_working_days(D(2024, 4, 26), 5, cal).due_date == D(2024, 5, 8)


def test_unit_makeup_day_on_a_saturday_counts(calendar_with):
    cal = calendar_with(
        extra={D(2024, 3, 9): DayException("makeup_working_day", "Làm bù", "QĐ 2/UBND", "unit")}
    )
    result = add_working_days(D(2024, 3, 8), 1, cal)
    assert result.due_date == D(2024, 3, 9)
    assert "ngày làm bù: Làm bù (QĐ 2/UBND)" in result.lines()[1]


def test_weekly_rest_is_policy(calendar_with):
    six_day_week = calendar_with(weekly_rest=frozenset({6}))
    assert add_working_days(D(2024, 3, 8), 1, six_day_week).due_date == D(2024, 3, 9)


# --- Day zero and the 15:00 cut-off (NĐ 61/2018 Điều 20) --------------------------------------


@pytest.mark.parametrize(
    ("accepted_at", "zero", "reason", "due_date"),
    [
        pytest.param(local(2024, 3, 5, 14, 59), D(2024, 3, 5), "in_time", D(2024, 3, 6), id="14:59"),
        pytest.param(local(2024, 3, 5, 15, 0, 0), D(2024, 3, 5), "in_time", D(2024, 3, 6), id="15:00:00"),
        pytest.param(
            local(2024, 3, 5, 15, 0, 1), D(2024, 3, 6), "after_cutoff", D(2024, 3, 7), id="15:00:01"
        ),
        pytest.param(
            dt.datetime(2024, 3, 5, 8, 30, tzinfo=dt.UTC),
            D(2024, 3, 6),
            "after_cutoff",
            D(2024, 3, 7),
            id="utc",
        ),
        pytest.param(
            local(2024, 3, 9, 9, 0), D(2024, 3, 11), "non_working_day", D(2024, 3, 12), id="saturday"
        ),
        pytest.param(
            local(2024, 3, 8, 16, 0), D(2024, 3, 11), "after_cutoff", D(2024, 3, 12), id="friday-late"
        ),
        pytest.param(local(2024, 5, 4, 10, 0), D(2024, 5, 4), "in_time", D(2024, 5, 6), id="makeup-saturday"),
        pytest.param(
            local(2024, 2, 7, 16, 30), D(2024, 2, 15), "after_cutoff", D(2024, 2, 16), id="before-tet"
        ),
    ],
)
def test_cutoff(vn_calendar, accepted_at, zero, reason, due_date):
    assert day_zero(accepted_at, vn_calendar).day == zero
    assert day_zero(accepted_at, vn_calendar).reason == reason
    assert add_working_days(accepted_at, 1, vn_calendar).due_date == due_date


def test_cutoff_disabled_or_moved(calendar_with):
    late = local(2024, 3, 5, 16, 30)
    assert day_zero(late, calendar_with(cutoff_enabled=False)).day == D(2024, 3, 5)
    assert day_zero(late, calendar_with(cutoff_time=dt.time(16, 30))).day == D(2024, 3, 5)
    assert day_zero(late, calendar_with(cutoff_time=dt.time(16, 0))).day == D(2024, 3, 6)


def test_cutoff_trace(vn_calendar):
    lines = add_working_days(local(2024, 2, 7, 16, 30), 3, vn_calendar).lines()
    assert lines[0] == (
        "Tiếp nhận lúc 16:30 ngày 07/02/2024 (Thứ Tư), sau giờ chốt 15:00: ngày bắt đầu chuyển sang "
        "ngày làm việc tiếp theo (NĐ 61/2018/NĐ-CP Điều 20)"
    )
    assert "15/02/2024 (Thứ Năm): ngày 0 — không tính vào thời hạn (BLDS 2015 Điều 147 khoản 2)" in lines


def test_a_plain_date_is_day_zero_even_on_a_rest_day(vn_calendar):
    # Start excluded (BLDS 2015 Điều 147): Saturday + 1 working day is Monday.
    assert add_working_days(D(2024, 3, 9), 1, vn_calendar).due_date == D(2024, 3, 11)
    assert add_working_days(D(2024, 3, 9), 0, vn_calendar).due_date == D(2024, 3, 9)


def test_next_working_day(vn_calendar):
    assert next_working_day(D(2024, 2, 7), vn_calendar) == D(2024, 2, 15)
    assert next_working_day(D(2024, 5, 3), vn_calendar) == D(2024, 5, 4)


# --- Office hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted_at", "hours", "expected"),
    [
        pytest.param(local(2024, 3, 1, 16, 0), 8, local(2024, 3, 4, 16, 0), id="friday-16h-plus-8"),
        pytest.param(local(2024, 3, 5, 10, 0), 2, local(2024, 3, 5, 14, 0), id="over-lunch"),
        pytest.param(local(2024, 3, 5, 7, 0), 4, local(2024, 3, 5, 11, 0), id="ends-at-closing"),
        pytest.param(local(2024, 3, 5, 12, 0), 1, local(2024, 3, 5, 14, 0), id="received-at-lunch"),
        pytest.param(local(2024, 3, 5, 18, 0), 1, local(2024, 3, 6, 8, 0), id="received-after-hours"),
        pytest.param(local(2024, 3, 5, 9, 0), Decimal("1.5"), local(2024, 3, 5, 10, 30), id="fraction"),
        pytest.param(local(2024, 3, 5, 9, 0), 0, local(2024, 3, 5, 9, 0), id="zero"),
        pytest.param(local(2024, 2, 7, 16, 0), 2, local(2024, 2, 15, 8, 0), id="across-tet"),
        pytest.param(local(2024, 5, 3, 16, 0), 2, local(2024, 5, 4, 8, 0), id="makeup-saturday-monday-hours"),
    ],
)
def test_working_hours(vn_calendar, accepted_at, hours, expected):
    result = add_working_hours(accepted_at, hours, vn_calendar)
    assert result.due_at == expected
    assert result.due_date == expected.date()
    assert working_time_between(accepted_at, result.due_at, vn_calendar) == dt.timedelta(hours=float(hours))


def test_makeup_saturday_uses_saturday_hours_when_configured(calendar_with):
    hours = {**{d: engine.SEED_HOURS for d in range(5)}, 5: ((dt.time(7, 30), dt.time(11, 30)),)}
    cal = calendar_with(office_hours=hours)
    assert add_working_hours(local(2024, 5, 3, 16, 0), 2, cal).due_at == local(2024, 5, 4, 8, 30)
    # An ordinary Saturday stays a rest day although the desk has Saturday hours.
    assert add_working_hours(local(2024, 3, 8, 16, 0), 2, cal).due_at == local(2024, 3, 11, 8, 0)


def test_hours_trace(vn_calendar):
    lines = add_working_hours(local(2024, 3, 1, 16, 0), 8, vn_calendar).lines()
    assert lines[0].startswith("Tiếp nhận lúc 16:00 ngày 01/03/2024 (Thứ Sáu): thời hạn tính bằng giờ")
    assert "01/03/2024 (Thứ Sáu) 16:00–17:00: tính 1 giờ (lũy kế 1 giờ)" in lines
    assert "04/03/2024 (Thứ Hai) 13:00–16:00: tính 3 giờ (lũy kế 8 giờ)" in lines
    assert lines[-1] == "Hạn giải quyết: 16:00 ngày 04/03/2024 (Thứ Hai)"


def test_hours_need_a_moment_and_office_hours(calendar_with, vn_calendar):
    with pytest.raises(TypeError):
        add_working_hours(D(2024, 3, 5), 2, vn_calendar)
    with pytest.raises(ValueError, match="office hours"):
        add_working_hours(local(2024, 3, 5, 9), 2, calendar_with(office_hours={}))


def test_working_time_between(vn_calendar):
    assert working_time_between(local(2024, 3, 1, 16), local(2024, 3, 4, 9), vn_calendar) == dt.timedelta(
        hours=3
    )
    assert working_time_between(local(2024, 3, 4, 9), local(2024, 3, 1, 16), vn_calendar) == -dt.timedelta(
        hours=3
    )
    assert working_time_between(local(2024, 2, 7, 17), local(2024, 2, 15, 7), vn_calendar) == dt.timedelta(0)


# --- Calendar days, months, same day (BLDS 2015 Điều 148) -------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2024, 3, 4), 3, D(2024, 3, 7), id="plain"),
        pytest.param(D(2024, 3, 6), 4, D(2024, 3, 11), id="ends-sunday-rolls-to-monday"),
        pytest.param(D(2024, 4, 19), 11, D(2024, 5, 2), id="ends-on-30-april-rolls-past-1-may"),
        pytest.param(D(2024, 4, 26), 8, D(2024, 5, 4), id="ends-on-makeup-saturday-stays"),
        pytest.param(D(2024, 1, 29), 10, D(2024, 2, 15), id="ends-in-tet"),
    ],
)
def test_calendar_days(vn_calendar, start, n, expected):
    assert add_calendar_days(start, n, vn_calendar).due_date == expected


def test_calendar_days_trace_rolls_forward(vn_calendar):
    lines = add_calendar_days(D(2024, 3, 6), 4, vn_calendar).lines()
    assert "10/03/2024 (Chủ Nhật): ngày cuối của thời hạn 4 ngày" in lines
    assert (
        "Ngày cuối rơi vào ngày nghỉ: thời hạn kết thúc vào ngày làm việc tiếp theo, 11/03/2024 (Thứ Hai) "
        "(BLDS 2015 Điều 148 khoản 5)"
    ) in lines


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), id="31-jan-leap-year"),
        pytest.param(D(2023, 1, 31), 1, D(2023, 2, 28), id="31-jan"),
        pytest.param(D(2023, 11, 30), 3, D(2024, 2, 29), id="across-year"),
        pytest.param(D(2024, 10, 10), 1, D(2024, 11, 11), id="ends-sunday-rolls-to-monday"),
        pytest.param(D(2024, 3, 29), 1, D(2024, 5, 2), id="ends-on-swap-day-rolls-past-holidays"),
        pytest.param(D(2024, 3, 15), 0, D(2024, 3, 15), id="zero"),
    ],
)
def test_months(vn_calendar, start, n, expected):
    assert add_months(start, n, vn_calendar).due_date == expected


@pytest.mark.parametrize(
    ("accepted_at", "expected"),
    [
        pytest.param(local(2024, 3, 5, 9, 0), local(2024, 3, 5, 17, 0), id="morning"),
        pytest.param(local(2024, 3, 5, 16, 0), local(2024, 3, 6, 17, 0), id="after-cutoff"),
        pytest.param(local(2024, 3, 9, 9, 0), local(2024, 3, 11, 17, 0), id="saturday"),
    ],
)
def test_same_day(vn_calendar, accepted_at, expected):
    result = same_day(accepted_at, vn_calendar)
    assert result.due_at == expected
    assert result.lines()[-1].startswith("Hạn giải quyết: trong ngày, trước 17:00 ngày")


@pytest.mark.parametrize(
    ("unit", "value", "due_at"),
    [
        ("working_day", 3, local(2024, 2, 20, 0, 0)),  # 24:00 of Mon 19/2
        ("day", 3, local(2024, 2, 16, 0, 0)),  # Sat 10/2 is Tết: rolled to Thu 15/2
        ("month", 1, local(2024, 3, 8, 0, 0)),  # Thu 07/3
        ("hour", 8, local(2024, 2, 15, 14, 0)),  # 3 h on 07/2, 5 h on 15/2
        ("working_hour", 8, local(2024, 2, 15, 14, 0)),
        ("same_day", 0, local(2024, 2, 7, 17, 0)),
    ],
)
def test_due_dispatch(vn_calendar, unit, value, due_at):
    result = due(local(2024, 2, 7, 14, 0), value, unit, vn_calendar)
    assert result.unit == unit
    assert result.due_at == due_at


def test_due_at_is_24h_of_the_due_date(vn_calendar):
    result = due(local(2024, 2, 7, 14, 0), 3, TimeUnit.WORKING_DAY, vn_calendar)
    assert result.due_date == D(2024, 2, 19)
    assert result.due_at == local(2024, 2, 20, 0, 0)
    assert result.office_close_at == local(2024, 2, 19, 17, 0)


# --- Counting --------------------------------------------------------------------------------


def test_count_working_days(vn_calendar):
    assert count_working_days(D(2024, 4, 26), D(2024, 5, 7), vn_calendar) == 5
    assert count_working_days(D(2024, 5, 7), D(2024, 4, 26), vn_calendar) == -5
    assert count_working_days(D(2024, 2, 7), D(2024, 2, 14), vn_calendar) == 0


# --- Results, errors, range ------------------------------------------------------------------


def test_result_is_json_ready(vn_calendar):
    data = add_working_days(local(2024, 4, 26, 16, 0), 5, vn_calendar).as_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert data["due_date"] == "2024-05-08"
    assert '"event": "counted"' in text
    assert data["trace"][0] == {
        "event": "received",
        "day": "2024-04-26",
        "reason": "after_cutoff",
        "at": "2024-04-26T16:00:00+07:00",
        "cutoff": "15:00:00",
    }


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_rejects_bad_values(vn_calendar, bad):
    with pytest.raises(ValueError, match="non-negative"):
        add_working_days(D(2024, 3, 5), bad, vn_calendar)


def test_rejects_naive_moments(vn_calendar):
    with pytest.raises(ValueError, match="aware"):
        day_zero(dt.datetime(2024, 3, 5, 9), vn_calendar)


@pytest.mark.parametrize(
    "changes",
    [
        {"weekly_rest": frozenset(range(7))},
        {"weekly_rest": frozenset({7})},
        {"office_hours": {0: ((dt.time(7), dt.time(11)), (dt.time(10), dt.time(12)))}},
        {"office_hours": {0: ((dt.time(11), dt.time(7)),)}},
    ],
)
def test_rejects_bad_calendars(changes):
    with pytest.raises(ValueError):
        WorkCalendar(**changes)


def test_bounded_calendar_raises_outside_its_range(vn_exceptions):
    cal = WorkCalendar(exceptions=vn_exceptions, first=D(2024, 2, 1), last=D(2024, 2, 16))
    assert add_working_days(D(2024, 2, 7), 1, cal).due_date == D(2024, 2, 15)
    with pytest.raises(CalendarRangeError):
        add_working_days(D(2024, 2, 7), 3, cal)


# --- Properties ------------------------------------------------------------------------------

days = st.dates(min_value=D(2023, 1, 1), max_value=D(2026, 10, 31))
counts = st.integers(min_value=1, max_value=60)
moments = st.builds(
    lambda day, minutes: (
        dt.datetime.combine(day, dt.time(0), tzinfo=engine.VN_TZ) + dt.timedelta(minutes=minutes)
    ),
    days,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_count_inverts_add(vn_calendar, start, n):
    due_date = add_working_days(start, n, vn_calendar).due_date
    assert count_working_days(start, due_date, vn_calendar) == n
    assert is_working_day(due_date, vn_calendar)


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_monotonic_in_n(vn_calendar, start, n):
    assert (
        add_working_days(start, n + 1, vn_calendar).due_date
        > add_working_days(start, n, vn_calendar).due_date
    )


@settings(max_examples=200, deadline=None)
@given(a=days, b=days, n=counts)
def test_monotonic_in_start(vn_calendar, a, b, n):
    first, second = sorted((a, b))
    assert (
        add_working_days(first, n, vn_calendar).due_date <= add_working_days(second, n, vn_calendar).due_date
    )


@settings(max_examples=200, deadline=None)
@given(
    accepted_at=moments,
    n=st.integers(min_value=0, max_value=40),
    unit=st.sampled_from(["working_day", "day"]),
)
def test_due_from_a_moment_is_a_working_day(vn_calendar, accepted_at, n, unit):
    result = due(accepted_at, n, unit, vn_calendar)
    assert is_working_day(result.due_date, vn_calendar)
    assert result.due_date >= result.day_zero >= accepted_at.date()


@settings(max_examples=100, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=24))
def test_months_end_on_a_working_day_not_before_the_target(vn_calendar, start, n):
    result = add_months(start, n, vn_calendar)
    assert is_working_day(result.due_date, vn_calendar) or result.due_date == start
    assert result.due_date >= engine.shift_months(start, n)


@settings(max_examples=200, deadline=None)
@given(accepted_at=moments, minutes=st.integers(min_value=1, max_value=60 * 80))
def test_hours_round_trip(vn_calendar, accepted_at, minutes):
    result = add_working_hours(accepted_at, Decimal(minutes) / 60, vn_calendar)
    assert working_time_between(accepted_at, result.due_at, vn_calendar) == dt.timedelta(minutes=minutes)
    assert is_working_day(result.due_date, vn_calendar)
    assert result.due_at > accepted_at
