"""Persons and cases for the audit tests, made the way the casework services store them
(encrypted fields, blind indexes), without depending on those services."""

import datetime

import factory

from casework import personal_numbers
from casework.models import Case, Category, OrganisationKind, Person
from encryption.crypto import blind_index, normalise_name


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    agreement = None
    # Serial numbers 980-999: Skatteverket's test range, never a real person.
    personal_number = factory.Sequence(
        lambda n: personal_numbers.make(datetime.date(2008, 1, 1 + n % 28), 980 + n % 20)
    )
    personal_number_index = factory.LazyAttribute(
        lambda p: blind_index(personal_numbers.normalise(p.personal_number), purpose="personal_number")
    )
    first_name = "Testa"
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    name_index = factory.LazyAttribute(
        lambda p: blind_index(normalise_name(f"{p.first_name} {p.last_name}"), purpose="name")
    )
    birth_year = 2008


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    agreement = None
    person = factory.LazyAttribute(lambda c: PersonFactory(agreement=c.agreement))
    number = factory.Sequence(lambda n: f"2026-{n + 1:03d}")
    category = Category.LIFESTYLE
    proposed_by = None
    proposed_by_kind = OrganisationKind.SOCIAL_SERVICES
    proposed_on = datetime.date(2026, 2, 1)
    proposal_reason = "Skäl"
