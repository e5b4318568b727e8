from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Ärenden")

    def ready(self):
        from accesscontrol.start import register_section_content
        from encryption.rotation import register_blind_indexes, register_sealed_store

        from .blind_indexes import PERSON_BLIND_INDEXES
        from .selectors.start import start_content
        from .services.attachments import attachments_sealed_with, reseal_attachments

        register_blind_indexes("casework.Person", PERSON_BLIND_INDEXES)
        # The start page is accesscontrol's; what a casework role's section lists is casework's.
        register_section_content(start_content)

        register_sealed_store(
            "casework.CaseAttachment.sealed_content", reseal=reseal_attachments, seals_with=attachments_sealed_with
        )
