"""Load a versioned criteria file into the database (DOMAIN.md §10.5, §11; idempotent).

    manage.py load_criteria minhbach/emulation/criteria/bac-tra-my-2023-2024.json

Loading the same file twice changes nothing. A changed file with the same version is refused
once an evaluation has used that version: it must get a new version.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minhbach.emulation import criteria, services


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí thi đua có phiên bản từ tệp JSON hoặc YAML; nạp lại tệp không đổi là vô hại."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp tiêu chí")

    def handle(self, *args, path: str, **options):
        try:
            content = criteria.read_file(path)
            cset, outcome = services.criteria_set_load(actor=None, content=content, source_path=str(path))
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        messages = {
            "created": _("Đã nạp bộ tiêu chí %(set)s (%(n)d tiêu chí)."),
            "updated": _("Đã cập nhật bộ tiêu chí %(set)s chưa dùng (%(n)d tiêu chí)."),
            "unchanged": _("Bộ tiêu chí %(set)s không thay đổi (%(n)d tiêu chí)."),
        }
        self.stdout.write(messages[outcome] % {"set": cset, "n": cset.criteria.count()})
