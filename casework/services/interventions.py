"""Interventions from the agreement's catalogue offered to a case, and the youth's answer.

Each function is one transaction that checks the actor may write interventions of the case (the
social manager, or a caseworker the case is assigned to), validates the dates and writes the
intervention with its timeline event.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol.policies import Action
from casework.models import Case, CaseEvent, Intervention, InterventionType
from config.text_limits import check_text_limits

from .timeline import add_event, lock_case, refuse_future, refuse_outside_agreement


def check_course(
    *, offered_on: datetime.date, response: str, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> None:
    if response not in Intervention.Response.values:
        raise ValidationError({"response": [_("Välj ungdomens svar.")]})
    errors = {}
    if response != Intervention.Response.ACCEPTED and (starts_on or ends_on):
        errors["starts_on"] = [_("Start och slut anges bara för en insats som ungdomen har tackat ja till.")]
    elif ends_on and not starts_on:
        errors["starts_on"] = [_("Ange startdatum när du anger slutdatum.")]
    elif starts_on and starts_on < offered_on:
        errors["starts_on"] = [_("Insatsen kan inte starta innan den erbjöds.")]
    elif starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("Slutdatumet kan inte ligga före startdatumet.")]
    if errors:
        raise ValidationError(errors)


def _summary(intervention: Intervention) -> dict:
    return {
        "intervention": str(intervention.pk),
        "type": intervention.intervention_type.name,
        "response": intervention.response,
    }


@transaction.atomic
def offer_intervention(
    *,
    actor,
    case: Case,
    intervention_type: InterventionType,
    offered_on: datetime.date,
    response: str = Intervention.Response.PENDING,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    provider: str = "",
    occasions: int | None = None,
    note: str = "",
) -> Intervention:
    """Offer an active case an intervention from the agreement's active catalogue. Refuses a future
    offer date, a start before the offer, an end before the start, dates on an offer not accepted."""
    case = lock_case(actor, case, Action.OFFER_INTERVENTION)
    if intervention_type.agreement_id != case.agreement_id or not intervention_type.active:
        raise ValidationError({"intervention_type": [_("Välj en insats ur överenskommelsens katalog.")]})
    refuse_future(offered_on, field="offered_on")
    refuse_outside_agreement(case.agreement, offered_on, field="offered_on", what=_("Datum för erbjudandet"))
    check_course(offered_on=offered_on, response=response, starts_on=starts_on, ends_on=ends_on)
    check_text_limits(Intervention, provider=provider, note=note)
    intervention = Intervention.objects.create(
        case=case,
        intervention_type=intervention_type,
        offered_on=offered_on,
        response=response,
        starts_on=starts_on,
        ends_on=ends_on,
        provider=(provider or "").strip(),
        occasions=occasions,
        note=(note or "").strip(),
        recorded_by=actor.user,
    )
    add_event(
        case=case,
        kind=CaseEvent.Kind.INTERVENTION_OFFERED,
        by=actor.user,
        occurred_on=offered_on,
        data=_summary(intervention),
    )
    return intervention


@transaction.atomic
def record_intervention_response(
    *,
    actor,
    intervention: Intervention,
    response: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    provider: str = "",
    occasions: int | None = None,
    answered_on: datetime.date | None = None,
) -> Intervention:
    """The youth's answer and the course of the intervention (start, end, provider, occasions); each
    update is an entry on the timeline, dated today unless given (never in the future, never before
    the offer)."""
    case = lock_case(actor, intervention.case, Action.ANSWER_INTERVENTION)
    intervention = (
        Intervention.objects.select_for_update(of=("self",)).select_related("intervention_type").get(pk=intervention.pk)
    )
    check_course(offered_on=intervention.offered_on, response=response, starts_on=starts_on, ends_on=ends_on)
    answered_on = answered_on or timezone.localdate()
    refuse_future(answered_on, field="answered_on")
    refuse_outside_agreement(case.agreement, answered_on, field="answered_on", what=_("Datum för svaret"))
    if answered_on < intervention.offered_on:
        raise ValidationError({"answered_on": [_("Svaret kan inte ligga före erbjudandet.")]})
    check_text_limits(Intervention, provider=provider)
    intervention.response = response
    intervention.starts_on = starts_on
    intervention.ends_on = ends_on
    intervention.provider = (provider or "").strip()
    intervention.occasions = occasions
    intervention.save()
    add_event(
        case=case,
        kind=CaseEvent.Kind.INTERVENTION_ANSWERED,
        by=actor.user,
        occurred_on=answered_on,
        data=_summary(intervention),
    )
    return intervention
