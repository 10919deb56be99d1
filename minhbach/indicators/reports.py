"""The indicator table as JSON, CSV and a formatted Excel workbook (openpyxl)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from minhbach.indicators.compute import Cell, UnitTable

TWO = Decimal("0.01")


def fmt(value: Decimal | None) -> str:
    """Two decimals, as displayed everywhere (§9.4); ``N/A`` for a missing value (D5)."""
    if value is None:
        return "N/A"
    return str(Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP))


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def cell_dict(cell: Cell) -> dict[str, Any]:
    d = cell.definition
    return {
        "code": d.code,
        "name": d.name,
        "group": d.group.code,
        "kind": d.value_kind,
        "numerator": _num(cell.ratio.numerator) if cell.ratio else None,
        "denominator": _num(cell.ratio.denominator) if cell.ratio else None,
        "value": _num(cell.value),
        "na": cell.na,
        "na_reason": cell.na_reason,
        "points": _num(cell.points),
        "max_points": _num(d.max_points) if d.max_points else None,
        "threshold": _num(d.threshold),
        "target": _num(d.target),
        "target_comparison": d.target_comparison,
        "meets_target": cell.meets,
        "scoring": d.scoring,
        "formula": d.formula,
        "source": d.source_ref,
    }


def table_dict(result: UnitTable) -> dict[str, Any]:
    return {
        "unit": {
            "name": result.agency.name,
            "code": result.agency.electronic_code,
            "slug": result.agency.slug,
        },
        "period": {"from": result.start.isoformat(), "to": result.end.isoformat()},
        "indicator_set": {"code": result.indicator_set.code, "version": result.indicator_set.version},
        "total_766": _num(result.total),
        "groups": [
            {
                "code": g.group.code,
                "name": g.group.name,
                "max_points": _num(g.group.max_points),
                "score": _num(g.score),
                "indicators": [cell_dict(c) for c in g.cells],
            }
            for g in result.groups
        ],
    }


def as_json(result: UnitTable) -> str:
    return json.dumps(table_dict(result), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "group", "code", "name", "numerator", "denominator", "value", "points", "max_points", "target",
    "meets_target", "na_reason",
)  # fmt: skip


def as_csv(result: UnitTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for group in result.groups:
        for cell in group.cells:
            row = cell_dict(cell)
            writer.writerow([row[c] if row[c] is not None else "" for c in CSV_COLUMNS])
        if group.scored:
            writer.writerow([group.group.code, "", _("Điểm nhóm"), "", "", "", _num(group.score) or "N/A",
                             _num(group.group.max_points), "", "", ""])  # fmt: skip
    writer.writerow(
        ["766", "", _("Tổng điểm 766"), "", "", "", _num(result.total) or "N/A", "100", "", "", ""]
    )
    return out.getvalue()


def _target(cell: Cell, target: str | None) -> str:
    return f"{cell.definition.get_target_comparison_display()} {target}" if target else ""


def write_xlsx(results: Sequence[UnitTable], handle: IO[bytes]) -> None:
    """One sheet per unit plus a sheet that documents every formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    green, red = PatternFill("solid", fgColor="E2EFDA"), PatternFill("solid", fgColor="FCE4D6")
    headers = [_("Nhóm"), _("Mã"), _("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Giá trị"), _("Điểm"),
               _("Điểm tối đa"), _("Mục tiêu"), _("Ghi chú")]  # fmt: skip
    for result in results:
        sheet = book.create_sheet(title=(result.agency.short_name or result.agency.name)[:31])
        sheet.append([result.agency.name])
        sheet.append(
            [
                _("Kỳ: %(start)s – %(end)s")
                % {"start": f"{result.start:%d/%m/%Y}", "end": f"{result.end:%d/%m/%Y}"}
            ]
        )
        sheet.append(
            [
                _("Bộ chỉ số: %(name)s (phiên bản %(v)s)")
                % {"name": result.indicator_set.name, "v": result.indicator_set.version}
            ]
        )
        sheet.append([])
        sheet.append(headers)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, header_fill
        for group in result.groups:
            for c in group.cells:
                row = cell_dict(c)
                sheet.append([
                    group.group.name, row["code"], row["name"], row["numerator"], row["denominator"],
                    row["value"], row["points"], row["max_points"],
                    _target(c, row["target"]),
                    row["na_reason"],
                ])  # fmt: skip
                if c.meets is not None:
                    sheet.cell(row=sheet.max_row, column=6).fill = green if c.meets else red
            if group.scored:
                sheet.append([group.group.name, "", _("Điểm nhóm"), "", "", "", _num(group.score) or "N/A",
                              _num(group.group.max_points)])  # fmt: skip
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        sheet.append(["", "", _("Tổng điểm 766 (thang 100)"), "", "", "", _num(result.total) or "N/A", "100"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for index, width in enumerate((24, 7, 60, 12, 12, 10, 10, 11, 12, 40), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=6):
            row[2].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A6"
    if results:
        doc = book.create_sheet(title=_("Công thức"))
        doc.append([_("Mã"), _("Chỉ số"), _("Công thức"), _("Giải thích"), _("Cách chấm"), _("Căn cứ")])
        for cell in doc[1]:
            cell.font, cell.fill = bold, header_fill
        for c in results[0].cells:
            d = c.definition
            doc.append([d.code, d.name, d.formula, d.explanation, d.get_scoring_display(), d.source_ref])
        for index, width in enumerate((7, 45, 60, 60, 22, 40), start=1):
            doc.column_dimensions[get_column_letter(index)].width = width
        for row in doc.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(handle)
