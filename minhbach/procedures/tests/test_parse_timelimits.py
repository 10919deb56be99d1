"""Time-limit cells of the national records (DOMAIN.md §3.3 units), table-driven."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minhbach.procedures.importers.common import AbsurdValue
from minhbach.procedures.importers.timelimits import amounts_of_time, parse_time_limit
from minhbach.procedures.models import TimeUnit

W, D, H, WH, M = TimeUnit.WORKING_DAY, TimeUnit.DAY, TimeUnit.HOUR, TimeUnit.WORKING_HOUR, TimeUnit.MONTH
SAME, UNSPEC = TimeUnit.SAME_DAY, TimeUnit.UNSPECIFIED


@pytest.mark.parametrize(
    ("cell", "value", "unit"),
    [
        ("3 Ngày làm việc", Decimal(3), W),
        ("05 ngày làm việc", Decimal(5), W),
        ("15 Ngày", Decimal(15), D),
        ("300 Ngày", Decimal(300), D),
        ("1 Giờ", Decimal(1), H),
        ("8 Giờ làm việc", Decimal(8), WH),
        ("6 Tháng", Decimal(6), M),
        ("0.5 Ngày làm việc", Decimal("0.5"), W),
        ("1,5 ngày làm việc", Decimal("1.5"), W),
        ("Không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", Decimal(5), W),
        ("\t02 Ngày làm việc\t", Decimal(2), W),
        ("Trong ngày", None, SAME),
        ("Giải quyết ngay trong ngày", None, SAME),
        ("Trả ngay khi nhận đủ hồ sơ", None, SAME),
    ],
)
def test_stated_limits_are_parsed(cell, value, unit):
    limit = parse_time_limit(cell)
    assert (limit.value, limit.unit, limit.needs_review) == (value, unit, False)
    assert limit.text == cell.strip()


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "Không có thông tin",
        "Không quy định",
        "Không",
        "Không phải trả kết quả cho người nộp thuế",
        "Theo quy định của Ủy ban nhân dân cấp tỉnh",
    ],
)
def test_no_stated_limit_is_unspecified_not_an_error(cell):
    limit = parse_time_limit(cell)
    assert (limit.value, limit.unit, limit.needs_review, limit.note) == (None, UNSPEC, False, "")
    assert limit.text == cell


@pytest.mark.parametrize(
    ("cell", "evidence", "value", "unit"),
    [
        # bo-tai-chinh/1.011042: "Trực tuyến1 Ngày làm việc…Trực tiếp1Miễn phí"
        ("1", "Trực tuyến1 Ngày làm việcMiễn phíTrực tiếp1Miễn phí", Decimal(1), W),
        ("7", "Miễn phí(Không có)Trong thời hạn 07 ngày làm việc kể từ ngày nhận hồ sơ", Decimal(7), W),
        ("20", "giải quyết trong 20 ngày", Decimal(20), D),
    ],
)
def test_bare_number_is_read_only_with_evidence(cell, evidence, value, unit):
    limit = parse_time_limit(cell, evidence=evidence)
    assert (limit.value, limit.unit, limit.needs_review) == (value, unit, False)


@pytest.mark.parametrize(
    ("cell", "evidence"),
    [
        ("7", ""),  # bo-tu-phap/1.000080: "Trực tuyến7Miễn phí(Mức lệ phí cụ thể do HĐND…)"
        ("1", "03 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ."),  # a different number
        ("5", "05 ngày làm việc đối với hồ sơ A; 05 ngày đối với hồ sơ B"),  # two units
        ("15", "ký ngày 15 tháng 12 năm 2020"),  # a date, not "15 tháng"
        ("0", ""),
    ],
)
def test_bare_number_without_evidence_is_flagged_not_guessed(cell, evidence):
    limit = parse_time_limit(cell, evidence=evidence)
    assert (limit.value, limit.unit, limit.needs_review) == (None, UNSPEC, True)
    assert limit.text == cell and cell in limit.note


@pytest.mark.parametrize(
    "cell",
    [
        "Hệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động.",
        "05 ngày làm việc (trường hợp A) hoặc 10 ngày làm việc (trường hợp B)",
        "2 Tuần",
        "0 Ngày làm việc",
        "1.500 Ngày",  # thousands or a fraction?
    ],
)
def test_unreadable_cells_are_flagged_with_the_text_kept(cell):
    limit = parse_time_limit(cell)
    assert (limit.value, limit.unit, limit.needs_review) == (None, UNSPEC, True)
    assert limit.text == cell and limit.note


@pytest.mark.parametrize("cell", ["100000 Ngày làm việc", "5000 Ngày", "121 Tháng", "9000 Giờ"])
def test_absurd_values_refuse_the_record(cell):
    with pytest.raises(AbsurdValue, match="vượt quá"):
        parse_time_limit(cell)


def test_amounts_of_time_skip_dates_and_prefer_the_long_unit():
    text = "Trong 05 ngày làm việc kể từ ngày 15 tháng 12; trả trong 2 giờ"
    assert amounts_of_time(text) == {(Decimal(5), W), (Decimal(2), H)}
