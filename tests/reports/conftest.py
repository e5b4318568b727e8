"""A year of casework (2025) to report on, built with the factories of this folder."""

import pytest

from casework.models import Case
from tests import factories as shared_factories
from tests.conftest import built_once
from tests.reports import factories

YEAR = 2025


@pytest.fixture(scope="module")
def one_year(django_db_setup, django_db_blocker):
    """A module that uses this fixture (`pytestmark = pytest.mark.usefixtures("one_year")`) builds its
    agreement, people and year of cases once (built_once): `agreement`, `people` and `year_of_cases` are then
    these, read anew for each test. Not for a module with a test that commits (a worker's or a browser's)."""
    with built_once(django_db_blocker):
        agreement = shared_factories.AgreementFactory(name="Överenskommelse Landskrona")
        people = shared_factories.people_for(agreement)
        cases = factories.year_of_cases(agreement, YEAR)
        yield people, [case.pk for case in cases]


def _fresh(instance):
    return type(instance).objects.get(pk=instance.pk)


# Both name `db` in their signature: pytest-django creates the test database only for the databases that the
# collected tests' fixtures name statically, and a fixture reached through getfixturevalue alone is not seen
# (a run of one such test would query the developer's own database).
@pytest.fixture
def agreement(request, db):
    if "one_year" in request.fixturenames:
        return request.getfixturevalue("people").agreement
    return request.getfixturevalue("agreement")


@pytest.fixture
def people(request, db):
    if "one_year" not in request.fixturenames:
        return request.getfixturevalue("people")
    built, _cases = request.getfixturevalue("one_year")
    return type(built)(**{name: _fresh(value) for name, value in vars(built).items()})


@pytest.fixture
def year_of_cases(request, agreement, people):
    """Forty youths raised in 2025 (see factories.year_of_cases)."""
    if "one_year" not in request.fixturenames:
        return factories.year_of_cases(agreement, YEAR)
    _people, pks = request.getfixturevalue("one_year")
    cases = Case.objects.in_bulk(pks)
    return [cases[pk] for pk in pks]
