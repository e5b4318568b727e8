from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Loggar")

    def ready(self):
        from casework.access_history import register_access_history

        from . import registry
        from .selectors import person_access_history, person_access_summary

        registry.install()
        # casework's case page and register extract show who has seen a person; casework sits below audit.
        register_access_history(person_access_history, person_access_summary)
