"""The flattened "Căn cứ pháp lý" table → legal bases (title + number + issuer)."""

from __future__ import annotations

import pytest

from minhbach.procedures.importers.legal import issuer_of, parse_legal_bases

HEADER = "Tên văn bản pháp lýMã văn bản"


def bases(text):
    return [(b.title, b.number, b.issuer) for b in parse_legal_bases(text)]


def test_rows_with_numbers_of_every_kind():
    # bo-tu-phap/1.000080 and bo-tai-chinh/1.009497, shortened
    text = (
        HEADER + "Thông tư Hướng dẫn về phí và lệ phí85/2019/TT-BTC"
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định Luật Hộ tịch123/2015/NĐ-CP"
        "Luật Hộ tịch60/2014/QH13"
        "Nghị quyết số 66.7/2025/NQ-CP của Chính phủ66.7/2025/NQ-CP"
        "Thông tư 08/2025/TT-BTP Nghị định về hộ tịch điện tử87/2020/NĐ-CP"
    )
    assert bases(text) == [
        ("Thông tư Hướng dẫn về phí và lệ phí", "85/2019/TT-BTC", "Bộ Tài chính"),
        (
            "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định Luật Hộ tịch",
            "123/2015/NĐ-CP",
            "Chính phủ",
        ),
        ("Luật Hộ tịch", "60/2014/QH13", "Quốc hội"),
        ("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ", "66.7/2025/NQ-CP", "Chính phủ"),
        ("Thông tư", "08/2025/TT-BTP", "Bộ Tư pháp"),
        ("Nghị định về hộ tịch điện tử", "87/2020/NĐ-CP", "Chính phủ"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the title quotes the number, then the number column repeats it
        (HEADER + "Luật Nhà ở số 27/2023/QH1527/2023/QH15", [("Luật Nhà ở số 27/2023/QH15", "27/2023/QH15")]),
        (HEADER + "Nghị định 155/2020/NĐ-CP155/2020/NĐ-CP", [("Nghị định 155/2020/NĐ-CP", "155/2020/NĐ-CP")]),
        # the next title starts with a capital glued to the suffix, or in lower case
        (
            HEADER
            + "Quy định chi tiết175/2024/NĐ-CPLuật Xây dựng50/2014/QH13quy định về phân cấp144/2025/NĐ-CP",
            [
                ("Quy định chi tiết", "175/2024/NĐ-CP"),
                ("Luật Xây dựng", "50/2014/QH13"),
                ("quy định về phân cấp", "144/2025/NĐ-CP"),
            ],
        ),
        (
            HEADER + "LUẬT HÀNG HẢI95/2015/NĐ-CPLUẬT XÂY DỰNG50/2014/QH13",
            [("LUẬT HÀNG HẢI", "95/2015/NĐ-CP"), ("LUẬT XÂY DỰNG", "50/2014/QH13")],
        ),
        # a title ending in a year: "Luật Doanh nghiệp 2020" + "76/2025/QH15"
        (
            HEADER + "Luật sửa đổi Luật Doanh nghiệp 202076/2025/QH15",
            [("Luật sửa đổi Luật Doanh nghiệp 2020", "76/2025/QH15")],
        ),
        # two numbers in a row: the second is the next row's
        (
            HEADER + "Thông tư ban hành biểu mẫu68/2025/TT-BTC47/2019/TT-BTCThông tư 47",
            [("Thông tư ban hành biểu mẫu", "68/2025/TT-BTC"), ("", "47/2019/TT-BTC"), ("Thông tư 47", "")],
        ),
    ],
)
def test_row_boundaries(text, expected):
    assert [(t, n) for t, n, _issuer in bases(text)] == expected


@pytest.mark.parametrize(
    ("number", "issuer"),
    [
        ("123/2015/NĐ-CP", "Chính phủ"),
        ("60/2014/QH13", "Quốc hội"),
        ("05/2024/UBTVQH15", "Ủy ban Thường vụ Quốc hội"),
        ("30/2021/QĐ-TTg", "Thủ tướng Chính phủ"),
        ("226/2025/QĐ-UBND", ""),  # which province? not guessed
        ("20/2013/TTLT-BYT-BCT-BNNPTNT", ""),  # joint text
    ],
)
def test_issuer(number, issuer):
    assert issuer_of(number) == issuer


@pytest.mark.parametrize("text", ["", "Không có thông tin"])
def test_nothing_stated(text):
    assert parse_legal_bases(text) == []


def test_text_without_the_table_header_keeps_its_numbers():
    # bo-cong-an/3.000337
    text = ": Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu"
    assert [(b.number, b.issuer) for b in parse_legal_bases(text)] == [("269/2016/TT-BTC", "Bộ Tài chính")]
