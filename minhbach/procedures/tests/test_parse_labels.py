"""Levels (cấp thực hiện), subjects (đối tượng thực hiện) and the announcing decision number."""

from __future__ import annotations

import pytest

from minhbach.procedures.importers.decisions import parse_decision
from minhbach.procedures.importers.levels import parse_levels
from minhbach.procedures.importers.subjects import parse_subjects


@pytest.mark.parametrize(
    ("text", "levels", "notes"),
    [
        ("Cấp bộ, Cấp tỉnh, Cấp xã", ["ministry", "province", "commune"], 0),
        ("Cấp Huyện", ["district"], 0),
        ("Cấp xã, Cơ quan khác", ["commune", "other"], 0),
        ("Cấp tỉnh, Cấp tỉnh", ["province"], 0),
        ("", [], 0),
        ("Cấp thôn", [], 1),
    ],
)
def test_levels(text, levels, notes):
    parsed, parsed_notes = parse_levels(text)
    assert (parsed, len(parsed_notes)) == (levels, notes)


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("Công dân Việt Nam, Người nước ngoài", ["Công dân Việt Nam", "Người nước ngoài"]),
        (
            "Tổ chức (không bao gồm doanh nghiệp, HTX), Doanh nghiệp",
            ["Tổ chức (không bao gồm doanh nghiệp, HTX)", "Doanh nghiệp"],
        ),
        ("Cán bộ, công chức, viên chức, Đảng viên", ["Cán bộ, công chức, viên chức", "Đảng viên"]),
        ("Không có thông tin", []),
    ],
)
def test_subjects(text, subjects):
    assert parse_subjects(text) == subjects


@pytest.mark.parametrize(
    ("text", "number", "issuer", "flagged"),
    [
        ("163/QĐ-BTP", "163/QĐ-BTP", "Bộ Tư pháp", False),
        ("3713/QD-BTP", "3713/QĐ-BTP", "Bộ Tư pháp", False),
        ("SỐ 64/QĐ-NHNN", "64/QĐ-NHNN", "Ngân hàng Nhà nước Việt Nam", False),
        ("2267./QĐ-BXD", "2267/QĐ-BXD", "Bộ Xây dựng", False),
        ("5710/QĐ-BCA-C06", "5710/QĐ-BCA-C06", "Bộ Công an", False),
        ("105a/QĐ-NHNN", "105a/QĐ-NHNN", "Ngân hàng Nhà nước Việt Nam", False),
        ("226/QĐ-UBND", "226/QĐ-UBND", "", False),
        ("QĐ/0001-BCA", "QĐ/0001-BCA", "", True),
        ("9303", "9303", "", True),
    ],
)
def test_decision(text, number, issuer, flagged):
    parsed, parsed_issuer, notes = parse_decision(text)
    assert (parsed, parsed_issuer, bool(notes)) == (number, issuer, flagged)
