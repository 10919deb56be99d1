"""Create a trusted Open311 client and print its api_key once (only its SHA-256 is stored)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.open311 import services
from minhbach.open311.models import API_CHANNELS
from minhbach.units.models import Agency


class Command(BaseCommand):
    help = "Tạo ứng dụng được gửi phản ánh qua Open311 và in khóa api_key (chỉ hiện một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Tên ứng dụng, ví dụ “Cổng dịch vụ công tỉnh”.")
        parser.add_argument("--agency", required=True, help="Slug của đơn vị nhận phản ánh mặc định.")
        parser.add_argument(
            "--channel",
            default=API_CHANNELS[0].value,
            choices=[c.value for c in API_CHANNELS],
            help="Kênh tiếp nhận ghi vào phản ánh (mặc định: minhbach).",
        )

    def handle(self, *args, **options):
        agency = Agency.objects.valid_on(timezone.localdate()).filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(_("Không có cơ quan, đơn vị đang hoạt động với slug “%(slug)s”.")
                               % {"slug": options["agency"]})  # fmt: skip
        try:
            client, key = services.api_client_create(
                actor=None, name=options["name"], agency=agency, channel=options["channel"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Đã tạo ứng dụng “%(name)s” (đơn vị mặc định: %(agency)s).")
            % {"name": client.name, "agency": agency.name}
        )
        self.stdout.write(_("Khóa api_key (chỉ hiện một lần, hãy lưu lại ngay):"))
        self.stdout.write(key)
