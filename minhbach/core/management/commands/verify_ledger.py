from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"Sổ cái bị can thiệp tại bút toán {result.broken}")
        expected = options.get("expect_head")
        if expected and not ledger.LedgerEntry.objects.filter(hash=expected).exists():
            raise CommandError(f"Không tìm thấy mã băm đã công bố {expected}: sổ cái đã bị viết lại.")
        self.stdout.write(f"OK: {result.checked} bút toán, mã băm đầu chuỗi {result.head_hash}")
