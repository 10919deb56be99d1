"""``python manage.py seed_calendar 2023 2026``: seed national calendar rows from ``holidays``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.core.workdays import seed


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Khởi tạo ngày nghỉ lễ, Tết, nghỉ bù, hoán đổi và ngày làm bù toàn quốc từ thư viện holidays "
            "cho các năm từ FIRST đến LAST (không ghi đè ngày do cán bộ nhập hoặc đã đối chiếu)."
        )

    def add_arguments(self, parser):
        parser.add_argument("first", type=int, help=_("Năm đầu"))
        parser.add_argument("last", type=int, nargs="?", help=_("Năm cuối (mặc định bằng năm đầu)"))

    def handle(self, *args, first: int, last: int | None, **options):
        last = first if last is None else last
        if first > last:
            raise CommandError(_("Năm đầu phải không lớn hơn năm cuối."))
        if first < seed.FIRST_YEAR or last > seed.LAST_YEAR:
            raise CommandError(
                _("Chỉ khởi tạo được các năm từ %(a)s đến %(b)s.")
                % {"a": seed.FIRST_YEAR, "b": seed.LAST_YEAR}
            )
        for report in seed.seed_years(range(first, last + 1)):
            self.stdout.write(
                _(
                    "Năm %(year)s: tạo mới %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s, "
                    "giữ theo cán bộ %(kept)s, đã bị cán bộ xóa %(removed)s"
                )
                % {
                    "year": report.year,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "kept": report.kept,
                    "removed": report.removed_by_official,
                }
            )
