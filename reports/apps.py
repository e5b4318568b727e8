from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapporter")

    def ready(self):
        from casework.demo import register_demo_data
        from encryption.rotation import register_sealed_column

        from . import signals  # noqa: F401 - connects the statistics-key signal
        from .demo import add_demo_cost_index
        from .tasks import file_aad

        register_sealed_column("reports.ReportJob", "sealed_file", file_aad)
        register_demo_data("reports.cost_index", add_demo_cost_index)
