from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "minhbach.emulation"
    label = "emulation"
    verbose_name = _("Thi đua, khen thưởng")

    def ready(self) -> None:
        # K6 and K7 of the indicators engine read this app's registers (see indicator_family).
        from minhbach.emulation import indicator_family  # noqa: F401
