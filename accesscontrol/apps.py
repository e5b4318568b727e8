from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessControlConfig(AppConfig):
    name = "accesscontrol"
    verbose_name = _("Behörigheter")

    def ready(self):
        # Connects the signal that keeps case permissions in step with the case's unit and caseworker.
        from . import case_permissions  # noqa: F401
