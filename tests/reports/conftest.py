"""A year of casework (2025) to report on, built with the factories of this folder."""

import datetime

import pytest

from casework.models import Area, FieldContact, FollowUp, Gender
from tests.reports import factories

YEAR = 2025


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each test's cast of users would otherwise spend seconds in PBKDF2; no test here is about passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year_of_cases(agreement, people):
    """Forty youths raised in 2025 (most early in the year, so every quarter has enough persons), with
    interventions, follow-ups, field contacts, meetings and hot-spot visits."""
    agreement.starts_on = datetime.date(YEAR, 1, 1)
    agreement.save()
    north = Area.objects.create(agreement=agreement, name="Norra")
    south = Area.objects.create(agreement=agreement, name="Södra")
    mst = factories.intervention_type(agreement, "mst")
    contact_person = factories.intervention_type(agreement, "kontaktperson")
    cases = []
    for n in range(40):
        raised_on = datetime.date(YEAR, 1 + (n % 2), 5 + n % 20) if n < 30 else datetime.date(YEAR, 4 + n % 9, 10)
        case = factories.case_for(
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
            factories.InterventionFactory(
                case=case,
                intervention_type=mst if n % 4 == 0 else contact_person,
                ends_on=raised_on + datetime.timedelta(days=90),
            )
        if n % 3 != 2:
            factories.FollowUpFactory(case=case, outcome=list(FollowUp.Outcome.values)[n % 4])
        if n % 3:
            factories.FieldContactFactory(case=case, occurred_on=raised_on + datetime.timedelta(days=7))
    factories.FieldContactFactory(agreement=agreement, kind=FieldContact.Kind.OUTREACH, anonymous_youths=3)
    for quarter in range(4):
        factories.MeetingFactory(agreement=agreement, held_on=datetime.date(YEAR, 3 * quarter + 2, 10))
    spot = factories.HotSpotFactory(agreement=agreement)
    for month in (2, 5, 8, 11):
        factories.HotSpotVisitFactory(hot_spot=spot, visited_on=datetime.date(YEAR, month, 3))
    return cases
