from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapporter")

    def ready(self):
        from encryption.rotation import register_sealed_column

        from . import signals  # noqa: F401 - connects the statistics-key signal
        from .tasks import file_aad

        register_sealed_column("reports.ReportJob", "sealed_file", file_aad)
