"""``manage.py workdays``: the stable command-line interface other tools call."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connections

from minhbach.core.management.commands.workdays import Command
from minhbach.core.models import CalendarDay
from minhbach.units.services import agency_update_settings

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [("2024-04-26", "5", "2024-05-07"), ("2024-02-07", "3", "2024-02-19"), ("2023-08-31", "2", "2023-09-06")],
)
def test_add_prints_exactly_the_due_date(seeded_calendar, start, n, expected):
    assert run("add", start, n) == (f"{expected}\n", "")


def test_add_seeds_missing_years_and_says_so():
    out, err = run("add", "2024-04-26", "5")
    assert out == "2024-05-07\n"
    assert "Lịch năm 2024 chưa có: đã khởi tạo 15 ngày" in err
    assert CalendarDay.objects.filter(date__year=2024, source="seed").count() == 15
    assert run("add", "2024-04-26", "5") == ("2024-05-07\n", "")


def test_add_seeds_the_year_the_period_runs_into(seeded_calendar):
    out, err = run("add", "2026-12-30", "3")
    assert out == "2027-01-05\n"  # 01/01/2027 is a holiday
    assert "Lịch năm 2027 chưa có" in err


def test_add_with_an_agency_applies_its_cutoff(seeded_calendar, agency):
    assert run("add", "2024-02-07T16:30", "3", "--unit", agency.electronic_code)[0] == "2024-02-20\n"
    assert run("add", "2024-02-07T14:59", "3", "--unit", agency.slug)[0] == "2024-02-19\n"
    agency_update_settings(actor=None, agency=agency, cutoff_enabled=False)
    assert run("add", "2024-02-07T16:30", "3", "--unit", agency.slug)[0] == "2024-02-19\n"


def test_a_moment_with_an_offset(seeded_calendar):
    # 09:30 UTC is 16:30 in Việt Nam: after the cut-off.
    assert run("add", "2024-02-07T09:30+00:00", "3")[0] == "2024-02-20\n"


def test_explain_lists_the_tet_days(seeded_calendar):
    lines = run("explain", "2024-02-07", "3")[0].splitlines()
    assert lines[0] == "07/02/2024 (Thứ Tư): ngày 0 — không tính vào thời hạn (BLDS 2015 Điều 147 khoản 2)"
    assert "08/02/2024 (Thứ Năm): nghỉ lễ, Tết — 29 Tết (BLLĐ 2019 Điều 112)" in lines
    assert "10/02/2024 (Thứ Bảy): nghỉ lễ, Tết — Tết Nguyên Đán (BLLĐ 2019 Điều 112)" in lines
    assert "19/02/2024 (Thứ Hai): ngày làm việc thứ 3" in lines
    assert "Hạn giải quyết: 24:00 ngày 19/02/2024 (Thứ Hai) (BLDS 2015 Điều 148 khoản 6)" in lines
    assert "Bộ quy tắc áp dụng: vn-2018 v1" in lines
    assert lines[-1] == "2024-02-19"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("2024-03-01T16:00", "8", "--unit-kind", "hour"), "2024-03-04T16:00+07:00"),
        (("2024-03-01T16:00", "1.5", "--unit-kind", "working_hour"), "2024-03-04T07:30+07:00"),
        (("2024-03-05T16:00", "0", "--unit-kind", "same_day"), "2024-03-06T17:00+07:00"),
        (("2024-03-06", "4", "--unit-kind", "day"), "2024-03-11"),
        (("2024-01-31", "1", "--unit-kind", "month"), "2024-02-29"),
        (("2024-04-26", "5", "--unit-kind", "working_day"), "2024-05-07"),
    ],
)
def test_other_units(seeded_calendar, args, expected):
    assert run("add", *args)[0] == f"{expected}\n"


@time_machine.travel("2024-02-07 16:30 +0700", tick=False)
def test_now_and_today(seeded_calendar):
    assert run("add", "now", "3")[0] == "2024-02-20\n"
    assert run("add", "today", "3")[0] == "2024-02-19\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2024-02-30", "3"), "Ngày bắt đầu «2024-02-30» không hợp lệ"),
        (("add", "hôm qua", "3"), "không hợp lệ"),
        (("add", "2024-02-07", "-1"), "Thời hạn phải là số không âm"),
        (("add", "2024-02-07", "ba"), "không phải là một số"),
        (("add", "2024-02-07", "1.5"), "phải là số nguyên"),
        (("add", "2024-02-07", "99999"), "quá lớn"),
        (("add", "2024-02-07", "8", "--unit-kind", "hour"), "cần thời điểm tiếp nhận"),
        (("add", "2024-02-07", "3", "--unit", "KHONG-CO"), "Không tìm thấy cơ quan, đơn vị"),
        (("add", "1990-01-01", "3"), "từ 1995 đến 2099"),
    ],
)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not CalendarDay.objects.exists()


def test_bad_input_from_the_shell_exits_non_zero_without_traceback(monkeypatch, capsys):
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test transaction open
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "workdays", "add", "2024-13-01", "3"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "CommandError: Ngày bắt đầu «2024-13-01» không hợp lệ" in err
    assert "Traceback" not in err
