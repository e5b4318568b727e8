"""Importing a municipality's old list (casework.imports): upload and preview, confirm or cancel, and the
import itself, which a worker runs (the task gets the import's id only).

The uploaded file is held in memory by the request, sealed to its CaseImport row (AES-GCM under the
field-encryption keyring) and never written anywhere else; each preview reads it again from the seal. The
seal is cleared when the import is done, fails or is cancelled, and by `delete_stale_files` for a preview
left standing. The import runs every planned case through the casework services in one transaction, as
the social manager who uploaded it, with the import named in every change-log entry: all of it or
nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from auditlog.context import set_extra_data
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.actor import actor_for
from accesscontrol.changes import update_logged
from accesscontrol.policies import Action
from casework.imports import planning, reading
from casework.models import CaseImport
from config import text_limits
from config.queueing import send_after_commit
from encryption import crypto

from . import cases, follow_ups, interventions

logger = logging.getLogger(__name__)


def file_aad(case_import: CaseImport) -> bytes:
    """Binds the sealed file to its import row, so it cannot be moved to another."""
    return crypto.associated_data("casework_caseimport", "sealed_file", case_import.pk)


def open_file(case_import: CaseImport) -> bytes:
    where = f"casework_caseimport.sealed_file (rad {case_import.pk})"
    return crypto.open_sealed(case_import.sealed_file, aad=file_aad(case_import), where=where)


def progress_key(case_import: CaseImport) -> str:
    # The import holds its transaction until it is done, so its progress lives outside the database.
    return f"casework:import-progress:{case_import.pk}"


@transaction.atomic
def upload_import(*, actor, content: bytes) -> CaseImport:
    """Seal an uploaded list for its preview. Refuses (ValidationError, in Swedish) a file that cannot be
    read as a list at all: too large, not a spreadsheet, no heading row, a required column missing."""
    policies.require(actor, Action.IMPORT_LISTS)
    try:
        sheet = reading.read(content)
    except reading.UnreadableFile as error:
        raise ValidationError({"file": [str(error)]}) from None
    case_import = CaseImport(
        agreement=actor.agreement,
        uploaded_by=actor.user,
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        rows=len(sheet.rows),
    )
    case_import.sealed_file = crypto.seal(content, aad=file_aad(case_import))
    case_import.save()
    return case_import


def _lock_own_preview(actor, case_import: CaseImport) -> CaseImport:
    """The uploader's own import, locked, while it is still a preview (confirmed or cancelled only once)."""
    policies.require(actor, Action.IMPORT_LISTS)
    case_import = CaseImport.objects.select_for_update().get(pk=case_import.pk)
    if case_import.agreement_id != actor.agreement.pk or case_import.uploaded_by_id != actor.user.pk:
        raise PermissionDenied
    if case_import.status != CaseImport.Status.PREVIEW:
        raise ValidationError(_("Importen är redan bekräftad eller avbruten."), code="status")
    return case_import


@transaction.atomic
def confirm_import(*, actor, case_import: CaseImport) -> CaseImport:
    """The uploader confirms the preview: the import is queued for a worker (which gets its id only)."""
    case_import = _lock_own_preview(actor, case_import)
    case_import.status = CaseImport.Status.QUEUED
    case_import.confirmed_at = timezone.now()
    case_import.save(update_fields=["status", "confirmed_at"])
    send_after_commit("casework.tasks.run_import", import_id=str(case_import.pk))
    return case_import


@transaction.atomic
def cancel_import(*, actor, case_import: CaseImport) -> CaseImport:
    """The uploader drops a preview: the sealed file is deleted, the row stays as the record."""
    case_import = _lock_own_preview(actor, case_import)
    case_import.status = CaseImport.Status.CANCELLED
    case_import.sealed_file = ""
    case_import.save(update_fields=["status", "sealed_file"])
    return case_import


def run_import(import_id: str) -> None:
    """Import a confirmed list (the worker's task). Every planned case, intervention and follow-up goes
    through its service, as the uploader, in one transaction, with the import named in the change log; any
    refusal (the database changed since the preview, the uploader lost the role) leaves nothing but the
    reason on the import. An import already done, failed or cancelled is left as it is, so a re-run after a
    lost worker imports once."""
    with transaction.atomic():
        case_import = CaseImport.objects.select_for_update().filter(pk=import_id).first()
        if case_import is None or case_import.status not in (CaseImport.Status.QUEUED, CaseImport.Status.RUNNING):
            return
        case_import.status = CaseImport.Status.RUNNING
        case_import.save(update_fields=["status"])
    actor = actor_for(case_import.uploaded_by, case_import.agreement)
    context = {
        "actor": case_import.uploaded_by,
        "additional_data": {
            "agreement_id": case_import.agreement_id,
            "roles": sorted(actor.roles),
            "import": str(case_import.pk),
        },
    }
    line = None
    try:
        with transaction.atomic(), set_extra_data(context):
            policies.require(actor, Action.IMPORT_LISTS)
            case_import = CaseImport.objects.select_for_update().get(pk=import_id)
            plan = planning.plan(agreement=case_import.agreement, sheet=reading.read(open_file(case_import)))
            total = max(len(plan.cases), 1)
            for done, planned in enumerate(plan.cases):
                line = planned.line
                _import_case(actor, planned, case_import)
                if done % 50 == 0:
                    cache.set(progress_key(case_import), 100 * done // total, 3600)
            case_import.status = CaseImport.Status.DONE
            case_import.counts = {
                "cases": len(plan.cases),
                "interventions": plan.interventions,
                "follow_ups": plan.follow_ups,
                "skipped": plan.count(planning.SKIP),
                "refused": plan.count(planning.REFUSE),
            }
            case_import.progress = 100
            case_import.finished_at = timezone.now()
            case_import.sealed_file = ""
            case_import.save()
    except (ValidationError, PermissionDenied, reading.UnreadableFile) as error:
        reason = _("Behörigheten saknas.") if isinstance(error, PermissionDenied) else _reason(error)
        if line is not None:
            reason = _("Rad %(line)s: %(reason)s") % {"line": line, "reason": reason}
        # The log names the import only; the reason may quote the file's content.
        logger.warning("import %s failed and made nothing", import_id)
        update_logged(
            CaseImport.objects.filter(pk=import_id),
            status=CaseImport.Status.FAILED,
            failure=reason[: text_limits.NOTE],  # a limited column, and update() passes no pre_save
            sealed_file="",
            finished_at=timezone.now(),
        )
    finally:
        cache.delete(progress_key(case_import))


def _reason(error) -> str:
    messages = getattr(error, "messages", None) or [str(error)]
    return " ".join(str(message) for message in messages)


def _import_case(actor, planned: planning.PlannedCase, case_import: CaseImport) -> None:
    case = cases.import_case(
        actor=actor,
        personal_number=planned.personal_number.normalised,
        person_details=planned.details,
        category=planned.category,
        raised_on=planned.raised_on,
        unit=planned.unit,
        caseworker=planned.caseworker,
        import_id=str(case_import.pk),
    )
    for intervention in planned.interventions:
        interventions.offer_intervention(
            actor=actor,
            case=case,
            intervention_type=intervention.intervention_type,
            offered_on=intervention.offered_on,
            response=intervention.response,
            starts_on=intervention.starts_on,
            ends_on=intervention.ends_on,
        )
    for follow_up in planned.follow_ups:
        follow_ups.write_follow_up(
            actor=actor,
            case=case,
            written_on=follow_up.written_on,
            youth_view=follow_up.youth_view,
            social_view=follow_up.social_view,
            outcome=follow_up.outcome,
        )


def delete_stale_files() -> int:
    """Previews nobody confirmed or cancelled lose their sealed file after SAMSYN_IMPORT_PREVIEW_HOURS
    (scheduled hourly); the row stays as the record, cancelled."""
    since = timezone.now() - datetime.timedelta(hours=settings.SAMSYN_IMPORT_PREVIEW_HOURS)
    stale = CaseImport.objects.filter(status=CaseImport.Status.PREVIEW, uploaded_at__lt=since)
    return update_logged(stale, status=CaseImport.Status.CANCELLED, sealed_file="")
