"""The case timeline and the permission checks every casework service shares.

Each service writes its change and the timeline event in the same transaction; this module is the one
place that writes CaseEvent rows and the one place that decides whether an actor may write a field class
of a case (through accesscontrol.visibility, never by role in the caller).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol.visibility import FieldClass, writable_classes
from casework.models import Case, CaseEvent
from casework.selectors.cases import case_facts


def add_event(
    *, case: Case, kind: str, by, occurred_on: datetime.date | None = None, data: dict | None = None, note: str = ""
) -> CaseEvent:
    """One entry of the case's timeline; `data` holds ids and codes only, `note` is encrypted."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        by=by,
        occurred_on=occurred_on or timezone.localdate(),
        data=data or {},
        note=note,
    )


def require_agreement(actor, obj) -> None:
    """The object belongs to the agreement the actor works in now; anything else is refused."""
    if actor is None or actor.agreement is None or obj.agreement_id != actor.agreement.pk:
        raise PermissionDenied


def require_role(actor, *roles: str) -> None:
    if actor is None or actor.agreement is None or not actor.has(*roles):
        raise PermissionDenied


def lock_writable(actor, case: Case, field_class: FieldClass) -> Case:
    """The case as it is now, locked for the transaction, if the actor may write this field class of it
    (visibility matrix, case scope included); checked on the fresh row, so a stale object decides nothing."""
    case = Case.objects.select_for_update(of=("self",)).select_related("agreement", "person").get(pk=case.pk)
    require_agreement(actor, case)
    facts = case_facts(actor=actor, case=case)
    if field_class not in writable_classes(actor.roles, facts):
        raise PermissionDenied
    return case


def refuse_future(day: datetime.date | None, *, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("Datumet kan inte ligga i framtiden.")}, code="future")


def require_status(case: Case, *statuses: str, message: str, field: str | None = None) -> None:
    if case.status not in statuses:
        raise ValidationError({field: message} if field else message, code="status")
