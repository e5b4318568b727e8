"""Case attachments: adding one (sealed in chunks, bound to its case and row) and re-encrypting them all
under a new primary key (key rotation, through encryption.rotation.register_sealed_store)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol.policies import Action
from accesscontrol.visibility import ATTACHABLE, writable_classes
from casework.models import Case, CaseAttachment
from casework.selectors.attachments import attachment_aad
from casework.selectors.cases import case_facts
from encryption import crypto

from .timeline import lock_case

# The accepted types, told by their first bytes, never by the name or the browser's word. Three fixed
# signatures are checked by hand rather than with a file-type library: a library would add a dependency to
# recognise three prefixes, and would also accept types we refuse.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
NAME_MAX_LENGTH = 200


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type whose signature `head` starts with, or None."""
    return next((content_type for signature, content_type in SIGNATURES if head.startswith(signature)), None)


def too_large_error() -> ValidationError:
    megabytes = settings.SAMSYN_ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return ValidationError(
        {"file": _("Filen är för stor. Den största tillåtna storleken är %(size)s MB.") % {"size": f"{megabytes:g}"}},
        code="too_large",
    )


def _clean_name(name: str) -> str:
    # Only the last part of a path a browser may send, without control characters.
    name = "".join(ch for ch in os.path.basename((name or "").replace("\\", "/")) if ch.isprintable()).strip()
    if not name:
        raise ValidationError({"file": _("Filen saknar namn.")}, code="no_name")
    return name[:NAME_MAX_LENGTH]


@transaction.atomic
def add_attachment(*, actor, case: Case, kind: str, field_class: str, upload) -> CaseAttachment:
    """Seal an uploaded file (held in memory, casework.uploads) to the case, with the field class that
    decides who reads it. The actor must be able to write that class of the case (visibility matrix);
    the file must be a PDF, PNG or JPEG by its content and at most SAMSYN_ATTACHMENT_MAX_BYTES."""
    if kind not in CaseAttachment.Kind.values:
        raise ValidationError({"kind": _("Välj vilken sorts handling det är.")}, code="kind")
    if field_class not in ATTACHABLE:
        raise ValidationError({"field_class": _("Välj vilka uppgifter handlingen hör till.")}, code="field_class")
    case = lock_case(actor, case, Action.ATTACH_DOCUMENT)
    # Attaching needs the right to write the class the document is given (the matrix), not just any.
    if field_class not in writable_classes(actor.roles, case_facts(actor=actor, case=case)):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"file": _("Välj en fil.")}, code="required")
    if upload.size > settings.SAMSYN_ATTACHMENT_MAX_BYTES:
        raise too_large_error()
    if upload.size == 0:
        raise ValidationError({"file": _("Filen är tom.")}, code="empty")
    name = _clean_name(upload.name)
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    if content_type is None:
        raise ValidationError(
            {"file": _("Filen är inte en PDF, PNG eller JPEG. Filens innehåll avgör, inte dess namn.")},
            code="type",
        )
    upload.seek(0)
    attachment = CaseAttachment(
        case=case,
        kind=kind,
        field_class=field_class,
        file_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor.user,
    )
    attachment.key_id, attachment.sealed_content = crypto.seal_stream(
        upload.chunks(crypto.STREAM_CHUNK_BYTES), aad=attachment_aad(attachment)
    )
    attachment.save()
    return attachment


def reseal_attachments(keyring: crypto.Keyring) -> int:
    """Key rotation: re-encrypt under the keyring's primary every attachment sealed with another key, one
    attachment per transaction, swapped with a compare-and-set on its key id. Returns how many."""
    rewritten = 0
    stale = CaseAttachment.objects.exclude(key_id=keyring.primary_id).values_list("pk", flat=True)
    for pk in list(stale):
        with transaction.atomic():
            attachment = (
                CaseAttachment.objects.select_for_update()
                .only("pk", "case_id", "key_id", "sealed_content")
                .filter(pk=pk)
                .first()
            )
            if attachment is None or attachment.key_id == keyring.primary_id:
                continue  # purged or rotated meanwhile
            key_id, sealed = crypto.reseal_stream(
                bytes(attachment.sealed_content),
                key_id=attachment.key_id,
                aad=attachment_aad(attachment),
                where=f"casework_caseattachment.sealed_content (rad {pk})",
                keyring=keyring,
            )
            rewritten += CaseAttachment.objects.filter(pk=pk, key_id=attachment.key_id).update(
                key_id=key_id, sealed_content=sealed
            )
    return rewritten


def attachments_sealed_with(key_id: str) -> bool:
    return CaseAttachment.objects.filter(key_id=key_id).exists()
