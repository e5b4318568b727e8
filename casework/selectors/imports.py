"""Reads of the social manager's imports: their own only, in the agreement they work in."""

from __future__ import annotations

from django.core.cache import cache

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.imports import planning, reading
from casework.models import CaseImport
from casework.services.imports import open_file, progress_key


def my_imports(*, actor):
    policies.require(actor, Action.IMPORT_LISTS)
    return CaseImport.objects.filter(agreement=actor.agreement, uploaded_by=actor.user)


def my_import(*, actor, import_id) -> CaseImport:
    """The actor's own import; CaseImport.DoesNotExist for anyone else's."""
    return my_imports(actor=actor).get(pk=import_id)


def import_preview(*, actor, case_import: CaseImport) -> planning.Plan | None:
    """What the import would do now, read from its sealed file; None once the file is gone."""
    policies.require(actor, Action.IMPORT_LISTS)
    if case_import.status != CaseImport.Status.PREVIEW or not case_import.sealed_file:
        return None
    return planning.plan(agreement=case_import.agreement, sheet=reading.read(open_file(case_import)))


def import_progress(case_import: CaseImport) -> int:
    if case_import.status == CaseImport.Status.RUNNING:
        return cache.get(progress_key(case_import), 0)
    return case_import.progress
