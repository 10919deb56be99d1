from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.core import ledger


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của sổ cái sự kiện; thoát với mã khác 0 và nêu bút toán hỏng đầu tiên."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            help="Mã băm đầu chuỗi đã công bố trước đây; báo lỗi nếu chuỗi hiện tại không còn chứa nó.",
        )

    def handle(self, *args, **options):
        result = ledger.verify()
        if not result.ok:
            raise CommandError(_("Sổ cái bị can thiệp tại bút toán %(entry)s") % {"entry": result.broken})
        expected = options.get("expect_head")
        if expected and not ledger.LedgerEntry.objects.filter(hash=expected).exists():
            raise CommandError(
                _("Không tìm thấy mã băm đã công bố %(hash)s: sổ cái đã bị viết lại.") % {"hash": expected}
            )
        self.stdout.write(
            _("OK: %(count)d bút toán, mã băm đầu chuỗi %(hash)s")
            % {"count": result.checked, "hash": result.head_hash}
        )
