"""The flattened "Cách thức thực hiện" table → channels × time limit × fees (DOMAIN.md §4.3).

The strings are short excerpts of real records (the file they come from is named).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from minhbach.procedures.importers.channels import parse_channels
from minhbach.procedures.importers.common import AbsurdValue
from minhbach.procedures.models import Channel, TimeUnit

HEAD = "Hình thức nộpThời gianPhí, lệ phíMô tả"
IN_PERSON, ONLINE, POSTAL = Channel.IN_PERSON, Channel.ONLINE, Channel.POSTAL
W, D, H, M, UNSPEC = (
    TimeUnit.WORKING_DAY,
    TimeUnit.DAY,
    TimeUnit.HOUR,
    TimeUnit.MONTH,
    TimeUnit.UNSPECIFIED,
)


def rows(text):
    return [
        (c.channel, c.time_limit_value, c.time_limit_unit, c.needs_review)
        for c in parse_channels(text).channels
    ]


def fees(text):
    return [[(f.amount_vnd, f.needs_review) for f in c.fees] for c in parse_channels(text).channels]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ngan-hang-nha-nuoc/1.001621
        (
            HEAD + "Trực tuyến5 Ngày làm việcMiễn phíDịch vụ bưu chính5 Ngày làm việcMiễn phí"
            "Trực tiếp5 Ngày làm việcMiễn phí",
            [
                (ONLINE, Decimal(5), W, False),
                (POSTAL, Decimal(5), W, False),
                (IN_PERSON, Decimal(5), W, False),
            ],
        ),
        # bo-tai-chinh/3.000084 (calendar days), bo-tai-chinh/3.000141 (hours)
        (
            HEAD + "Trực tuyến30 NgàyMiễn phíTrực tiếp30 NgàyMiễn phí",
            [(ONLINE, 30, D, False), (IN_PERSON, 30, D, False)],
        ),
        (HEAD + "Trực tuyến8 GiờMiễn phí", [(ONLINE, 8, H, False)]),
        # bo-cong-an/1.001010 (months), then a fee in đồng
        (HEAD + "Trực tiếp6 Tháng1,200,000 Việt Nam Đồng", [(IN_PERSON, 6, M, False)]),
        # bo-xay-dung/1.013097: a fraction
        (HEAD + "Trực tiếp1.5 Ngày làm việcMiễn phí", [(IN_PERSON, Decimal("1.5"), W, False)]),
        # bo-xay-dung/6.006586: no time limit stated at all → unspecified, not flagged
        (
            HEAD
            + "Trực tiếpKhông có thông tinKhông có thông tinTrực tuyếnKhông có thông tinKhông có thông tin",
            [(IN_PERSON, None, UNSPEC, False), (ONLINE, None, UNSPEC, False)],
        ),
        # bo-tai-chinh/1.007690 and 1.008325: free-text "no limit" cells
        (
            HEAD + "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíBằng phương thức điện tử."
            "Dịch vụ bưu chínhKhông quy địnhMiễn phíThông qua dịch vụ bưu chính công ích",
            [(ONLINE, None, UNSPEC, False), (POSTAL, None, UNSPEC, False)],
        ),
        # bo-tu-phap/1.000080: a bare number, nothing in the table says which unit → flagged
        (
            HEAD + "Trực tuyến7Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định.)",
            [(ONLINE, None, UNSPEC, True)],
        ),
        # bo-tai-chinh/1.011042: the other row states the unit for the same number
        (
            HEAD + "Trực tuyến1 Ngày làm việcMiễn phíTrực tiếp1Miễn phí",
            [(ONLINE, 1, W, False), (IN_PERSON, 1, W, False)],
        ),
        # bo-cong-an/1.011413: the same channel twice, different limits for different cases
        (
            HEAD + "Trực tuyến7 Ngày làm việcKhông có thông tin- Trường hợp đã kết nối…"
            "Dịch vụ bưu chính30 NgàyKhông có thông tinNộp hồ sơ qua bưu chính (nếu có)."
            "Trực tuyến30 NgàyKhông có thông tin- Trường hợp chưa kết nối…",
            [(ONLINE, 7, W, False), (POSTAL, 30, D, False), (ONLINE, 30, D, False)],
        ),
    ],
)
def test_rows(text, expected):
    assert rows(text) == expected


def test_a_free_text_time_cell_is_read_and_kept_whole():
    (channel,) = parse_channels(
        HEAD + "Trực tiếp05 ngày làm việc kể từ ngày nhận đủ hồ sơMiễn phíNộp tại UBND xã."
    ).channels
    assert (channel.time_limit_value, channel.time_limit_unit, channel.needs_review) == (5, W, False)
    assert channel.time_limit_text == "05 ngày làm việc kể từ ngày nhận đủ hồ sơ"
    assert (channel.fee_text, channel.description) == ("Miễn phí", "Nộp tại UBND xã.")


def test_channel_names_inside_descriptions_do_not_open_rows():
    # bo-cong-an/1.003358 and 1.010041
    text = (
        HEAD
        + "Trực tuyến5 Ngày làm việc145 USD(Thẻ tạm trú: 145 USD/thẻ.)Trực tuyến: nộp hồ sơ trực tuyến qua "
        "Cổng dịch vụ công như: Trực tuyến qua VNeID. Không quá 05 ngày làm việc."
        "Trực tiếp5 Ngày làm việcMiễn phí"
    )
    table = parse_channels(text)
    assert [c.channel for c in table.channels] == [ONLINE, IN_PERSON]
    online = table.channels[0]
    assert online.description.startswith("Trực tuyến: nộp hồ sơ") and online.description.endswith(
        "ngày làm việc."
    )
    assert online.fee_text == "145 USD(Thẻ tạm trú: 145 USD/thẻ.)"
    assert online.time_limit_text == "5 Ngày làm việc"


def test_cells_text_is_kept_verbatim():
    # bo-cong-an/1.001280
    text = (
        HEAD + "Trực tuyến3 Ngày làm việc50,000 Việt Nam Đồng(50.000đ/giấy thông hành (Thông tư số "
        "25/2021/TT-BTC).)Nộp hồ sơ trực tuyến."
    )
    (channel,) = parse_channels(text).channels
    assert channel.time_limit_text == "3 Ngày làm việc"
    assert channel.fee_text == "50,000 Việt Nam Đồng(50.000đ/giấy thông hành (Thông tư số 25/2021/TT-BTC).)"
    assert channel.description == "Nộp hồ sơ trực tuyến."
    assert [(f.amount_vnd, f.basis_text, f.needs_review) for f in channel.fees] == [
        (50000, channel.fee_text, False)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEAD + "Trực tiếp3 Ngày làm việcMiễn phí", [[(0, False)]]),
        (HEAD + "Trực tiếp3 Ngày làm việcKhông có thông tin", [[]]),  # not stated: no fee line
        (HEAD + "Trực tiếp7 Ngày làm việc2,000 Việt Nam Đồng(2.000 đồng/thẻ)", [[(2000, False)]]),
        (HEAD + "Trực tiếp3 Ngày làm việc100,000 VNĐ(Lệ phí: 100.000 đồng/01 lần cấp.)", [[(100000, False)]]),
        # bo-cong-an/3.000169: the cell and its own text disagree → flagged, no amount
        (HEAD + "Trực tuyến5 Ngày làm việc1,500,000 Việt Nam Đồng(150.000 đồng/1 giấy.)", [[(None, True)]]),
        # bo-cong-an/3.000349: entered in thousands
        (HEAD + "Trực tiếp5 Ngày135 VNĐ(Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)", [[(None, True)]]),
        # bo-cong-an/3.000377: "free", but the text names an amount
        (HEAD + "Trực tiếp5 NgàyMiễn phí(20.000.000 đồng/lần)", [[(None, True)]]),
        (HEAD + "Trực tuyến3 Ngày50 USD(+ Thị thực nhiều lần: 50USD/thị thực.)", [[(None, True)]]),
    ],
)
def test_fees(text, expected):
    assert fees(text) == expected


def test_glued_time_and_fee_split_only_when_unambiguous():
    # bo-xay-dung/1.005103: "1" + "40,000" is the only split that leaves a well-formed amount
    (channel,) = parse_channels(HEAD + "Trực tuyến140,000 Việt Nam Đồng").channels
    assert channel.time_limit_text == "1" and channel.needs_review  # still a bare number
    assert [f.amount_vnd for f in channel.fees] == [40000]
    # bo-tai-chinh/2.002011: "1" + "100" or "110" + "0"? Both flagged, nothing guessed.
    table = parse_channels(
        HEAD + "Trực tuyến1100 VNĐ(Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)"
    )
    (channel,) = table.channels
    assert (channel.time_limit_value, channel.time_limit_unit, channel.needs_review) == (None, UNSPEC, True)
    assert [(f.amount_vnd, f.needs_review) for f in channel.fees] == [(None, True)]
    assert channel.fee_text.startswith("1100 VNĐ(Phí công bố")
    assert table.notes == [
        "Trực tuyến: ô thời hạn và ô phí dính liền nhau (“1100 VNĐ”), không tách được chắc chắn"
    ]


def test_every_flag_has_a_note_naming_the_channel():
    table = parse_channels(HEAD + "Trực tuyến7Miễn phíTrực tiếp5 Ngày135 VNĐ(135.000 đồng/lần.)")
    assert [n.split(":")[0] for n in table.notes] == ["Trực tuyến", "Trực tiếp"]


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "Trực tiếp100000 Ngày làm việcMiễn phí",
        HEAD + "Trực tiếp3 Ngày làm việc-50,000 VNĐ",
        HEAD + "Trực tiếp3 Ngày làm việc10,000,000,000,000 VNĐ",
    ],
)
def test_absurd_values_refuse_the_table(text):
    with pytest.raises(AbsurdValue):
        parse_channels(text)


def test_empty_table_is_flagged_as_missing():
    table = parse_channels(HEAD)
    assert table.channels == [] and table.notes
