"""The rules read everywhere, each in one place (casework.querysets): the SQL form that pages and lists use
and the Python form that a service asks of one object agree on every day, and the age limit of a basis is the
same for one case and for many."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import personal_numbers
from casework.models import Consent, Disclosure, LegalBasis
from casework.querysets import age_limit_allows, consent_holds, is_valid_on
from casework.selectors.disclosures import active_disclosures, shared_field_classes, shared_field_classes_by_case
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: START + datetime.timedelta(days=n))
maybe_days = st.none() | days
property_test = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@property_test
@given(valid_from=days, valid_to=maybe_days, day=days)
def test_a_validity_period_holds_alike_in_sql_and_in_python(valid_from, valid_to, day):
    basis = LegalBasis.objects.create(
        code="prov", label="Prov", law_reference="X", valid_from=valid_from, valid_to=valid_to
    )
    assert LegalBasis.objects.valid_on(day).filter(pk=basis.pk).exists() == is_valid_on(basis, day)
    basis.delete()


@property_test
@given(withdrawn_on=maybe_days, expires_on=maybe_days, day=days)
def test_a_consent_holds_alike_in_sql_and_in_python(people, withdrawn_on, expires_on, day):
    case = f.propose(people, proposed_on=START)
    consent = Consent.objects.create(
        case=case,
        given_by=Consent.GivenBy.YOUTH,
        giver_name="Prov",
        given_on=START,
        scope=["identity"],
        expires_on=expires_on,
        withdrawn_on=withdrawn_on,
        recorded_by=people.manager,
    )
    assert Consent.objects.holding(on=day).filter(pk=consent.pk).exists() == consent_holds(consent, day)
    case.delete()


@pytest.mark.parametrize(
    "limit, age, allowed",
    [(None, None, True), (None, 30, True), (21, 20, True), (21, 21, False), (21, None, False)],
)
def test_an_age_limited_basis_holds_only_under_the_limit_and_never_without_an_age(limit, age, allowed):
    assert age_limit_allows(limit, age) is allowed


def test_one_case_and_many_cases_read_the_same_disclosures_on_a_21st_birthday(people):
    """The under-21 basis lapses on the birthday for the case page and the case list alike."""
    birthday = datetime.date(2026, 5, 10)
    young = f.propose(people, number=personal_numbers.make(datetime.date(2005, 5, 10), 982), proposed_on=START)
    other = f.propose(people, number=f.personal_number(age=16, on=birthday), proposed_on=START)
    under_21 = LegalBasis.objects.get(code="under_21")
    for case in (young, other):
        Disclosure.objects.create(
            case=case,
            field_classes=["identity"],
            legal_basis=under_21,
            assessment="Prov",
            decided_by=people.manager,
            decided_on=START,
        )
    for day in (birthday - datetime.timedelta(days=1), birthday):
        many = shared_field_classes_by_case(cases=[young, other], today=day)
        for case in (young, other):
            assert many.get(case.pk, frozenset()) == shared_field_classes(case=case, today=day)
            assert active_disclosures(case=case, today=day).exists() == bool(many.get(case.pk))
    assert shared_field_classes(case=young, today=birthday - datetime.timedelta(days=1)) == {"identity"}
    assert shared_field_classes(case=young, today=birthday) == frozenset()
    assert shared_field_classes(case=other, today=birthday) == {"identity"}
