"""Reading cases: the scoped list and one case with the field classes the actor may read (its timeline in
`timeline.py`, finding a person by personnummer in `persons.py`).

Visibility is decided here, from accesscontrol.scoping (which cases) and accesscontrol.visibility
(which field classes), so views and templates only show what they are handed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case as DbCase
from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accesscontrol import policies, scoping
from accesscontrol.grants import selectors as grant_selectors
from accesscontrol.models import Role, Unit, User
from accesscontrol.policies import Action, CaseSubject, RecordSubject, require
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
from casework.access_history import PANEL_MAX_ROWS, PANEL_STEP, access_summary, panel_rows
from casework.blind_indexes import name_candidates, personal_number_candidates
from casework.follow_up import (
    FOLLOW_UP_STATE_LABELS,
    FollowUpState,
    FollowUpWindow,
    follow_up_state,
    follow_up_window,
    with_follow_up_state,
)
from casework.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Correction,
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
    disclosed_cases_q,
    disclosures_panel,
    may_see_disclosures,
    shared_field_classes,
    shared_field_classes_by_case,
)
from casework.selectors.timeline import CorrectionLine, choice_label, current_assessment_event, timeline_entries

# The reason given with a proposal is the proposer's assessment of the youth: a police proposal's reason is
# the police's, a social-services proposal's the social services' (shared with the police only by a disclosure).
PROPOSAL_REASON_FIELD_CLASS = {
    OrganisationKind.POLICE: FieldClass.POLICE_ASSESSMENT,
    OrganisationKind.SOCIAL_SERVICES: FieldClass.SOCIAL_ASSESSMENT,
}


def proposal_reason_class(case: Case) -> FieldClass:
    # An unknown proposer is read as the social services': the class the police do not read by default.
    return PROPOSAL_REASON_FIELD_CLASS.get(case.proposed_by_kind, FieldClass.SOCIAL_ASSESSMENT)


# What a case's row shows beside the case: read with it (select_related) for one case or a search's few, and
# for a page of the list once the page is cut (case_rows).
CASE_RELATED = ("person", "person__area", "unit", "caseworker", "agreement")


def _scoped(actor) -> QuerySet:
    return scoping.scope_cases(Case.objects.select_related(*CASE_RELATED), actor)


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


def record_subject(*, actor, case: Case, author_id, facts: CaseFacts | None = None) -> RecordSubject:
    """A saved record of the case (written by `author_id`) as the correction rules see it for this actor."""
    facts = facts if facts is not None else case_facts(actor=actor, case=case)
    return RecordSubject(case=_subject(case, facts), authored_by_actor=author_id == actor.user.pk)


def _subject(case: Case, facts: CaseFacts) -> CaseSubject:
    return CaseSubject(
        facts=facts,
        proposed=case.status == CaseStatus.PROPOSED,
        active=case.status == CaseStatus.ACTIVE,
        closed=case.status == CaseStatus.CLOSED,
        agreement_ended_on=case.agreement.ends_on if case.agreement.ended else None,
        coordination_number=personal_numbers.is_coordination_number(case.person.personal_number),
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


CASE_NUMBER = re.compile(r"^(?P<year>\d{4})-(?P<sequence>\d{1,6})$")  # services.cases._next_case_number

DISCLOSURE_IN_FORCE = "in_force"
DISCLOSURE_NONE = "none"

# The columns the list sorts by: plain columns only. Names and personnummer are encrypted: sorting by them
# would decrypt every case the actor sees before the first page could be cut (README, "Searching
# encrypted data"). Every order ends in the case number, so a page holds the same rows on every visit.
SORTS = {
    "number": ("number",),
    "proposed_on": ("proposed_on",),
    "raised_on": ("raised_on",),
    "category": ("category",),
    "status": ("status_rank",),
    "unit": ("unit__name",),
    "caseworker": ("caseworker__last_name", "caseworker__first_name"),
    "follow_up": ("follow_up_rank",),
}
DEFAULT_SORT = "-proposed_on"


@dataclass(frozen=True)
class CaseListFilters:
    """What the case list is narrowed and ordered by (the page's GET parameters, checked by the form)."""

    status: str = ""
    category: str = ""
    unit: str = ""  # a unit's id
    caseworker: str = ""  # a user's id
    follow_up: str = ""  # a FollowUpState value
    disclosure: str = ""  # DISCLOSURE_IN_FORCE or DISCLOSURE_NONE
    sort: str = DEFAULT_SORT  # a key of SORTS, "-" first for descending


def sort_key(sort: str) -> tuple[str, bool]:
    """(column key, descending) of a sort parameter; the default for anything not in SORTS."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        return sort_key(DEFAULT_SORT)
    return key, sort.startswith("-")


def reads_follow_up_of_every_case(actor) -> bool:
    """The actor reads the social assessment (and so the follow-up state) of every case it sees, so the
    list may be filtered and sorted by it: a filter on what a row may not show would reveal it (the
    police read it only by disclosure, the field team not at all)."""
    frame = scopes_held(actor.roles, FieldClass.CASE_FRAME)
    social = scopes_held(actor.roles, FieldClass.SOCIAL_ASSESSMENT)
    return bool(frame) and (Scope.ALL in social or frame <= social)


@dataclass(frozen=True)
class CaseListOptions:
    """What the actor may filter the case list by: the units and caseworkers of the cases it sees, and
    whether the follow-up state and the disclosure state are offered (not to whoever may not read them)."""

    units: list
    caseworkers: list
    follow_up: bool
    disclosure: bool


def case_list_options(*, actor) -> CaseListOptions:
    """Two queries, however many cases."""
    require(actor, Action.SEE_CASES)
    scoped = scoping.scope_cases(Case.objects.all(), actor)
    units = Unit.objects.filter(pk__in=scoped.values("unit")).order_by("name")
    caseworkers = User.objects.filter(pk__in=scoped.values("caseworker")).order_by("last_name", "first_name")
    return CaseListOptions(
        units=list(units),
        caseworkers=list(caseworkers),
        follow_up=reads_follow_up_of_every_case(actor),
        disclosure=may_see_disclosures(actor),
    )


def _ordered(column: str, descending: bool):
    """The order by `column`, cases without a value last. On a column of the case that always has one the
    order says nothing of missing values: so it is the order of an index (casework_case_list_order), which
    the database reads a page from."""
    always_set = "__" not in column and column in {f.name for f in Case._meta.concrete_fields if not f.null}
    nulls_last = None if always_set else True
    return F(column).desc(nulls_last=nulls_last) if descending else F(column).asc(nulls_last=nulls_last)


def case_list_query(*, actor, filters: CaseListFilters = CaseListFilters()) -> QuerySet:
    """The cases the actor may see, narrowed by `filters` and in their order, as an unevaluated query:
    the caller pages it in the database (config.paging) and builds rows only for the page (case_rows).
    A filter the actor may not use (follow-up state, disclosure state) is ignored.

    The cases alone, without the rows they name (person, unit, caseworker): joined before the page is cut,
    those would be read for every visible case (30 000 person rows for a page of 50 at a large
    municipality); case_rows reads them for the page's cases only. The default order follows the index
    casework_case_list_order, so the first page is read from it without sorting the agreement's cases.
    The follow-up state is computed in SQL only when the list is filtered or sorted by it (the badge of a
    row is case_rows'): its expression names the case's follow-ups seven times, and PostgreSQL answered
    each by hashing every follow-up of every agreement, for any page (60–90 ms at issue 20's scale)."""
    require(actor, Action.SEE_CASES)
    today = timezone.localdate()
    cases = scoping.scope_cases(Case.objects.all(), actor).annotate(
        has_follow_up=Exists(FollowUp.objects.filter(case=OuterRef("pk")))
    )
    follow_up = reads_follow_up_of_every_case(actor)
    key, descending = sort_key(filters.sort)
    if key == "follow_up" and not follow_up:
        key, descending = sort_key(DEFAULT_SORT)
    by_follow_up = follow_up and filters.follow_up in {state.value for state in FollowUpState}
    if by_follow_up or key == "follow_up":
        cases = with_follow_up_state(cases, actor.agreement, today=today)
    if filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.category in Category.values:
        cases = cases.filter(category=filters.category)
    if filters.unit:
        cases = cases.filter(unit_id=filters.unit)
    if filters.caseworker:
        cases = cases.filter(caseworker_id=filters.caseworker)
    if by_follow_up:
        cases = cases.filter(follow_up_state=filters.follow_up)
    if filters.disclosure in (DISCLOSURE_IN_FORCE, DISCLOSURE_NONE) and may_see_disclosures(actor):
        disclosed = disclosed_cases_q(agreement=actor.agreement, today=today)
        cases = cases.filter(disclosed) if filters.disclosure == DISCLOSURE_IN_FORCE else cases.exclude(disclosed)
    if key == "status":
        cases = cases.annotate(
            status_rank=DbCase(
                *(When(status=value, then=Value(rank)) for rank, value in enumerate(CaseStatus.values)),
                default=Value(len(CaseStatus.values)),
                output_field=IntegerField(),
            )
        )
    columns = [_ordered(column, descending) for column in SORTS[key]]
    tie = "-number" if descending and key == "number" else "number"
    return cases.order_by(*columns, tie, "pk")


def case_rows(*, actor, cases) -> list[CaseRow]:
    """The rows of (already scoped) `cases`, one page of the list: the field classes the actor may read
    of each, the follow-up badge where the social assessment is readable, the person or the pseudonym.
    A fixed number of queries: the rows the cases name (CASE_RELATED, unless already read with them), the
    actor's cases among them, the disclosures in force."""
    cases = list(cases)
    prefetch_related_objects(cases, *CASE_RELATED)
    readable_of = readable_by_case(actor=actor, cases=cases)
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


def find_cases(*, actor, search) -> list[CaseRow]:
    """The cases an exact search finds: ("case_number", "2026-0001"), ("personal_number", normalised
    number) or ("name", (first, last)). A personnummer or a name is matched through the blind indexes
    without decrypting anything, and finds only cases whose identity the actor may read (a search by
    identity reveals nothing of a youth the actor may not know of); a case number finds the one case of
    that number the actor sees, named as the list names it."""
    require(actor, Action.SEE_CASES)
    kind, value = search
    cases = _scoped(actor).annotate(has_follow_up=Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
    if kind == "case_number":
        return case_rows(actor=actor, cases=cases.filter(number=value))
    if kind == "personal_number":
        cases = cases.filter(person__personal_number_index__in=personal_number_candidates(value))
    else:
        cases = cases.filter(person__name_index__in=name_candidates(*value))
    return [row for row in case_rows(actor=actor, cases=cases) if FieldClass.IDENTITY in row.readable]


# --- One case -------------------------------------------------------------------------------------------


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
    # What the actor may correct (accesscontrol.policies, the CORRECT_* actions): follow-up and field-contact
    # ids as text, and "social_assessment" / "police_assessment" for the case's current assessments.
    may_correct: frozenset = frozenset()

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
            realistic_alternative=choice_label(RealisticAlternative.choices, case.realistic_alternative),
            records_reference=case.records_reference,
        )
    page.events = timeline_entries(case=case, readable=readable)
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
    page.may_correct = _correctable(actor, case, facts, page)
    corrected = follow_up_corrections(follow_ups=page.follow_ups) if page.follow_ups else {}
    for follow_up in page.follow_ups:
        # "Rättad <datum> av <namn>: skäl" under the follow-up on the case page.
        follow_up.correction_lines = corrected.get(follow_up.pk, [])
    return page


def _correctable(actor, case: Case, facts: CaseFacts, page: CasePage) -> frozenset:
    """The records of the page the actor may correct now: each asked of the policy with its author."""

    def may(action, author_id) -> bool:
        return policies.may(actor, action, record_subject(actor=actor, case=case, author_id=author_id, facts=facts))

    keys = {str(f.pk) for f in page.follow_ups if may(Action.CORRECT_FOLLOW_UP, f.author_id)}
    keys |= {str(c.pk) for c in page.field_contacts if may(Action.CORRECT_FIELD_CONTACT, c.recorded_by_id)}
    for kind, action, shown in (
        (CaseEvent.Kind.SOCIAL_ASSESSMENT, Action.CORRECT_SOCIAL_ASSESSMENT, page.social_assessment),
        (CaseEvent.Kind.POLICE_ASSESSMENT, Action.CORRECT_POLICE_ASSESSMENT, page.police_assessment),
    ):
        event = current_assessment_event(case=case, kind=kind) if shown is not None else None
        if event is not None and may(action, event.by_id):
            keys.add(str(kind))
    return frozenset(keys)


def follow_up_corrections(*, follow_ups) -> dict:
    """The corrections of these follow-ups (already read by the actor), oldest first, by follow-up id."""
    lines: dict = {}
    for correction in Correction.objects.filter(
        kind=Correction.Kind.FOLLOW_UP, record_id__in=[f.pk for f in follow_ups]
    ).select_related("by"):
        lines.setdefault(correction.record_id, []).append(CorrectionLine.of(correction))
    return lines


def get_intervention(*, case: Case, intervention_id) -> Intervention:
    """An intervention of an (already scoped) case; raises Intervention.DoesNotExist otherwise."""
    return Intervention.objects.select_related("intervention_type", "case").get(case=case, pk=intervention_id)


def case_page_panels(*, actor, case: Case, access_rows=None) -> dict:
    """The panels other parts add to the case page, each shown only where its own selector allows it:
    the disclosures to the police (social manager: the register; police: what is shared), the temporary
    access given to caseworkers, and who has seen the case (social manager: the access register behind a
    GDPR article 15 extract, and the case summary PDF). `access_rows` is the address's ask for more rows of
    who has seen the case (casework.access_history.panel_rows)."""
    panels = {}
    if grant_selectors.may_grant(actor, case):
        panels["access_grants"] = grant_selectors.grants_of_case(actor=actor, case=case)
        panels["access_grants_panel"] = "casework/access_grants_panel.html"
    if may_see_disclosures(actor):
        panels["disclosures_panel"] = "casework/disclosures/panel.html"
        panels["panel"] = disclosures_panel(actor=actor, case=case)
    try:
        rows = panel_rows(access_rows)
        panels["case_access"] = access_summary(person=case.person, cases=[case], actor=actor, limit=rows)
    except PermissionDenied:
        return panels
    panels["case_access_expanded"] = rows > PANEL_STEP
    panels["case_access_next"] = rows + PANEL_STEP if rows < PANEL_MAX_ROWS else None
    panels["case_access_panel"] = "audit/case_access_panel.html"
    # The same reader (the social manager) may take the case summary PDF (reports.selectors.case_summary).
    panels["case_summary"] = True
    return panels
