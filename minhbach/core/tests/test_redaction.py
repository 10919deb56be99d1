"""Personal-data redaction (DOMAIN.md §6.6): realistic citizens' texts, what must stay, properties."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minhbach.core.redaction import Kind, contains_personal_data, extend, find_personal_data, redact

CCCD = "[số CCCD đã ẩn]"
CMND = "[số CMND đã ẩn]"
PHONE = "[số điện thoại đã ẩn]"
EMAIL = "[thư điện tử đã ẩn]"
BHXH = "[mã số BHXH đã ẩn]"
BHYT = "[số thẻ BHYT đã ẩn]"
ADDRESS = "[địa chỉ đã ẩn]"

REDACTED = [
    # A citizen complaining about a late birth registration, giving his ID and phone in various spacings.
    (
        "Tôi nộp hồ sơ đăng ký khai sinh cho cháu từ ngày 07/02/2024 mà đến nay chưa có kết quả. "
        "CCCD của tôi: 049190000123, điện thoại 0905.123.456.",
        f"Tôi nộp hồ sơ đăng ký khai sinh cho cháu từ ngày 07/02/2024 mà đến nay chưa có kết quả. "
        f"CCCD của tôi: {CCCD}, điện thoại {PHONE}.",
        [Kind.CCCD, Kind.MOBILE],
    ),
    ("Số CCCD 049 190 000 123, gọi 0905 123 456", f"Số CCCD {CCCD}, gọi {PHONE}", [Kind.CCCD, Kind.MOBILE]),
    ("CCCD: 049.190.000.123", f"CCCD: {CCCD}", [Kind.CCCD]),
    ("CCCD 049-190-000-123 cấp năm 2021", f"CCCD {CCCD} cấp năm 2021", [Kind.CCCD]),
    ("Liên hệ +84 905 123 456 hoặc 84905123456", f"Liên hệ {PHONE} hoặc {PHONE}", [Kind.MOBILE, Kind.MOBILE]),
    ("Zalo (+84) 912-345-678 nhé", f"Zalo {PHONE} nhé", [Kind.MOBILE]),
    ("SĐT: 0389 999 888, 0779888777", f"SĐT: {PHONE}, {PHONE}", [Kind.MOBILE, Kind.MOBILE]),
    ("Số máy bàn (0235) 3812 345 giờ hành chính", f"Số máy bàn {PHONE} giờ hành chính", [Kind.LANDLINE]),
    ("Gọi 0235.3812.345 hoặc +84 235 3812 345", f"Gọi {PHONE} hoặc {PHONE}", [Kind.LANDLINE, Kind.LANDLINE]),
    (
        "Mọi thông tin xin gửi về nguyenvanan1985@gmail.com giúp tôi.",
        f"Mọi thông tin xin gửi về {EMAIL} giúp tôi.",
        [Kind.EMAIL],
    ),
    ("Email: Tran.Thi-B@yahoo.com.vn.", f"Email: {EMAIL}.", [Kind.EMAIL]),
    ("Mã số BHXH của mẹ tôi là 4910123456.", f"Mã số BHXH của mẹ tôi là {BHXH}.", [Kind.BHXH]),
    ("Thẻ BHYT số DN4797915004732 bị sai tên", f"Thẻ BHYT số {BHYT} bị sai tên", [Kind.BHYT]),
    ("thẻ BHYT HT 3 49 4910123456 hết hạn", f"thẻ BHYT {BHYT} hết hạn", [Kind.BHYT]),
    ("CMND cũ 205123456 đã hết hạn", f"CMND cũ {CMND} đã hết hạn", [Kind.CMND]),
    # Addresses: keyword patterns, flagged for review.
    (
        "Gia đình tôi ở số 12 đường Lê Lợi, phường Hội An.",
        f"Gia đình tôi ở {ADDRESS}, phường Hội An.",
        [Kind.ADDRESS],
    ),
    ("Địa chỉ: 123/4 Nguyễn Trãi, Tam Kỳ", f"Địa chỉ: {ADDRESS}, Tam Kỳ", [Kind.ADDRESS]),
    ("nhà số 123/4 Nguyễn Trãi", ADDRESS, [Kind.ADDRESS]),
    ("ở số 123/4 Nguyễn Trãi", f"ở số {ADDRESS}", [Kind.ADDRESS]),
    ("Tôi ở thôn 3, xã Trà Sơn", f"Tôi ở {ADDRESS}, xã Trà Sơn", [Kind.ADDRESS]),
    ("Tổ 5, phường An Mỹ", f"{ADDRESS}, phường An Mỹ", [Kind.ADDRESS]),
    ("kiệt 45 Hoàng Diệu, hẻm 12, ngõ 8", f"{ADDRESS}, {ADDRESS}, {ADDRESS}", [Kind.ADDRESS] * 3),
    ("số nhà 15 đường Trần Phú", f"{ADDRESS}", [Kind.ADDRESS]),
    ("nhà ở K45/12 Hoàng Diệu", f"nhà ở {ADDRESS}", [Kind.ADDRESS]),
    # Everything at once, as a desk officer would transcribe a phone call.
    (
        "Ông Nguyễn Văn An (CCCD 049190000123, ĐT 0905 123 456, email an.nv@gmail.com, "
        "mã số BHXH 4910123456), trú tại thôn 3 xã Trà Sơn, phản ánh hồ sơ 000.31.15.H49-240304-0001 "
        "trễ hạn, đã nộp lệ phí 50.000 đồng.",
        f"Ông Nguyễn Văn An (CCCD {CCCD}, ĐT {PHONE}, email {EMAIL}, "
        f"mã số BHXH {BHXH}), trú tại {ADDRESS} xã Trà Sơn, phản ánh hồ sơ 000.31.15.H49-240304-0001 "
        f"trễ hạn, đã nộp lệ phí 50.000 đồng.",
        [Kind.CCCD, Kind.MOBILE, Kind.EMAIL, Kind.BHXH, Kind.ADDRESS],
    ),
    # A year written right before the number does not hide it, nor eat half of it.
    ("năm 2024 049 190 000 123", f"năm 2024 {CCCD}", [Kind.CCCD]),
    ("sinh năm 1985 0905123456", f"sinh năm 1985 {PHONE}", [Kind.MOBILE]),
    ("[0905 123 456]", f"[{PHONE}]", [Kind.MOBILE]),
    ("SĐT 0905 123 456.Xin cảm ơn", f"SĐT {PHONE}.Xin cảm ơn", [Kind.MOBILE]),
    ("SĐT.0905123456, ĐT:0905.123.456", f"SĐT.{PHONE}, ĐT:{PHONE}", [Kind.MOBILE, Kind.MOBILE]),
]


@pytest.mark.parametrize(("text", "expected", "kinds"), REDACTED)
def test_redact(text, expected, kinds):
    result = redact(text)
    assert result.text == expected
    assert [hit.kind for hit in result.hits] == kinds
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.value
        assert hit.needs_review == (hit.kind in (Kind.CMND, Kind.ADDRESS))
    assert not contains_personal_data(result.text)
    assert redact(result.text).text == result.text


UNTOUCHED = [
    "Hồ sơ nộp ngày 07/02/2024, hẹn trả ngày 14/02/2024.",
    "Lệ phí 50.000 đồng; phí thẩm định 1.500.000.000 đồng; 2.000.000đ; 1 500 000 000 VNĐ; 1500000000 đồng.",
    "Kế hoạch năm 2024 và năm 2025.",
    "Thủ tục 1.001193 và 2.002623.000.00.00.H49 theo Quyết định 1872/QĐ-BTP.",
    "Kết quả KQ.G15.000033, hồ sơ 000.31.15.H49-240304-0001 và H49.24-240304-0001.",
    "Căn cứ Nghị định 13/2023/NĐ-CP, Luật 91/2025/QH15, Thông tư 01/2018/TT-VPCP.",
    "Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ.",
    "Bộ phận tiếp nhận và trả kết quả (tổ 1 cửa) làm việc từ 7 giờ 30.",
    "Đạt 98,5% hồ sơ đúng hạn; 1.234 hồ sơ; 12 tháng; điểm 18,5/20.",
    "Hồ sơ PAKN.20240207.0001 đã được trả lời.",
    "Quyết định số 12 ngày 07/02/2024; Điều 5 khoản 2.",
    "Hẹn ngày 12/4 Ông An đến nhận kết quả.",
    "Số 0905123456789 là mã giao dịch.",
]


@pytest.mark.parametrize("text", UNTOUCHED)
def test_untouched(text):
    result = redact(text)
    assert result.text == text
    assert result.hits == ()
    assert not contains_personal_data(text)


def test_keep_agency_contacts_but_not_the_citizen():
    text = (
        "Tôi đã gọi đường dây nóng (0235) 3812 345 và gửi thư tới vanphong@quangnam.gov.vn "
        "nhưng chưa ai trả lời. Số của tôi 0905 123 456, thư của tôi an@gmail.com."
    )
    keep = ("0235.3812.345", "VanPhong@QuangNam.gov.vn")
    result = redact(text, keep=keep)
    assert "(0235) 3812 345" in result.text
    assert "vanphong@quangnam.gov.vn" in result.text
    assert [hit.kind for hit in result.hits] == [Kind.MOBILE, Kind.EMAIL]
    assert not contains_personal_data(result.text, keep=keep)
    assert contains_personal_data(result.text)  # without the keep list the hotline is a phone
    assert redact(result.text, keep=keep).text == result.text


def test_keep_literal_protects_inside():
    result = redact("Tổng đài 1900 1234, trực 0236 3822 999 (24/7)", keep=["0236 3822 999"])
    assert result.hits == ()


def test_officer_adds_a_name_and_a_span():
    text = "Tôi là Nguyễn Văn An, nhà cạnh chợ Trà Sơn, CCCD 049190000123."
    first = redact(text)
    assert [hit.kind for hit in first.hits] == [Kind.CCCD]
    start = text.index("nhà cạnh")
    second = extend(first, ["nguyễn văn an", (start, start + len("nhà cạnh chợ Trà Sơn"), Kind.ADDRESS)])
    assert second.text == f"Tôi là [họ tên đã ẩn], {ADDRESS}, CCCD {CCCD}."
    assert [(hit.kind, hit.manual) for hit in second.hits] == [
        (Kind.NAME, True),
        (Kind.ADDRESS, True),
        (Kind.CCCD, False),
    ]
    assert second.original == text
    assert extend(second, []) == second
    assert redact(text, extra=second.extra) == second


def test_officer_span_overlapping_a_hit_widens_it():
    text = "Liên hệ anh Bình 0905 123 456 ạ"
    start = text.index("anh Bình")
    result = redact(text, extra=[(start, text.index(" ạ") - 4)])
    assert result.text == "Liên hệ [thông tin cá nhân đã ẩn] ạ"
    assert result.hits[0].value == "anh Bình 0905 123 456"


def test_officer_span_outside_the_text_is_refused():
    with pytest.raises(ValueError, match="outside"):
        redact("ngắn", extra=[(2, 10)])


def test_find_and_review_flags():
    hits = find_personal_data("CMND 205123456, thôn 3, ĐT 0905123456")
    assert [(hit.kind, hit.needs_review) for hit in hits] == [
        (Kind.CMND, True),
        (Kind.ADDRESS, True),
        (Kind.MOBILE, False),
    ]
    assert redact("thôn 3").needs_review
    assert not redact("ĐT 0905123456").needs_review


def test_contiguous_number_is_not_cut():
    # A phone inside a longer contiguous digit string is not a phone; a 12-digit CCCD is not a CMND.
    assert redact("0905123456789").hits == ()
    assert [hit.kind for hit in redact("049190000123").hits] == [Kind.CCCD]


def test_empty():
    assert redact("").text == ""
    assert not contains_personal_data("")


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

WORDS = [
    "tôi",
    "hồ sơ",
    "đăng ký",
    "khai sinh",
    "chậm",
    "trễ hạn",
    "xin",
    "cảm ơn",
    "cán bộ",
    "UBND",
    "xã",
    "Trà Sơn",
    "điện thoại",
    "CCCD",
    "gọi",
    "cho",
    "con",
    "Nguyễn Văn An",
    "đã",
    "nộp",
    "ngày",
    "phản ánh",
    "Quảng Nam",
    "BHXH",
    "mã số",
    "liên hệ",
    ",",
    ".",
    ":",
    "(",
    ")",
]
ADDRESS_WORDS = ["thôn", "tổ", "kiệt", "hẻm", "ngõ", "số nhà", "số", "đường", "Lê Lợi", "khối", "xóm"]


def split(digits: str):
    """``digits`` cut in random groups joined by random separators among " ", ".", "-", ""."""
    return st.lists(st.integers(1, len(digits) - 1), max_size=4, unique=True).flatmap(
        lambda cuts: st.lists(
            st.sampled_from([" ", ".", "-", ""]), min_size=len(cuts), max_size=len(cuts)
        ).map(lambda seps: _join(digits, sorted(cuts), seps))
    )


def _join(digits, cuts, seps):
    out, previous = [], 0
    for cut, sep in zip(cuts, seps, strict=True):
        out += [digits[previous:cut], sep]
        previous = cut
    out.append(digits[previous:])
    return "".join(out)


def digits(n):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


cccd = st.tuples(st.integers(1, 96), digits(9)).map(lambda t: f"{t[0]:03d}{t[1]}").flatmap(split)
cmnd = digits(9).flatmap(split)
bhxh = digits(10).flatmap(split)
mobile_digits = st.tuples(st.sampled_from("35789"), digits(8)).map(lambda t: t[0] + t[1])
mobile = st.one_of(
    mobile_digits.map(lambda d: "0" + d).flatmap(split),
    mobile_digits.map(lambda d: "84" + d).flatmap(split),
    mobile_digits.map(lambda d: "84" + d).flatmap(split).map(lambda s: "+" + s),
)
landline = st.one_of(
    digits(9).map(lambda d: "02" + d).flatmap(split),
    digits(9).map(lambda d: "842" + d).flatmap(split).map(lambda s: "+" + s),
)
shapes = st.one_of(cccd, cmnd, bhxh, mobile, landline)


def separators_removed(text: str) -> str:
    return re.sub(r"(?<=[0-9])[ .\-]+(?=[0-9])", "", text)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), shapes), min_size=1, max_size=12))
def test_no_id_shaped_run_survives(tokens):
    text = " ".join(tokens)
    result = redact(text)
    for run in re.findall(r"[0-9]+", separators_removed(result.text)):
        assert len(run) not in (9, 10, 12), (text, result.text)
        assert not re.fullmatch(r"84[35789][0-9]{8}|02[0-9]{9}", run), (text, result.text)
    assert not contains_personal_data(result.text), (text, result.text)
    assert redact(result.text).text == result.text


@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS + ADDRESS_WORDS),
            st.text(st.characters(exclude_characters="0123456789@", exclude_categories=["Cs"])),
        ),
        max_size=12,
    ).map(" ".join)
)
def test_text_without_digits_or_at_is_unchanged(text):
    # Address keywords only count with a number after them, so they may appear freely here.
    assert redact(text).text == text
    assert not contains_personal_data(text)


noise = st.one_of(
    st.sampled_from(WORDS + ADDRESS_WORDS + ["đồng", "H49", "QĐ", "/", "-", ".", "@", "+", "gmail.com"]),
    shapes,
    st.text(alphabet="0123456789 .-/()+@abcDNĐ", max_size=20),
    st.emails(),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(noise, max_size=12), st.lists(st.sampled_from([" ", "", ", "]), min_size=12, max_size=12))
def test_idempotent(tokens, joints):
    text = "".join(token + joint for token, joint in zip(tokens, joints, strict=False))
    once = redact(text)
    assert redact(once.text).text == once.text, (text, once.text)
    assert not contains_personal_data(once.text), (text, once.text)


@given(st.text())
def test_idempotent_on_any_text(text):
    once = redact(text).text
    assert redact(once).text == once
