"""Finding a person's cases by exact personnummer or exact name, through the blind indexes."""

import pytest

from audit.models import AccessLogEntry
from casework import personal_numbers
from tests.casework import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return factories.identified(people, category="lifestyle")


def search(client, text):
    return client.post("/arenden/", {"query": text})


def test_it_finds_a_person_by_personnummer_in_any_usual_form(people, login, case):
    number = personal_numbers.parse(case.person.personal_number)
    client = login(people.manager)
    for form in (number.normalised, number.display, number.display[2:], number.normalised[2:]):
        page = search(client, form).content.decode()
        assert case.number in page, form


def test_it_finds_a_person_by_exact_name_whatever_the_case_and_spacing(people, login, case):
    other = factories.identified(people, category="svansen")
    page = search(login(people.manager), "  testa   DEMOSSON ").content.decode()
    assert case.number in page and other.number in page  # the factory names everyone Testa Demosson
    assert case.number not in search(login(people.manager), "Testa Demo").content.decode()


def test_a_part_of_a_name_is_refused_with_a_message(people, login):
    page = search(login(people.manager), "Testa").content.decode()
    assert "Skriv både förnamn och efternamn" in page and "govuk-error-summary" in page


def test_a_wrong_check_digit_is_refused_with_a_message(people, login, case):
    wrong = case.person.personal_number[:-1] + str((int(case.person.personal_number[-1]) + 1) % 10)
    page = search(login(people.manager), wrong).content.decode()
    assert "Kontrollsiffran stämmer inte" in page
    assert case.number not in page


def test_it_finds_nothing_the_actor_may_not_see(people, login, case, outsider):
    number = case.person.personal_number
    assert case.number not in search(login(people.field_worker), number).content.decode()  # lifestyle
    assert case.number not in search(login(people.other_caseworker), number).content.decode()  # other unit
    assert case.number not in search(login(outsider), number).content.decode()  # other agreement


def test_the_search_is_posted_and_the_read_is_logged_without_the_search_term(people, login, case):
    client = login(people.police)
    response = search(client, case.person.personal_number)
    assert response.status_code == 200 and case.number in response.content.decode()
    entry = AccessLogEntry.objects.filter(page="casework:case_list").latest("at")
    assert entry.case_ids == [str(case.pk)]
    assert case.person.personal_number not in str(entry.__dict__)


def test_a_search_needs_the_csrf_token(people, case):
    from django.test import Client

    from tests.conftest import verified_client

    client = verified_client(Client(enforce_csrf_checks=True), people.manager)
    assert search(client, case.person.personal_number).status_code == 403


def test_it_finds_a_case_by_its_number_before_trying_a_personnummer(people, login, case):
    other = factories.identified(people, category="svansen")
    response = search(login(people.manager), f" {case.number} ")
    page = response.content.decode()
    assert [row.case for row in response.context["rows"]] == [case]
    assert "govuk-error-summary" not in page and "personnummer" not in str(response.context["search"].errors)
    assert other.number not in page


def test_a_case_number_without_its_leading_zeros_finds_the_case(people, login, case):
    year, sequence = case.number.split("-")
    response = search(login(people.manager), f"{year}-{int(sequence)}")
    assert [row.case for row in response.context["rows"]] == [case]


def test_a_case_number_finds_nothing_the_actor_may_not_see(people, login, case, outsider):
    assert search(login(people.field_worker), case.number).context["rows"] == []  # lifestyle
    assert search(login(people.other_caseworker), case.number).context["rows"] == []  # other unit
    assert search(login(outsider), case.number).context["rows"] == []  # other agreement


def test_the_police_find_a_case_by_number_under_its_pseudonym(people, login):
    case = factories.propose(people, by=people.manager, category="lifestyle")  # nothing disclosed
    response = search(login(people.police), case.number)
    (row,) = response.context["rows"]
    assert row.case == case and row.person is None and row.pseudonym.startswith("Förslag från")
    assert "Demosson" not in response.content.decode()


def test_input_that_is_neither_a_case_number_nor_a_personnummer_says_what_is_expected(people, login):
    page = search(login(people.manager), "2026-00x1").content.decode()
    assert "Skriv ett ärendenummer (ÅÅÅÅ-NNNN), ett personnummer" in page and "govuk-error-summary" in page
    page = search(login(people.manager), "12345").content.decode()
    assert "Skriv ett ärendenummer (ÅÅÅÅ-NNNN)" in page
