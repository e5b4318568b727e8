"""Factories for the casework records the reports count: persons, cases, interventions, follow-ups, field work,
meetings, consents and disclosures. Plain ORM writes (the casework services are not on this branch), with the
same blind indexes and encrypted fields the services write."""

import datetime

import factory

from accesscontrol.actor import actor_for
from casework import models, personal_numbers
from casework.models import Area, FieldContact, FollowUp, Gender
from casework.services import cases as case_services
from encryption import crypto

# Invented names only: test data must never look like a real person.
SENTINEL_FIRST_NAME = "Sentinella"
SENTINEL_LAST_NAME = "Hemligsdotter"


def recorder():
    """One staff user records everything (creating a user per record would hash a password each time)."""
    from accesscontrol.models import User

    return User.objects.get_or_create(username="registrator", defaults={"first_name": "Registrator"})[0]


def personal_number(n: int, birth_year: int) -> str:
    """A valid samordningsnummer (day + 60) in the test serial range 980-999, unique per n (day and serial
    vary). Coordination numbers never collide with the demo's personnummer when both are in one database."""
    month, day, serial = 1 + n % 12, 1 + (n // 12) % 28, 980 + (n // 336) % 20
    return personal_numbers.make(datetime.date(birth_year, month, day), serial, coordination=True)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    agreement = None
    birth_year = 2009
    gender = models.Gender.BOY
    first_name = SENTINEL_FIRST_NAME
    last_name = factory.Sequence(lambda n: f"{SENTINEL_LAST_NAME}{n}")
    personal_number = factory.LazyAttributeSequence(lambda o, n: personal_number(n, o.birth_year))
    personal_number_index = factory.LazyAttribute(
        lambda o: crypto.blind_index(o.personal_number, purpose="personal_number")
    )
    name_index = factory.LazyAttribute(
        lambda o: crypto.blind_index(crypto.normalise_name(f"{o.first_name} {o.last_name}"), purpose="name")
    )
    contact = factory.LazyAttribute(lambda o: {"phone": "070-000 00 00", "address": "Hemliga gatan 1"})


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Case

    agreement = factory.LazyAttribute(lambda o: o.person.agreement)
    person = None
    number = factory.Sequence(lambda n: f"T-{n:05d}")
    category = models.Category.LIFESTYLE
    status = models.CaseStatus.ACTIVE
    proposed_by = factory.LazyFunction(recorder)
    proposed_by_kind = models.OrganisationKind.SOCIAL_SERVICES
    proposed_on = factory.LazyAttribute(lambda o: o.raised_on or datetime.date(2025, 1, 1))
    proposal_reason = "Hemlig motivering om ungdomen"
    raised_on = datetime.date(2025, 2, 1)
    # As identify_case records it: the category the meeting identified the case in.
    identified_category = factory.LazyAttribute(lambda o: o.category if o.raised_on else "")
    social_assessment = "Hemlig bedömning"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Intervention

    case = None
    intervention_type = None
    offered_on = factory.LazyAttribute(lambda o: o.case.raised_on)
    response = models.Intervention.Response.ACCEPTED
    starts_on = factory.LazyAttribute(lambda o: o.offered_on)
    note = "Hemlig anteckning om insatsen"
    recorded_by = factory.LazyFunction(recorder)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUp

    case = None
    written_on = factory.LazyAttribute(lambda o: o.case.raised_on + datetime.timedelta(days=120))
    youth_view = "Ungdomens hemliga egen bild"
    social_view = "Socialtjänstens hemliga bild"
    helped = "Det som hjälpte"
    hindered = "Det som hindrade"
    collaboration = "Samverkan fungerade"
    outcome = models.FollowUp.Outcome.IMPROVED
    author = factory.LazyFunction(recorder)


class FieldContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FieldContact

    agreement = factory.LazyAttribute(lambda o: o.case.agreement if o.case else None)
    case = None
    kind = models.FieldContact.Kind.CONCERN_TALK
    occurred_on = datetime.date(2025, 3, 1)
    note = "Hemlig anteckning från fältet"
    recorded_by = factory.LazyFunction(recorder)


class ConcernTalkFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConcernTalkFollowUp

    contact = None
    followed_up_on = factory.LazyAttribute(lambda o: o.contact.occurred_on + datetime.timedelta(days=14))
    youth_reception = models.ConcernTalkFollowUp.Reception.POSITIVE
    parents_reception = models.ConcernTalkFollowUp.Reception.MIXED
    note = "Hemligt mottagande"
    recorded_by = factory.LazyFunction(recorder)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    agreement = None
    held_on = datetime.date(2025, 3, 15)
    chair = factory.LazyFunction(recorder)
    held = True
    minutes_status = models.Meeting.MinutesStatus.APPROVED


class HotSpotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HotSpot

    agreement = None
    name = factory.Sequence(lambda n: f"Platsen {n}")
    kind = models.HotSpot.Kind.PUBLIC_PLACE


class HotSpotVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HotSpotVisit

    hot_spot = None
    visited_on = datetime.date(2025, 3, 20)
    recorded_by = factory.LazyFunction(recorder)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consent

    case = None
    given_by = models.Consent.GivenBy.GUARDIAN
    giver_name = "Hemlig Vårdnadshavare"
    given_on = datetime.date(2025, 2, 10)
    recorded_by = factory.LazyFunction(recorder)


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Disclosure

    case = None
    legal_basis = factory.LazyFunction(lambda: models.LegalBasis.objects.get(code="under_21"))
    field_classes = factory.LazyFunction(lambda: ["social_assessment"])
    assessment = "Hemlig bedömning av utlämnandet"
    decided_by = factory.LazyFunction(recorder)
    decided_on = datetime.date(2025, 2, 12)


def intervention_type(agreement, code: str) -> models.InterventionType:
    return models.InterventionType.objects.get(agreement=agreement, code=code)


def case_for(agreement, *, birth_year=2009, gender=models.Gender.BOY, area=None, **case_fields) -> models.Case:
    """A person and a case of theirs in one call."""
    person = PersonFactory(agreement=agreement, birth_year=birth_year, gender=gender, area=area)
    return CaseFactory(person=person, **case_fields)


def change_category(people, case, *, changed_on) -> models.Case:
    """A category change after identification (svansen ↔ lifestyle), by the social manager through the service."""
    return case_services.change_category(
        actor=actor_for(people.manager, people.agreement),
        case=case,
        category="lifestyle" if case.category == "svansen" else "svansen",
        changed_on=changed_on,
        note="Grövre brott.",
    )


def year_of_cases(agreement, year):
    """Forty youths raised in `year` (most early in the year, so every quarter has enough persons), with
    interventions, follow-ups, field contacts, meetings and hot-spot visits."""
    agreement.starts_on = datetime.date(year, 1, 1)
    agreement.save()
    north = Area.objects.create(agreement=agreement, name="Norra")
    south = Area.objects.create(agreement=agreement, name="Södra")
    mst = intervention_type(agreement, "mst")
    contact_person = intervention_type(agreement, "kontaktperson")
    cases = []
    for n in range(40):
        raised_on = datetime.date(year, 1 + (n % 2), 5 + n % 20) if n < 30 else datetime.date(year, 4 + n % 9, 10)
        case = case_for(
            agreement,
            birth_year=2004 + n % 9,
            gender=(Gender.BOY, Gender.GIRL)[n % 2],
            area=(north, south, None)[n % 3],
            category="svansen" if n % 3 else "lifestyle",
            raised_on=raised_on,
            realistic_alternative=("hvb", "sis_open", "sis_locked")[n % 3],
        )
        cases.append(case)
        if n % 2 == 0:
            InterventionFactory(
                case=case,
                intervention_type=mst if n % 4 == 0 else contact_person,
                ends_on=raised_on + datetime.timedelta(days=90),
            )
        if n % 3 != 2:
            FollowUpFactory(case=case, outcome=list(FollowUp.Outcome.values)[n % 4])
        if n % 3:
            FieldContactFactory(case=case, occurred_on=raised_on + datetime.timedelta(days=7))
    FieldContactFactory(
        agreement=agreement, kind=FieldContact.Kind.OUTREACH, anonymous_youths=3, occurred_on=datetime.date(year, 3, 1)
    )
    for quarter in range(4):
        MeetingFactory(agreement=agreement, held_on=datetime.date(year, 3 * quarter + 2, 10))
    spot = HotSpotFactory(agreement=agreement)
    for month in (2, 5, 8, 11):
        HotSpotVisitFactory(hot_spot=spot, visited_on=datetime.date(year, month, 3))
    return cases
