"""``python manage.py listing_poster UNIT_CODE --out FILE.pdf``: print a unit's counter poster.

UNIT_CODE is the agency's electronic identifier (e.g. ``001.31.15.H49``) or its slug. Printing
records the counter listing (paper and QR) of every procedure on the poster, with the version in
force, unless ``--no-record`` is given (a preview).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minhbach.procedures import posters


def _date(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(
        _("Ngày “%(value)s” không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025.")
        % {"value": value}
    )


class Command(BaseCommand):
    help = "In bảng danh mục thủ tục hành chính niêm yết tại đơn vị (PDF, khổ A4, có mã QR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit_code", help="Mã định danh điện tử hoặc đường dẫn (slug) của đơn vị.")
        parser.add_argument("--out", help="Tệp PDF cần ghi (mặc định: niem-yet-<đơn vị>-<ngày>.pdf).")
        parser.add_argument(
            "--on", help="Ngày áp dụng (mặc định: hôm nay, hoặc ngày cuối cùng nếu đơn vị đã giải thể)."
        )
        parser.add_argument(
            "--no-record", action="store_true", help="Chỉ in thử, không ghi nhận việc niêm yết."
        )

    def handle(self, *args, **options) -> None:
        code = options["unit_code"]
        agency = posters.find_agency(code)
        if agency is None:
            raise CommandError(
                _("Không tìm thấy đơn vị có mã định danh hoặc đường dẫn “%(code)s”.") % {"code": code}
            )
        on = _date(options["on"]) if options["on"] else None
        if on is not None and (on < agency.valid_from or (agency.valid_to and on > agency.valid_to)):
            raise CommandError(
                _("%(agency)s không hoạt động vào ngày %(day)s.")
                % {"agency": agency.name, "day": f"{on:%d/%m/%Y}"}
            )
        poster = posters.build_poster(agency, on)
        pdf = posters.render_pdf(poster)
        out = Path(options["out"] or poster.filename)
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(error)s.") % {"path": out, "error": error.strerror}
            ) from error
        # Recorded only once the file exists: a poster that was never produced was never posted.
        recorded = 0 if options["no_record"] else posters.record_poster(actor=None, poster=poster)
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã tạo bảng niêm yết %(count)d thủ tục của %(agency)s (ngày %(day)s): %(path)s")
                % {"count": poster.count, "agency": agency.name, "day": f"{poster.on:%d/%m/%Y}", "path": out}
            )
        )
        if options["no_record"]:
            self.stdout.write("Chế độ in thử: chưa ghi nhận niêm yết.")
        else:
            self.stdout.write(
                f"Đã ghi nhận niêm yết (giấy và mã QR) mới hoặc thay đổi cho {recorded} thủ tục."
            )
