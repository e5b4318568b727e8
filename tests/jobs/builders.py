"""Minimal rows for the job tests: the jobs read the database as it stands, whatever wrote it."""

import datetime
import itertools

from casework import personal_numbers
from casework.blind_indexes import set_person_indexes
from casework.models import Case, CaseStatus, Person

_serials = itertools.count(980)


def add_person(agreement, birth=datetime.date(2010, 5, 5)):
    person = Person(
        agreement=agreement,
        personal_number=personal_numbers.make(birth, next(_serials) % 1000),
        first_name="Testa",
        last_name="Demosson",
        birth_year=birth.year,
    )
    set_person_indexes(person)
    person.save()
    return person


def add_case(people, person, *, raised_on, closed_on=None, category="svansen", number=None, caseworker=None):
    return Case.objects.create(
        agreement=people.agreement,
        person=person,
        number=number or f"{raised_on.year}-{next(_serials):04d}",
        category=category,
        status=CaseStatus.CLOSED if closed_on else CaseStatus.ACTIVE,
        proposed_by=people.police,
        proposed_by_kind="police",
        proposed_on=raised_on,
        proposal_reason="skäl",
        raised_on=raised_on,
        unit=people.investigation,
        caseworker=caseworker,
        closed_on=closed_on,
        close_reason="goals_met" if closed_on else "",
    )
