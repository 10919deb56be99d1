"""``python manage.py load_demo``: the Bắc Trà My demo data set, idempotent.

Later modules add their part in ``minhbach/portal/demo/``; this command composes them in order.

The dossier history (about 28,000 dossiers, under a minute on SQLite) can be left out with
``--no-dossiers`` or shrunk with ``--dossier-scale`` (also ``MINHBACH_DEMO_DOSSIER_SCALE``; ``0``
leaves it out). The test settings set the variable to 2% so that tests which load the whole demo
stay fast.
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from minhbach.accounts.roles import ROLE_BY_CODE, sync_roles
from minhbach.indicators import rollups
from minhbach.portal.demo.disclosure import load_disclosure
from minhbach.portal.demo.dossiers import load_dossiers
from minhbach.portal.demo.emulation import load_emulation
from minhbach.portal.demo.feedback import load_feedback
from minhbach.portal.demo.people import DEMO_PASSWORD, load_people
from minhbach.portal.demo.procedures import load_procedures
from minhbach.portal.demo.ratings import load_ratings
from minhbach.portal.demo.units import load_units


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu huyện Bắc Trà My (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-dossiers", action="store_true", help="Không sinh lịch sử hồ sơ một cửa (nạp nhanh hơn)."
        )
        parser.add_argument(
            "--dossier-scale", type=float, default=None, help="Tỉ lệ số hồ sơ mẫu (1 = khoảng 28.000 hồ sơ)."
        )

    @staticmethod
    def _scale(options) -> float:
        if options["no_dossiers"]:
            return 0.0
        if options["dossier_scale"] is not None:
            return options["dossier_scale"]
        if os.environ.get("MINHBACH_DEMO_DOSSIER_SCALE"):
            return float(os.environ["MINHBACH_DEMO_DOSSIER_SCALE"])
        return 1.0

    def handle(self, *args, **options):
        sync_roles()
        call_command("seed_calendar", "2023", "2026", stdout=self.stdout)
        with transaction.atomic():
            units = load_units()
            logins = load_people(units)
            catalogue = load_procedures(units)
            disclosure = load_disclosure(units)
        scale = self._scale(options)
        history = load_dossiers(units, scale=scale) if scale > 0 else None
        pakn, rated = load_feedback(units, scale=scale), load_ratings(units)
        # The demo writes dossiers, feedback and ratings in bulk (no services), so the indicators'
        # daily rollups are rebuilt once from the rows.
        rolled = rollups.rebuild()
        emulation = load_emulation(units)  # reads the rollups: after rebuild()
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu Bắc Trà My."))
        self.stdout.write(
            f"Thủ tục hành chính: {catalogue.procedures} thủ tục, {catalogue.assignments} lượt giao "
            f"cho đơn vị, {catalogue.listings} lượt niêm yết ({catalogue.gaps} chỗ cố ý chưa niêm yết)."
        )
        self.stdout.write(
            f"Công khai thông tin: {disclosure.items} mục phải công khai ({disclosure.late} trễ hạn, "
            f"{disclosure.unpublished} chưa công khai), {disclosure.articles} tin bài mới, "
            f"{disclosure.contacts} đầu mối liên hệ mới."
        )
        if history is not None:
            self.stdout.write(
                f"Hồ sơ một cửa 01/9/2023–30/11/2024: {history.dossiers} hồ sơ mới, "
                f"{history.events} sự kiện, {history.ledger_entries} bút toán sổ cái "
                f"({history.skipped_places} đơn vị đã có, bỏ qua)."
            )
        self.stdout.write(
            f"Phản ánh, kiến nghị: {pakn.items} mới ({pakn.published} công khai, {pakn.forwarded} chuyển, "
            f"{pakn.reopened} phản ánh lại); đánh giá hài lòng: {rated.ratings} mới "
            f"({rated.survey_rate}% hài lòng)."
        )
        self.stdout.write(
            f"Chỉ số: tổng hợp {rolled['facts']} hồ sơ thành {rolled['unit_rows']} dòng đơn vị-ngày."
        )
        self.stdout.write(
            f"Thi đua: {emulation.evaluations} lần tính điểm, {emulation.objections} ý kiến phản hồi, "
            f"{emulation.proposals} đề nghị, {emulation.recipients} tập thể, cá nhân được khen thưởng."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            role = ROLE_BY_CODE[login.role].label
            self.stdout.write(f"  {login.username:<20} {role} — {login.full_name}, {login.position}")
