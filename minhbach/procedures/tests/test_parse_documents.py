"""The flattened "Thành phần hồ sơ" table → documents with group, template and copies."""

from __future__ import annotations

import pytest

from minhbach.procedures.importers.documents import parse_documents, split_template

HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"


def docs(text):
    return [
        (d.group, d.name, d.form_template, d.originals, d.copies, d.quantity_text, d.mandatory)
        for d in parse_documents(text).documents
    ]


def test_groups_rows_and_quantities():
    # bo-tu-phap/1.000080, shortened
    text = (
        "* Giấy tờ phải nộp:" + HEADER + "+ Văn bản cam đoan về mối quan hệ cha, mẹ, con.1 bản chính"
        "- Chứng cứ chứng minh quan hệ cha, con gồm:0 bản chính"
        "* Giấy tờ phải xuất trình:" + HEADER + "Giấy tờ chứng minh nơi cư trú (nếu có)0 bản chính,1 bản sao"
    )
    assert docs(text) == [
        (
            "Giấy tờ phải nộp",
            "+ Văn bản cam đoan về mối quan hệ cha, mẹ, con.",
            "",
            1,
            None,
            "1 bản chính",
            True,
        ),
        ("Giấy tờ phải nộp", "- Chứng cứ chứng minh quan hệ cha, con gồm:", "", 0, None, "0 bản chính", True),
        (
            "Giấy tờ phải xuất trình",
            "Giấy tờ chứng minh nơi cư trú (nếu có)",
            "",
            0,
            1,
            "0 bản chính,1 bản sao",
            False,
        ),
    ]


def test_copies_mentioned_in_names_are_not_quantity_cells():
    # bo-tai-chinh/1.000106: "…: 01 bản chính" is in the name; the cell follows directly
    text = (
        "--" + HEADER + "Tờ khai hàng hóa nhập khẩu trị giá thấp: 01 bản chính1 bản chính"
        "Vận tải đơn (trừ trường hợp vận tải bằng đường bộ): 01 bản chụp0 bản chính,1 bản sao"
        "Hồ sơ gồm 01 bản chính hoặc 01 bản sao có chứng thực.1 bản chính"
    )
    assert [(d[1], d[3], d[4]) for d in docs(text)] == [
        ("Tờ khai hàng hóa nhập khẩu trị giá thấp: 01 bản chính", 1, None),
        ("Vận tải đơn (trừ trường hợp vận tải bằng đường bộ): 01 bản chụp", 0, 1),
        ("Hồ sơ gồm 01 bản chính hoặc 01 bản sao có chứng thực.", 1, None),
    ]
    assert docs(text)[0][0] == ""  # "--" is no heading


def test_a_name_ending_in_a_number_keeps_it():
    # bo-nong-nghiep-mt: "…theo Mẫu số 18" + "1 bản chính,1 bản sao"
    (doc,) = docs("--" + HEADER + "Đơn đề nghị theo Mẫu số 181 bản chính,1 bản sao")
    assert (doc[1], doc[3], doc[4]) == ("Đơn đề nghị theo Mẫu số 18", 1, 1)


def test_labelled_quantity_and_row_without_quantity():
    text = "--" + HEADER + "Hợp đồng mua bán tàu biểnBản chính: 1 Bản sao: 0- Phương án xử lý tài khoản."
    assert [(d[1], d[3], d[4], d[5]) for d in docs(text)] == [
        ("Hợp đồng mua bán tàu biển", 1, 0, "Bản chính: 1 Bản sao: 0"),
        ("- Phương án xử lý tài khoản.", None, None, ""),
    ]


def test_enumerated_next_row_after_a_quantity():
    text = "--" + HEADER + "a) Đơn đề nghị.Mẫu số 01.docx1 bản chính,1 bản saob) Bản thuyết minh.1 bản chính"
    assert [(d[1], d[2]) for d in docs(text)] == [
        ("a) Đơn đề nghị.", "Mẫu số 01.docx"),
        ("b) Bản thuyết minh.", ""),
    ]


@pytest.mark.parametrize(
    ("row", "name", "template"),
    [
        (
            "+ Giấy đăng ký chào bán theo Mẫu số 05 kèm theo Nghị định 155/2020/NĐ-CP.Mẫu số 05.docx",
            "+ Giấy đăng ký chào bán theo Mẫu số 05 kèm theo Nghị định 155/2020/NĐ-CP.",
            "Mẫu số 05.docx",
        ),
        (
            "Đơn đề nghị gia hạn giấy phép khai thác khoáng sảnMau 36 - Phu luc II_36.2025.TT-BNNMT_02.7.2025.doc",  # noqa: E501
            "Đơn đề nghị gia hạn giấy phép khai thác khoáng sản",
            "Mau 36 - Phu luc II_36.2025.TT-BNNMT_02.7.2025.doc",
        ),
        (
            "Văn bản đề nghị của nhà đầu tư;Mẫu I.1.7.docxMẫu I.1.6.docx",
            "Văn bản đề nghị của nhà đầu tư;",
            "Mẫu I.1.7.docxMẫu I.1.6.docx",
        ),
        ("Giấy chứng nhận đăng ký tàu biển", "Giấy chứng nhận đăng ký tàu biển", ""),
        ("Mẫu số 05.docx", "Mẫu số 05.docx", ""),  # nothing but a file name: keep it as the name
    ],
)
def test_form_template(row, name, template):
    assert split_template(row) == (name, template)


@pytest.mark.parametrize("text", ["", "--", "Không có thông tin"])
def test_nothing_stated(text):
    table = parse_documents(text)
    assert table.documents == [] and table.notes == []


def test_text_that_is_not_a_table_is_flagged():
    # bo-tai-chinh/1.001521: the crawl put steps text here
    table = parse_documents("); nộp hồ sơ cho cơ quan BHXH nơi đang chi trả trợ cấp.")
    assert table.documents == [] and "không có dạng bảng" in table.notes[0]
