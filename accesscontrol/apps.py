from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessControlConfig(AppConfig):
    name = "accesscontrol"
    verbose_name = _("Behörigheter")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import record_sign_in

        # The session's absolute lifetime counts from each login (accesscontrol.middleware).
        user_logged_in.connect(record_sign_in, dispatch_uid="samsyn-record-sign-in")
