"""Who may do what: the one place that answers "may this actor do this (to this case or meeting)".

Services enforce it (`require`), selectors and navigation read it (`may`), templates ask it through one
tag (`{% may "close_case" page.subject as allowed %}`, accesscontrol/templatetags/policies.py). No role is
compared anywhere else; the visibility matrix (accesscontrol/visibility.py) says which field classes a role
reads and writes, and the case rules below build on it instead of naming roles again.

A rule has up to three parts, checked in this order:
- **who**: roles (any of them), or a field class the actor must be able to write on this case (the
  matrix, with the case's scope: assigned, svansen, disclosed);
- **state**: what the case or meeting must be in for the action to make sense (a closed case cannot be
  closed again). Failing it is a `ValidationError` with the rule's Swedish message: the user may see
  why. Failing *who* is `PermissionDenied`, which says nothing about the record.
  Part of every rule's state is the agreement's own: an agreement whose last day has passed reads as
  ended, and an action that changes its work (`ends_with_agreement`: every case and meeting action but
  writing a follow-up of its cases, the legal hold and approving minutes, and proposing and holding
  meetings) is refused with the day it ended. The subjects carry that day; a whole-agreement action
  reads it from the actor's agreement (`Agreement.ended`).

The subjects are small snapshots built by casework's selectors (`casework.selectors.cases.case_subject`,
`casework.selectors.meetings.meeting_subject`), so this module needs no casework import and every caller
decides from the same facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AccessRequest, Role
from .visibility import ATTACHABLE, CASE_ROLES, CaseFacts, FieldClass, writable_classes


class Action(StrEnum):
    # Whole-agreement actions: no subject.
    SEE_CASES = "see_cases"
    PROPOSE_CASE = "propose_case"
    SEE_MEETINGS = "see_meetings"
    CHAIR_MEETINGS = "chair_meetings"  # schedule, agenda, participants, minutes, decisions
    SEE_FIELD_WORK = "see_field_work"
    RECORD_FIELD_WORK = "record_field_work"
    SEE_FIELD_FIGURES = "see_field_figures"  # the field team's own counts, without names
    FOLLOW_TARGETS = "follow_targets"
    SEE_DISCLOSURES = "see_disclosures"
    DECIDE_DISCLOSURES = "decide_disclosures"
    MAKE_REGISTER_EXTRACT = "make_register_extract"
    IMPORT_LISTS = "import_lists"
    READ_FOLLOW_UP_REPORT = "read_follow_up_report"
    READ_COSTS = "read_costs"
    READ_CASE_SUMMARY = "read_case_summary"
    READ_STATISTICS = "read_statistics"
    DECIDE_ACCESS_REQUESTS = "decide_access_requests"
    REVIEW_LOGS = "review_logs"
    RUN_CHAIN_CHECK = "run_chain_check"  # start a check of the log chains from the page
    ADMINISTER_AGREEMENT = "administer_agreement"
    ADMINISTER_INSTANCE = "administer_instance"  # reference data all agreements share
    READ_SHARED_DATA = "read_shared_data"
    KEEP_AGREEMENT_COST_INDEX = "keep_agreement_cost_index"
    KEEP_COMMON_COST_INDEX = "keep_common_cost_index"
    USE_ACCOUNT = "use_account"
    # Case actions: the subject is a CaseSubject.
    IDENTIFY_CASE = "identify_case"
    DISMISS_PROPOSAL = "dismiss_proposal"
    CHANGE_CATEGORY = "change_category"
    CLOSE_CASE = "close_case"
    REOPEN_CASE = "reopen_case"
    REASSIGN_CASE = "reassign_case"
    SET_LEGAL_HOLD = "set_legal_hold"
    GRANT_CASE_ACCESS = "grant_case_access"
    ASSESS_SOCIAL = "assess_social"
    ASSESS_POLICE = "assess_police"
    OFFER_INTERVENTION = "offer_intervention"
    ANSWER_INTERVENTION = "answer_intervention"
    WRITE_FOLLOW_UP = "write_follow_up"
    RECORD_CONTACT = "record_contact"
    FOLLOW_UP_CONCERN_TALK = "follow_up_concern_talk"
    ATTACH_DOCUMENT = "attach_document"
    CHANGE_PERSON_DETAILS = "change_person_details"  # the youth's contact details and guardians
    REPLACE_COORDINATION_NUMBER = "replace_coordination_number"  # samordningsnummer -> personnummer
    # Record actions: the subject is a RecordSubject (a saved record of a case and who wrote it).
    CORRECT_FOLLOW_UP = "correct_follow_up"
    CORRECT_SOCIAL_ASSESSMENT = "correct_social_assessment"
    CORRECT_POLICE_ASSESSMENT = "correct_police_assessment"
    CORRECT_FIELD_CONTACT = "correct_field_contact"
    # Meeting actions: the subject is a MeetingSubject.
    EDIT_MINUTES = "edit_minutes"
    RECORD_MEETING = "record_meeting"
    MARK_DECISIONS_DONE = "mark_decisions_done"
    APPROVE_MINUTES = "approve_minutes"
    WITHDRAW_APPROVAL = "withdraw_approval"
    ADD_ADDENDUM = "add_addendum"
    ASSESS_POLICE_AT_MEETING = "assess_police_at_meeting"
    RESCHEDULE_MEETING = "reschedule_meeting"  # a planned meeting to another day or place, with a reason
    CANCEL_MEETING = "cancel_meeting"  # a planned meeting called off, with a reason


@dataclass(frozen=True)
class CaseSubject:
    """One case as the rules see it: the matrix facts for this actor, and its state."""

    facts: CaseFacts
    proposed: bool
    active: bool
    closed: bool
    agreement_ended_on: datetime.date | None  # the agreement's last day, once it has passed
    # The case's person is recorded by a samordningsnummer (the personnummer may replace it).
    coordination_number: bool = False

    @property
    def open(self) -> bool:
        return self.proposed or self.active


@dataclass(frozen=True)
class RecordSubject:
    """A saved record of a case (a follow-up, an assessment, a field contact) as the correction rules see
    it: its case, and whether the actor wrote it."""

    case: CaseSubject
    authored_by_actor: bool

    @property
    def facts(self) -> CaseFacts:
        return self.case.facts

    @property
    def agreement_ended_on(self) -> datetime.date | None:
        return self.case.agreement_ended_on


@dataclass(frozen=True)
class MeetingSubject:
    """One meeting as the rules see it, for this actor."""

    locked: bool
    held: bool  # something has been recorded at it
    held_on: datetime.date
    day_has_come: bool
    has_approvals: bool
    approved_by_actor: bool
    chaired_by_actor: bool
    police_participant: bool  # the actor takes part for the police
    agreement_ended_on: datetime.date | None  # the agreement's last day, once it has passed
    cancelled: bool = False  # the chair called it off: it takes no minutes

    @property
    def planned(self) -> bool:
        """Not held (nothing recorded), not approved, not cancelled: it can still be moved or called off."""
        return not (self.held or self.locked or self.has_approvals or self.cancelled)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...] = ()
    writes: tuple[FieldClass, ...] = ()  # any of these field classes of the case, by the matrix
    state: Callable[[object], bool] | None = None
    # Shown when the state does not hold; a callable of the subject where the reason depends on the state.
    refusal: str | Promise | Callable[[object], str] = ""
    field: str | None = None  # the form field the refusal belongs to
    who: Callable[[object, object], bool] | None = None  # (actor, subject): what roles alone cannot say
    instance_admin: bool = False  # the instance administrator may, whatever their roles here
    on: type | None = None  # the subject the action is done to: None, CaseSubject or MeetingSubject
    ends_with_agreement: bool = False  # changes the agreement's work: refused once the agreement has ended


_case = partial(Rule, on=CaseSubject, ends_with_agreement=True)
_meeting = partial(Rule, on=MeetingSubject, ends_with_agreement=True)


_ALL_ROLES = tuple(Role.values)
_MANAGER = (Role.SOCIAL_MANAGER,)
_FRAME = (FieldClass.CASE_FRAME,)
_SOCIAL = (FieldClass.SOCIAL_ASSESSMENT,)
_IDENTITY = (FieldClass.IDENTITY,)
_NOT_OPEN = _("Ärendet är inte öppet.")
_ENDED = _("Överenskommelsen upphörde %(day)s och kan bara läsas. Det som skrivs nu är uppföljningar av dess ärenden.")
_LOCKED = _("Protokollet är justerat och låst. Rättelser görs som tillägg.")
_CANCELLED = _("Mötet är inställt.")
_BEING_APPROVED = _(
    "Protokollet har börjat justeras och kan inte längre ändras. "
    "Rättelser görs som tillägg när protokollet är justerat."
)


def _active(case: CaseSubject) -> bool:
    return case.active


def _open(case: CaseSubject) -> bool:
    return case.open


def _author_or_manager(actor, record: RecordSubject) -> bool:
    """A record is corrected by whoever wrote it, or by the social manager who answers for the social
    services' records (where the matrix lets them write its class)."""
    return record.authored_by_actor or actor.has(Role.SOCIAL_MANAGER)


def _author(actor, record: RecordSubject) -> bool:
    return record.authored_by_actor


def _correctable(record: RecordSubject) -> bool:
    """Within the rules: while the case is open. A closed case's records are what it closed on (and what
    gallring will take); minutes are corrected by addenda (Action.ADD_ADDENDUM), never here."""
    return record.case.open


_NOT_CORRECTABLE = _("Ärendet är inte öppet: det som sparats kan inte längre rättas.")
_record = partial(Rule, on=RecordSubject, ends_with_agreement=True, state=_correctable, refusal=_NOT_CORRECTABLE)


def _unlocked(meeting: MeetingSubject) -> bool:
    return not meeting.locked and not meeting.cancelled


def _why_locked(meeting: MeetingSubject) -> str:
    return _CANCELLED if meeting.cancelled else _LOCKED


def _draft(meeting: MeetingSubject) -> bool:
    """An approval is of the text as it stood: from the first one on, the content is not editable. A
    cancelled meeting has no minutes."""
    return not meeting.locked and not meeting.has_approvals and not meeting.cancelled


def _why_not_draft(meeting: MeetingSubject) -> str:
    if meeting.cancelled:
        return _CANCELLED
    return _LOCKED if meeting.locked else _BEING_APPROVED


def _planned(meeting: MeetingSubject) -> bool:
    return meeting.planned


def _why_not_planned(meeting: MeetingSubject) -> str:
    if meeting.cancelled:
        return _("Mötet är redan inställt.")
    return _("Mötet har hållits och har ett protokoll: det kan inte längre flyttas eller ställas in.")


def _why_not_recordable(meeting: MeetingSubject) -> str:
    if not _draft(meeting):
        return _why_not_draft(meeting)
    return _("Mötet har inte ägt rum än (%(day)s).") % {"day": meeting.held_on.isoformat()}


def _why_not_approvable(meeting: MeetingSubject) -> str:
    if meeting.locked:
        return _LOCKED
    if not meeting.held:
        return _("Mötet har inte hållits än: det finns inget protokoll att justera.")
    return _("Du har redan justerat protokollet.")


def approves_as_police(actor, meeting: MeetingSubject) -> bool:
    """The police's approval comes from a police user taking part in the meeting."""
    return actor.has(Role.POLICE) and meeting.police_participant


def _approver(actor, meeting: MeetingSubject) -> bool:
    return meeting.chaired_by_actor or approves_as_police(actor, meeting)


RULES: dict[Action, Rule] = {
    Action.SEE_CASES: Rule(roles=CASE_ROLES),
    Action.PROPOSE_CASE: Rule(roles=(Role.POLICE, Role.SOCIAL_MANAGER), ends_with_agreement=True),
    Action.SEE_MEETINGS: Rule(roles=CASE_ROLES),
    Action.CHAIR_MEETINGS: Rule(roles=_MANAGER, ends_with_agreement=True),
    Action.SEE_FIELD_WORK: Rule(roles=(Role.FIELD_WORKER, Role.SOCIAL_MANAGER)),
    Action.RECORD_FIELD_WORK: Rule(roles=(Role.FIELD_WORKER,)),
    # The team's own planning figures, and the social manager's who leads the team.
    Action.SEE_FIELD_FIGURES: Rule(roles=(Role.FIELD_WORKER, Role.SOCIAL_MANAGER)),
    Action.FOLLOW_TARGETS: Rule(roles=_MANAGER),
    Action.SEE_DISCLOSURES: Rule(roles=(Role.SOCIAL_MANAGER, Role.POLICE)),
    Action.DECIDE_DISCLOSURES: Rule(roles=_MANAGER),
    Action.MAKE_REGISTER_EXTRACT: Rule(roles=_MANAGER),
    Action.IMPORT_LISTS: Rule(roles=_MANAGER),
    Action.READ_FOLLOW_UP_REPORT: Rule(roles=_MANAGER),
    Action.READ_COSTS: Rule(roles=_MANAGER),
    Action.READ_CASE_SUMMARY: Rule(roles=_MANAGER),
    Action.READ_STATISTICS: Rule(roles=(Role.MANAGEMENT,)),
    Action.DECIDE_ACCESS_REQUESTS: Rule(roles=(Role.SOCIAL_MANAGER, Role.POLICE_RESPONSIBLE)),
    Action.REVIEW_LOGS: Rule(roles=(Role.AUDITOR,)),
    # Whoever reads the checks' page (REVIEW_LOGS) may start one.
    Action.RUN_CHAIN_CHECK: Rule(roles=(Role.AUDITOR,)),
    Action.ADMINISTER_AGREEMENT: Rule(roles=(Role.SYSADMIN,)),
    Action.ADMINISTER_INSTANCE: Rule(instance_admin=True),
    Action.READ_SHARED_DATA: Rule(roles=(Role.SYSADMIN,), instance_admin=True),
    # An agreement's own index series is its sysadmin's; the common series, which feeds every agreement
    # without one of its own, is the instance administrator's alone.
    Action.KEEP_AGREEMENT_COST_INDEX: Rule(roles=(Role.SYSADMIN,)),
    Action.KEEP_COMMON_COST_INDEX: Rule(instance_admin=True),
    Action.USE_ACCOUNT: Rule(roles=_ALL_ROLES),
    Action.IDENTIFY_CASE: _case(
        writes=_FRAME, state=lambda case: case.proposed, refusal=_("Bara föreslagna ärenden kan identifieras.")
    ),
    Action.DISMISS_PROPOSAL: _case(
        writes=_FRAME, state=lambda case: case.proposed, refusal=_("Bara föreslagna ärenden kan avföras.")
    ),
    Action.CHANGE_CATEGORY: _case(writes=_FRAME, state=_active, refusal=_("Bara aktuella ärenden kan byta kategori.")),
    Action.CLOSE_CASE: _case(writes=_FRAME, state=_active, refusal=_("Bara aktuella ärenden kan avslutas.")),
    Action.REOPEN_CASE: _case(
        writes=_FRAME, state=lambda case: case.closed, refusal=_("Bara avslutade ärenden kan återöppnas.")
    ),
    Action.REASSIGN_CASE: _case(
        roles=_MANAGER, writes=_FRAME, state=_active, refusal=_("Bara aktuella ärenden kan byta ansvar.")
    ),
    # Keeping a case from being cleared away (a complaint, a claim) matters most after the agreement ends.
    Action.SET_LEGAL_HOLD: _case(roles=_MANAGER, writes=_FRAME, ends_with_agreement=False),
    Action.GRANT_CASE_ACCESS: _case(roles=_MANAGER),
    Action.ASSESS_SOCIAL: _case(writes=_SOCIAL, state=_open, refusal=_NOT_OPEN),
    Action.ASSESS_POLICE: _case(writes=(FieldClass.POLICE_ASSESSMENT,), state=_open, refusal=_NOT_OPEN),
    Action.OFFER_INTERVENTION: _case(
        writes=(FieldClass.INTERVENTIONS,),
        state=_active,
        refusal=lambda case: (
            _("Ärendet är avslutat: en insats kan inte erbjudas.")
            if case.closed
            else _("Insatser erbjuds bara i aktuella ärenden.")
        ),
    ),
    Action.ANSWER_INTERVENTION: _case(
        writes=(FieldClass.INTERVENTIONS,), state=_active, refusal=_("Insatser ändras bara i aktuella ärenden.")
    ),
    # The agreement's cases are followed up after it ends: the follow-up is what it promised its youths.
    Action.WRITE_FOLLOW_UP: _case(
        writes=_SOCIAL,
        ends_with_agreement=False,
        state=_active,
        refusal=lambda case: (
            _("Ärendet är avslutat: en uppföljning kan inte skrivas.")
            if case.closed
            else _("Ärendet är inte identifierat: det finns inget att följa upp än.")
        ),
    ),
    Action.RECORD_CONTACT: _case(
        writes=(FieldClass.FIELD_CONTACTS,),
        state=_active,
        refusal=_("Kontakter registreras bara på aktuella ärenden."),
        field="case",
    ),
    Action.FOLLOW_UP_CONCERN_TALK: _case(writes=(FieldClass.FIELD_CONTACTS,)),
    Action.ATTACH_DOCUMENT: _case(writes=ATTACHABLE),
    # The youth's identity is written by whoever the matrix lets write it on this case (today the social
    # manager: the police read the identity of a youth they proposed, but do not write the record, which
    # may be the social services'; docs/roles-and-visibility.md). Closed cases too: the person stays.
    Action.CHANGE_PERSON_DETAILS: _case(writes=_IDENTITY),
    Action.REPLACE_COORDINATION_NUMBER: _case(
        writes=_IDENTITY,
        state=lambda case: case.coordination_number,
        refusal=_("Ungdomen har redan ett personnummer: det finns inget samordningsnummer att ersätta."),
    ),
    # Corrections keep the earlier version (casework.services.corrections). The author corrects, or the social
    # manager for the social services' own records; the police's assessment and the field team's contacts
    # only their authors, since the matrix gives the social manager no write of those classes. A follow-up
    # is corrected after the agreement ends, as it is written then.
    Action.CORRECT_FOLLOW_UP: _record(writes=_SOCIAL, who=_author_or_manager, ends_with_agreement=False),
    Action.CORRECT_SOCIAL_ASSESSMENT: _record(writes=_SOCIAL, who=_author_or_manager),
    Action.CORRECT_POLICE_ASSESSMENT: _record(writes=(FieldClass.POLICE_ASSESSMENT,), who=_author),
    Action.CORRECT_FIELD_CONTACT: _record(writes=(FieldClass.FIELD_CONTACTS,), who=_author),
    Action.EDIT_MINUTES: _meeting(roles=_MANAGER, state=_draft, refusal=_why_not_draft),
    Action.RECORD_MEETING: _meeting(
        roles=_MANAGER, state=lambda meeting: _draft(meeting) and meeting.day_has_come, refusal=_why_not_recordable
    ),
    # Marking an earlier meeting's decision done does not change these minutes.
    Action.MARK_DECISIONS_DONE: _meeting(roles=_MANAGER, state=_unlocked, refusal=_why_locked),
    # The last meeting's minutes are approved after the agreement ends: approving changes no content, and
    # minutes never approved would leave the meeting uncounted in the agreement's own follow-up.
    Action.APPROVE_MINUTES: _meeting(
        who=_approver,
        ends_with_agreement=False,
        state=lambda meeting: not meeting.locked and meeting.held and not meeting.approved_by_actor,
        refusal=_why_not_approvable,
    ),
    # Only one's own approval is taken back: whoever has none has nothing here to withdraw.
    Action.WITHDRAW_APPROVAL: _meeting(
        who=lambda actor, meeting: meeting.approved_by_actor, state=_unlocked, refusal=_why_locked
    ),
    Action.ADD_ADDENDUM: _meeting(
        roles=_MANAGER,
        state=lambda meeting: meeting.locked,
        refusal=_("Protokollet är inte justerat än: ändra i utkastet i stället."),
    ),
    Action.ASSESS_POLICE_AT_MEETING: _meeting(roles=(Role.POLICE,), state=_unlocked, refusal=_why_locked),
    # Only a meeting still planned is moved or called off: once something is recorded it has minutes.
    Action.RESCHEDULE_MEETING: _meeting(roles=_MANAGER, state=_planned, refusal=_why_not_planned),
    Action.CANCEL_MEETING: _meeting(roles=_MANAGER, state=_planned, refusal=_why_not_planned),
}


def _who_holds(actor, rule: Rule, subject) -> bool:
    if actor is None:
        return False
    if rule.instance_admin and actor.instance_admin:
        return True
    if actor.agreement is None:
        return False
    if not (rule.roles or rule.writes or rule.who):
        return False
    if rule.roles and not actor.has(*rule.roles):
        return False
    if rule.writes and not set(rule.writes) & writable_classes(actor.roles, subject.facts):
        return False
    return rule.who is None or rule.who(actor, subject)


def _ended_on(actor, subject) -> datetime.date | None:
    """The day the agreement ended, if it has: from the subject's snapshot, or for a whole-agreement action
    from the actor's agreement."""
    if subject is not None:
        return subject.agreement_ended_on
    agreement = actor.agreement
    return agreement.ends_on if getattr(agreement, "ended", False) else None


def _refusal(actor, rule: Rule, subject) -> ValidationError | None:
    """Why the state refuses the action, or None when it holds. The agreement's end is no one field's
    fault; the rule's own refusal may name its field."""
    if rule.ends_with_agreement and (ended_on := _ended_on(actor, subject)) is not None:
        return ValidationError(str(_ENDED % {"day": ended_on.isoformat()}), code="ended")
    if rule.state is None or rule.state(subject):
        return None
    message = str(rule.refusal(subject) if callable(rule.refusal) else rule.refusal)
    return ValidationError({rule.field: message} if rule.field else message, code="status")


def may(actor, action: Action, subject=None) -> bool:
    """Whether the actor may do `action` (to `subject`) now: who they are and the subject's state."""
    rule = RULES[action]
    return _who_holds(actor, rule, subject) and _refusal(actor, rule, subject) is None


def may_attempt(actor, action: Action, subject=None) -> bool:
    """Whether who the actor is allows `action`, whatever the subject's state (a page gate: the state is
    refused where the action is done, with its reason)."""
    return _who_holds(actor, RULES[action], subject)


def require(actor, action: Action, subject=None) -> None:
    """Refuse unless `may`: PermissionDenied for who the actor is, ValidationError (the rule's message)
    for the subject's state."""
    rule = RULES[action]
    if not _who_holds(actor, rule, subject):
        raise PermissionDenied
    if (refusal := _refusal(actor, rule, subject)) is not None:
        raise refusal


def proposes_for_police(actor) -> bool:
    """A proposal is the police's when its proposer works for the police here and not also as the social
    services' manager (who proposes for the social services)."""
    return actor.has(Role.POLICE) and not actor.has(Role.SOCIAL_MANAGER)


# --- Access changes: who approves (accesscontrol.approvals) ------------------------------------------------

Side = AccessRequest.Side

# Every role except the sysadmin's needs the manager's approval: each reads personal data (the case roles
# the youths', the auditor the logs' staff names and pseudonymous person references, management statistics
# that are personal data whenever the disclosure control fails) or decides who does (the police's
# responsible). The sysadmin reads no case content (docs/roles-and-visibility.md).
NEEDS_APPROVAL = frozenset(Role.values) - {Role.SYSADMIN}

# Who approves for each side of an agreement.
APPROVER = {Side.SOCIAL_SERVICES: Role.SOCIAL_MANAGER, Side.POLICE: Role.POLICE_RESPONSIBLE}
POLICE_ROLES = frozenset({Role.POLICE, Role.POLICE_RESPONSIBLE})


def needs_approval(role: str) -> bool:
    return role in NEEDS_APPROVAL


def side_of(role: str) -> str:
    """The police's responsible approves the police's roles; the social manager every other role."""
    return Side.POLICE if role in POLICE_ROLES else Side.SOCIAL_SERVICES


def sides_approved_by(actor) -> list[str]:
    if actor is None or actor.agreement is None:
        return []
    return [side for side, role in APPROVER.items() if actor.has(role)]


def permissions(actor, subject=None) -> dict[str, bool]:
    """Every action done to a subject of this kind (or to none), by name, and whether the actor may do
    it: what a page offers (the template tag `may_do`)."""
    kind = None if subject is None else type(subject)
    return {action.value: may(actor, action, subject) for action, rule in RULES.items() if rule.on is kind}
