"""``python manage.py rebuild_rollups``: recompute the daily rollups from the dossiers."""

import time

from django.core.management.base import BaseCommand

from minhbach.indicators import rollups


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp theo ngày từ hồ sơ (dùng sau khi nhập dữ liệu hàng loạt)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rollups.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại: {counts['facts']} hồ sơ, {counts['unit_rows']} dòng theo đơn vị-ngày, "
                f"{counts['procedure_rows']} dòng theo thủ tục-kênh-ngày "
                f"({time.perf_counter() - started:.1f} giây)."
            )
        )
