"""Reading cases: the scoped list, one case with the field classes the actor may read, person lookup.

Visibility is decided here, from accesscontrol.scoping (which cases) and accesscontrol.visibility
(which field classes), so views and templates only show what they are handed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accesscontrol import scoping
from accesscontrol.grants import selectors as grant_selectors
from accesscontrol.models import Role, Unit, User
from accesscontrol.policies import Action, CaseSubject, require
from accesscontrol.visibility import (
    DISCLOSABLE,
    CaseFacts,
    FieldClass,
    Scope,
    readable_classes,
    scopes_held,
    writable_classes,
)
from casework import personal_numbers
from casework.access_history import access_history
from casework.blind_indexes import name_candidates, personal_number_candidates
from casework.follow_up import FOLLOW_UP_STATE_LABELS, FollowUpWindow, follow_up_state, follow_up_window
from casework.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    CloseReason,
    FieldContact,
    FollowUp,
    Gender,
    Intervention,
    OrganisationKind,
    Person,
    RealisticAlternative,
)
from casework.selectors.attachments import readable_attachments
from casework.selectors.disclosures import (
    age_on,
    disclosures_panel,
    may_see_disclosures,
    shared_field_classes,
    shared_field_classes_by_case,
)

# Which field class each timeline entry belongs to: an entry is shown only to those who may read it.
# Decisions and disclosure or consent entries can hold social-services information, so they are read
# with the social assessment (the police see them only when a disclosure shares it).
EVENT_FIELD_CLASS = {
    CaseEvent.Kind.PROPOSED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.IDENTIFIED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.NOT_IDENTIFIED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.CATEGORY_CHANGED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.ASSIGNED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.REVIEWED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.CLOSED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.REOPENED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.POLICE_ASSESSMENT: FieldClass.POLICE_ASSESSMENT,
    CaseEvent.Kind.SOCIAL_ASSESSMENT: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.FOLLOW_UP: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DECISION: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DISCLOSURE: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DISCLOSURE_WITHDRAWN: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CONSENT: FieldClass.SOCIAL_ASSESSMENT,
    # The reason for a legal hold is the social services' free text (e.g. a pending complaint or request).
    CaseEvent.Kind.LEGAL_HOLD_SET: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.LEGAL_HOLD_LIFTED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.INTERVENTION_OFFERED: FieldClass.INTERVENTIONS,
    CaseEvent.Kind.INTERVENTION_ANSWERED: FieldClass.INTERVENTIONS,
    CaseEvent.Kind.FIELD_CONTACT: FieldClass.FIELD_CONTACTS,
}

# The free-text note of a timeline entry can be of another class than the entry: the case-frame events
# (identified, not identified, category change, closing, reopening) are written by the social services,
# and their notes are the social services' reasoning. Unlisted kinds: the note is of the entry's class.
EVENT_NOTE_FIELD_CLASS = {
    CaseEvent.Kind.IDENTIFIED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.NOT_IDENTIFIED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CATEGORY_CHANGED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.ASSIGNED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.REVIEWED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CLOSED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.REOPENED: FieldClass.SOCIAL_ASSESSMENT,
}

# The reason given with a proposal is the proposer's assessment of the youth: a police proposal's reason is
# the police's, a social-services proposal's the social services' (shared with the police only by a disclosure).
PROPOSAL_REASON_FIELD_CLASS = {
    OrganisationKind.POLICE: FieldClass.POLICE_ASSESSMENT,
    OrganisationKind.SOCIAL_SERVICES: FieldClass.SOCIAL_ASSESSMENT,
}


def event_note_class(kind: str) -> FieldClass:
    return EVENT_NOTE_FIELD_CLASS.get(kind) or EVENT_FIELD_CLASS.get(kind, FieldClass.SOCIAL_ASSESSMENT)


def proposal_reason_class(case: Case) -> FieldClass:
    # An unknown proposer is read as the social services': the class the police do not read by default.
    return PROPOSAL_REASON_FIELD_CLASS.get(case.proposed_by_kind, FieldClass.SOCIAL_ASSESSMENT)


def _scoped(actor) -> QuerySet:
    return scoping.scope_cases(
        Case.objects.select_related("person", "person__area", "unit", "caseworker", "agreement"), actor
    )


def get_case(*, actor, case_id) -> Case:
    """One case the actor may see; raises Case.DoesNotExist otherwise (the view answers 404)."""
    return _scoped(actor).get(pk=case_id)


def _facts(case: Case, *, assigned_to_user: bool, disclosed) -> CaseFacts:
    """The only place CaseFacts are made from a case: who proposed it is read from the case as it is now."""
    return CaseFacts(
        category=case.category,
        assigned_to_user=assigned_to_user,
        disclosed=frozenset(disclosed),
        proposed_by_police=case.proposed_by_kind == OrganisationKind.POLICE,
    )


def case_facts(*, actor, case: Case) -> CaseFacts:
    return _facts(
        case,
        assigned_to_user=scoping.is_assigned(case, actor),
        # In force today: not withdrawn, consent holding, basis valid (OSL 10:18 a only under 21).
        disclosed=shared_field_classes(case=case),
    )


def case_subject(*, actor, case: Case) -> CaseSubject:
    """The case as the policy (accesscontrol.policies) sees it for this actor."""
    return _subject(case, case_facts(actor=actor, case=case))


def _subject(case: Case, facts: CaseFacts) -> CaseSubject:
    return CaseSubject(
        facts=facts,
        proposed=case.status == CaseStatus.PROPOSED,
        active=case.status == CaseStatus.ACTIVE,
        closed=case.status == CaseStatus.CLOSED,
    )


def police_read_identity(*, cases, today: datetime.date | None = None) -> set:
    """The ids of `cases` whose identity the police may read today, by the visibility matrix: the police
    proposed the case, or a disclosure in force shares its identity. One query for the disclosures."""
    cases = list(cases)
    disclosed = shared_field_classes_by_case(cases=cases, today=today) if cases else {}
    return {
        case.pk
        for case in cases
        if FieldClass.IDENTITY
        in readable_classes([Role.POLICE], _facts(case, assigned_to_user=False, disclosed=disclosed.get(case.pk, ())))
    }


GENDER_WORDS = {Gender.GIRL: gettext_lazy("flicka"), Gender.BOY: gettext_lazy("pojke")}
PROPOSER_WORDS = {
    OrganisationKind.POLICE: gettext_lazy("polisen"),
    OrganisationKind.SOCIAL_SERVICES: gettext_lazy("socialtjänsten"),
}


def pseudonym(case: Case, *, on: datetime.date, ordinal: int | None = None) -> str:
    """How a case is named to a reader who may not read its identity: who proposed it, gender, age on `on`
    and area, never a name or a personnummer, e.g. "Förslag 3 från socialtjänsten: pojke, 15 år, område
    Centrum". `ordinal` is the proposal's place on a meeting's agenda."""
    proposer = PROPOSER_WORDS.get(case.proposed_by_kind, PROPOSER_WORDS[OrganisationKind.SOCIAL_SERVICES])
    if ordinal is None:
        lead = _("Förslag från %(proposer)s") % {"proposer": proposer}
    else:
        lead = _("Förslag %(number)s från %(proposer)s") % {"number": ordinal, "proposer": proposer}
    person = case.person
    traits = []
    if person.gender in GENDER_WORDS:
        traits.append(str(GENDER_WORDS[person.gender]))
    age = age_on(person, on)
    if age is not None:
        traits.append(_("%(age)s år") % {"age": age})
    if person.area_id:
        traits.append(_("område %(area)s") % {"area": person.area.name})
    return f"{lead}: {', '.join(traits)}" if traits else lead


@dataclass(frozen=True)
class FollowUpBadge:
    state: str
    label: str
    window: FollowUpWindow | None


def follow_up_badge(*, case: Case, has_follow_up: bool, today: datetime.date) -> FollowUpBadge | None:
    state = follow_up_state(
        raised_on=case.raised_on,
        agreement=case.agreement,
        has_follow_up=has_follow_up,
        today=today,
        closed_on=case.closed_on if case.status == CaseStatus.CLOSED else None,
    )
    if state is None:
        return None
    window = follow_up_window(raised_on=case.raised_on, agreement=case.agreement)
    return FollowUpBadge(state=str(state), label=str(FOLLOW_UP_STATE_LABELS[state]), window=window)


# --- The case list --------------------------------------------------------------------------------------


def facts_by_case(*, actor, cases: list[Case]) -> dict[object, CaseFacts]:
    """case id -> the facts the visibility matrix needs, for many cases in two queries: the cases that are
    the actor's and the active disclosures. The batch form of case_facts."""
    scopes = scopes_held(actor.roles, FieldClass.CASE_FRAME) | scopes_held(actor.roles, FieldClass.IDENTITY)
    assigned = scoping.assigned_case_ids(cases, actor) if Scope.ASSIGNED in scopes else set()
    # The disclosures in force matter to whoever reads anything only by disclosure (the police).
    by_disclosure = any(
        scopes_held(actor.roles, field_class) & {Scope.DISCLOSED, Scope.PROPOSED_OR_DISCLOSED}
        for field_class in DISCLOSABLE
    )
    disclosed = shared_field_classes_by_case(cases=cases) if by_disclosure and cases else {}
    return {
        case.pk: _facts(
            case,
            assigned_to_user=case.pk in assigned,
            disclosed=disclosed.get(case.pk, ()),
        )
        for case in cases
    }


def readable_by_case(*, actor, cases: list[Case]) -> dict:
    """case id -> the field classes the actor may read, for many (already scoped) cases in two queries.
    The batch form of case_facts + readable_classes."""
    return {
        case_id: readable_classes(actor.roles, facts)
        for case_id, facts in facts_by_case(actor=actor, cases=cases).items()
    }


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list; `person` is None where the actor may not read the identity, and the case
    is named by its `pseudonym` instead."""

    case: Case
    readable: frozenset
    badge: FollowUpBadge | None
    person: Person | None = None
    pseudonym: str = ""


def case_list(*, actor, status: str = "", category: str = "", person=None) -> list[CaseRow]:
    """The cases the actor may see, newest proposal first, each with the field classes the actor may
    read and the follow-up badge where the social assessment is readable. A fixed number of queries
    however many cases: the cases, the actor's units, the active disclosures.

    `person` narrows to one person's cases by an exact search ("personal_number", normalised number) or
    ("name", (first, last)), matched through the blind indexes without decrypting anything; only cases
    whose identity the actor may read are found that way."""
    require(actor, Action.SEE_CASES)
    cases = _scoped(actor).annotate(has_follow_up=Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
    if person is not None:
        kind, value = person
        if kind == "personal_number":
            cases = cases.filter(person__personal_number_index__in=personal_number_candidates(value))
        else:
            cases = cases.filter(person__name_index__in=name_candidates(*value))
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if category in ("lifestyle", "svansen"):
        cases = cases.filter(category=category)
    cases = list(cases)
    readable_of = readable_by_case(actor=actor, cases=cases)
    if person is not None:
        # A search is by identity: it finds nothing the actor may not read the identity of.
        cases = [case for case in cases if FieldClass.IDENTITY in readable_of[case.pk]]
    today = timezone.localdate()
    result = []
    for case in cases:
        readable = readable_of[case.pk]
        badge = None
        if FieldClass.SOCIAL_ASSESSMENT in readable:
            badge = follow_up_badge(case=case, has_follow_up=case.has_follow_up, today=today)
        person = case.person if FieldClass.IDENTITY in readable else None
        name = pseudonym(case, on=today) if person is None and FieldClass.CASE_FRAME in readable else ""
        result.append(CaseRow(case=case, readable=readable, badge=badge, person=person, pseudonym=name))
    return result


# --- One case -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """What the timeline shows of one event. The event itself is not handed on: its `note` is free text
    of its own field class, here only where the actor may read that class (else empty)."""

    kind: str
    kind_label: str
    occurred_on: datetime.date
    by: object
    summary: str
    note: str = ""

    @classmethod
    def of(cls, event: CaseEvent, *, summary: str, note_readable: bool) -> TimelineEntry:
        return cls(
            kind=event.kind,
            kind_label=event.get_kind_display(),
            occurred_on=event.occurred_on,
            by=event.by,
            summary=summary,
            note=event.note if note_readable else "",
        )


def _choice_label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _event_summary(event: CaseEvent, agreement) -> str:
    """A line about the event from its structured data (codes and dates, never personal data)."""
    data, kind = event.data, event.kind
    if kind in (CaseEvent.Kind.PROPOSED, CaseEvent.Kind.IDENTIFIED) and data.get("category"):
        return agreement.category_label(data["category"])
    if kind == CaseEvent.Kind.CATEGORY_CHANGED:
        return _("Från %(from)s till %(to)s") % {
            "from": agreement.category_label(data.get("from")),
            "to": agreement.category_label(data.get("to")),
        }
    if kind == CaseEvent.Kind.CLOSED:
        return _choice_label(CloseReason.choices, data.get("reason"))
    if kind == CaseEvent.Kind.ASSIGNED:
        return _responsibility(data)
    if kind == CaseEvent.Kind.REOPENED and data.get("closed_on"):
        return _("Var avslutat %(day)s (%(reason)s)") % {
            "day": data["closed_on"],
            "reason": _choice_label(CloseReason.choices, data.get("reason")),
        }
    if kind == CaseEvent.Kind.POLICE_ASSESSMENT and data.get("priority"):
        return _("Polisen vill att ärendet prioriteras")
    if kind in (CaseEvent.Kind.INTERVENTION_OFFERED, CaseEvent.Kind.INTERVENTION_ANSWERED):
        return f"{data.get('type', '')}: {_choice_label(Intervention.Response.choices, data.get('response'))}"
    if kind == CaseEvent.Kind.FOLLOW_UP:
        outcome = _choice_label(FollowUp.Outcome.choices, data.get("outcome"))
        return _("%(outcome)s, skriven efter fönstret") % {"outcome": outcome} if data.get("late") else outcome
    if kind == CaseEvent.Kind.FIELD_CONTACT:
        label = _choice_label(FieldContact.Kind.choices, data.get("contact_kind"))
        return _("%(kind)s följt upp") % {"kind": label} if data.get("follow_up") else label
    return ""


def _responsibility(data: dict) -> str:
    """Staff and units, named: who is responsible is not the youth's personal data."""
    unit = Unit.objects.filter(pk=data.get("unit")).values_list("name", flat=True).first() or ""
    caseworker = User.objects.filter(pk=data.get("caseworker")).first() if data.get("caseworker") else None
    if caseworker is None:
        return _("Ansvarig enhet: %(unit)s, ingen handläggare utsedd") % {"unit": unit}
    return _("Ansvarig enhet: %(unit)s, handläggare: %(caseworker)s") % {"unit": unit, "caseworker": caseworker}


@dataclass(frozen=True)
class PoliceAssessment:
    text: str
    priority: bool


@dataclass(frozen=True)
class SocialAssessment:
    text: str
    realistic_alternative: str  # the label
    records_reference: str


@dataclass
class CasePage:
    """What the case page may show this actor; anything the actor may not read is absent (None/empty)."""

    case: Case
    readable: frozenset
    writable: frozenset
    person: Person | None = None
    pseudonym: str = ""  # the case's name where the identity is not readable
    proposal_reason: str | None = None
    police_assessment: PoliceAssessment | None = None
    social_assessment: SocialAssessment | None = None
    events: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    field_contacts: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    badge: FollowUpBadge | None = None
    subject: CaseSubject | None = None  # what the page offers is asked of accesscontrol.policies
    @property
    def persons(self) -> list[Person]:
        return [self.person] if self.person else []


@dataclass(frozen=True)
class CaseCaption:
    """What a case is called on a page: the person's name, or its pseudonym where the actor may not read
    who the youth is (the police, of a social-services proposal nothing has disclosed)."""

    number: str
    name: str
    shows_identity: bool


def case_caption(*, actor, case: Case) -> CaseCaption:
    if FieldClass.IDENTITY in readable_classes(actor.roles, case_facts(actor=actor, case=case)):
        return CaseCaption(number=case.number, name=case.person.full_name, shows_identity=True)
    return CaseCaption(number=case.number, name=pseudonym(case, on=timezone.localdate()), shows_identity=False)


def case_page(*, actor, case: Case) -> CasePage:
    """Everything of one (already scoped) case that the actor may read, and what they may do with it."""
    facts = case_facts(actor=actor, case=case)
    readable = readable_classes(actor.roles, facts)
    writable = writable_classes(actor.roles, facts)
    page = CasePage(case=case, readable=readable, writable=writable)
    if FieldClass.IDENTITY in readable:
        page.person = case.person
    elif FieldClass.CASE_FRAME in readable:
        page.pseudonym = pseudonym(case, on=timezone.localdate())
    if proposal_reason_class(case) in readable:
        page.proposal_reason = case.proposal_reason
    if FieldClass.POLICE_ASSESSMENT in readable:
        page.police_assessment = PoliceAssessment(text=case.police_assessment, priority=case.police_priority)
    if FieldClass.SOCIAL_ASSESSMENT in readable:
        page.social_assessment = SocialAssessment(
            text=case.social_assessment,
            realistic_alternative=_choice_label(RealisticAlternative.choices, case.realistic_alternative),
            records_reference=case.records_reference,
        )
    kinds = [kind for kind, field_class in EVENT_FIELD_CLASS.items() if field_class in readable]
    page.events = [
        TimelineEntry.of(
            event,
            summary=_event_summary(event, case.agreement),
            note_readable=event_note_class(event.kind) in readable,
        )
        for event in case.events.filter(kind__in=kinds).select_related("by")
    ]
    if FieldClass.INTERVENTIONS in readable:
        page.interventions = list(
            Intervention.objects.filter(case=case).select_related("intervention_type", "recorded_by")
        )
    if FieldClass.SOCIAL_ASSESSMENT in readable:
        page.follow_ups = list(FollowUp.objects.filter(case=case).select_related("author"))
        page.badge = follow_up_badge(case=case, has_follow_up=bool(page.follow_ups), today=timezone.localdate())
    if FieldClass.FIELD_CONTACTS in readable:
        page.field_contacts = list(
            FieldContact.objects.filter(case=case).select_related("recorded_by", "hot_spot", "concern_follow_up")
        )
    page.attachments = readable_attachments(case=case, readable=readable)
    page.subject = _subject(case, facts)
    return page


# --- Finding a person -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMatch:
    person: Person | None
    open_case: Case | None
    # False for the police: "not found" then means "not known to you", so the page must not say "not in Samsyn".
    complete: bool = True


def person_on_record(*, agreement, number: personal_numbers.PersonalNumber) -> Person | None:
    """The agreement's person with this exact personnummer or samordningsnummer (blind index), whoever asks:
    for the services; a page asks `find_person`, which knows what the asker may learn."""
    return Person.objects.filter(
        agreement=agreement, personal_number_index__in=personal_number_candidates(number.normalised)
    ).first()


def find_person(*, actor, number: personal_numbers.PersonalNumber) -> PersonMatch:
    """The person of the actor's agreement with exactly this personnummer or samordningsnummer (through
    the blind index), and their open case if any, as far as the proposer may know them. Only those who
    may propose search.

    That the social services know a youth is itself secret towards the police (OSL 26 kap. 1 §): the
    police find a person only when they may read the identity of one of the person's cases (they proposed
    the youth, or a disclosure in force shares the identity), and an open case only when they may read
    its identity. Otherwise the person is new to them, and their proposal stands beside the hidden case
    (`propose_case`) for the meeting to handle. Social managers find every person and open case."""
    require(actor, Action.PROPOSE_CASE)
    person = person_on_record(agreement=actor.agreement, number=number)
    # Whoever reads every case's identity finds every person; anyone else only those they may know.
    complete = Scope.ALL in scopes_held(actor.roles, FieldClass.IDENTITY)
    if person is None:
        return PersonMatch(person=None, open_case=None, complete=complete)
    cases = list(Case.objects.filter(agreement=actor.agreement, person=person))
    if not complete:
        known = police_read_identity(cases=cases)
        cases = [case for case in cases if case.pk in known]
        if not cases:
            return PersonMatch(person=None, open_case=None, complete=False)
    open_case = next((case for case in cases if case.status in OPEN_STATUSES), None)
    return PersonMatch(person=person, open_case=open_case, complete=complete)


def get_intervention(*, case: Case, intervention_id) -> Intervention:
    """An intervention of an (already scoped) case; raises Intervention.DoesNotExist otherwise."""
    return Intervention.objects.select_related("intervention_type", "case").get(case=case, pk=intervention_id)


def case_page_panels(*, actor, case: Case) -> dict:
    """The panels other parts add to the case page, each shown only where its own selector allows it:
    the disclosures to the police (social manager: the register; police: what is shared), the temporary
    access given to caseworkers, and who has seen the case (social manager: the access register behind a
    GDPR article 15 extract, and the case summary PDF)."""
    panels = {}
    if grant_selectors.may_grant(actor, case):
        panels["access_grants"] = grant_selectors.grants_of_case(actor=actor, case=case)
        panels["access_grants_panel"] = "casework/access_grants_panel.html"
    if may_see_disclosures(actor):
        panels["disclosures_panel"] = "casework/disclosures/panel.html"
        panels["panel"] = disclosures_panel(actor=actor, case=case)
    try:
        panels["case_access"] = access_history(person=case.person, cases=[case], actor=actor)
    except PermissionDenied:
        return panels
    panels["case_access_panel"] = "audit/case_access_panel.html"
    # The same reader (the social manager) may take the case summary PDF (reports.selectors.case_summary).
    panels["case_summary"] = True
    return panels
