"""What the change log (django-auditlog) follows, in one place: every model of casework,
accesscontrol and encryption, and of the other apps the models that hold data the reports are computed from (the cost
indexes change the cost comparison's figures) and the auditors' chain checks, with encrypted fields masked, and a
chain seal for every LogEntry.

Masking: for an encrypted field the entry says that the field changed and shows `audit.masking.MASK`
for both the old and the new value. django-auditlog decrypts both values in memory to compare them;
only the mask is stored. No model is registered with serialize_data, so no row snapshot is stored.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import post_save

from casework.retention import purged
from encryption.fields import encrypted_fields

from .chain import seal_log_entry
from .services import note_purged_records

AUDITED_APPS = ("casework", "accesscontrol", "encryption")
# An auditor's chain check started from the page: who asked for one, and when, is on the record.
AUDITED_MODELS = ("reports.CostIndex", "audit.ChainCheck")
# Written by gallring alone, the moment a case goes: an entry would tell when a case of which quarter and
# category was purged, the re-identifying trace gallring must not leave (casework.retention).
NOT_AUDITED = ("casework.historiccount",)

# Fields never written to the change log, beyond the encrypted ones (which are masked):
# the password hash; the last-login stamp (a sign-in is not a change to the user); the blind indexes,
# which would let anyone with the index key recognise a personnummer or name in the log after the person
# has been purged; and the statistics' cell key, which must stay secret or the perturbation could be undone.
EXCLUDED_FIELDS = {
    "accesscontrol.user": ["password", "last_login"],
    "casework.person": ["personal_number_index", "name_index", "statistics_key"],
    # The sealed file: ciphertext of up to SAMSYN_ATTACHMENT_MAX_BYTES has no place in the change log.
    "casework.caseattachment": ["sealed_content", "key_id"],
    # An import's sealed upload: megabytes of ciphertext, cleared after the import; nothing to review.
    # Its failure reason may quote a row of the file (a name, a personnummer).
    "casework.caseimport": ["sealed_file", "failure"],
    # A chain check's progress: up to a hundred steps a run, which say nothing the status does not.
    "audit.chaincheck": ["progress"],
}
# Many-to-many fields whose changes are recorded (a user's units decide which cases they see).
M2M_FIELDS = {"accesscontrol.user": {"units"}}


def _audited_models():
    for app_label in AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower not in NOT_AUDITED:
                yield model
    for label in AUDITED_MODELS:
        yield apps.get_model(label)


def register_audited_models() -> None:
    for model in _audited_models():
        label = model._meta.label_lower
        auditlog.register(
            model,
            mask_fields=[field.name for field in encrypted_fields(model)],
            exclude_fields=list(EXCLUDED_FIELDS.get(label, [])),
            m2m_fields=set(M2M_FIELDS.get(label, ())),
        )


def _seal_new_log_entry(sender, instance, created, **kwargs):
    if created:
        seal_log_entry(instance.pk)


def install() -> None:
    register_audited_models()
    post_save.connect(_seal_new_log_entry, sender=LogEntry, dispatch_uid="audit.seal_log_entry")
    purged.connect(note_purged_records, dispatch_uid="audit.note_purged_records")
