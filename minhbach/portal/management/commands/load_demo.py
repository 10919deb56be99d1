"""``python manage.py load_demo``: the Bắc Trà My demo data set, idempotent.

Later modules add their part in ``minhbach/portal/demo/``; this command composes them in order.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from minhbach.accounts.roles import ROLE_BY_CODE, sync_roles
from minhbach.portal.demo.people import DEMO_PASSWORD, load_people
from minhbach.portal.demo.procedures import load_procedures
from minhbach.portal.demo.units import load_units


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu huyện Bắc Trà My (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args, **options):
        sync_roles()
        call_command("seed_calendar", "2023", "2026", stdout=self.stdout)
        with transaction.atomic():
            units = load_units()
            logins = load_people(units)
            catalogue = load_procedures(units)
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu Bắc Trà My."))
        self.stdout.write(
            f"Thủ tục hành chính: {catalogue.procedures} thủ tục, {catalogue.assignments} lượt giao "
            f"cho đơn vị, {catalogue.listings} lượt niêm yết ({catalogue.gaps} chỗ cố ý chưa niêm yết)."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            role = ROLE_BY_CODE[login.role].label
            self.stdout.write(f"  {login.username:<20} {role} — {login.full_name}, {login.position}")
