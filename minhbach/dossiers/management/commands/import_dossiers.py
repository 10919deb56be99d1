"""``python manage.py import_dossiers FILE.csv|FILE.xlsx``: dossiers from the provincial system.

Columns: ``docs/dossier-import.md``. Each row is imported alone (bad rows are reported with their
line number and reason, good rows are kept); importing the same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.core.progress import ProgressBar
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
        bar = ProgressBar(self, enabled=not options["no_progress"])
        try:
            report = import_file(path, progress=bar if bar.enabled else None)
        except RowError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
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
