"""The "Kết quả thực hiện" block → results with codes; keywords and description; no portal UI."""

from __future__ import annotations

import pytest

from minhbach.procedures.importers.results import parse_results

PORTAL = (
    "Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --"
    "Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ"
)


def test_result_code_and_portal_junk_removed():
    # bo-tu-phap/1.000080
    block = parse_results(
        "Trích lục đăng ký nhận cha, mẹ, conMã: KQ.G15.000033Từ khóaKhông có thông tinMô tảKhông có thông tin"
        + PORTAL
    )
    assert [(r.name, r.code) for r in block.results] == [
        ("Trích lục đăng ký nhận cha, mẹ, con", "KQ.G15.000033")
    ]
    assert (block.keywords, block.description, block.notes) == ("", "", [])


def test_several_results_keywords_and_description():
    # bo-xay-dung/6.006583 and bo-cong-an/1.004030
    block = parse_results(
        "Thẻ Sỹ quan kiểm tra tàu biển Việt NamMã: KQ.G04.000488Thẻ Sỹ quan kiểm tra nhà nước cảng biển"
        "Mã: KQ.G04.000489Từ khóaTuyển chọn, gọi công dânMô tảCấp thẻ cho sỹ quan."
    )
    assert [(r.name, r.code) for r in block.results] == [
        ("Thẻ Sỹ quan kiểm tra tàu biển Việt Nam", "KQ.G04.000488"),
        ("Thẻ Sỹ quan kiểm tra nhà nước cảng biển", "KQ.G04.000489"),
    ]
    assert (block.keywords, block.description) == ("Tuyển chọn, gọi công dân", "Cấp thẻ cho sỹ quan.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giấy phépMã: KQ-G10.000005Từ khóa", [("Giấy phép", "KQ-G10.000005")]),
        ("Quyết địnhMã: 000.00.00.G11-KQ1711Từ khóa", [("Quyết định", "000.00.00.G11-KQ1711")]),
        ("Văn bản tố tụng của Tòa ánMã: VBTT", [("Văn bản tố tụng của Tòa án", "VBTT")]),
        ("Văn bản trả lờiMã: Chưa xác định rõTừ khóa", [("Văn bản trả lời", "")]),
        (
            "Mã: KQ.G01.000274- Chuyển hồ sơ đã hoàn thiệnMã: KQ.G01.000275",
            [("", "KQ.G01.000274"), ("Chuyển hồ sơ đã hoàn thiện", "KQ.G01.000275")],
        ),
    ],
)
def test_code_shapes(text, expected):
    assert [(r.name, r.code) for r in parse_results(text).results] == expected


def test_text_without_codes_is_flagged():
    # bo-tai-chinh/1.009539: the crawl put documents text here
    block = parse_results("hợp đồng đã ký với khách hàng.1 bản chính")
    assert block.results == [] and "không có mã kết quả" in block.notes[0]


def test_empty():
    block = parse_results("")
    assert (block.results, block.notes) == ([], [])
