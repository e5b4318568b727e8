"""Proposing a youth: find or create the person by personal number, one open case per person and
agreement, the age warning, and who may propose."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry
from casework import personal_numbers
from casework.models import Case, CaseEvent, CaseStatus, Person
from casework.selectors.persons import PersonMatch
from casework.services import cases as case_services
from encryption import crypto
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("casework:propose")


def _propose(people, number, **kwargs):
    arguments = {
        "actor": f.actor(people.police, people.agreement),
        "personal_number": number,
        "category": "svansen",
        "reason": "Syns ofta vid stationen.",
        "proposed_on": f.today(),
        "person_details": f.details(),
    }
    return case_services.propose_case(**{**arguments, **kwargs})


def test_it_creates_the_person_and_the_proposed_case(people):
    number = f.personal_number()
    case = _propose(people, number)
    assert case.status == CaseStatus.PROPOSED
    assert case.number == f"{f.today().year}-0001"
    assert case.proposed_by_kind == "police"
    person = Person.objects.get()
    assert person.personal_number == number
    assert person.personal_number_index == crypto.blind_index(number, purpose="personal_number")
    assert person.birth_year == personal_numbers.parse(number).birth_year
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.PROPOSED]


def test_it_numbers_cases_per_year(people):
    first = _propose(people, f.personal_number())
    second = _propose(people, f.personal_number())
    year = f.today().year
    assert (first.number, second.number) == (f"{year}-0001", f"{year}-0002")


def test_it_finds_the_person_by_any_usual_form_of_the_number(people):
    number = f.personal_number()
    first = _propose(people, number)
    case_services.mark_not_identified(
        actor=f.actor(people.manager, people.agreement), case=first, meeting=f.meeting(people), note="Inte nu."
    )
    ten_digits = f"{number[2:8]}-{number[8:]}"
    second = _propose(people, ten_digits, person_details=None)
    assert second.person_id == first.person_id
    assert Person.objects.count() == 1


def test_it_refuses_a_second_open_case_and_points_to_the_existing_one(people):
    number = f.personal_number()
    existing = _propose(people, number)
    with pytest.raises(case_services.OpenCaseExists) as refusal:
        _propose(people, number)
    assert refusal.value.existing_case == existing
    assert Case.objects.count() == 1


def test_it_turns_the_database_constraint_into_the_same_refusal(people, monkeypatch):
    """Two requests at once: the check passes for both, the partial unique index stops the second."""
    number = f.personal_number()
    existing = _propose(people, number)
    real = case_services.find_person
    calls = []

    def blind_first_time(**kwargs):
        calls.append(1)
        return PersonMatch(person=None, open_case=None) if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(case_services, "find_person", blind_first_time)
    with pytest.raises(case_services.OpenCaseExists) as refusal:
        _propose(people, number)
    assert refusal.value.existing_case == existing
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_it_warns_about_an_age_outside_the_agreement_and_saves_nothing(people):
    with pytest.raises(case_services.AgeNeedsConfirmation) as warning:
        _propose(people, f.personal_number(age=27))
    assert "27 år" in warning.value.message_dict["age_confirmed"][0]
    assert not Person.objects.exists()
    assert not Case.objects.exists()


def test_it_accepts_a_confirmed_age(people):
    case = _propose(people, f.personal_number(age=12), age_confirmed=True)
    assert case.status == CaseStatus.PROPOSED


def test_it_refuses_a_future_date(people):
    with pytest.raises(ValidationError) as refusal:
        _propose(people, f.personal_number(), proposed_on=f.today() + datetime.timedelta(days=1))
    assert "framtiden" in refusal.value.message_dict["proposed_on"][0]
    assert not Person.objects.exists()


def test_it_refuses_a_wrong_check_digit_with_what_is_wrong(people):
    number = f.personal_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as refusal:
        _propose(people, wrong)
    assert "Kontrollsiffran" in refusal.value.message_dict["personal_number"][0]


def test_it_needs_a_name_for_a_new_person(people):
    with pytest.raises(ValidationError) as refusal:
        _propose(people, f.personal_number(), person_details=f.details(first=" "))
    assert "first_name" in refusal.value.message_dict
    assert not Person.objects.exists()


def test_a_social_manager_proposes_for_the_social_services(people):
    case = _propose(people, f.personal_number(), actor=f.actor(people.manager, people.agreement))
    assert case.proposed_by_kind == "social_services"


@pytest.mark.parametrize("who", ["caseworker", "field_worker", "management", "sysadmin", "auditor"])
def test_other_roles_may_not_propose(people, who):
    with pytest.raises(PermissionDenied):
        _propose(people, f.personal_number(), actor=f.actor(getattr(people, who), people.agreement))
    assert not Person.objects.exists()


# --- The page ---------------------------------------------------------------------------------------------


def _details_post(number, **extra):
    data = {
        "step": "details",
        "personal_number": number,
        "first_name": "Exempla",
        "last_name": "Påhittsson",
        "gender": "girl",
        "category": "lifestyle",
        "reason": "Misstänkt för rån i december.",
        "proposed_on": f.today().isoformat(),
        "guardian_1_name": "Fiktiv Påhittsson",
        "guardian_1_phone": "070-000 00 00",
    }
    return {**data, **extra}


def test_the_page_proposes_in_two_steps(people, login):
    client = login(people.police)
    number = f.personal_number()
    step_one = client.post(URL, {"personal_number": number}).content.decode()
    # The police are not told whether Samsyn knows a person they may not know of (test_police_and_identity).
    assert "Fyll i de uppgifter du har om ungdomen." in step_one and "finns inte i Samsyn" not in step_one
    response = client.post(URL, _details_post(number))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case_detail", args=[case.pk])
    assert case.person.guardians == [{"name": "Fiktiv Påhittsson", "phone": "070-000 00 00"}]


def test_the_page_tells_the_social_manager_that_the_person_is_new(people, login):
    step_one = login(people.manager).post(URL, {"personal_number": f.personal_number()}).content.decode()
    assert "Personen finns inte i Samsyn. Fyll i uppgifterna om ungdomen." in step_one


def test_the_page_names_what_is_wrong_with_the_number(people, login):
    response = login(people.police).post(URL, {"personal_number": "20100230-980"})
    assert response.status_code == 200
    assert "10 eller 12 siffror" in response.content.decode()


def test_the_page_warns_about_the_age_with_a_checkbox_and_saves_only_when_confirmed(people, login):
    client = login(people.police)
    number = f.personal_number(age=26)
    warned = client.post(URL, _details_post(number)).content.decode()
    assert "26 år" in warned
    assert "Jag har kontrollerat åldern" in warned
    assert not Case.objects.exists()
    confirmed = client.post(URL, _details_post(number, age_confirmed="on"))
    assert confirmed.status_code == 302
    assert Case.objects.count() == 1


def test_the_page_refuses_a_future_date_on_the_field(people, login):
    tomorrow = (f.today() + datetime.timedelta(days=1)).isoformat()
    response = login(people.police).post(URL, _details_post(f.personal_number(), proposed_on=tomorrow))
    assert "Datumet kan inte ligga i framtiden." in response.content.decode()
    assert not Case.objects.exists()


def test_the_page_points_to_the_existing_open_case(people, login):
    number = f.personal_number()
    existing = _propose(people, number)
    response = login(people.police).post(URL, {"personal_number": number})
    page = response.content.decode()
    assert "redan ett öppet ärende" in page
    assert reverse("casework:case_detail", args=[existing.pk]) in page


def test_the_page_shows_a_known_person_and_logs_the_read(people, login):
    number = f.personal_number()
    first = _propose(people, number)
    case_services.mark_not_identified(
        actor=f.actor(people.manager, people.agreement), case=first, meeting=f.meeting(people), note="Inte nu."
    )
    response = login(people.police).post(URL, {"personal_number": number})
    assert "Personen finns i Samsyn: Testa Demosson" in response.content.decode()
    entry = AccessLogEntry.objects.get(page="casework:propose")
    assert entry.person_ids == [str(first.person_id)]


@pytest.mark.parametrize("who", ["caseworker", "field_worker", "management", "auditor"])
def test_the_page_is_forbidden_to_other_roles(people, login, who):
    assert login(getattr(people, who)).get(URL).status_code == 403
