"""Quarterly meetings and their minutes: schedule (agenda from the data), hold (participants, reasoning,
decisions), approve (chair and, where the agreement says so, one police participant) → locked; a
correction after approval is an addendum that keeps the original.

Every function is one transaction. Once anyone has approved the minutes, their content (agenda,
participants, identifications, reasoning, decisions) refuses every change, so each approval is of the
text that is finally locked; a locked meeting refuses every change to its minutes.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.changes import create_logged
from accesscontrol.models import Membership, Role
from accesscontrol.policies import Action
from casework.follow_up import FollowUpState, follow_up_state
from casework.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Decision,
    FollowUp,
    Meeting,
    MeetingItem,
    MeetingParticipant,
    MinutesAddendum,
    MinutesApproval,
)
from casework.selectors.meetings import meeting_subject

from .timeline import add_event, refuse_future, refuse_outside_agreement, require_agreement


def lock_meeting(*, actor, meeting: Meeting, action: Action) -> Meeting:
    """The meeting as it is now, locked for the transaction, if the policy lets the actor do `action` to
    it (accesscontrol.policies: who, and the minutes' state: a draft, being approved, locked)."""
    require_agreement(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    policies.require(actor, action, meeting_subject(actor=actor, meeting=meeting))
    return meeting


def _lock_draft(*, actor, meeting: Meeting) -> Meeting:
    return lock_meeting(actor=actor, meeting=meeting, action=Action.EDIT_MINUTES)


def lock_open_meeting(*, actor, meeting: Meeting) -> Meeting:
    """A meeting that has taken place and whose minutes are still a draft nobody has approved;
    recording anything at it marks it as held."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.RECORD_MEETING)
    if not meeting.held:
        meeting.held = True
        meeting.save(update_fields=["held"])
    return meeting


def _is_member(user, agreement, *roles) -> bool:
    memberships = Membership.objects.filter(user=user, agreement=agreement)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def _follow_up_due_cases(meeting: Meeting) -> list[Case]:
    """Active cases whose follow-up is due or overdue on the meeting day (the window rule of
    casework.follow_up, applied per case: month arithmetic is not portable SQL)."""
    candidates = Case.objects.filter(
        agreement_id=meeting.agreement_id, status=CaseStatus.ACTIVE, raised_on__isnull=False
    ).exclude(pk__in=FollowUp.objects.values("case_id"))
    agreement = meeting.agreement
    return [
        case
        for case in candidates.only("pk", "raised_on")
        if follow_up_state(raised_on=case.raised_on, agreement=agreement, has_follow_up=False, today=meeting.held_on)
        in (FollowUpState.DUE, FollowUpState.OVERDUE)
    ]


def _build_agenda(meeting: Meeting) -> None:
    proposals = Case.objects.filter(agreement_id=meeting.agreement_id, status=CaseStatus.PROPOSED)
    on_agenda = set(meeting.items.values_list("case_id", flat=True))
    items = [MeetingItem(meeting=meeting, case=case, kind=MeetingItem.Kind.PROPOSAL) for case in proposals.only("pk")]
    items += [
        MeetingItem(meeting=meeting, case=case, kind=MeetingItem.Kind.FOLLOW_UP)
        for case in _follow_up_due_cases(meeting)
    ]
    create_logged(MeetingItem, [item for item in items if item.case_id not in on_agenda])


@transaction.atomic
def schedule_meeting(*, actor, held_on: datetime.date, location: str = "", chair=None) -> Meeting:
    """A meeting of the actor's agreement, chaired by a social manager (the actor unless named), with
    its agenda built from the data: open proposals and cases whose follow-up is due or overdue on the
    day. Open decisions of earlier meetings are read live (selectors.meetings)."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    chair = chair or actor.user
    if not _is_member(chair, actor.agreement, Role.SOCIAL_MANAGER):
        raise ValidationError({"chair": [_("Ordföranden ska vara sektionschef i överenskommelsen.")]})
    if held_on is None:
        raise ValidationError({"held_on": [_("Ange datum för mötet.")]})
    refuse_outside_agreement(actor.agreement, held_on, field="held_on", what=_("Datum för mötet"))
    meeting = Meeting.objects.create(agreement=actor.agreement, held_on=held_on, location=location.strip(), chair=chair)
    _build_agenda(meeting)
    return meeting


@transaction.atomic
def refresh_agenda(*, actor, meeting: Meeting) -> Meeting:
    """Add what has become due since the meeting was scheduled; nothing on the agenda is removed."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    meeting = _lock_draft(actor=actor, meeting=meeting)
    _build_agenda(meeting)
    return meeting


def add_to_next_agenda(*, case: Case) -> MeetingItem | None:
    """Put a new proposal on the next meeting whose minutes are still a draft nobody has approved
    (called inside propose_case's transaction)."""
    meeting = (
        Meeting.objects.filter(
            agreement_id=case.agreement_id,
            minutes_status=Meeting.MinutesStatus.DRAFT,
            held_on__gte=case.proposed_on,
        )
        .exclude(approvals__isnull=False)
        .order_by("held_on")
        .first()
    )
    if meeting is None:
        return None
    item, _created = MeetingItem.objects.get_or_create(
        meeting=meeting, case=case, defaults={"kind": MeetingItem.Kind.PROPOSAL}
    )
    return item


@transaction.atomic
def add_participant(
    *, actor, meeting: Meeting, user=None, name: str = "", organisation: str = "", role_title: str = ""
) -> MeetingParticipant:
    """A Samsyn user of the agreement, or an external person named with organisation and role."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    meeting = _lock_draft(actor=actor, meeting=meeting)
    if user is not None:
        if not _is_member(user, meeting.agreement):
            raise ValidationError({"user": [_("Användaren har ingen roll i överenskommelsen.")]})
        if meeting.participants.filter(user=user).exists():
            raise ValidationError({"user": [_("Användaren är redan deltagare.")]})
        return MeetingParticipant.objects.create(
            meeting=meeting,
            user=user,
            organisation=str(user.organisation or ""),
            role_title=user.title,
        )
    errors = {}
    if not name.strip():
        errors["name"] = [_("Ange namn på den externa deltagaren, eller välj en användare.")]
    if not organisation.strip():
        errors["organisation"] = [_("Ange den externa deltagarens organisation.")]
    if errors:
        raise ValidationError(errors)
    return MeetingParticipant.objects.create(
        meeting=meeting, name=name.strip(), organisation=organisation.strip(), role_title=role_title.strip()
    )


@transaction.atomic
def remove_participant(*, actor, participant: MeetingParticipant) -> None:
    policies.require(actor, Action.CHAIR_MEETINGS)
    _lock_draft(actor=actor, meeting=participant.meeting)  # refuses once anyone has approved
    participant.delete()


@transaction.atomic
def record_reasoning(*, actor, meeting: Meeting, reasoning: str, location: str) -> Meeting:
    """The meeting's joint strategic reasoning (the minutes' text)."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    meeting = lock_open_meeting(actor=actor, meeting=meeting)
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": [_("Skriv mötets strategiska resonemang.")]})
    meeting.reasoning = reasoning.strip()
    meeting.location = (location or "").strip()
    meeting.save()
    return meeting


@transaction.atomic
def add_decision(
    *,
    actor,
    meeting: Meeting,
    what: str,
    responsible=None,
    responsible_text: str = "",
    due_on: datetime.date | None = None,
    case: Case | None = None,
) -> Decision:
    """A decision of the meeting: what, who, by when; a decision about a case is also on its timeline."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    meeting = lock_open_meeting(actor=actor, meeting=meeting)
    errors = {}
    if not (what or "").strip():
        errors["what"] = [_("Skriv vad som beslutades.")]
    if responsible is None and not responsible_text.strip():
        errors["responsible"] = [_("Ange vem som är ansvarig.")]
    if responsible is not None and not _is_member(responsible, meeting.agreement):
        errors["responsible"] = [_("Den ansvariga har ingen roll i överenskommelsen.")]
    if due_on is not None and due_on < meeting.held_on:
        errors["due_on"] = [_("Klart senast kan inte ligga före mötesdatumet.")]
    if case is not None and case.agreement_id != meeting.agreement_id:
        errors["case"] = [_("Ärendet hör inte till överenskommelsen.")]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        meeting=meeting,
        case=case,
        what=what.strip(),
        responsible=responsible,
        responsible_text=responsible_text.strip(),
        due_on=due_on,
    )
    if case is not None:
        add_event(
            case=case,
            kind=CaseEvent.Kind.DECISION,
            by=actor.user,
            occurred_on=meeting.held_on,
            data={"meeting": str(meeting.pk), "decision": str(decision.pk)},
            note=decision.what,
        )
    return decision


@transaction.atomic
def mark_decision_done(*, actor, decision: Decision, done_on: datetime.date) -> Decision:
    """Record that a decision has been carried out. This follows a decision up (usually at a later
    meeting); it does not change the text of approved minutes, so it is allowed after approval."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    require_agreement(actor, decision.meeting)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=decision.pk)
    if decision.done_on is not None:
        raise ValidationError(_("Beslutet är redan markerat som klart."))
    if done_on is None:
        raise ValidationError({"done_on": [_("Ange datumet.")]})
    refuse_future(done_on, field="done_on")
    refuse_outside_agreement(
        decision.meeting.agreement, done_on, field="done_on", what=_("Datum då beslutet blev klart")
    )
    if done_on < decision.meeting.held_on:
        raise ValidationError(
            {"done_on": [_("Datum då beslutet blev klart kan inte ligga före mötet där beslutet togs.")]}
        )
    decision.done_on = done_on
    decision.save(update_fields=["done_on"])
    return decision


@transaction.atomic
def approve_minutes(*, actor, meeting: Meeting) -> Meeting:
    """The chair, and one police participant where the agreement requires it, approve the minutes of
    a held meeting; when both have, the minutes are approved and locked. From the first approval on,
    the minutes' content can no longer be changed (_lock_draft)."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.APPROVE_MINUTES)
    user = actor.user
    as_chair = meeting.chair_id == user.pk
    as_police = policies.approves_as_police(actor, meeting_subject(actor=actor, meeting=meeting))
    MinutesApproval.objects.create(meeting=meeting, user=user, as_chair=as_chair, as_police=as_police)
    approvals = meeting.approvals.all()
    chair_done = approvals.filter(as_chair=True).exists()
    police_done = approvals.filter(as_police=True).exists() or not meeting.agreement.minutes_need_police_approval
    if chair_done and police_done:
        meeting.minutes_status = Meeting.MinutesStatus.APPROVED
        meeting.approved_at = timezone.now()
        meeting.save(update_fields=["minutes_status", "approved_at"])
    return meeting


@transaction.atomic
def withdraw_approval(*, actor, meeting: Meeting) -> Meeting:
    """Take back one's own approval before the minutes are locked, so that an error found after the
    first approval can still be corrected in the draft (which is editable again once no approval is left)."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.WITHDRAW_APPROVAL)
    meeting.approvals.filter(user=actor.user).delete()
    return meeting


@transaction.atomic
def add_addendum(*, actor, meeting: Meeting, text: str) -> MinutesAddendum:
    """A correction of approved minutes: a dated addendum by its author; the original stays as approved."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.ADD_ADDENDUM)
    if not (text or "").strip():
        raise ValidationError({"text": [_("Skriv rättelsen.")]})
    return MinutesAddendum.objects.create(meeting=meeting, text=text.strip(), author=actor.user)
