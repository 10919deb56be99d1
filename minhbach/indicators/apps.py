from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minhbach.indicators"
    verbose_name = _("Chỉ số, chỉ tiêu")

    def ready(self) -> None:
        from minhbach.indicators import receivers  # noqa: F401
