"""Quarterly meetings and their minutes: schedule (agenda from the data), hold (participants, reasoning,
decisions), approve (chair and, where the agreement says so, one police participant) → locked; a
correction after approval is an addendum that keeps the original.

Every function is one transaction. Once anyone has approved the minutes, their content (agenda,
participants, identifications, reasoning, decisions) refuses every change, so each approval is of the
text that is finally locked; a locked meeting refuses every change to its minutes.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol.changes import create_logged
from accesscontrol.models import Membership, Role
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

from .timeline import add_event, refuse_future, require_agreement, require_role


def _lock_unlocked(*, actor, meeting: Meeting) -> Meeting:
    """The meeting, locked for update, refused when its minutes are approved and locked."""
    require_agreement(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.locked:
        raise ValidationError(_("Protokollet är justerat och låst. Rättelser görs som tillägg."), code="minutes_locked")
    return meeting


def _lock_draft(*, actor, meeting: Meeting) -> Meeting:
    """The meeting, locked for update, refused once anyone has approved its minutes: an approval is of
    the text as it stood, so the text must not change under it (nor after the minutes are locked)."""
    meeting = _lock_unlocked(actor=actor, meeting=meeting)
    if meeting.approvals.exists():
        raise ValidationError(
            _(
                "Protokollet har börjat justeras och kan inte längre ändras. "
                "Rättelser görs som tillägg när protokollet är justerat."
            ),
            code="minutes_being_approved",
        )
    return meeting


def lock_open_meeting(*, actor, meeting: Meeting) -> Meeting:
    """A meeting that has taken place and whose minutes are still a draft nobody has approved;
    recording anything at it marks it as held."""
    meeting = _lock_draft(actor=actor, meeting=meeting)
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            _("Mötet har inte ägt rum än (%(day)s).") % {"day": meeting.held_on.isoformat()}, code="not_yet_held"
        )
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
    require_role(actor, Role.SOCIAL_MANAGER)
    chair = chair or actor.user
    if not _is_member(chair, actor.agreement, Role.SOCIAL_MANAGER):
        raise ValidationError({"chair": [_("Ordföranden ska vara sektionschef i överenskommelsen.")]})
    if held_on is None:
        raise ValidationError({"held_on": [_("Ange datum för mötet.")]})
    meeting = Meeting.objects.create(agreement=actor.agreement, held_on=held_on, location=location.strip(), chair=chair)
    _build_agenda(meeting)
    return meeting


@transaction.atomic
def refresh_agenda(*, actor, meeting: Meeting) -> Meeting:
    """Add what has become due since the meeting was scheduled; nothing on the agenda is removed."""
    require_role(actor, Role.SOCIAL_MANAGER)
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
    require_role(actor, Role.SOCIAL_MANAGER)
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
    require_role(actor, Role.SOCIAL_MANAGER)
    _lock_draft(actor=actor, meeting=participant.meeting)  # refuses once anyone has approved
    participant.delete()


@transaction.atomic
def record_reasoning(*, actor, meeting: Meeting, reasoning: str, location: str) -> Meeting:
    """The meeting's joint strategic reasoning (the minutes' text)."""
    require_role(actor, Role.SOCIAL_MANAGER)
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
    require_role(actor, Role.SOCIAL_MANAGER)
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
    require_role(actor, Role.SOCIAL_MANAGER)
    require_agreement(actor, decision.meeting)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=decision.pk)
    if decision.done_on is not None:
        raise ValidationError(_("Beslutet är redan markerat som klart."))
    if done_on is None:
        raise ValidationError({"done_on": [_("Ange datumet.")]})
    refuse_future(done_on, field="done_on")
    if done_on < decision.meeting.held_on:
        raise ValidationError({"done_on": [_("Datumet kan inte ligga före mötet där beslutet togs.")]})
    decision.done_on = done_on
    decision.save(update_fields=["done_on"])
    return decision


def police_participants(meeting: Meeting):
    """Participants who are police users of the agreement: those who may approve for the police."""
    return meeting.participants.filter(
        user__memberships__agreement_id=meeting.agreement_id, user__memberships__role=Role.POLICE
    )


@transaction.atomic
def approve_minutes(*, actor, meeting: Meeting) -> Meeting:
    """The chair, and one police participant where the agreement requires it, approve the minutes of
    a held meeting; when both have, the minutes are approved and locked. From the first approval on,
    the minutes' content can no longer be changed (_lock_draft)."""
    meeting = _lock_unlocked(actor=actor, meeting=meeting)
    if not meeting.held:
        raise ValidationError(_("Mötet har inte hållits än: det finns inget protokoll att justera."))
    user = actor.user
    as_chair = meeting.chair_id == user.pk
    as_police = actor.has(Role.POLICE) and police_participants(meeting).filter(user=user).exists()
    if not (as_chair or as_police):
        raise PermissionDenied
    if meeting.approvals.filter(user=user).exists():
        raise ValidationError(_("Du har redan justerat protokollet."))
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
    meeting = _lock_unlocked(actor=actor, meeting=meeting)
    approval = meeting.approvals.filter(user=actor.user).first()
    if approval is None:
        raise ValidationError(_("Du har inte justerat protokollet."))
    approval.delete()
    return meeting


@transaction.atomic
def add_addendum(*, actor, meeting: Meeting, text: str) -> MinutesAddendum:
    """A correction of approved minutes: a dated addendum by its author; the original stays as approved."""
    require_role(actor, Role.SOCIAL_MANAGER)
    require_agreement(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.locked:
        raise ValidationError(_("Protokollet är inte justerat än: ändra i utkastet i stället."))
    if not (text or "").strip():
        raise ValidationError({"text": [_("Skriv rättelsen.")]})
    return MinutesAddendum.objects.create(meeting=meeting, text=text.strip(), author=actor.user)
