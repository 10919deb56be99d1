import pytest
from hypothesis import given
from hypothesis import strategies as st

from minhbach.core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ  KHAI SINH", "dang ky khai sinh"),
        ("Cấp Giấy chứng nhận quyền sử dụng đất", "cap giay chung nhan quyen su dung dat"),
        ("Thủ tục: đăng ký kết hôn (có yếu tố nước ngoài)", "thu tuc dang ky ket hon co yeu to nuoc ngoai"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent_and_ascii_letters_only_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once and "Đ" not in once
