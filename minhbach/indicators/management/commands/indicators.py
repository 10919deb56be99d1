"""``manage.py indicators --unit CODE --from D --to D [--rule-set CODE[:V]] --format json|csv|xlsx``.

Prints (or writes with ``--output``) the full table of one unit with its subtree: every campaign
target and every 766 indicator with numerator, denominator, value, points, group subtotals and the
766 total. ``CODE`` is an agency's electronic code or slug, or an administrative unit's code (its
People's Committee is used).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from minhbach.indicators import reports
from minhbach.indicators.compute import table
from minhbach.indicators.selectors import find_indicator_set, find_unit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (định dạng YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "In bảng chỉ số của một đơn vị (kể cả đơn vị trực thuộc) trong một kỳ."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã định danh, đường dẫn hoặc mã ĐVHC của đơn vị.")
        parser.add_argument("--from", dest="start", required=True, help="Ngày đầu kỳ, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Ngày cuối kỳ, YYYY-MM-DD.")
        parser.add_argument("--rule-set", default="", help="Mã bộ chỉ số, có thể kèm :phiên_bản.")
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
        parser.add_argument(
            "--output", default="", help="Ghi ra tệp thay vì in ra màn hình (bắt buộc với xlsx)."
        )
        parser.add_argument("--source", choices=("rollup", "raw"), default="rollup", help=argparse_suppress())

    def handle(self, *args, **options):
        start, end = _date(options["start"]), _date(options["end"])
        if start > end:
            raise CommandError("Ngày đầu kỳ phải trước hoặc bằng ngày cuối kỳ.")
        unit = find_unit(options["unit"])
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị {options['unit']!r}.")
        indicator_set = find_indicator_set(options["rule_set"], end) if options["rule_set"] else None
        if options["rule_set"] and indicator_set is None:
            raise CommandError(f"Không tìm thấy bộ chỉ số {options['rule_set']!r}.")
        result = table(unit, start, end, indicator_set=indicator_set, source=options["source"])
        fmt = options["format"]
        if fmt == "xlsx":
            if not options["output"]:
                raise CommandError("Định dạng xlsx cần --output <tệp.xlsx>.")
            with open(options["output"], "wb") as handle:
                reports.write_xlsx([result], handle)
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['output']}."))
            return
        text = reports.as_json(result) if fmt == "json" else reports.as_csv(result)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['output']}."))
        else:
            self.stdout.write(text, ending="")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
