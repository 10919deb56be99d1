"""One "Phí, lệ phí" cell and its bracket text → a fee line in đồng, or a flag."""

from __future__ import annotations

import pytest

from minhbach.procedures.importers.common import AbsurdValue
from minhbach.procedures.importers.fees import amounts_in_text, parse_fee


@pytest.mark.parametrize(
    ("cell", "bracket", "name", "amount", "flagged"),
    [
        ("Miễn phí", "", "", 0, False),
        ("Miễn phí", "(Miễn lệ phí cho người thuộc hộ nghèo.)", "", 0, False),
        ("50,000 Việt Nam Đồng", "(Lệ phí: 50.000 đồng/hồ sơ)", "Lệ phí", 50000, False),
        ("8,000 VNĐ", "(Phí: 8.000 Đồng/bản sao)", "Phí", 8000, False),
        ("80,000 Việt Nam Đồng", "(/hồ sơ (Thông tư số 61/2023/TT-BTC))", "", 80000, False),
        ("1500000 VNĐ", "", "", 1500000, False),
        ("0 VNĐ", "", "", 0, False),
        ("160,000 Việt Nam Đồng", "(cấp lại do bị hỏng: 320.000đ/hộ chiếu)", "", None, True),
        ("155 VNĐ", "(Thẻ tạm trú: 155 USD/thẻ.)", "", None, True),
        ("10 USD", "(10USD/giấy)", "", None, True),
        ("Miễn phí", "(- Cấp lại do mất: 2.400.000 đồng/lần)", "", None, True),
    ],
)
def test_fee_cells(cell, bracket, name, amount, flagged):
    parsed = parse_fee(cell, bracket)
    fee = parsed.fee
    assert (fee.name, fee.amount_vnd, fee.needs_review, bool(parsed.notes)) == (
        name,
        amount,
        flagged,
        flagged,
    )
    assert fee.basis_text == cell + bracket


def test_not_stated_gives_no_fee_line():
    assert parse_fee("Không có thông tin").fee is None


@pytest.mark.parametrize("cell", ["-50,000 VNĐ", "-10 USD", "20,000,000,000 Việt Nam Đồng"])
def test_absurd_amounts_refuse_the_record(cell):
    with pytest.raises(AbsurdValue):
        parse_fee(cell)


def test_amounts_in_text():
    text = "Lệ phí: 8.000 Đồng; phí 20.000đ/tờ khai; 1,200,000 VNĐ; Nghị định 123/2015/NĐ-CP; Hội đồng"
    assert amounts_in_text(text) == {8000, 20000, 1200000}
