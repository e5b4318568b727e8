from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Ärenden")

    def ready(self):
        from accesscontrol.rotation import register_sealed_store

        from .services.attachments import attachments_sealed_with, reseal_attachments

        register_sealed_store(
            "casework.CaseAttachment.sealed_content", reseal=reseal_attachments, seals_with=attachments_sealed_with
        )
