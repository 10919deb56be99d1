"""A hand-built month across Tết 2024: every dossier indicator equals the value computed by hand.

Unit X, period 01–29/02/2024 (Tết holidays 08–14/02). Dossiers (due dates are 17:00):

 #  accepted  due    end                     counts in 2.1 as
 1  25/01     05/02  finished 05/02          closed on time (carried over)
 2  01/02     06/02  finished 15/02, ret 16  closed late
 3  20/02     05/03  open                    open, within time at 29/02
 4  05/02     20/02  open                    open, overdue at 29/02
 5  02/02     28/02  finished 27/02, 2 suppl closed late (rule 3)
 6  03/02     15/02  waiting supplement 07/02 open, within time (judged at the request)
 7  06/02     09/02  withdrawn 07/02         not counted (other applicant)
 8  10/01     25/01  finished 20/01          outside the period
 9  10/02     27/02  returned 26/02, online  closed on time; e-result; rated satisfied
10  16/02     23/02  returned 22/02          closed on time; rated not satisfied

By hand: 2.1 = (3 closed on time + 2 within) / (5 closed + 3 open) = 5/8 = 62.5 %;
K1 = 2/5 = 40 %; 5.4 = (2 on time and not flagged + 2 within and not flagged) / 8 = 50 %;
C3 = 5/7 (accepted in P, not withdrawn, minus #5 and #6 with post-acceptance requests);
online 1/8 = 12.5 %; survey 1/2 = 50 %; 4.1 = 1/5 = 20 %.
Points: 2.1 = 20 × 0.625 = 12.5; 3.3 = 4 × 12.5/50 = 1; 4.1 = 6 × 0.2 = 1.2; 5.4 = 6 × 50/90.
Groups: G2 = 12.5; G3a = 12 × 1/4 = 3 (3.1, 3.2 N/A: no assigned procedures); G3b N/A (no fees);
G4 = 22 × 1.2/12 = 2.2; G5 = 18 × (10/3)/6 = 10 (5.2, 5.3 N/A: no feedback); G1 N/A (province only).
Total = 100 × (12.5 + 3 + 2.2 + 10) / (20 + 12 + 22 + 18) = 38.47.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from minhbach.indicators import rollups
from minhbach.indicators.compute import table

START, END = dt.date(2024, 2, 1), dt.date(2024, 2, 29)


def q(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


EXPECTED = {
    "C4": ("5", "8", "62.50"),
    "2.1": ("5", "8", "62.50"),
    "K1": ("2", "5", "40.00"),
    "K4": ("4", "8", "50.00"),
    "5.4": ("4", "8", "50.00"),
    "C3": ("5", "7", "71.43"),
    "K2": ("1", "8", "12.50"),
    "3.3": ("1", "8", "12.50"),
    "SAT": ("1", "2", "50.00"),
    "4.1": ("1", "5", "20.00"),
    "4.2": ("0", "8", "0.00"),
}


@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_hand_built_month_across_tet(scenario, source):
    _committee, x, _y = scenario
    result = table(x, START, END, source=source)
    for code, (num, den, value) in EXPECTED.items():
        cell = result.cell(code)
        assert (q(cell.ratio.numerator), q(cell.ratio.denominator), q(cell.value)) == (
            q(num), q(den), q(value),
        ), code  # fmt: skip
    assert q(result.cell("2.1").points) == q("12.5")
    assert q(result.cell("3.3").points) == q("1")
    assert q(result.cell("4.1").points) == q("1.2")
    assert q(result.cell("5.4").points) == q(Decimal(6) * 50 / 90)
    groups = {g.group.code: g for g in result.groups}
    assert q(groups["766-2"].score) == q("12.5")
    assert q(groups["766-3a"].score) == q("3")
    assert groups["766-3b"].score is None  # no fee-bearing dossiers or procedures: N/A, not 0
    assert q(groups["766-4"].score) == q("2.2")
    assert q(groups["766-5"].score) == q("10")
    assert groups["766-1"].score is None
    assert q(result.total) == q("38.47")
    # Campaign targets: K1 misses "< 5 %", K4 misses "≥ 90 %".
    assert result.cell("K1").meets is False
    assert result.cell("K4").meets is False
    assert result.cell("K3").na and result.cell("K3").na_reason


def test_na_unit_and_subtree_sum(scenario):
    committee, x, y = scenario
    empty = table(y, START, END)
    assert all(cell.na for cell in empty.cells if cell.definition.family == "dossier")
    assert empty.total is None  # every group N/A: the total is N/A, never 0
    whole = table(committee, START, END)
    assert whole.cell("2.1").ratio == table(x, START, END).cell("2.1").ratio


def test_open_dossiers_are_judged_at_the_end_of_each_period(scenario):
    _committee, x, _y = scenario
    # At 19/02 dossier 4 (due 20/02) is still within time; at 29/02 it is overdue.
    early = table(x, START, dt.date(2024, 2, 19)).cell("2.1")
    late = table(x, START, END).cell("2.1")
    assert early.ratio.numerator - early.ratio.denominator > late.ratio.numerator - late.ratio.denominator


def test_a_service_transition_updates_the_rollups(scenario, make_dossier):
    from minhbach.dossiers import services

    _committee, x, _y = scenario
    before = table(x, START, END).cell("2.1").ratio
    open_one = make_dossier(agency=x, accepted="2024-02-21 09:00", due="2024-02-26 17:00")
    rollups.refresh([open_one.pk])
    assert table(x, START, END).cell("2.1").ratio.denominator == before.denominator + 1
    services.dossier_finish(
        actor=None, dossier=open_one, at=dt.datetime.fromisoformat("2024-02-23T10:00+07:00")
    )
    after = table(x, START, END).cell("2.1").ratio
    assert (after.numerator, after.denominator) == (before.numerator + 1, before.denominator + 1)
    assert after == table(x, START, END, source="raw").cell("2.1").ratio


def test_table_queries_are_bounded(scenario, django_assert_max_num_queries):
    committee, _x, _y = scenario
    with django_assert_max_num_queries(20):
        table(committee, START, END)


def test_command_prints_the_full_table_as_json(scenario):
    out = StringIO()
    call_command("indicators", "--unit", "000.08.15.H49", "--from", "2024-02-01", "--to", "2024-02-29",
                 "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    codes = [i["code"] for g in data["groups"] for i in g["indicators"]]
    assert {"C1", "C4", "K1", "K4", "2.1", "5.4", "SAT"} <= set(codes)
    by_code = {i["code"]: i for g in data["groups"] for i in g["indicators"]}
    assert by_code["2.1"]["value"] == "62.50"
    assert by_code["K3"]["value"] is None and by_code["K3"]["na"] is True
    assert data["total_766"] == "38.47"


def test_command_rejects_bad_input(scenario):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command("indicators", "--unit", "nope", "--from", "2024-02-01", "--to", "2024-02-29")
    with pytest.raises(CommandError, match="Ngày"):
        call_command("indicators", "--unit", "000.08.15.H49", "--from", "2024-02-31", "--to", "2024-02-29")


def test_xlsx_report_has_a_sheet_per_unit_and_the_formulas(scenario, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "bang.xlsx"
    call_command("indicators", "--unit", "000.08.15.H49", "--from", "2024-02-01", "--to", "2024-02-29",
                 "--format", "xlsx", "--output", str(target), stdout=StringIO())  # fmt: skip
    book = load_workbook(target)
    assert book.sheetnames == ["Phòng X", "Công thức"]
    values = [c.value for row in book["Phòng X"].iter_rows() for c in row]
    assert "62.50" in values and "38.47" in values
