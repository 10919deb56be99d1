"""``python manage.py import_dossiers FILE.csv|FILE.xlsx``: dossiers from the provincial system.

Columns: ``docs/dossier-import.md``. Each row is imported alone (bad rows are reported with their
line number and reason, good rows are kept); importing the same file again changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.dossiers.importers import RowError, import_file


class Command(BaseCommand):
    help = "Nhập hồ sơ một cửa từ tệp CSV/XLSX của hệ thống một cửa điện tử của tỉnh (theo mã hồ sơ)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .csv (UTF-8) hoặc .xlsx, dòng đầu là tên cột")
        parser.add_argument("--no-progress", action="store_true", help="Không hiển thị tiến độ")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        stderr = self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr
        show = not options["no_progress"] and hasattr(stderr, "isatty") and stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show and (done == total or done % 25 == 0):
                stderr.write(f"\r{done}/{total} dòng")
                if done == total:
                    stderr.write("\n")
                stderr.flush()

        try:
            report = import_file(path, progress=progress)
        except RowError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        message = _(
            "Đã đọc %(total)d dòng: %(created)d hồ sơ mới, %(updated)d cập nhật, %(unchanged)d không đổi, "
            "%(errors)d dòng lỗi."
        ) % {
            "total": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": len(report.errors),
        }
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(message))
