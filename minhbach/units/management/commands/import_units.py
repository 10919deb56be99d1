"""``manage.py import_units``: load the GSO units and the 1/7/2025 reorganisation.

The rules (validity dates, succession kinds, ``--province``) are documented in
:mod:`minhbach.units.importers`; this command only reads options and prints the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minhbach.units import importers

LABELS = {
    (importers.ERA_PRE2025, "province"): gettext_lazy("Tỉnh/thành phố (đến 30/6/2025)"),
    (importers.ERA_PRE2025, "district"): gettext_lazy("Huyện/quận/thị xã/thành phố (đến 30/6/2025)"),
    (importers.ERA_PRE2025, "commune"): gettext_lazy("Xã/phường/thị trấn (đến 30/6/2025)"),
    (importers.ERA_2025, "province"): gettext_lazy("Tỉnh/thành phố (từ 01/7/2025)"),
    (importers.ERA_2025, "commune"): gettext_lazy("Xã/phường/đặc khu (từ 01/7/2025)"),
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Ngày “%(value)s” không hợp lệ; hãy viết theo dạng NNNN-TT-NN, ví dụ 2004-07-08.")
            % {"value": value}
        ) from None


class Command(BaseCommand):
    help = gettext_lazy(
        "Nhập danh mục đơn vị hành chính trước 01/7/2025 (QĐ 124/2004/QĐ-TTg) và các đơn vị sau sắp xếp "
        "(QĐ 19/2025/QĐ-TTg) cùng quan hệ kế thừa. Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        self.help = str(self.help)  # argparse needs a real string, in the active language
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pre2025",
            type=Path,
            metavar="TỆP",
            help=_("Tệp JSON danh mục trước 01/7/2025 (mặc định: SHARED_DATA_DIR/units/%(name)s).")
            % {"name": importers.PRE2025_FILENAME},
        )
        parser.add_argument(
            "--splits",
            type=Path,
            metavar="TỆP",
            help=_("Tệp JSON bảng sắp xếp cũ → mới (mặc định: SHARED_DATA_DIR/units/%(name)s).")
            % {"name": importers.SPLITS_FILENAME},
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="MÃ",
            help=_("Chỉ nhập tỉnh cũ có mã này (lặp lại được), kèm các đơn vị mới kế thừa từ tỉnh đó."),
        )
        parser.add_argument(
            "--valid-from",
            metavar="NNNN-TT-NN",
            default=importers.PRE2025_VALID_FROM.isoformat(),
            help=_(
                "Ngày bắt đầu hiệu lực quy ước của các đơn vị trước 01/7/2025 (mặc định %(date)s, "
                "ngày ban hành QĐ 124/2004/QĐ-TTg)."
            )
            % {"date": importers.PRE2025_VALID_FROM.isoformat()},
        )

    def handle(self, *args, **options) -> None:
        folder = Path(settings.SHARED_DATA_DIR) / "units"
        pre2025 = options["pre2025"] or folder / importers.PRE2025_FILENAME
        splits = options["splits"] or folder / importers.SPLITS_FILENAME
        for path in (pre2025, splits):
            if not Path(path).is_file():
                raise CommandError(
                    _(
                        "Không tìm thấy tệp dữ liệu %(path)s. Hãy chỉ đường dẫn bằng --pre2025/--splits "
                        "hoặc đặt biến môi trường MINHBACH_SHARED_DATA."
                    )
                    % {"path": path}
                )
        valid_from = _date(options["valid_from"])
        try:
            report = importers.import_units(
                pre2025_path=pre2025,
                splits_path=splits,
                provinces=options["provinces"],
                valid_from=valid_from,
            )
        except importers.UnitImportError as exc:
            raise CommandError(_("%(error)s Không có dữ liệu nào được ghi.") % {"error": exc}) from exc
        self._print(report, options["verbosity"])

    def _print(self, report: importers.ImportReport, verbosity: int) -> None:
        out = self.stdout
        out.write(
            _(
                "Nhập đơn vị hành chính xong trong %(seconds).2f giây "
                "(bút toán sổ cái #%(seq)s, mã nhập %(digest)s)."
            )
            % {"seconds": report.elapsed, "seq": report.ledger_seq, "digest": report.digest}
        )
        if report.provinces:
            out.write(_("Phạm vi: tỉnh cũ %(codes)s.") % {"codes": ", ".join(report.provinces)})
        for key in importers.REPORT_KEYS:
            counts = report.units[key]
            out.write(
                _("  %(label)s: tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d")
                % {"label": LABELS[key], **counts.as_dict()}
            )
        out.write(
            _("  Quan hệ kế thừa: tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d")
            % report.successions.as_dict()
        )
        if report.warnings:
            out.write(self.style.WARNING(_("Cảnh báo (%(count)d):") % {"count": len(report.warnings)}))
            shown = report.warnings if verbosity >= 2 else report.warnings[:5]
            for warning in shown:
                out.write(self.style.WARNING(f"  - {warning}"))
            if len(shown) < len(report.warnings):
                out.write(_("  … dùng -v 2 để xem toàn bộ."))
