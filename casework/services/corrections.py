"""Corrections of saved records without losing history: a follow-up, the social or the police assessment,
a field contact.

The record (and its timeline entry) takes the corrected version; the earlier version is kept in a
`Correction` row, encrypted like the record, with who corrected it, when and why, and is shown with the
timeline entry to those who read the record's field class ("Rättad <datum> av <namn>: skäl"). Counts
(targets, reports) read the record itself, so a corrected follow-up still counts once.

Who may correct, and when, is accesscontrol.policies (the CORRECT_* actions, on a RecordSubject): the
author, or the social manager for the social services' own records, while the case is open. Each function
is one transaction; bad input (no reason, a reason too long, a date outside the rules, nothing changed) is a
ValidationError naming the field, and nothing is saved.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.follow_up import follow_up_window
from casework.models import Case, CaseEvent, Correction, FieldContact, FollowUp, RealisticAlternative
from casework.selectors.cases import record_subject
from casework.selectors.timeline import current_assessment_event
from config.text_limits import check_text_limits

from .cases import check_assessed_on, sync_current_assessment
from .fieldwork import check_contact_date
from .follow_ups import check_follow_up
from .timeline import add_event, require_agreement

FOLLOW_UP_TEXTS = ("youth_view", "social_view", "police_view", "partners_view", "helped", "hindered", "collaboration")


def check_reason(reason: str) -> str:
    """A correction says why, briefly."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Skriv skälet till rättelsen.")]})
    check_text_limits(Correction, reason=reason)
    return reason


def _lock(actor, case: Case, action: Action, *, author_id) -> Case:
    """The record's case, locked, if the policy lets the actor correct a record of it written by
    `author_id` (checked on the fresh row)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("agreement", "person").get(pk=case.pk)
    require_agreement(actor, case)
    policies.require(actor, action, record_subject(actor=actor, case=case, author_id=author_id))
    return case


def _refuse_unchanged(previous: dict, current: dict, previous_on, current_on) -> None:
    if previous == current and previous_on == current_on:
        raise ValidationError(_("Inget är ändrat: rätta det som var fel, eller avbryt."), code="unchanged")


def _record(*, actor, case, event, kind, record_id, previous_on, previous, reason) -> Correction:
    return Correction.objects.create(
        case=case,
        event=event,
        kind=kind,
        record_id=record_id,
        previous_on=previous_on,
        previous=previous,
        reason=reason,
        by=actor.user,
    )


@transaction.atomic
def correct_follow_up(
    *,
    actor,
    follow_up: FollowUp,
    reason: str,
    written_on: datetime.date,
    youth_view: str,
    social_view: str,
    outcome: str,
    police_view: str = "",
    partners_view: str = "",
    helped: str = "",
    hindered: str = "",
    collaboration: str = "",
) -> FollowUp:
    """Correct a saved follow-up: the same rules as writing one (both views, an outcome, a date neither in
    the future nor before the window opens), a reason, and something changed. The follow-up stays one
    follow-up (it counts once); its late mark and its timeline entry follow the corrected date."""
    follow_up = FollowUp.objects.select_related("case").get(pk=follow_up.pk)
    case = _lock(actor, follow_up.case, Action.CORRECT_FOLLOW_UP, author_id=follow_up.author_id)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).get(pk=follow_up.pk)
    check_follow_up(
        agreement=case.agreement,
        raised_on=case.raised_on,
        written_on=written_on,
        youth_view=youth_view,
        social_view=social_view,
        outcome=outcome,
    )
    reason = check_reason(reason)
    texts = {
        "youth_view": youth_view,
        "social_view": social_view,
        "police_view": police_view,
        "partners_view": partners_view,
        "helped": helped,
        "hindered": hindered,
        "collaboration": collaboration,
    }
    current = {name: (value or "").strip() for name, value in texts.items()} | {"outcome": outcome}
    previous = {name: getattr(follow_up, name) for name in (*FOLLOW_UP_TEXTS, "outcome")}
    _refuse_unchanged(previous, current, follow_up.written_on, written_on)
    previous_on = follow_up.written_on
    for name, value in current.items():
        setattr(follow_up, name, value)
    follow_up.written_on = written_on
    follow_up.late = follow_up_window(raised_on=case.raised_on, agreement=case.agreement).written_late(written_on)
    follow_up.save()
    data = {"follow_up": str(follow_up.pk), "outcome": outcome, "late": follow_up.late}
    event = case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP, data__follow_up=str(follow_up.pk)).first()
    if event is None:  # a follow-up from before timeline entries named it
        event = add_event(case=case, kind=CaseEvent.Kind.FOLLOW_UP, by=follow_up.author, occurred_on=written_on)
    event.occurred_on, event.data = written_on, data
    event.save(update_fields=["occurred_on", "data"])
    _record(
        actor=actor,
        case=case,
        event=event,
        kind=Correction.Kind.FOLLOW_UP,
        record_id=follow_up.pk,
        previous_on=previous_on,
        previous=previous,
        reason=reason,
    )
    return follow_up


def _current_assessment(case: Case, kind: str) -> CaseEvent:
    event = current_assessment_event(case=case, kind=kind)
    if event is None:
        raise ValidationError(_("Det finns ingen bedömning att rätta."), code="no_assessment")
    return event


@transaction.atomic
def correct_social_assessment(
    *,
    actor,
    case: Case,
    reason: str,
    assessment: str,
    realistic_alternative: str,
    assessed_on: datetime.date,
) -> CaseEvent:
    """Correct the case's current social assessment (its text, realistic alternative and date) with a reason;
    the earlier version stays with its timeline entry, marked as corrected."""
    event = _current_assessment(case, CaseEvent.Kind.SOCIAL_ASSESSMENT)
    case = _lock(actor, case, Action.CORRECT_SOCIAL_ASSESSMENT, author_id=event.by_id)
    event = CaseEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not (assessment or "").strip():
        raise ValidationError({"assessment": [_("Skriv socialtjänstens bedömning.")]})
    if realistic_alternative not in RealisticAlternative.values:
        raise ValidationError({"realistic_alternative": [_("Välj ett alternativ.")]})
    assessed_on = check_assessed_on(case, assessed_on)
    reason = check_reason(reason)
    previous = {"assessment": event.note, "realistic_alternative": event.data.get("realistic_alternative", "")}
    current = {"assessment": assessment.strip(), "realistic_alternative": realistic_alternative}
    return _correct_assessment(
        actor, case, event, Correction.Kind.SOCIAL_ASSESSMENT, previous, current, assessed_on, reason
    )


@transaction.atomic
def correct_police_assessment(
    *, actor, case: Case, reason: str, assessment: str, priority: bool, assessed_on: datetime.date
) -> CaseEvent:
    """Correct the case's current police assessment (its text, priority and date) with a reason; the earlier
    version stays with its timeline entry, marked as corrected."""
    event = _current_assessment(case, CaseEvent.Kind.POLICE_ASSESSMENT)
    case = _lock(actor, case, Action.CORRECT_POLICE_ASSESSMENT, author_id=event.by_id)
    event = CaseEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not (assessment or "").strip():
        raise ValidationError({"assessment": [_("Skriv polisens bedömning.")]})
    assessed_on = check_assessed_on(case, assessed_on)
    reason = check_reason(reason)
    previous = {"assessment": event.note, "priority": bool(event.data.get("priority"))}
    current = {"assessment": assessment.strip(), "priority": bool(priority)}
    return _correct_assessment(
        actor, case, event, Correction.Kind.POLICE_ASSESSMENT, previous, current, assessed_on, reason
    )


def _correct_assessment(actor, case, event, kind, previous, current, assessed_on, reason) -> CaseEvent:
    _refuse_unchanged(previous, current, event.occurred_on, assessed_on)
    previous_on = event.occurred_on
    event.note = current["assessment"]
    event.occurred_on = assessed_on
    event.data = {**event.data, **{k: v for k, v in current.items() if k != "assessment"}}
    event.save(update_fields=["note", "occurred_on", "data"])
    sync_current_assessment(case, event.kind)
    _record(
        actor=actor,
        case=case,
        event=event,
        kind=kind,
        record_id=event.pk,
        previous_on=previous_on,
        previous=previous,
        reason=reason,
    )
    return event


@transaction.atomic
def correct_field_contact(*, actor, contact: FieldContact, reason: str, occurred_on: datetime.date, note: str = ""):
    """Correct a field contact on a case (its date and note) with a reason: the same date rules as recording
    it, and never after its orossamtal's follow-up. Anonymous contacts have no case and no timeline."""
    require_agreement(actor, contact)
    contact = FieldContact.objects.get(pk=contact.pk)
    if contact.case_id is None:
        raise ValidationError(_("En anonym kontakt rättas inte här."), code="anonymous")
    case = _lock(actor, contact.case, Action.CORRECT_FIELD_CONTACT, author_id=contact.recorded_by_id)
    contact = (
        FieldContact.objects.select_for_update(of=("self",)).select_related("concern_follow_up").get(pk=contact.pk)
    )
    check_contact_date(case, occurred_on)
    follow_up = getattr(contact, "concern_follow_up", None)
    if follow_up is not None and occurred_on > follow_up.followed_up_on:
        raise ValidationError({"occurred_on": [_("Kontakten kan inte ligga efter uppföljningen av orossamtalet.")]})
    reason = check_reason(reason)
    previous, current = {"note": contact.note}, {"note": (note or "").strip()}
    _refuse_unchanged(previous, current, contact.occurred_on, occurred_on)
    previous_on = contact.occurred_on
    contact.note, contact.occurred_on = current["note"], occurred_on
    contact.save(update_fields=["note", "occurred_on"])
    event = next(
        (
            e
            for e in case.events.filter(kind=CaseEvent.Kind.FIELD_CONTACT, data__contact=str(contact.pk))
            if not e.data.get("follow_up")
        ),
        None,
    )
    if event is None:
        event = add_event(case=case, kind=CaseEvent.Kind.FIELD_CONTACT, by=contact.recorded_by, occurred_on=occurred_on)
    event.occurred_on = occurred_on
    event.data = {"contact": str(contact.pk), "contact_kind": contact.kind}
    event.save(update_fields=["occurred_on", "data"])
    _record(
        actor=actor,
        case=case,
        event=event,
        kind=Correction.Kind.FIELD_CONTACT,
        record_id=contact.pk,
        previous_on=previous_on,
        previous=previous,
        reason=reason,
    )
    return contact
