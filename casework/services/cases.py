"""Cases: a youth proposed, identified (or not) at a meeting, assessed, re-categorised, closed, reopened,
put under a legal hold against purging (and released from it).

Every function is one transaction: it checks who may act, validates the input (a ValidationError keyed
by form field, nothing saved), writes the change and its timeline event together.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.models import Membership, Role, Unit
from accesscontrol.policies import Action
from casework import personal_numbers
from casework.blind_indexes import set_person_indexes
from casework.models import (
    OPEN_STATUSES,
    Agreement,
    Area,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    CloseReason,
    Gender,
    Meeting,
    MeetingItem,
    OrganisationKind,
    Person,
    RealisticAlternative,
)
from casework.selectors.cases import police_read_identity
from casework.selectors.persons import find_person, person_on_record
from casework.selectors.timeline import current_assessment_event
from config.text_limits import check_text_limits

from . import meetings
from .timeline import add_event, lock_case, refuse_future, refuse_outside_agreement


class AgeNeedsConfirmation(ValidationError):
    """The youth's age is outside the agreement's ages on the given day and the user has not confirmed it."""

    def __init__(self, *, age: int, agreement: Agreement, on: datetime.date):
        message = _(
            "Ungdomen är %(age)s år den %(day)s, utanför överenskommelsens åldrar %(min)s–%(max)s år. "
            "Kontrollera åldern och kryssa i rutan om du ändå vill gå vidare."
        ) % {"age": age, "day": on.isoformat(), "min": agreement.min_age, "max": agreement.max_age}
        super().__init__({"age_confirmed": [message]})


class OpenCaseExists(ValidationError):
    """The person already has an open case (proposed or active) in the agreement."""

    def __init__(self, existing_case: Case):
        super().__init__(
            _(
                "Personen har redan ett öppet ärende i överenskommelsen (ärende %(number)s). "
                "Ett nytt kan inte läggas upp."
            )
            % {"number": existing_case.number},
            code="open_case_exists",
        )
        self.existing_case = existing_case


@dataclass(frozen=True)
class PersonDetails:
    """What a proposal needs to create a person who is not yet known."""

    first_name: str
    last_name: str
    gender: str = Gender.UNKNOWN
    area: Area | None = None
    contact: dict = field(default_factory=dict)
    guardians: list = field(default_factory=list)


def parse_personal_number(text: str) -> personal_numbers.PersonalNumber:
    try:
        return personal_numbers.parse(text)
    except personal_numbers.InvalidPersonalNumber as exc:
        raise ValidationError({"personal_number": [str(exc)]}) from None


def age_outside_agreement(*, number: personal_numbers.PersonalNumber, agreement: Agreement, on: datetime.date):
    """The youth's age on the day if it lies outside the agreement's ages, else None."""
    age = number.age_on(on)
    return None if agreement.min_age <= age <= agreement.max_age else age


def check_age(*, number: personal_numbers.PersonalNumber, agreement: Agreement, on: datetime.date, confirmed: bool):
    age = age_outside_agreement(number=number, agreement=agreement, on=on)
    if not confirmed and age is not None:
        raise AgeNeedsConfirmation(age=age, agreement=agreement, on=on)


class AgeOutsideAgreement(ValidationError):
    """An imported case whose youth was outside the agreement's ages on the raised-on date: a list has no one
    to confirm the age, so the case is left to be entered by hand."""

    def __init__(self, *, age: int, agreement: Agreement, on: datetime.date):
        message = _(
            "Ungdomen var %(age)s år den %(day)s, utanför överenskommelsens åldrar %(min)s–%(max)s år. "
            "Lägg upp ärendet för hand om det ändå ska finnas i Samsyn."
        ) % {"age": age, "day": on.isoformat(), "min": agreement.min_age, "max": agreement.max_age}
        super().__init__({"raised_on": [message]})


def check_raised_on(*, agreement: Agreement, raised_on: datetime.date) -> None:
    """A raised-on date is not in the future and lies within the agreement's period."""
    refuse_future(raised_on, field="raised_on")
    refuse_outside_agreement(agreement, raised_on, field="raised_on", what=_("Aktualiseringsdatumet"))


def open_case_of(*, person: Person, agreement: Agreement) -> Case | None:
    return Case.objects.filter(agreement=agreement, person=person, status__in=OPEN_STATUSES).first()


def _create_person(*, agreement: Agreement, number: personal_numbers.PersonalNumber, details: PersonDetails) -> Person:
    errors = {}
    if not (details.first_name or "").strip():
        errors["first_name"] = [_("Ange förnamn för en ny person.")]
    if not (details.last_name or "").strip():
        errors["last_name"] = [_("Ange efternamn för en ny person.")]
    if details.gender not in Gender.values:
        errors["gender"] = [_("Välj kön.")]
    if details.area is not None and details.area.agreement_id != agreement.pk:
        errors["area"] = [_("Området hör inte till överenskommelsen.")]
    if errors:
        raise ValidationError(errors)
    person = Person(
        agreement=agreement,
        personal_number=number.normalised,
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        birth_year=number.birth_year,
        gender=details.gender,
        area=details.area,
        contact=details.contact,
        guardians=details.guardians,
    )
    set_person_indexes(person)
    check_text_limits(person)
    person.save()  # the statistics key of the cell-key method is drawn on first save (reports.signals)
    return person


def _next_case_number(agreement: Agreement, year: int) -> str:
    """Numbers run per agreement and year (2026-0001, …); the caller holds the agreement row lock."""
    last = (
        Case.objects.filter(agreement=agreement, number__startswith=f"{year}-")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{sequence:04d}"


@transaction.atomic
def propose_case(
    *,
    actor,
    personal_number: str,
    category: str,
    reason: str,
    proposed_on: datetime.date,
    person_details: PersonDetails | None = None,
    age_confirmed: bool = False,
) -> Case:
    """Propose a youth for the next meeting. Finds the person by exact personnummer or samordningsnummer
    (blind index) or creates them from `person_details`; refuses a second open case for the same person
    in the agreement (pointing to it), an unconfirmed age outside the agreement's ages, a future date."""
    policies.require(actor, Action.PROPOSE_CASE)
    agreement = Agreement.objects.select_for_update().get(pk=actor.agreement.pk)
    number = parse_personal_number(personal_number)
    errors = {}
    if category not in Category.values:
        errors["category"] = [_("Välj en kategori.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Beskriv varför ungdomen föreslås.")]
    if errors:
        raise ValidationError(errors)
    check_text_limits(Case, names={"proposal_reason": "reason"}, proposal_reason=reason)
    refuse_future(proposed_on, field="proposed_on")
    refuse_outside_agreement(agreement, proposed_on, field="proposed_on", what=_("Datum för förslaget"))
    check_age(number=number, agreement=agreement, on=proposed_on, confirmed=age_confirmed)
    match = find_person(actor=actor, number=number)
    if match.open_case:
        raise OpenCaseExists(match.open_case)
    person = match.person or person_on_record(agreement=agreement, number=number)
    if person is None:
        if person_details is None:
            raise ValidationError({"first_name": [_("Personen finns inte i Samsyn: fyll i namn och uppgifter.")]})
        person = _create_person(agreement=agreement, number=number, details=person_details)
    # A person the proposer may not know of (find_person) keeps the details on record: the police's
    # proposal is linked to them and their own typed details are not stored over the social services'.
    by_police = policies.proposes_for_police(actor)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                agreement=agreement,
                person=person,
                number=_next_case_number(agreement, proposed_on.year),
                category=category,
                status=CaseStatus.PROPOSED,
                proposed_by=actor.user,
                proposed_by_kind=OrganisationKind.POLICE if by_police else OrganisationKind.SOCIAL_SERVICES,
                proposed_on=proposed_on,
                proposal_reason=reason.strip(),
            )
    except IntegrityError:
        # Another request by the same organisation opened a case for the person between our check and
        # our insert.
        existing = find_person(actor=actor, number=number).open_case
        if existing is None:
            raise
        raise OpenCaseExists(existing) from None
    add_event(
        case=case, kind=CaseEvent.Kind.PROPOSED, by=actor.user, occurred_on=proposed_on, data={"category": category}
    )
    meetings.add_to_next_agenda(case=case)
    return case


def require_unit_and_caseworker(agreement: Agreement, unit: Unit | None, caseworker) -> None:
    errors = {}
    if unit is None or unit.organisation_id != agreement.social_services_id:
        errors["unit"] = [_("Välj en enhet inom socialtjänsten.")]
    if caseworker is not None:
        is_caseworker = Membership.objects.filter(user=caseworker, agreement=agreement, role=Role.CASEWORKER).exists()
        if not is_caseworker:
            errors["caseworker"] = [_("Personen är inte handläggare i överenskommelsen.")]
        elif unit is not None and not caseworker.units.filter(pk=unit.pk).exists():
            errors["caseworker"] = [_("Handläggaren hör inte till den valda enheten.")]
    if errors:
        raise ValidationError(errors)


def _refuse_second_open_case(proposal: Case) -> None:
    """A police proposal may stand beside a case the police could not know of (find_person); the meeting
    marks it not identified with a note, or identifies it after the other case is closed; never a second case."""
    other = (
        Case.objects.filter(agreement=proposal.agreement, person=proposal.person, status__in=OPEN_STATUSES)
        .exclude(pk=proposal.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            _(
                "Personen har redan ett öppet ärende (%(number)s). Avför förslaget med en anteckning, eller "
                "avsluta det andra ärendet först. Polisen får inte veta om det andra ärendet utan ett utlämnande."
            )
            % {"number": other.number},
            code="other_open_case",
        )


@transaction.atomic
def import_case(
    *,
    actor,
    personal_number: str,
    person_details: PersonDetails,
    category: str,
    raised_on: datetime.date,
    unit: Unit,
    caseworker=None,
    import_id: str,
) -> Case:
    """A case from a municipality's old list (casework.services.imports). It was identified before Samsyn,
    so it is created active, raised on the list's date, as the social services' proposal, without a meeting
    (the police read its identity only through a disclosure, as for any proposal of the social services).
    The rules of a proposal and an identification hold: a valid number, a known category, a raised-on date
    neither in the future nor outside the agreement, a unit of the social services and one of its
    caseworkers, no second open case for the person; an age outside the agreement's ages is refused, since
    a list has no one to confirm it. Both timeline events name the import."""
    policies.require(actor, Action.IMPORT_LISTS)
    agreement = Agreement.objects.select_for_update().get(pk=actor.agreement.pk)
    number = parse_personal_number(personal_number)
    if category not in Category.values:
        raise ValidationError({"category": [_("Välj en kategori.")]})
    check_raised_on(agreement=agreement, raised_on=raised_on)
    require_unit_and_caseworker(agreement, unit, caseworker)
    if (age := age_outside_agreement(number=number, agreement=agreement, on=raised_on)) is not None:
        raise AgeOutsideAgreement(age=age, agreement=agreement, on=raised_on)
    person = person_on_record(agreement=agreement, number=number)
    if person is None:
        person = _create_person(agreement=agreement, number=number, details=person_details)
    elif existing := open_case_of(person=person, agreement=agreement):
        raise OpenCaseExists(existing)
    case = Case.objects.create(
        agreement=agreement,
        person=person,
        number=_next_case_number(agreement, raised_on.year),
        category=category,
        identified_category=category,
        status=CaseStatus.ACTIVE,
        proposed_by=actor.user,
        proposed_by_kind=OrganisationKind.SOCIAL_SERVICES,
        proposed_on=raised_on,
        proposal_reason=_("Importerad från tidigare lista."),
        raised_on=raised_on,
        unit=unit,
        caseworker=caseworker,
    )
    for kind, data in (
        (CaseEvent.Kind.PROPOSED, {"category": category}),
        (
            CaseEvent.Kind.IDENTIFIED,
            {"category": category, "unit": unit.pk, "caseworker": getattr(caseworker, "pk", None)},
        ),
    ):
        add_event(case=case, kind=kind, by=actor.user, occurred_on=raised_on, data={**data, "import": import_id})
    return case


def require_identity_shared_with_police(case: Case) -> None:
    """Identifying a youth at the joint meeting names them to the police, so the police must be allowed to
    read the identity first (the visibility matrix): they proposed the youth, or a disclosure in force
    shares the identity (consent, OSL 12 kap. 2 §, or OSL 10 kap. 18 a § under 21)."""
    if case.pk not in police_read_identity(cases=[case]):
        raise ValidationError(
            _(
                "Polisen får ännu inte veta vem ungdomen är: socialtjänsten föreslog ungdomen och inget beslut om "
                "att lämna ut identiteten till polisen gäller. Besluta först om utlämnande av identiteten "
                "(samtycke eller OSL 10 kap. 18 a §); därefter kan förslaget identifieras vid mötet."
            ),
            code="identity_not_disclosed",
        )


@transaction.atomic
def identify_case(
    *,
    actor,
    case: Case,
    meeting: Meeting,
    category: str,
    raised_on: datetime.date,
    unit: Unit,
    caseworker=None,
    note: str = "",
    age_confirmed: bool = False,
) -> Case:
    """Identify a proposal as a case at a meeting: category, raised-on date, responsible unit and
    caseworker. Only a proposal, only at a meeting whose minutes are not approved, never with a future
    raised-on date; an age outside the agreement's ages on that date needs confirming."""
    case = lock_case(actor, case, Action.IDENTIFY_CASE)
    meeting = meetings.lock_open_meeting(actor=actor, meeting=meeting)
    _refuse_second_open_case(case)
    require_identity_shared_with_police(case)
    if category not in Category.values:
        raise ValidationError({"category": [_("Välj en kategori.")]})
    check_raised_on(agreement=case.agreement, raised_on=raised_on)
    if raised_on < case.proposed_on:
        raise ValidationError({"raised_on": [_("Aktualiseringsdatumet kan inte ligga före förslagsdatumet.")]})
    require_unit_and_caseworker(case.agreement, unit, caseworker)
    number = personal_numbers.parse(case.person.personal_number)
    check_age(number=number, agreement=case.agreement, on=raised_on, confirmed=age_confirmed)
    proposed_category = case.category
    check_text_limits(CaseEvent, note=note)
    case.status = CaseStatus.ACTIVE
    case.category = category
    case.identified_category = category
    case.raised_on = raised_on
    case.meeting = meeting
    case.unit = unit
    case.caseworker = caseworker
    case.save()
    MeetingItem.objects.get_or_create(meeting=meeting, case=case, defaults={"kind": MeetingItem.Kind.PROPOSAL})
    add_event(
        case=case,
        kind=CaseEvent.Kind.IDENTIFIED,
        by=actor.user,
        occurred_on=raised_on,
        data={
            "category": category,
            "proposed_category": proposed_category,
            "meeting": str(meeting.pk),
            "unit": unit.pk,
            "caseworker": caseworker.pk if caseworker else None,
        },
        note=note.strip(),
    )
    return case


@transaction.atomic
def mark_not_identified(*, actor, case: Case, meeting: Meeting, note: str) -> Case:
    """The meeting decided not to identify the proposal; the person may be proposed again later."""
    case = lock_case(actor, case, Action.DISMISS_PROPOSAL)
    meeting = meetings.lock_open_meeting(actor=actor, meeting=meeting)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Skriv kort varför förslaget inte identifierades.")]})
    check_text_limits(CaseEvent, note=note)
    case.status = CaseStatus.NOT_IDENTIFIED
    case.meeting = meeting
    # The circumstances ended with the meeting's decision: gallring counts from here (casework.retention).
    case.closed_on = meeting.held_on
    case.save()
    MeetingItem.objects.get_or_create(meeting=meeting, case=case, defaults={"kind": MeetingItem.Kind.PROPOSAL})
    add_event(
        case=case,
        kind=CaseEvent.Kind.NOT_IDENTIFIED,
        by=actor.user,
        occurred_on=meeting.held_on,
        data={"meeting": str(meeting.pk)},
        note=note.strip(),
    )
    return case


@transaction.atomic
def change_category(*, actor, case: Case, category: str, changed_on: datetime.date, note: str) -> Case:
    """A category change of an active case (e.g. svansen → lifestyle) as an event; the identified
    category stays what the meeting decided."""
    case = lock_case(actor, case, Action.CHANGE_CATEGORY)
    if category not in Category.values:
        raise ValidationError({"category": [_("Välj en kategori.")]})
    if category == case.category:
        raise ValidationError({"category": [_("Ärendet har redan den kategorin.")]})
    refuse_future(changed_on, field="changed_on")
    if changed_on < case.raised_on:
        raise ValidationError({"changed_on": [_("Datumet kan inte ligga före aktualiseringsdatumet.")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("Skriv varför kategorin ändras.")]})
    check_text_limits(CaseEvent, note=note)
    previous = case.category
    case.category = category
    case.save()
    add_event(
        case=case,
        kind=CaseEvent.Kind.CATEGORY_CHANGED,
        by=actor.user,
        occurred_on=changed_on,
        data={"from": previous, "to": category},
        note=note.strip(),
    )
    return case


def check_assessed_on(case: Case, assessed_on: datetime.date | None) -> datetime.date:
    """The day an assessment was made (today unless given): not in the future, not before the case was
    proposed, within the agreement's period."""
    assessed_on = assessed_on or timezone.localdate()
    refuse_future(assessed_on, field="assessed_on")
    refuse_outside_agreement(case.agreement, assessed_on, field="assessed_on", what=_("Datum för bedömningen"))
    if assessed_on < case.proposed_on:
        raise ValidationError(
            {
                "assessed_on": [
                    _("Datum för bedömningen kan inte ligga före förslagsdatumet %(day)s.")
                    % {"day": case.proposed_on.isoformat()}
                ]
            }
        )
    return assessed_on


def sync_current_assessment(case: Case, kind: str) -> None:
    """The case holds its current assessment of this kind: the latest by the day it was made
    (casework.selectors.timeline.current_assessment_event), so one recorded after the fact, or corrected to
    an earlier day, does not replace a later one."""
    event = current_assessment_event(case=case, kind=kind)
    if event is None:
        return
    if kind == CaseEvent.Kind.POLICE_ASSESSMENT:
        case.police_assessment = event.note
        case.police_priority = bool(event.data.get("priority"))
        case.save(update_fields=["police_assessment", "police_priority"])
    else:
        case.social_assessment = event.note
        case.realistic_alternative = event.data.get("realistic_alternative", case.realistic_alternative)
        case.save(update_fields=["social_assessment", "realistic_alternative"])


@transaction.atomic
def record_police_assessment(
    *, actor, case: Case, assessment: str, priority: bool, assessed_on: datetime.date | None = None
) -> Case:
    """The police's view of a proposed or active case (dated today unless given), and whether the police
    want it prioritised. The previous assessment stays on the timeline; the case holds the latest by date
    (one recorded after the fact does not replace a later one)."""
    case = lock_case(actor, case, Action.ASSESS_POLICE)
    if not (assessment or "").strip():
        raise ValidationError({"assessment": [_("Skriv polisens bedömning.")]})
    check_text_limits(Case, names={"police_assessment": "assessment"}, police_assessment=assessment)
    assessed_on = check_assessed_on(case, assessed_on)
    add_event(
        case=case,
        kind=CaseEvent.Kind.POLICE_ASSESSMENT,
        by=actor.user,
        occurred_on=assessed_on,
        data={"priority": priority},
        note=assessment.strip(),
    )
    sync_current_assessment(case, CaseEvent.Kind.POLICE_ASSESSMENT)
    return case


@transaction.atomic
def record_social_assessment(
    *,
    actor,
    case: Case,
    assessment: str,
    realistic_alternative: str,
    records_reference: str,
    assessed_on: datetime.date | None = None,
) -> Case:
    """The social services' assessment (dated today unless given), the realistic alternative to a
    home-based solution (for the cost comparison) and the reference to the municipality's own records.
    Each version stays on the timeline; the case holds the latest by date."""
    case = lock_case(actor, case, Action.ASSESS_SOCIAL)
    if not (assessment or "").strip():
        raise ValidationError({"assessment": [_("Skriv socialtjänstens bedömning.")]})
    if realistic_alternative not in RealisticAlternative.values:
        raise ValidationError({"realistic_alternative": [_("Välj ett alternativ.")]})
    check_text_limits(
        Case,
        names={"social_assessment": "assessment"},
        social_assessment=assessment,
        records_reference=records_reference or "",
    )
    assessed_on = check_assessed_on(case, assessed_on)
    case.records_reference = (records_reference or "").strip()
    case.save(update_fields=["records_reference"])
    add_event(
        case=case,
        kind=CaseEvent.Kind.SOCIAL_ASSESSMENT,
        by=actor.user,
        occurred_on=assessed_on,
        data={"realistic_alternative": realistic_alternative},
        note=assessment.strip(),
    )
    sync_current_assessment(case, CaseEvent.Kind.SOCIAL_ASSESSMENT)
    return case


@transaction.atomic
def close_case(*, actor, case: Case, reason: str, closed_on: datetime.date, note: str = "") -> Case:
    """Close an active case with a reason; the closing is an event and the case keeps its history."""
    case = lock_case(actor, case, Action.CLOSE_CASE)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": [_("Välj en avslutsorsak.")]})
    if reason == CloseReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": [_("Beskriv orsaken när du väljer ”Annat”.")]})
    check_text_limits(CaseEvent, note=note)
    refuse_future(closed_on, field="closed_on")
    if closed_on < case.raised_on:
        raise ValidationError({"closed_on": [_("Ärendet kan inte avslutas före aktualiseringsdatumet.")]})
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on
    case.close_reason = reason
    case.save()
    add_event(
        case=case, kind=CaseEvent.Kind.CLOSED, by=actor.user, occurred_on=closed_on, data={"reason": reason}, note=note
    )
    return case


@transaction.atomic
def reopen_case(*, actor, case: Case, reopened_on: datetime.date, note: str) -> Case:
    """Reopen a closed case. The closing stays on the timeline; a person with another open case in
    the agreement is refused, pointing to it."""
    case = lock_case(actor, case, Action.REOPEN_CASE)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Skriv varför ärendet återöppnas.")]})
    check_text_limits(CaseEvent, note=note)
    refuse_future(reopened_on, field="reopened_on")
    if reopened_on < case.closed_on:
        raise ValidationError({"reopened_on": [_("Datumet kan inte ligga före avslutsdatumet.")]})
    if existing := open_case_of(person=case.person, agreement=case.agreement):
        raise OpenCaseExists(existing)
    previous = {"closed_on": case.closed_on.isoformat(), "reason": case.close_reason}
    case.status = CaseStatus.ACTIVE
    case.closed_on = None
    case.close_reason = ""
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        existing = open_case_of(person=case.person, agreement=case.agreement)
        if existing is None:
            raise
        raise OpenCaseExists(existing) from None
    add_event(case=case, kind=CaseEvent.Kind.REOPENED, by=actor.user, occurred_on=reopened_on, data=previous, note=note)
    return case


@transaction.atomic
def set_legal_hold(*, actor, case: Case, on: bool, reason: str) -> Case:
    """Put the case under a legal hold against purging (gallring), or lift it: the social manager's
    decision, with its reason (free text, encrypted) on the timeline. While the hold is on, the purge
    (casework.retention) leaves the case alone however long ago it closed; lifting it lets the purge take
    the case on its next run if it is due."""
    case = lock_case(actor, case, Action.SET_LEGAL_HOLD)
    if case.legal_hold == on:
        message = _("Ärendet är redan spärrat mot gallring.") if on else _("Ärendet är inte spärrat mot gallring.")
        raise ValidationError(message, code="legal_hold_unchanged")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Skriv skälet till beslutet.")]})
    check_text_limits(CaseEvent, names={"note": "reason"}, note=reason)
    case.legal_hold = on
    case.save(update_fields=["legal_hold"])
    add_event(
        case=case,
        kind=CaseEvent.Kind.LEGAL_HOLD_SET if on else CaseEvent.Kind.LEGAL_HOLD_LIFTED,
        by=actor.user,
        data={"legal_hold": on},
        note=reason.strip(),
    )
    return case


@transaction.atomic
def reassign_case(
    *, actor, case: Case, unit: Unit, caseworker=None, reassigned_on: datetime.date, note: str = ""
) -> Case:
    """Hand an active case to another responsible unit or caseworker (a caseworker leaves, the case moves to
    open care): the social manager's decision, on the timeline. Access follows at once, since it is read from
    the case: the old unit and caseworker lose the case, the new ones get it (accesscontrol.scoping)."""
    case = lock_case(actor, case, Action.REASSIGN_CASE)
    require_unit_and_caseworker(case.agreement, unit, caseworker)
    refuse_future(reassigned_on, field="reassigned_on")
    if case.raised_on and reassigned_on < case.raised_on:
        raise ValidationError({"reassigned_on": [_("Datumet kan inte ligga före aktualiseringen.")]})
    check_text_limits(CaseEvent, note=note or "")
    if (unit.pk, getattr(caseworker, "pk", None)) == (case.unit_id, case.caseworker_id):
        raise ValidationError(_("Ärendet har redan den enheten och handläggaren."), code="unchanged")
    previous = {"from_unit": case.unit_id, "from_caseworker": case.caseworker_id}
    case.unit, case.caseworker = unit, caseworker
    case.save(update_fields=["unit", "caseworker"])
    add_event(
        case=case,
        kind=CaseEvent.Kind.ASSIGNED,
        by=actor.user,
        occurred_on=reassigned_on,
        data={**previous, "unit": unit.pk, "caseworker": caseworker.pk if caseworker else None},
        note=(note or "").strip(),
    )
    return case
