"""A social manager discloses chosen field classes of one case to the police, on a legal basis."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accesscontrol.actor import actor_for
from accesscontrol.visibility import CaseFacts, FieldClass, readable_classes
from casework.models import CaseEvent, Disclosure, LegalBasis
from casework.selectors.disclosures import shared_field_classes
from casework.services.disclosures import disclose
from tests.accesscontrol.factories import make_case, make_consent, make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def basis(code):
    return LegalBasis.objects.get(code=code)


def police_reads(case):
    facts = CaseFacts(category=case.category, assigned_to_user=False, disclosed=shared_field_classes(case=case))
    return readable_classes(["police"], facts)


def disclose_now(actor, case, *, classes=("social_assessment",), code="under_21", on=None, consent=None):
    return disclose(
        actor=actor,
        case=case,
        field_classes=classes,
        legal_basis=basis(code),
        assessment="Risk för fortsatt brottslighet; uppgifterna kan förebygga den.",
        decided_on=on or TODAY(),
        consent=consent,
    )


def test_it_shares_the_chosen_classes_with_the_police_and_records_who_decided(actors, people, case):
    assert FieldClass.SOCIAL_ASSESSMENT not in police_reads(case)
    disclosure = disclose_now(actors.manager, case, classes=["interventions", "social_assessment"])
    assert disclosure.decided_by == people.manager
    assert disclosure.field_classes == ["social_assessment", "interventions"]
    assert {FieldClass.SOCIAL_ASSESSMENT, FieldClass.INTERVENTIONS} <= police_reads(case)
    assert FieldClass.FIELD_CONTACTS not in police_reads(case)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DISCLOSURE)
    assert event.by == people.manager
    assert event.data == {
        "disclosure": str(disclosure.pk),
        "field_classes": ["social_assessment", "interventions"],
        "legal_basis": "under_21",
    }


def test_it_shares_the_identity_of_a_social_services_proposal_with_the_police(actors, case):
    """That a named youth is known to the social services is secret towards the police (OSL 26 kap. 1 §)
    until a disclosure shares the identity class."""
    assert FieldClass.IDENTITY not in police_reads(case)
    disclose_now(actors.manager, case, classes=["identity"])
    assert FieldClass.IDENTITY in police_reads(case)
    assert FieldClass.SOCIAL_ASSESSMENT not in police_reads(case)


def _case_of_person_turning_21_on(people, birthday_21):
    person = make_person(people.agreement, birth_date=birthday_21.replace(year=birthday_21.year - 21))
    return make_case(people.agreement, proposed_by=people.police, person=person)


@pytest.fixture
def birthday_21():
    """The 21st birthday of a person, some weeks ago (never 29 February, so it comes every year)."""
    day = TODAY() - datetime.timedelta(days=40)
    return day - datetime.timedelta(days=1) if (day.month, day.day) == (2, 29) else day


def test_the_under_21_rule_holds_on_the_day_before_the_21st_birthday(actors, people, birthday_21):
    case = _case_of_person_turning_21_on(people, birthday_21)
    disclosure = disclose_now(actors.manager, case, on=birthday_21 - datetime.timedelta(days=1))
    assert disclosure.pk


def test_it_refuses_the_under_21_rule_on_the_21st_birthday(actors, people, birthday_21):
    case = _case_of_person_turning_21_on(people, birthday_21)
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, on=birthday_21)
    assert "fyllt 21 år" in refused.value.message_dict["legal_basis"][0]
    assert not Disclosure.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DISCLOSURE).exists()


def test_an_under_21_disclosure_stops_showing_on_the_21st_birthday(actors, people, birthday_21):
    case = _case_of_person_turning_21_on(people, birthday_21)
    disclose_now(actors.manager, case, on=birthday_21 - datetime.timedelta(days=3))
    assert shared_field_classes(case=case, today=birthday_21 - datetime.timedelta(days=1)) == {"social_assessment"}
    assert shared_field_classes(case=case, today=birthday_21) == frozenset()


def test_it_refuses_an_age_limited_basis_when_the_age_cannot_be_read(actors, people):
    person = make_person(people.agreement)
    person.personal_number = "inte ett nr"  # unreadable, within the field's 13 characters (config.text_limits)
    person.save()
    case = make_case(people.agreement, proposed_by=people.police, person=person)
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case)
    assert "legal_basis" in refused.value.message_dict


@pytest.mark.parametrize(
    "valid_from, valid_to",
    [(datetime.date(2099, 1, 1), None), (datetime.date(2013, 1, 1), datetime.date(2020, 12, 31))],
    ids=["not-yet-in-force", "repealed"],
)
def test_it_refuses_a_legal_basis_outside_its_validity(actors, case, valid_from, valid_to):
    LegalBasis.objects.filter(code="under_21").update(valid_from=valid_from, valid_to=valid_to)
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case)
    assert "gäller inte på beslutsdagen" in refused.value.message_dict["legal_basis"][0]
    assert not Disclosure.objects.exists()


def test_a_repealed_basis_keeps_the_disclosures_decided_while_it_held(actors, case):
    """Whether a disclosure is in force is decided against the basis version on its decision day, so a
    basis ended after the decision never lapses it (issue 19, point 3)."""
    disclose_now(actors.manager, case, on=TODAY() - datetime.timedelta(days=10))
    LegalBasis.objects.filter(code="under_21").update(valid_to=TODAY() - datetime.timedelta(days=1))
    assert shared_field_classes(case=case) == {"social_assessment"}


def test_a_disclosure_decided_outside_its_basis_version_is_not_in_force(actors, case):
    disclose_now(actors.manager, case, on=TODAY() - datetime.timedelta(days=10))
    LegalBasis.objects.filter(code="under_21").update(valid_to=TODAY() - datetime.timedelta(days=11))
    assert shared_field_classes(case=case) == frozenset()


def test_it_discloses_on_a_consent_that_covers_the_classes(actors, people, case):
    consent = make_consent(case, recorded_by=people.manager, scope=["social_assessment", "interventions"])
    disclosure = disclose_now(actors.manager, case, code="samtycke", consent=consent, classes=["interventions"])
    assert disclosure.consent == consent
    assert FieldClass.INTERVENTIONS in police_reads(case)


@pytest.mark.parametrize(
    "consent_kwargs, field, message",
    [
        ({}, "field_classes", "omfattar inte"),
        ({"withdrawn_on": datetime.date(2026, 2, 3)}, "consent", "återkallat"),
        ({"expires_on": datetime.date(2026, 2, 3)}, "consent", "upphört"),
    ],
    ids=["not-covering", "withdrawn", "expired"],
)
def test_it_refuses_a_consent_that_does_not_hold(actors, people, case, consent_kwargs, field, message):
    consent = make_consent(case, recorded_by=people.manager, scope=["social_assessment"], **consent_kwargs)
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, code="samtycke", consent=consent, classes=["field_contacts"])
    assert message in refused.value.message_dict[field][0]
    assert not Disclosure.objects.exists()


def test_it_refuses_the_consent_basis_when_the_case_has_no_consent(actors, case):
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, code="samtycke")
    assert "Registrera samtycket först" in refused.value.message_dict["legal_basis"][0]


def test_it_refuses_the_consent_basis_without_choosing_the_cases_consent(actors, people, case):
    make_consent(case, recorded_by=people.manager)
    with pytest.raises(ValidationError) as missing:
        disclose_now(actors.manager, case, code="samtycke")
    assert "consent" in missing.value.message_dict
    other = make_case(people.agreement, proposed_by=people.police)
    foreign = make_consent(other, recorded_by=people.manager)
    with pytest.raises(ValidationError) as of_another_case:
        disclose_now(actors.manager, case, code="samtycke", consent=foreign)
    assert "consent" in of_another_case.value.message_dict
    assert not Disclosure.objects.exists()


def test_it_refuses_a_consent_beside_a_basis_that_needs_none(actors, people, case):
    consent = make_consent(case, recorded_by=people.manager)
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, consent=consent)
    assert "consent" in refused.value.message_dict


@pytest.mark.parametrize("classes", [[], ["minutes"], ["logs", "social_assessment"]])
def test_it_refuses_classes_that_cannot_be_disclosed(actors, case, classes):
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, classes=classes)
    assert "field_classes" in refused.value.message_dict


def test_it_refuses_a_decision_dated_in_the_future(actors, case):
    with pytest.raises(ValidationError) as refused:
        disclose_now(actors.manager, case, on=TODAY() + datetime.timedelta(days=1))
    assert "decided_on" in refused.value.message_dict


def test_it_refuses_an_empty_assessment(actors, case):
    with pytest.raises(ValidationError) as refused:
        disclose(
            actor=actors.manager,
            case=case,
            field_classes=["social_assessment"],
            legal_basis=basis("under_21"),
            assessment="  ",
            decided_on=TODAY(),
        )
    assert "assessment" in refused.value.message_dict


@pytest.mark.parametrize("who", ["caseworker", "police", "field_worker", "management", "sysadmin"])
def test_only_a_social_manager_may_disclose(actors, case, who):
    with pytest.raises(PermissionDenied):
        disclose_now(getattr(actors, who), case)
    assert not Disclosure.objects.exists()


def test_a_social_manager_of_another_agreement_may_not_disclose(outsider, other_agreement, case):
    with pytest.raises(PermissionDenied):
        disclose_now(actor_for(outsider, other_agreement), case)
    assert not Disclosure.objects.exists()
