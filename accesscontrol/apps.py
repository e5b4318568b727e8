from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessControlConfig(AppConfig):
    name = "accesscontrol"
    verbose_name = _("Behörigheter")
