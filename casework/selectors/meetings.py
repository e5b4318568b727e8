"""Reading meetings and their minutes.

Who reads minutes follows the visibility matrix (FieldClass.MINUTES): the social services' roles read
every meeting of their agreement, the police the meetings they attended. Inside the minutes, a case
shows the youth's identity only to those whose case scope includes it; others see its number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import scoping
from accesscontrol.models import Role
from accesscontrol.policies import MeetingSubject
from accesscontrol.visibility import FieldClass, Scope, scopes_held
from casework.models import Case, CaseStatus, Decision, Meeting, MeetingItem, OrganisationKind
from casework.periods import PeriodKind, period_containing

from .cases import police_read_identity, pseudonym, readable_by_case
from .disclosures import may_decide_disclosures
from .targets import PeriodRow, targets_for_period


def _minutes_scope(actor) -> Scope | None:
    scopes = scopes_held(actor.roles, FieldClass.MINUTES)
    return next((scope for scope in (Scope.ALL, Scope.ATTENDED) if scope in scopes), None)


def visible_meetings(*, actor) -> QuerySet:
    """The meetings whose minutes the actor may read; PermissionDenied for roles that read none."""
    if actor is None or actor.agreement is None:
        raise PermissionDenied
    scope = _minutes_scope(actor)
    if scope is None:
        raise PermissionDenied
    meetings = Meeting.objects.filter(agreement=actor.agreement).select_related("chair", "agreement")
    if scope is Scope.ATTENDED:
        meetings = meetings.filter(participants__user=actor.user)
    return meetings


def get_meeting(*, actor, meeting_id) -> Meeting:
    """One meeting the actor may read; raises Meeting.DoesNotExist otherwise (the view answers 404)."""
    return visible_meetings(actor=actor).get(pk=meeting_id)


def upcoming_meetings(*, agreement_id, on):
    """The agreement's meetings still to come on or after the day `on`, soonest first: minutes a draft and
    not cancelled. The one place that says which meeting is "the next meeting" (the start page, the agenda
    of a new proposal, where a cancelled meeting's agenda goes)."""
    return Meeting.objects.filter(
        agreement_id=agreement_id,
        minutes_status=Meeting.MinutesStatus.DRAFT,
        cancelled_at__isnull=True,
        held_on__gte=on,
    ).order_by("held_on", "created_at")


def last_held_meeting(*, meeting: Meeting) -> Meeting | None:
    """The agreement's latest meeting before this one at which something was recorded (not cancelled)."""
    return (
        Meeting.objects.filter(
            agreement_id=meeting.agreement_id, held=True, cancelled_at__isnull=True, held_on__lte=meeting.held_on
        )
        .exclude(pk=meeting.pk)
        .order_by("-held_on", "-created_at")
        .first()
    )


def police_participants(meeting: Meeting):
    """Participants who are police users of the agreement: those who may approve for the police."""
    return meeting.participants.filter(
        user__memberships__agreement_id=meeting.agreement_id, user__memberships__role=Role.POLICE
    )


def meeting_subject(*, actor, meeting: Meeting) -> MeetingSubject:
    """The meeting as the policy (accesscontrol.policies) sees it for this actor."""
    approvals = list(meeting.approvals.values_list("user_id", flat=True))
    return MeetingSubject(
        locked=meeting.locked,
        held=meeting.held,
        held_on=meeting.held_on,
        day_has_come=meeting.held_on <= timezone.localdate(),
        has_approvals=bool(approvals),
        approved_by_actor=actor.user.pk in approvals,
        chaired_by_actor=meeting.chair_id == actor.user.pk,
        police_participant=police_participants(meeting).filter(user=actor.user).exists(),
        agreement_ended_on=meeting.agreement.ends_on if meeting.agreement.ended else None,
        cancelled=meeting.cancelled,
    )


@dataclass(frozen=True)
class AgendaEntry:
    """A case on the agenda: `visible` says whether the actor's case scope includes it (else only its
    number is shown), `readable` which of its field classes the actor may read. Where the identity is not
    readable, `pseudonym` names the case. `needs_identity_decision`: a social-services proposal whose
    identity the police may not read yet, shown to the one who decides disclosures."""

    item: MeetingItem
    case: Case
    visible: bool
    readable: frozenset
    pseudonym: str = ""
    needs_identity_decision: bool = False

    @property
    def shows_identity(self) -> bool:
        return self.visible and FieldClass.IDENTITY in self.readable

    @property
    def shows_police_assessment(self) -> bool:
        return self.visible and FieldClass.POLICE_ASSESSMENT in self.readable


@dataclass
class MeetingPage:
    meeting: Meeting
    participants: list
    proposals: list[AgendaEntry]
    follow_ups: list[AgendaEntry]
    decisions: list
    open_decisions: list
    approvals: list
    addenda: list
    targets: PeriodRow
    subject: MeetingSubject  # what the page offers is asked of accesscontrol.policies
    changes: list = field(default_factory=list)  # moved, cancelled: the meeting's own record
    set_aside: list = field(default_factory=list)  # entries taken off this agenda before the day
    # Someone has approved the draft: its content is frozen until the minutes lock (services.meetings).
    approval_started: bool = False
    needs_police_approval: bool = True
    chair_approved: bool = False
    police_approved: bool = False
    shown_cases: list = field(default_factory=list)

    @property
    def targets_summary(self) -> list[str]:
        """The quarter's count targets in a line, e.g. "2 av 2 livsstil, 3 av 4 svansen"."""
        return [
            _("%(value)s av %(target)s %(what)s") % {"value": row.value, "target": row.target, "what": row.short_label}
            for row in self.targets.metrics
            if row.target is not None and not row.is_share
        ]

    @property
    def agenda_parts(self) -> list[dict]:
        """The agenda in the chair's order, in its two parts, for preparing it."""
        return [
            {"label": _("Nya förslag"), "entries": self.proposals},
            {"label": _("Uppföljningar"), "entries": self.follow_ups},
        ]

    @property
    def pending_proposals(self) -> list[AgendaEntry]:
        """Proposals on the agenda still waiting for the meeting's decision, that the actor may see."""
        return [entry for entry in self.proposals if entry.visible and entry.case.status == CaseStatus.PROPOSED]

    @property
    def identity_decisions_missing(self) -> bool:
        """A proposal waits for the decision to share its identity with the police (the decider's view)."""
        return any(entry.needs_identity_decision for entry in self.pending_proposals)

    @property
    def persons(self) -> list:
        entries = self.proposals + self.follow_ups + self.set_aside
        return [entry.case.person for entry in entries if entry.shows_identity]

    @property
    def field_classes(self) -> set:
        classes = {FieldClass.MINUTES, FieldClass.CASE_FRAME}
        entries = self.proposals + self.follow_ups + self.set_aside
        if any(entry.shows_identity for entry in entries):
            classes.add(FieldClass.IDENTITY)
        if any(entry.shows_police_assessment and entry.case.police_assessment for entry in entries):
            classes.add(FieldClass.POLICE_ASSESSMENT)
        return classes


def meeting_page(*, actor, meeting: Meeting) -> MeetingPage:
    """The agenda, the minutes and what the actor may do at this (already visible) meeting."""
    items = list(
        meeting.items.select_related(
            "case__person", "case__person__area", "case__agreement", "case__unit", "case__caseworker"
        ).order_by("position", "case__number")
    )
    cases = [item.case for item in items]
    visible_ids = set(
        scoping.scope_cases(Case.objects.filter(pk__in=[case.pk for case in cases]), actor).values_list("pk", flat=True)
    )
    readable_of = readable_by_case(actor=actor, cases=[case for case in cases if case.pk in visible_ids])
    # The social services' proposals the police may not identify yet: the decider is offered the decision.
    undisclosed = set()
    if may_decide_disclosures(actor):
        pending = [
            case
            for case in cases
            if case.status == CaseStatus.PROPOSED and case.proposed_by_kind != OrganisationKind.POLICE
        ]
        undisclosed = {case.pk for case in pending} - police_read_identity(cases=pending)
    entries = []
    proposal_count = 0
    for item in items:
        readable = readable_of.get(item.case_id, frozenset())
        visible = item.case_id in visible_ids
        ordinal = None
        if item.kind == MeetingItem.Kind.PROPOSAL:
            proposal_count += 1
            ordinal = proposal_count
        name = ""
        if visible and FieldClass.IDENTITY not in readable and FieldClass.CASE_FRAME in readable:
            name = pseudonym(item.case, on=meeting.held_on, ordinal=ordinal)
        entries.append(
            AgendaEntry(
                item=item,
                case=item.case,
                visible=visible,
                readable=readable,
                pseudonym=name,
                needs_identity_decision=item.case_id in undisclosed,
            )
        )
    approvals = list(meeting.approvals.select_related("user"))
    open_decisions = []
    # Open decisions come from earlier meetings' minutes: only for those who read every meeting's minutes.
    if not meeting.locked and not meeting.cancelled and _minutes_scope(actor) is Scope.ALL:
        open_decisions = list(
            Decision.objects.filter(
                meeting__agreement_id=meeting.agreement_id, meeting__held_on__lt=meeting.held_on, done_on__isnull=True
            )
            .select_related("meeting", "responsible", "case")
            .order_by("due_on", "created_at")
        )
    page = MeetingPage(
        meeting=meeting,
        participants=_in_name_order(meeting.participants.select_related("user")),
        proposals=[e for e in entries if e.item.kind == MeetingItem.Kind.PROPOSAL and not e.item.set_aside],
        follow_ups=[e for e in entries if e.item.kind != MeetingItem.Kind.PROPOSAL and not e.item.set_aside],
        set_aside=[entry for entry in entries if entry.item.set_aside],
        changes=list(meeting.changes.all()),
        decisions=list(meeting.decisions.select_related("responsible", "case")),
        open_decisions=open_decisions,
        approvals=approvals,
        addenda=list(meeting.addenda.select_related("author")),
        targets=targets_for_period(
            agreement=meeting.agreement, period=period_containing(meeting.held_on, PeriodKind.QUARTER)
        ),
        needs_police_approval=meeting.agreement.minutes_need_police_approval,
        chair_approved=any(approval.as_chair for approval in approvals),
        police_approved=any(approval.as_police for approval in approvals),
        subject=meeting_subject(actor=actor, meeting=meeting),
    )
    page.approval_started = bool(approvals) and not meeting.locked
    page.shown_cases = [entry.case for entry in entries if entry.visible]
    return page


def decision_cases(*, meeting: Meeting) -> QuerySet:
    """Cases a decision of this meeting can be about: those on its agenda."""
    return (
        Case.objects.filter(meeting_items__meeting=meeting, meeting_items__set_aside=False)
        .select_related("person")
        .order_by("number")
    )


def _in_name_order(participants) -> list:
    """Samsyn users by first name, then external participants by name. Sorted here, not in SQL: an
    external participant's name is encrypted, so the database cannot order by it."""
    return sorted(
        participants,
        key=lambda p: (p.user is None, (p.user.first_name if p.user else p.name).casefold(), str(p.pk)),
    )


def item_of(*, meeting: Meeting, item_id) -> MeetingItem | None:
    return meeting.items.filter(pk=item_id).select_related("case").first()


def participant_of(*, meeting: Meeting, participant_id):
    return meeting.participants.filter(pk=participant_id).first()


def decision_of_agreement(*, meeting: Meeting, decision_id) -> Decision | None:
    """A decision of this or an earlier meeting of the same agreement (open decisions are followed up
    at later meetings)."""
    return (
        Decision.objects.filter(pk=decision_id, meeting__agreement_id=meeting.agreement_id)
        .select_related("meeting")
        .first()
    )
