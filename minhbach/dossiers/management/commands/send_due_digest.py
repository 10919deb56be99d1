"""``python manage.py send_due_digest [--date YYYY-MM-DD] [--enqueue]``: the officers' daily digest.

Run once a day after office hours (cron or a systemd timer): each official of an agency gets one
email listing the agency's open dossiers that turn late unless finished on the next working day.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.dossiers import notifications, tasks


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("Ngày không hợp lệ: %(value)s (định dạng YYYY-MM-DD).") % {"value": text}
        ) from error


class Command(BaseCommand):
    help = "Gửi thư tổng hợp hồ sơ đến hạn vào ngày làm việc tiếp theo cho cán bộ từng cơ quan."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày lập tổng hợp, YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--enqueue", action="store_true", help="Đưa vào hàng đợi tác vụ thay vì gửi ngay")

    def handle(self, *args, **options):
        day = _date(options["date"]) if options["date"] else None
        if options["enqueue"]:
            result = tasks.send_due_digest.enqueue(day=day.isoformat() if day else None)
            self.stdout.write(_("Đã đưa vào hàng đợi: %(id)s") % {"id": result.id})
            return
        report = notifications.send_due_digest(day)
        self.stdout.write(
            _(
                "Ngày %(day)s: %(dossiers)d hồ sơ đến hạn ở %(agencies)d cơ quan; đã gửi %(emails)d thư; "
                "%(skipped)d cán bộ không có thư điện tử."
            )
            % {
                "day": report.day.strftime("%d/%m/%Y"),
                "dossiers": report.dossiers,
                "agencies": report.agencies,
                "emails": report.emails,
                "skipped": report.skipped_without_email,
            }
        )
