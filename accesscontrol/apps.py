from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessControlConfig(AppConfig):
    name = "accesscontrol"
    verbose_name = _("Behörigheter")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Connects the signal that keeps case permissions in step with the case's unit and caseworker.
        from . import case_permissions  # noqa: F401
        from .middleware import record_sign_in

        # The session's absolute lifetime counts from each login (accesscontrol.middleware).
        user_logged_in.connect(record_sign_in, dispatch_uid="samsyn-record-sign-in")
