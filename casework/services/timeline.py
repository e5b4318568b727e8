"""The case timeline and the permission checks every casework service shares.

Each service writes its change and the timeline event in the same transaction; this module is the one
place that writes CaseEvent rows; `lock_case` is how a service asks accesscontrol.policies whether the
actor may do what it is about to do to a case.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.models import Case, CaseEvent
from casework.periods import agreement_period_label
from casework.selectors.cases import case_subject


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


def lock_case(actor, case: Case, action: Action) -> Case:
    """The case as it is now, locked for the transaction, if the policy lets the actor do `action` to it
    (accesscontrol.policies: the matrix with the case's scope, and the case's state); checked on the
    fresh row, so a stale object decides nothing."""
    case = Case.objects.select_for_update(of=("self",)).select_related("agreement", "person").get(pk=case.pk)
    require_agreement(actor, case)
    policies.require(actor, action, case_subject(actor=actor, case=case))
    return case


def refuse_future(day: datetime.date | None, *, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("Datumet kan inte ligga i framtiden.")}, code="future")


def refuse_outside_agreement(agreement, day: datetime.date | None, *, field: str, what: str) -> None:
    """Refuse a date of the agreement's work (a proposal, a meeting, an intervention) outside the agreement's
    period, naming the date (`what`, e.g. "Datum för förslaget") and the period; nothing is saved."""
    if day is None or (agreement.starts_on <= day and (agreement.ends_on is None or day <= agreement.ends_on)):
        return
    message = _("%(what)s måste ligga inom överenskommelsens period %(period)s.") % {
        "what": what,
        "period": agreement_period_label(agreement),
    }
    raise ValidationError({field: [message]}, code="outside_agreement")
