"""Legal bases are shared by every agreement, so only the instance administrator changes them, and they are
versioned: a change takes effect from a date and never rewrites what a decided disclosure rests on
(issue 19, point 3). Each agreement's sysadmin reads them.

The two agreements: A (`people`) and B (`other_agreement`), where B's social manager decided a disclosure on
OSL 10 kap. 18 a § on 2 February 2026. The days are fixed with time_machine or passed explicitly."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accesscontrol.actor import actor_for
from accesscontrol.models import Role
from casework.models import Disclosure, LegalBasis
from casework.selectors.disclosures import active_disclosures, decision_context, shared_field_classes
from casework.services.disclosures import disclose
from tests import factories
from tests.accesscontrol.factories import make_case, make_disclosure, make_person
from tests.clock import travel_destination

pytestmark = pytest.mark.django_db

FIXED = (
    "Grunden används i utlämnanden, så detta kan inte ändras. Ändrade regler blir en ny version av grunden "
    "från ett datum."
)
TODAY = "2026-12-07"


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


CREATE_URL = reverse("administration:legal_bases_create")
LIST_URL = reverse("administration:legal_bases_list")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(travel_destination(TODAY), tick=False):
        yield


@pytest.fixture
def instance_admin(db):
    """The instance administrator: a flag on the user, with no role in any agreement."""
    return factories.UserFactory(username="instansforvaltare", is_instance_admin=True)


@pytest.fixture
def under_21(agreement):
    return LegalBasis.objects.get(code="under_21")


@pytest.fixture
def b_manager(other_agreement):
    return factories.user_with_roles(other_agreement, Role.SOCIAL_MANAGER, username="b-sektionschef")


@pytest.fixture
def b_case(other_agreement, b_manager):
    """A case of agreement B about a 17-year-old, disclosed to the police on 10:18 a on 2 February 2026."""
    person = make_person(other_agreement, birth_date=datetime.date(2009, 5, 17))
    case = make_case(other_agreement, proposed_by=b_manager, person=person)
    make_disclosure(case, decided_by=b_manager, basis="under_21")
    return case


@pytest.fixture
def lapsed_disclosure(people, under_21):
    """A disclosure on the under-21 basis about a person who has since turned 21: lapsed for the police."""
    person = make_person(people.agreement, birth_date=datetime.date(2003, 3, 1))
    case = make_case(people.agreement, proposed_by=people.police, person=person, unit=people.investigation)
    make_disclosure(case, decided_by=people.manager, basis="under_21")
    return case


# --- An agreement's sysadmin reads, and changes nothing ---------------------------------------------------


def test_agreement_as_sysadmin_cannot_end_rename_or_add_a_legal_basis(login, people, under_21, b_case):
    client = login(people.sysadmin)
    before = list(LegalBasis.objects.order_by("pk").values())
    ended = client.post(edit_url(under_21), basis_data(under_21, valid_to="2026-12-09"))
    renamed = client.post(edit_url(under_21), basis_data(under_21, label="Något annat"))
    added = client.post(CREATE_URL, basis_data(under_21, code="ny_grund", label="Ny grund", valid_from="2027-01-01"))
    version = client.post(CREATE_URL, basis_data(under_21, label="Ny lydelse", valid_from="2027-01-01"))
    assert [r.status_code for r in (ended, renamed, added, version)] == [403, 403, 403, 403]
    assert client.get(edit_url(under_21)).status_code == 403
    assert list(LegalBasis.objects.order_by("pk").values()) == before
    assert shared_field_classes(case=b_case, today=datetime.date(2027, 1, 15)) == {"social_assessment"}


def test_agreement_as_sysadmin_reads_the_bases_and_is_told_who_changes_them(login, people, under_21):
    html = login(people.sysadmin).get(LIST_URL).content.decode()
    assert under_21.law_reference in html
    assert "ändras bara av instansens förvaltare" in html
    assert CREATE_URL not in html and edit_url(under_21) not in html


@pytest.mark.parametrize("who", ["manager", "caseworker", "police", "management", "auditor"])
def test_no_other_role_edits_legal_bases(login, people, under_21, who):
    response = login(getattr(people, who)).post(edit_url(under_21), basis_data(under_21, age_limit=""))
    assert response.status_code == 403
    under_21.refresh_from_db()
    assert under_21.age_limit == 21


# --- The instance administrator: ending and versioning never rewrite a decided disclosure -----------------


def test_ending_10_18_a_from_a_date_keeps_earlier_disclosures_of_every_agreement_in_force(
    login, instance_admin, under_21, b_case, b_manager
):
    ends = datetime.date(2026, 12, 9)  # in force to 9 December: ended from 10 December
    response = login(instance_admin).post(edit_url(under_21), basis_data(under_21, valid_to=ends.isoformat()))
    assert response.status_code == 302
    under_21.refresh_from_db()
    assert under_21.valid_to == ends
    # B's disclosure of 2 February stays in force after the end date, until the youth turns 21.
    assert shared_field_classes(case=b_case, today=datetime.date(2027, 6, 1)) == {"social_assessment"}
    assert not shared_field_classes(case=b_case, today=datetime.date(2030, 5, 17))
    # Only decisions from the end date are affected: refused on that basis.
    manager = actor_for(b_manager, b_case.agreement)
    with time_machine.travel(travel_destination("2026-12-12"), tick=False):
        assert under_21 not in decision_context(actor=manager, case=b_case)["legal_bases"]
        with pytest.raises(ValidationError) as refused:
            disclose(
                actor=manager, case=b_case, field_classes=["field_contacts"], legal_basis=under_21,
                assessment="Bedömning", decided_on=datetime.date(2026, 12, 10),
            )  # fmt: skip
        assert "legal_basis" in refused.value.message_dict
        # A decision dated while the basis held is still possible, and stays in force.
        disclose(
            actor=manager, case=b_case, field_classes=["field_contacts"], legal_basis=under_21,
            assessment="Bedömning", decided_on=datetime.date(2026, 12, 9),
        )  # fmt: skip
    assert shared_field_classes(case=b_case, today=datetime.date(2027, 1, 15)) == {
        "social_assessment",
        "field_contacts",
    }


def test_an_end_before_a_decided_disclosure_is_refused(login, instance_admin, under_21, b_case):
    response = login(instance_admin).post(edit_url(under_21), basis_data(under_21, valid_to="2026-02-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"] == [
        "Utlämnanden har redan beslutats med grunden efter det datumet. Välj ett senare slutdatum."
    ]
    under_21.refresh_from_db()
    assert under_21.valid_to is None
    assert active_disclosures(case=b_case).exists()


def test_a_changed_rule_is_a_new_version_and_the_disclosure_keeps_its_own(
    login, instance_admin, under_21, b_case, b_manager
):
    data = basis_data(under_21, label="Under 21 år, ny lydelse", age_limit=18, valid_from="2027-01-01")
    assert login(instance_admin).post(CREATE_URL, data).status_code == 302
    old, new = LegalBasis.objects.filter(code="under_21").order_by("valid_from")
    assert (old.pk, old.valid_to, old.label, old.age_limit) == (
        under_21.pk, datetime.date(2026, 12, 31), under_21.label, 21,
    )  # fmt: skip
    assert (new.valid_from, new.valid_to, new.label, new.age_limit) == (
        datetime.date(2027, 1, 1), None, "Under 21 år, ny lydelse", 18,
    )  # fmt: skip
    disclosure = Disclosure.objects.get(case=b_case)
    assert disclosure.legal_basis_id == old.pk
    # The 17-year-old's disclosure rests on the 21-year version, not on the new 18-year limit.
    assert shared_field_classes(case=b_case, today=datetime.date(2027, 6, 1)) == {"social_assessment"}
    manager = actor_for(b_manager, b_case.agreement)
    with time_machine.travel(travel_destination("2027-01-02"), tick=False):
        offered = list(decision_context(actor=manager, case=b_case)["legal_bases"].filter(code="under_21"))
    assert offered == [new]


def test_a_new_version_is_refused_from_a_day_a_disclosure_was_decided_under_the_old(
    login, instance_admin, under_21, b_case
):
    data = basis_data(under_21, label="Ny lydelse", valid_from="2026-02-02")
    response = login(instance_admin).post(CREATE_URL, data)
    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors
    assert LegalBasis.objects.filter(code="under_21").count() == 1
    assert LegalBasis.objects.get(pk=under_21.pk).valid_to is None


def test_a_version_in_use_keeps_its_terms_label_included(login, instance_admin, under_21, lapsed_disclosure):
    client = login(instance_admin)
    for field, value in (("age_limit", ""), ("requires_consent", "on"), ("label", "Omdöpt")):
        response = client.post(edit_url(under_21), basis_data(under_21, **{field: value}))
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [FIXED]
    stored = LegalBasis.objects.get(pk=under_21.pk)
    assert (stored.label, stored.age_limit, stored.requires_consent) == (under_21.label, 21, False)
    assert shared_field_classes(case=lapsed_disclosure) == frozenset()


def test_it_saves_nothing_when_any_fixed_field_is_refused(login, instance_admin, under_21, lapsed_disclosure):
    data = basis_data(under_21, label="Ny benämning", code="under_25", age_limit=25, valid_from="2012-01-01")
    response = login(instance_admin).post(edit_url(under_21), data)
    assert set(response.context["form"].errors) == {"code", "label", "age_limit", "valid_from"}
    stored = LegalBasis.objects.get(pk=under_21.pk)
    assert (stored.code, stored.label, stored.age_limit) == ("under_21", under_21.label, 21)


def test_an_ended_basis_in_use_is_not_prolonged(login, instance_admin, under_21, lapsed_disclosure):
    LegalBasis.objects.filter(pk=under_21.pk).update(valid_to=datetime.date(2026, 3, 1))
    under_21.refresh_from_db()
    response = login(instance_admin).post(edit_url(under_21), basis_data(under_21, valid_to=""))
    assert response.context["form"].errors["valid_to"] == [
        "Grunden har upphört att gälla och används i utlämnanden; giltighetstiden kan inte ändras i efterhand."
    ]
    under_21.refresh_from_db()
    assert under_21.valid_to == datetime.date(2026, 3, 1)


def test_a_basis_no_disclosure_uses_can_still_be_corrected(login, instance_admin, agreement):
    basis = LegalBasis.objects.get(code="nodvandigt")
    assert login(instance_admin).post(edit_url(basis), basis_data(basis, age_limit=18)).status_code == 302
    basis.refresh_from_db()
    assert basis.age_limit == 18


def test_the_instance_administrator_adds_a_basis_and_reaches_the_shared_pages(login, instance_admin):
    client = login(instance_admin)
    data = {"code": "ny_grund", "label": "Ny grund", "law_reference": "OSL 10 kap. 99 §", "valid_from": "2027-01-01"}
    assert client.post(CREATE_URL, data).status_code == 302
    assert LegalBasis.objects.get(code="ny_grund").valid_from == datetime.date(2027, 1, 1)
    index = client.get(reverse("administration:index")).content.decode()
    assert LIST_URL in index and reverse("reports:cost_indexes") in index
    assert reverse("administration:users_list") not in index
    assert client.get(reverse("administration:users_list")).status_code == 403
