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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.changes import create_logged
from accesscontrol.models import Membership, Role
from accesscontrol.policies import Action
from casework import reminders
from casework.follow_up import FollowUpState, follow_up_state
from casework.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Decision,
    FollowUp,
    Meeting,
    MeetingChange,
    MeetingItem,
    MeetingParticipant,
    MinutesAddendum,
    MinutesApproval,
    StandingParticipant,
)
from casework.selectors.meetings import last_held_meeting, meeting_subject, upcoming_meetings
from config.text_limits import check_text_limits

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
    check_text_limits(Meeting, location=location)
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
    """Put a new proposal on the next meeting whose minutes are still a draft nobody has approved, and
    that is not cancelled (called inside propose_case's transaction)."""
    meeting = (
        upcoming_meetings(agreement_id=case.agreement_id, on=case.proposed_on).exclude(approvals__isnull=False).first()
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
    check_text_limits(MeetingParticipant, name=name, organisation=organisation, role_title=role_title)
    return MeetingParticipant.objects.create(
        meeting=meeting, name=name.strip(), organisation=organisation.strip(), role_title=role_title.strip()
    )


@transaction.atomic
def add_participants(*, actor, meeting: Meeting, users) -> list[MeetingParticipant]:
    """Several Samsyn users of the agreement at once (the participants page's checkbox list). Nothing is
    added unless every one can be."""
    meeting = _lock_draft(actor=actor, meeting=meeting)
    users = list(users or [])
    if not users:
        raise ValidationError({"users": [_("Välj minst en användare att lägga till som deltagare.")]})
    for user in users:
        if not _is_member(user, meeting.agreement):
            raise ValidationError({"users": [_("%(user)s har ingen roll i överenskommelsen.") % {"user": user}]})
        if meeting.participants.filter(user=user).exists():
            raise ValidationError({"users": [_("%(user)s är redan deltagare.") % {"user": user}]})
    return [_participant_for(meeting, user) for user in users]


def _participant_for(meeting: Meeting, user) -> MeetingParticipant:
    return MeetingParticipant.objects.create(
        meeting=meeting, user=user, organisation=str(user.organisation or ""), role_title=user.title
    )


def _active_members(meeting: Meeting, users) -> list:
    return [user for user in users if user.is_active and _is_member(user, meeting.agreement)]


@transaction.atomic
def copy_participants(*, actor, meeting: Meeting) -> int:
    """ "Kopiera deltagare från förra mötet": the participants of the agreement's last held meeting (users
    still active in the agreement, and external participants), and the agreement's standing participants,
    those not already taking part. Returns how many were added; refuses when there is nobody to add."""
    meeting = _lock_draft(actor=actor, meeting=meeting)
    present_users = set(meeting.participants.filter(user__isnull=False).values_list("user_id", flat=True))
    present_external = {
        (p.name.casefold(), p.organisation.casefold()) for p in meeting.participants.filter(user__isnull=True)
    }
    users, externals = [], []
    last = last_held_meeting(meeting=meeting)
    if last is not None:
        for participant in last.participants.select_related("user"):
            if participant.user_id is None:
                key = (participant.name.casefold(), participant.organisation.casefold())
                if key not in present_external:
                    present_external.add(key)
                    externals.append(participant)
            else:
                users.append(participant.user)
    users += [standing.user for standing in meeting.agreement.standing_participants.select_related("user")]
    added = 0
    for user in _active_members(meeting, users):
        if user.pk not in present_users:
            present_users.add(user.pk)
            _participant_for(meeting, user)
            added += 1
    for participant in externals:
        MeetingParticipant.objects.create(
            meeting=meeting,
            name=participant.name,
            organisation=participant.organisation,
            role_title=participant.role_title,
        )
        added += 1
    if not added:
        if last is None and not users:
            raise ValidationError(
                _(
                    "Det finns inga deltagare att kopiera: inget tidigare möte har hållits "
                    "och det finns inga stående deltagare."
                )
            )
        raise ValidationError(_("Alla från förra mötet och alla stående deltagare är redan deltagare."))
    return added


@transaction.atomic
def set_standing_participants(*, actor, users) -> list[StandingParticipant]:
    """The agreement's standing participants: users who take part in every meeting (copied with the last
    meeting's participants). The list given replaces the one kept."""
    policies.require(actor, Action.CHAIR_MEETINGS)
    agreement = actor.agreement
    users = list(users or [])
    for user in users:
        if not _is_member(user, agreement):
            raise ValidationError({"standing": [_("%(user)s har ingen roll i överenskommelsen.") % {"user": user}]})
    wanted = {user.pk for user in users}
    for standing in StandingParticipant.objects.filter(agreement=agreement).exclude(user_id__in=wanted):
        standing.delete()
    kept = set(StandingParticipant.objects.filter(agreement=agreement).values_list("user_id", flat=True))
    for user in users:
        if user.pk not in kept:
            StandingParticipant.objects.create(agreement=agreement, user=user)
    return list(StandingParticipant.objects.filter(agreement=agreement).select_related("user"))


# --- Moving and cancelling a planned meeting ----------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Skriv skälet.")]})
    check_text_limits(MeetingChange, reason=reason)
    return reason


def _told_of_change(meeting: Meeting, *, actor) -> list[int]:
    """Who is told that the meeting moved or was cancelled: its chair and its participants who are users
    (active), not the one who made the change."""
    user_ids = set(
        meeting.participants.filter(user__isnull=False, user__is_active=True).values_list("user_id", flat=True)
    )
    user_ids.add(meeting.chair_id)
    user_ids.discard(actor.user.pk)
    return sorted(user_ids)


def _notify(meeting: Meeting, *, actor, kind: str, text: str) -> None:
    """An in-app notification to each one told (and the e-mail the reminder job sends those who want it):
    the reminders' own mechanism (casework.reminders). The text has dates only: no reason (free text), no
    youth. One per change: the key carries the invitation's sequence."""
    url = reverse("casework:meeting_detail", args=[meeting.pk])
    reminders.create_notifications(
        [
            reminders.Due(kind, f"{meeting.pk}:{meeting.sequence}", user_id, text, url)
            for user_id in _told_of_change(meeting, actor=actor)
        ]
    )


@transaction.atomic
def reschedule_meeting(*, actor, meeting: Meeting, held_on: datetime.date, reason: str, location=None) -> Meeting:
    """Move a planned meeting to another day (and, if given, another place), with the reason on its record.
    The participants are told; the calendar invitation's sequence goes up."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.RESCHEDULE_MEETING)
    errors = {}
    new_location = meeting.location if location is None else location.strip()
    if held_on is None:
        errors["held_on"] = [_("Ange det nya datumet för mötet.")]
    elif held_on < timezone.localdate():
        errors["held_on"] = [_("Det nya datumet kan inte ligga före i dag.")]
    elif held_on == meeting.held_on and new_location == meeting.location:
        errors["held_on"] = [_("Ange ett annat datum eller en annan plats än mötet har nu.")]
    try:
        reason = _reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    refuse_outside_agreement(meeting.agreement, held_on, field="held_on", what=_("Det nya datumet"))
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.MOVED,
        from_held_on=meeting.held_on,
        to_held_on=held_on,
        from_location=meeting.location,
        reason=reason,
        by=actor.user,
    )
    previous = meeting.held_on
    meeting.held_on = held_on
    meeting.location = new_location
    meeting.sequence += 1
    meeting.save(update_fields=["held_on", "location", "sequence"])
    _build_agenda(meeting)  # what has become due by the new day
    _notify(
        meeting,
        actor=actor,
        kind=reminders.Kind.MEETING_MOVED,
        text=_("Samverkansmötet %(from)s är flyttat till %(to)s.")
        % {"from": previous.isoformat(), "to": held_on.isoformat()},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting, reason: str) -> Meeting | None:
    """Call off a planned meeting, with the reason on its record; the participants are told. Its agenda
    moves to the next planned meeting of the agreement, if there is one: the proposals and follow-ups wait
    for a meeting either way, and the next one would have taken them up. Without one they wait as before
    (open proposals and due follow-ups), and the next meeting scheduled takes them on its agenda. Returns
    the meeting the agenda moved to, or None."""
    meeting = lock_meeting(actor=actor, meeting=meeting, action=Action.CANCEL_MEETING)
    reason = _reason(reason)
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.CANCELLED,
        from_held_on=meeting.held_on,
        from_location=meeting.location,
        reason=reason,
        by=actor.user,
    )
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence"])
    following = (
        upcoming_meetings(agreement_id=meeting.agreement_id, on=max(meeting.held_on, timezone.localdate()))
        .exclude(pk=meeting.pk)
        .exclude(approvals__isnull=False)
        .first()
    )
    for item in meeting.items.all():
        if following is not None:
            MeetingItem.objects.get_or_create(meeting=following, case_id=item.case_id, defaults={"kind": item.kind})
        item.delete()
    _notify(
        meeting,
        actor=actor,
        kind=reminders.Kind.MEETING_CANCELLED,
        text=_("Samverkansmötet %(day)s är inställt.") % {"day": meeting.held_on.isoformat()},
    )
    return following


# --- Preparing the agenda before the day ---------------------------------------------------------------


def _lock_item(*, actor, item: MeetingItem) -> tuple[Meeting, MeetingItem]:
    meeting = _lock_draft(actor=actor, meeting=item.meeting)
    item = MeetingItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if item.kind == MeetingItem.Kind.PROPOSAL and item.case.status != CaseStatus.PROPOSED:
        raise ValidationError(_("Förslaget är redan behandlat: dagordningen visar mötets beslut."))
    return meeting, item


@transaction.atomic
def set_item_aside(*, actor, item: MeetingItem, aside: bool = True) -> MeetingItem:
    """Take a case off this meeting's agenda (it waits for a later meeting), or put it back."""
    meeting, item = _lock_item(actor=actor, item=item)
    if item.set_aside != aside:
        item.set_aside = aside
        item.save(update_fields=["set_aside"])
    return item


@transaction.atomic
def move_item(*, actor, item: MeetingItem, up: bool) -> MeetingItem:
    """Move a case one step up or down the agenda, among the items of its part (proposals, follow-ups)."""
    meeting, item = _lock_item(actor=actor, item=item)
    proposal = item.kind == MeetingItem.Kind.PROPOSAL
    same_part = meeting.items.filter(set_aside=False)
    same_part = (
        same_part.filter(kind=MeetingItem.Kind.PROPOSAL)
        if proposal
        else same_part.exclude(kind=MeetingItem.Kind.PROPOSAL)
    )
    ordered = list(same_part.order_by("position", "case__number"))
    index = next((i for i, other in enumerate(ordered) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("Ärendet är inte på dagordningen."))
    target = index - 1 if up else index + 1
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    item.refresh_from_db()
    return item


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
    check_text_limits(Meeting, reasoning=reasoning, location=location)
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
    check_text_limits(Decision, what=what, responsible_text=responsible_text)
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
    check_text_limits(MinutesAddendum, text=text)
    return MinutesAddendum.objects.create(meeting=meeting, text=text.strip(), author=actor.user)
