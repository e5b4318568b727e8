"""Legal bases are shared by every agreement, and the police view is computed from the basis each time it
is read. So once a disclosure rests on a basis, what it rests on (code, law reference, consent requirement,
age limit, start) is fixed, and an ended basis is not prolonged: a changed rule is a new basis row with its
own validity, and no edit of the sysadmin's changes what the police see."""

import datetime

import pytest
from django.urls import reverse

from casework.models import LegalBasis
from casework.selectors.disclosures import shared_field_classes
from tests.accesscontrol.factories import make_case, make_disclosure, make_person

pytestmark = pytest.mark.django_db

FIXED = (
    "Grunden används i utlämnanden, så detta kan inte ändras. Ändrade regler blir en ny rättslig grund "
    "med egen giltighetstid."
)


def basis_data(basis, **changes):
    data = {
        "code": basis.code,
        "label": basis.label,
        "law_reference": basis.law_reference,
        "requires_consent": "on" if basis.requires_consent else "",
        "age_limit": basis.age_limit or "",
        "valid_from": basis.valid_from.isoformat(),
        "valid_to": basis.valid_to.isoformat() if basis.valid_to else "",
    }
    return {**data, **changes}


def edit_url(basis) -> str:
    return reverse("administration:legal_bases_edit", kwargs={"legal_basis_id": basis.pk})


@pytest.fixture
def under_21():
    return LegalBasis.objects.get(code="under_21")


@pytest.fixture
def lapsed_disclosure(people, under_21):
    """A disclosure on the under-21 basis about a person who has since turned 21: lapsed for the police."""
    person = make_person(people.agreement, birth_date=datetime.date(2003, 3, 1))
    case = make_case(people.agreement, proposed_by=people.police, person=person, unit=people.investigation)
    make_disclosure(case, decided_by=people.manager, basis="under_21")
    return case


def test_it_refuses_to_clear_the_age_limit_of_a_basis_in_use(login, people, under_21, lapsed_disclosure):
    assert shared_field_classes(case=lapsed_disclosure) == frozenset()
    response = login(people.sysadmin).post(edit_url(under_21), basis_data(under_21, age_limit=""))
    assert response.status_code == 200
    assert response.context["form"].errors["age_limit"] == [FIXED]
    under_21.refresh_from_db()
    assert under_21.age_limit == 21
    assert shared_field_classes(case=lapsed_disclosure) == frozenset()


def test_it_refuses_to_change_the_consent_requirement_of_a_basis_in_use(login, people, under_21, lapsed_disclosure):
    response = login(people.sysadmin).post(edit_url(under_21), basis_data(under_21, requires_consent="on"))
    assert response.context["form"].errors["requires_consent"] == [FIXED]
    under_21.refresh_from_db()
    assert not under_21.requires_consent


def test_it_saves_nothing_when_any_fixed_field_is_refused(login, people, under_21, lapsed_disclosure):
    data = basis_data(under_21, label="Ny benämning", code="under_25", age_limit=25, valid_from="2012-01-01")
    response = login(people.sysadmin).post(edit_url(under_21), data)
    assert set(response.context["form"].errors) == {"code", "age_limit", "valid_from"}
    stored = LegalBasis.objects.get(pk=under_21.pk)
    assert (stored.code, stored.label, stored.age_limit) == ("under_21", under_21.label, 21)


def test_a_basis_in_use_can_be_relabelled_and_ended(login, people, under_21, lapsed_disclosure):
    ends = datetime.date(2030, 6, 30)
    data = basis_data(under_21, label="Under 21 år (förebygga brott)", valid_to=ends.isoformat())
    assert login(people.sysadmin).post(edit_url(under_21), data).status_code == 302
    under_21.refresh_from_db()
    assert (under_21.label, under_21.valid_to, under_21.age_limit) == ("Under 21 år (förebygga brott)", ends, 21)


def test_an_ended_basis_in_use_is_not_prolonged(login, people, under_21, lapsed_disclosure):
    LegalBasis.objects.filter(pk=under_21.pk).update(valid_to=datetime.date(2026, 3, 1))
    under_21.refresh_from_db()
    response = login(people.sysadmin).post(edit_url(under_21), basis_data(under_21, valid_to=""))
    assert response.context["form"].errors["valid_to"] == [
        "Grunden har upphört att gälla och används i utlämnanden; giltighetstiden kan inte ändras i efterhand."
    ]
    under_21.refresh_from_db()
    assert under_21.valid_to == datetime.date(2026, 3, 1)


def test_a_basis_no_disclosure_uses_can_still_be_corrected(login, people):
    basis = LegalBasis.objects.get(code="nodvandigt")
    assert login(people.sysadmin).post(edit_url(basis), basis_data(basis, age_limit=18)).status_code == 302
    basis.refresh_from_db()
    assert basis.age_limit == 18


def test_a_changed_rule_is_a_new_basis_beside_the_old(login, people, under_21, lapsed_disclosure):
    data = basis_data(under_21, code="under_21_2027", label="Under 21 år, ny lydelse", valid_from="2027-01-01")
    assert login(people.sysadmin).post(reverse("administration:legal_bases_create"), data).status_code == 302
    assert LegalBasis.objects.get(code="under_21_2027").valid_from == datetime.date(2027, 1, 1)
    assert LegalBasis.objects.get(code="under_21").age_limit == 21


@pytest.mark.parametrize("who", ["manager", "caseworker", "police", "management", "auditor"])
def test_only_the_sysadmin_edits_legal_bases(login, people, under_21, who):
    response = login(getattr(people, who)).post(edit_url(under_21), basis_data(under_21, age_limit=""))
    assert response.status_code == 403
    under_21.refresh_from_db()
    assert under_21.age_limit == 21
