from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncryptionConfig(AppConfig):
    name = "encryption"
    verbose_name = _("Kryptering")
