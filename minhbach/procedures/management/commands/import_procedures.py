"""``manage.py import_procedures PATH [PATH ...]``: import national procedure records.

The rules live in :mod:`minhbach.procedures.importers.national` and its parsers; this command
reads options, draws the progress bar and prints the report. A run always completes: a bad
record is reported and skipped. ``--strict`` turns failed records into a non-zero exit status
for scripts and CI.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minhbach.core.progress import ProgressBar
from minhbach.procedures.importers import ImportReport, ReportLine, import_paths


class Command(BaseCommand):
    help = gettext_lazy(
        "Nhập thủ tục hành chính từ tệp JSON theo định dạng Cơ sở dữ liệu quốc gia về TTHC (một tệp, "
        "hoặc thư mục được quét đệ quy). Cập nhật theo mã thủ tục và quyết định công bố; chạy lại không "
        "tạo bản ghi trùng."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        self.help = str(self.help)  # argparse needs a real string, in the active language
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=_("Tệp .json hoặc thư mục."))
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help=_("Không hiện thanh tiến độ (tự tắt khi không phải TTY)."),
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=_("Trả mã lỗi khác 0 nếu có bản ghi không nhập được."),
        )

    def handle(self, *args, **options) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(
                _("Không tìm thấy: %(paths)s. Không có dữ liệu nào được ghi.") % {"paths": ", ".join(missing)}
            )
        bar = ProgressBar(self, enabled=not options["no_progress"])
        report = import_paths(paths, progress=bar if bar.enabled else None)
        bar.close()
        self._print(report, options["verbosity"])
        if options["strict"] and report.failed:
            raise CommandError(
                _("%(count)d bản ghi không nhập được (--strict).") % {"count": len(report.failed)},
                returncode=2,
            )

    def _lines(self, title: str, lines: list[ReportLine], style, verbosity: int) -> None:
        if not lines:
            return
        self.stdout.write(style(title % {"count": len(lines)}))
        shown = lines if verbosity >= 1 else lines[:20]
        for line in shown:
            where = f"{line.source} [{line.code}]" if line.code else line.source
            self.stdout.write(f"  - {where}: {line.reason}")
        if len(shown) < len(lines):
            self.stdout.write(
                _("  … còn %(count)d dòng; bỏ -v 0 để xem hết.") % {"count": len(lines) - len(shown)}
            )

    def _print(self, report: ImportReport, verbosity: int) -> None:
        self._lines(_("Cần rà soát (%(count)d):"), report.flagged, self.style.WARNING, verbosity)
        self._lines(_("Không nhập được (%(count)d):"), report.failed, self.style.ERROR, verbosity)
        summary = _(
            "Nhập thủ tục xong trong %(seconds).1f giây: tạo mới %(created)d, cập nhật %(updated)d, "
            "không đổi %(unchanged)d, cần rà soát %(flagged)d, không nhập được %(failed)d."
        ) % {
            "seconds": report.elapsed,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "flagged": len(report.flagged),
            "failed": len(report.failed),
        }
        style = self.style.ERROR if report.failed else self.style.SUCCESS
        self.stdout.write(style(summary))
