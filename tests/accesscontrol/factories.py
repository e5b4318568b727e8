"""Persons and cases for access-control tests, written straight to the models (the casework services
that identify cases are built elsewhere); encrypted fields and blind indexes are filled as they would be."""

import datetime
import itertools
from types import SimpleNamespace

from accesscontrol import crypto
from casework import personal_numbers
from casework.models import Case, Category, Consent, Disclosure, LegalBasis, Person, Tariff

_persons = itertools.count()
_numbers = itertools.count(1)


def make_person(agreement, *, birth_date=None, first_name="Testa", last_name="Testsson"):
    """A person with a valid, unique personnummer (serials 980–999 are Skatteverket's test range)."""
    n = next(_persons)
    birth_date = birth_date or datetime.date(2009, 5, 17) + datetime.timedelta(days=n // 20)
    number = personal_numbers.make(birth_date, 980 + n % 20)
    return Person.objects.create(
        agreement=agreement,
        personal_number=number,
        personal_number_index=crypto.blind_index(number, purpose="personal_number"),
        first_name=first_name,
        last_name=last_name,
        name_index=crypto.blind_index(crypto.normalise_name(f"{first_name} {last_name}"), purpose="name"),
        birth_year=birth_date.year,
    )


def make_case(agreement, *, proposed_by, category=Category.LIFESTYLE, unit=None, caseworker=None, person=None, **extra):
    """A case of `agreement`; saving it grants the unit's and caseworker's permissions."""
    return Case.objects.create(
        agreement=agreement,
        person=person or make_person(agreement),
        number=f"T-{next(_numbers):05d}",
        category=category,
        proposed_by=proposed_by,
        proposed_by_kind="social_services",
        proposed_on=datetime.date(2026, 1, 10),
        proposal_reason="Skäl för förslaget",
        unit=unit,
        caseworker=caseworker,
        **extra,
    )


def make_consent(case, *, recorded_by, scope=("social_assessment",), given_on=datetime.date(2026, 2, 1), **extra):
    return Consent.objects.create(
        case=case,
        given_by=extra.pop("given_by", Consent.GivenBy.GUARDIAN),
        giver_name=extra.pop("giver_name", "Vårdnadshavare Testsson"),
        given_on=given_on,
        scope=list(scope),
        recorded_by=recorded_by,
        **extra,
    )


def make_disclosure(case, *, decided_by, field_classes=("social_assessment",), basis="under_21", consent=None):
    return Disclosure.objects.create(
        case=case,
        field_classes=list(field_classes),
        legal_basis=LegalBasis.objects.get(code=basis),
        consent=consent,
        assessment="Bedömning av utlämnandet",
        decided_by=decided_by,
        decided_on=datetime.date(2026, 2, 2),
    )


def build_world(people, outsider):
    """A case of `people.agreement` (lifestyle, unit "Utredning ungdom") with a consent and a disclosure,
    and the other records the URL samples point at (tests/accesscontrol/url_matrix.py)."""
    case = make_case(people.agreement, proposed_by=people.police, unit=people.investigation)
    return SimpleNamespace(
        people=people,
        outsider=outsider,
        case=case,
        consent=make_consent(case, recorded_by=people.manager),
        disclosure=make_disclosure(case, decided_by=people.manager),
        tariff=Tariff.objects.filter(intervention_type__agreement=people.agreement).first(),
        legal_basis=LegalBasis.objects.get(code="under_21"),
    )
