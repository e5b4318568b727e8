"""Reading case attachments: which the actor may read (by the visibility matrix, through the field classes
`cases.case_page` already worked out, the police's disclosures included), and the file itself."""

from __future__ import annotations

from accesscontrol.visibility import ATTACHABLE, FIELD_CLASS_LABELS
from casework.models import Case, CaseAttachment
from encryption import crypto


def attachment_aad(attachment: CaseAttachment) -> bytes:
    """Binds the sealed file to its case and its row: moved to another case or row, it fails to open."""
    return crypto.associated_data("casework_caseattachment", "sealed_content", f"{attachment.case_id}/{attachment.pk}")


def attachable_classes(writable) -> list[tuple[str, str]]:
    """The field classes an actor who may write `writable` of a case can give an attachment, with labels."""
    return [(str(c), str(FIELD_CLASS_LABELS[c])) for c in ATTACHABLE if c in writable]


def readable_attachments(*, case: Case, readable) -> list[CaseAttachment]:
    """The attachments of an (already scoped) case whose field class is among `readable`, the classes the
    actor reads of the case (cases.case_page), oldest first."""
    return list(
        CaseAttachment.objects.filter(case=case, field_class__in=[str(c) for c in readable])
        .defer("sealed_content")
        .select_related("uploaded_by")
    )


def get_attachment(*, case: Case, readable, attachment_id) -> CaseAttachment:
    """One attachment of the case that the actor reads; raises CaseAttachment.DoesNotExist otherwise
    (the view answers 404: an attachment the actor may not read does not exist for them)."""
    return CaseAttachment.objects.get(case=case, pk=attachment_id, field_class__in=[str(c) for c in readable])


def attachment_content(attachment: CaseAttachment) -> bytes:
    """The file, opened chunk by chunk (each authenticated) and joined; at most SAMSYN_ATTACHMENT_MAX_BYTES."""
    return b"".join(
        crypto.open_stream(
            bytes(attachment.sealed_content),
            key_id=attachment.key_id,
            aad=attachment_aad(attachment),
            where=f"casework_caseattachment.sealed_content (rad {attachment.pk})",
        )
    )
