from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "minhbach.disclosure"
    label = "disclosure"
    verbose_name = _("Công khai thông tin")

    def ready(self) -> None:
        from minhbach.disclosure import receivers  # noqa: F401
