"""A youth's details after the proposal (casework.services.persons): contact details and guardians changed,
and a samordningsnummer replaced by the personnummer given later, by whoever writes the identity class of
the case (the social manager); the blind index follows the number; a number another person has is refused
without naming them to whoever may not know them; every change is on the timeline of each of the person's
cases, and nothing changes on a refusal."""

import datetime
import json
import logging

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accesscontrol import policies
from accesscontrol.policies import Action
from casework import personal_numbers
from casework.models import CaseEvent, Person
from casework.selectors.cases import case_subject, find_cases
from casework.selectors.persons import person_on_record
from casework.services import cases as case_services
from casework.services import persons as person_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

ROLES = ("manager", "caseworker", "other_caseworker", "field_worker", "police", "management", "sysadmin", "auditor")


def _born(age: int = 15) -> datetime.date:
    return f.today().replace(day=1) - datetime.timedelta(days=365 * age)


@pytest.fixture
def born():
    return _born()


@pytest.fixture
def coordinated(people, born):
    """An active svansen case of a youth recorded by a samordningsnummer (proposed by the police, so the
    police read the identity), with contact details and one guardian."""
    number = personal_numbers.make(born, 981, coordination=True)
    case = f.propose(
        people,
        number=number,
        person=f.details(contact={"phone": "070-111 11 11"}, guardians=[{"name": "Mamma Demosson", "phone": ""}]),
    )
    return case_services.identify_case(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        meeting=f.meeting(people),
        category="svansen",
        raised_on=f.today(),
        unit=people.investigation,
        caseworker=people.caseworker,
    )


def manager(people):
    return f.actor(people.manager, people.agreement)


def real_number(born, serial=982):
    return personal_numbers.make(born, serial)


def found_by(people, number: str) -> list:
    parsed = personal_numbers.parse(number)
    return [row.case.pk for row in find_cases(actor=manager(people), search=("personal_number", parsed.normalised))]


def snapshot(person: Person) -> tuple:
    person = Person.objects.get(pk=person.pk)
    return (
        person.personal_number,
        person.personal_number_index,
        person.birth_year,
        person.contact,
        person.guardians,
        CaseEvent.objects.filter(case__person=person).count(),
    )


# --- contact details and guardians --------------------------------------------------------------------


def test_the_social_manager_changes_contact_details_and_guardians_and_each_case_shows_it(people, coordinated):
    person = coordinated.person
    # The same youth's earlier, closed case gets the event too: the details are the person's.
    case_services.close_case(actor=manager(people), case=coordinated, reason="moved", closed_on=f.today())
    person_services.change_person_details(
        actor=manager(people),
        case=coordinated,
        contact={"phone": " 070-222  22 22 ", "email": "ny@example.se", "address": ""},
        guardians=[{"name": "Pappa Demosson", "phone": "070-333 33 33"}, {"name": "", "phone": ""}],
    )
    person.refresh_from_db()
    assert person.contact == {"phone": "070-222 22 22", "email": "ny@example.se"}
    assert person.guardians == [{"name": "Pappa Demosson", "phone": "070-333 33 33"}]
    event = CaseEvent.objects.get(case=coordinated, kind=CaseEvent.Kind.PERSON_DETAILS_CHANGED)
    assert event.data == {"changed": ["contact", "guardians"]} and event.note == ""


def test_only_what_changed_is_named_and_no_change_is_refused(people, coordinated):
    person_services.change_person_details(
        actor=manager(people),
        case=coordinated,
        contact={"phone": "070-111 11 11"},
        guardians=[{"name": "Mamma Demosson", "phone": "070-444 44 44"}],
    )
    event = CaseEvent.objects.get(case=coordinated, kind=CaseEvent.Kind.PERSON_DETAILS_CHANGED)
    assert event.data == {"changed": ["guardians"]}
    before = snapshot(coordinated.person)
    with pytest.raises(ValidationError, match="inte ändrat något"):
        person_services.change_person_details(
            actor=manager(people),
            case=coordinated,
            contact={"phone": "070-111 11 11"},
            guardians=[{"name": "Mamma Demosson", "phone": "070-444 44 44"}],
        )
    assert snapshot(coordinated.person) == before


@pytest.mark.parametrize(
    ("contact", "guardians", "field"),
    [
        ({"email": "inte en adress"}, [], "email"),
        ({"phone": "1" * 41}, [], "phone"),
        ({}, [{"name": "", "phone": "070-555 55 55"}], "guardian_1_name"),
        ({}, [{"name": "A"}, {"name": "B", "phone": "9" * 41}], "guardian_2_phone"),
    ],
)
def test_bad_details_are_refused_naming_the_field_and_nothing_changes(people, coordinated, contact, guardians, field):
    before = snapshot(coordinated.person)
    with pytest.raises(ValidationError) as refused:
        person_services.change_person_details(
            actor=manager(people), case=coordinated, contact=contact, guardians=guardians
        )
    assert field in refused.value.error_dict
    assert snapshot(coordinated.person) == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "manager"])
def test_no_other_role_changes_the_details(people, coordinated, role):
    """The caseworker of the case reads the identity, the police proposed the youth and read it too: the
    matrix gives neither the identity's write (docs/roles-and-visibility.md)."""
    before = snapshot(coordinated.person)
    actor = f.actor(getattr(people, role), people.agreement)
    with pytest.raises(PermissionDenied):
        person_services.change_person_details(
            actor=actor, case=coordinated, contact={"phone": "070-999 99 99"}, guardians=[]
        )
    with pytest.raises(PermissionDenied):
        person_services.replace_coordination_number(actor=actor, case=coordinated, personal_number=real_number(_born()))
    assert snapshot(coordinated.person) == before


def test_another_agreements_social_manager_is_refused(people, coordinated, outsider, other_agreement):
    with pytest.raises(PermissionDenied):
        person_services.change_person_details(
            actor=f.actor(outsider, other_agreement), case=coordinated, contact={}, guardians=[]
        )


def test_an_ended_agreement_is_refused_with_its_day(people, coordinated):
    people.agreement.ends_on = f.today() - datetime.timedelta(days=1)
    people.agreement.save()
    with pytest.raises(ValidationError, match="upphörde"):
        person_services.change_person_details(actor=manager(people), case=coordinated, contact={}, guardians=[])


# --- samordningsnummer replaced by personnummer ------------------------------------------------------


def test_the_personnummer_replaces_the_samordningsnummer_and_the_blind_index_follows(people, coordinated, born):
    old = coordinated.person.personal_number
    new = real_number(born)
    assert found_by(people, old) == [coordinated.pk]
    person_services.replace_coordination_number(actor=manager(people), case=coordinated, personal_number=new)
    person = Person.objects.get(pk=coordinated.person_id)
    assert person.personal_number == personal_numbers.normalise(new)
    assert person_on_record(agreement=people.agreement, number=personal_numbers.parse(new)) == person
    assert person_on_record(agreement=people.agreement, number=personal_numbers.parse(old)) is None
    assert found_by(people, new) == [coordinated.pk]
    assert found_by(people, old) == []
    event = CaseEvent.objects.get(case=coordinated, kind=CaseEvent.Kind.PERSONAL_NUMBER_REPLACED)
    assert event.data == {"birth_date_changed": False}
    # Now the case offers no replacement any more: there is no samordningsnummer left.
    coordinated.refresh_from_db()
    subject = case_subject(actor=manager(people), case=coordinated)
    assert not policies.may(manager(people), Action.REPLACE_COORDINATION_NUMBER, subject)
    with pytest.raises(ValidationError, match="redan ett personnummer"):
        person_services.replace_coordination_number(
            actor=manager(people), case=coordinated, personal_number=real_number(born, 983)
        )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (lambda born: real_number(born)[:-1] + str((int(real_number(born)[-1]) + 1) % 10), "Kontrollsiffran"),
        (lambda born: "12345", "10 eller 12 siffror"),
        (lambda born: "", "Ange ett personnummer"),
        (lambda born: personal_numbers.make(born, 984, coordination=True), "är ett samordningsnummer"),
        (lambda born: personal_numbers.make(f.today() + datetime.timedelta(days=40), 985), "framtiden"),
    ],
    ids=["check digit", "too short", "empty", "another samordningsnummer", "born in the future"],
)
def test_a_bad_number_is_refused_on_the_field_and_nothing_changes(people, coordinated, born, number, message):
    before = snapshot(coordinated.person)
    with pytest.raises(ValidationError) as refused:
        person_services.replace_coordination_number(
            actor=manager(people), case=coordinated, personal_number=number(born)
        )
    assert message in " ".join(refused.value.message_dict["personal_number"])
    assert snapshot(coordinated.person) == before


def test_another_birth_date_needs_confirming(people, coordinated, born):
    """A samordningsnummer's date is sometimes estimated, so the personnummer may give another: allowed, once
    the user has checked it."""
    other_day = born - datetime.timedelta(days=3)
    new = real_number(other_day)
    before = snapshot(coordinated.person)
    with pytest.raises(ValidationError) as asked:
        person_services.replace_coordination_number(actor=manager(people), case=coordinated, personal_number=new)
    assert other_day.isoformat() in asked.value.message_dict["birth_date_confirmed"][0]
    assert snapshot(coordinated.person) == before
    person_services.replace_coordination_number(
        actor=manager(people), case=coordinated, personal_number=new, birth_date_confirmed=True
    )
    person = Person.objects.get(pk=coordinated.person_id)
    assert person.birth_year == other_day.year
    assert CaseEvent.objects.get(case=coordinated, kind=CaseEvent.Kind.PERSONAL_NUMBER_REPLACED).data == {
        "birth_date_changed": True
    }


def test_a_number_another_person_has_is_refused_naming_their_case_to_who_may_know_it(people, coordinated, born):
    new = real_number(born, 986)
    other_case = f.propose(people, by=people.manager, number=new, person=f.details(first="Annan", last="Person"))
    before = snapshot(coordinated.person)
    with pytest.raises(ValidationError) as refused:
        person_services.replace_coordination_number(actor=manager(people), case=coordinated, personal_number=new)
    message = " ".join(refused.value.message_dict["personal_number"])
    assert other_case.number in message and "Annan" not in message
    assert snapshot(coordinated.person) == before
    assert found_by(people, new) == [other_case.pk]


def test_the_duplicate_refusal_names_nothing_to_who_may_not_read_the_other_person(people, coordinated, born):
    """Whoever may write this youth's identity but not read the other person's learns only that the number
    cannot be used here (with today's matrix no such writer exists: the refusal itself is checked)."""
    new = real_number(born, 987)
    other_case = f.propose(people, by=people.manager, number=new, person=f.details(first="Annan", last="Person"))
    refusal = person_services._refuse_duplicate(actor=f.actor(people.police, people.agreement), other=other_case.person)
    message = " ".join(refusal.message_dict["personal_number"])
    assert other_case.number not in message and "Annan" not in message
    assert "kan inte sparas" in message


def test_no_plaintext_number_or_detail_in_the_change_log_the_timeline_or_the_log_output(
    people, coordinated, born, caplog
):
    caplog.set_level(logging.DEBUG)
    old = personal_numbers.parse(coordinated.person.personal_number)
    new = personal_numbers.parse(real_number(born))
    person_services.change_person_details(
        actor=manager(people),
        case=coordinated,
        contact={"phone": "SentinelTelefonPerson"},
        guardians=[{"name": "SentinelVardnadshavarePerson", "phone": ""}],
    )
    person_services.replace_coordination_number(actor=manager(people), case=coordinated, personal_number=new.display)
    entries = LogEntry.objects.filter(object_pk=str(coordinated.person_id))
    change_log = "\n".join(f"{e.object_repr} {json.dumps(e.changes)} {e.changes_text}" for e in entries)
    assert "[krypterat]" in change_log
    events = CaseEvent.objects.filter(case__person=coordinated.person)
    timeline = "\n".join(f"{e.data} {e.note}" for e in events)
    searched = {"change log": change_log, "timeline": timeline, "log output": caplog.text}
    values = [
        *(n.normalised for n in (old, new)),
        *(n.normalised[2:] for n in (old, new)),
        *(n.display for n in (old, new)),
        "SentinelTelefonPerson",
        "SentinelVardnadshavarePerson",
    ]
    assert [f"{v} in {place}" for place, text in searched.items() for v in values if v in text] == []


# --- pages -----------------------------------------------------------------------------------------------


def test_the_case_page_offers_both_links_to_the_social_manager_only(people, login, coordinated):
    details = reverse("casework:person_details", args=[coordinated.pk])
    replace = reverse("casework:replace_coordination_number", args=[coordinated.pk])
    page = login(people.manager).get(reverse("casework:case_detail", args=[coordinated.pk])).content.decode()
    assert f'"{details}"' in page and f'"{replace}"' in page and "Ändra personuppgifter" in page
    for role in ("caseworker", "police"):
        page = login(getattr(people, role)).get(reverse("casework:case_detail", args=[coordinated.pk]))
        assert f'"{details}"' not in page.content.decode() and f'"{replace}"' not in page.content.decode()
        assert login(getattr(people, role)).get(details).status_code == 403
        assert login(getattr(people, role)).get(replace).status_code == 403


def test_the_details_page_is_prefilled_and_saves(people, login, coordinated):
    client = login(people.manager)
    url = reverse("casework:person_details", args=[coordinated.pk])
    page = client.get(url).content.decode()
    assert "070-111 11 11" in page and "Mamma Demosson" in page and "Vårdnadshavare 2, namn" in page
    response = client.post(
        url,
        {
            "phone": "070-111 11 11",
            "email": "",
            "address": "Storgatan 1",
            "guardian_1_name": "Mamma Demosson",
            "guardian_1_phone": "",
            "guardian_2_name": "Pappa Demosson",
            "guardian_2_phone": "070-333 33 33",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=coordinated.person_id)
    assert person.contact == {"phone": "070-111 11 11", "address": "Storgatan 1"}
    assert [g["name"] for g in person.guardians] == ["Mamma Demosson", "Pappa Demosson"]
    case_page = client.get(reverse("casework:case_detail", args=[coordinated.pk])).content.decode()
    assert "Personuppgifter ändrade" in case_page and "Ändrat: kontaktuppgifter, vårdnadshavare" in case_page


def test_the_details_page_shows_errors_in_a_summary_linked_to_the_field(people, login, coordinated):
    client = login(people.manager)
    url = reverse("casework:person_details", args=[coordinated.pk])
    page = client.post(url, {"guardian_1_phone": "070-555 55 55"}).content.decode()
    assert "govuk-error-summary" in page and "#id_guardian_1_name" in page
    assert "Ange vårdnadshavarens namn till telefonnumret." in page
    assert Person.objects.get(pk=coordinated.person_id).guardians == [{"name": "Mamma Demosson", "phone": ""}]


def test_the_replace_page_asks_about_another_birth_date_then_saves(people, login, coordinated, born):
    client = login(people.manager)
    url = reverse("casework:replace_coordination_number", args=[coordinated.pk])
    page = client.get(url).content.decode()
    assert coordinated.person.personal_number_display in page and "birth_date_confirmed" not in page
    other_day = born - datetime.timedelta(days=2)
    new = personal_numbers.make(other_day, 988)
    page = client.post(url, {"personal_number": new}).content.decode()
    assert "govuk-error-summary" in page and 'name="birth_date_confirmed"' in page
    assert Person.objects.get(pk=coordinated.person_id).personal_number != new
    response = client.post(url, {"personal_number": new, "birth_date_confirmed": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=coordinated.person_id).personal_number == new
    # The page now goes back to the case with the policy's reason.
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("casework:case_detail", args=[coordinated.pk])


def test_a_bad_number_on_the_page_is_named_on_the_field(people, login, coordinated):
    client = login(people.manager)
    url = reverse("casework:replace_coordination_number", args=[coordinated.pk])
    page = client.post(url, {"personal_number": "20100101-0000"}).content.decode()
    assert "govuk-error-summary" in page and "#id_personal_number" in page


def test_the_new_number_is_searched_through_the_page(people, login, coordinated, born):
    client = login(people.manager)
    old = coordinated.person.personal_number
    new = real_number(born)
    client.post(reverse("casework:replace_coordination_number", args=[coordinated.pk]), {"personal_number": new})
    assert coordinated.number in client.post("/arenden/", {"query": new}).content.decode()
    assert coordinated.number not in client.post("/arenden/", {"query": old}).content.decode()
