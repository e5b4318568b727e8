"""The auditor's review of the access log: filters, flags, references only, and the review is logged."""

import datetime

import pytest
from django.utils import timezone

from accesscontrol.models import Role
from audit.models import AccessLogEntry
from casework import personal_numbers

from .factories import CaseFactory, PersonFactory
from .helpers import PERIOD, TUESDAY, at

pytestmark = pytest.mark.django_db

URL = "/granskning/atkomst/"


def rows_of(response):
    return response.context["rows"]


def seqs(response):
    return [row.seq for row in rows_of(response)]


@pytest.mark.parametrize("role", ["manager", "caseworker", "field_worker", "police", "management", "sysadmin"], ids=str)
def test_it_refuses_everyone_but_the_auditor_and_logs_the_attempt(login, people, role):
    response = login(getattr(people, role)).get(URL)
    assert response.status_code == 403
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == AccessLogEntry.Outcome.DENIED and entry.page == "audit:access_log"


def test_it_refuses_the_auditor_of_another_agreement_the_first_agreements_entries(
    login, people, case, read, other_agreement
):
    from tests import factories

    read(people.manager, cases=[case])
    foreign_auditor = factories.user_with_roles(other_agreement, Role.AUDITOR, username="granskare-b")
    response = login(foreign_auditor).get(URL, PERIOD)
    assert response.status_code == 200
    assert rows_of(response) == []


def test_it_shows_references_never_names_or_content(login, people, case, read):
    read(people.manager, cases=[case], persons=[case.person])
    response = login(people.auditor).get(URL, PERIOD)
    (row,) = rows_of(response)
    assert row.case_numbers == [case.number]
    assert row.person_references == [f"Person {str(case.person_id)[:8]}"]
    assert row.username == people.manager.username
    html = response.content.decode()
    assert case.number in html
    for secret in (case.person.first_name, case.person.last_name, case.person.personal_number, case.proposal_reason):
        assert secret not in html


def test_it_filters_by_user(login, people, case, read):
    manager_read = read(people.manager, cases=[case])
    read(people.police, cases=[case])
    response = login(people.auditor).get(URL, {**PERIOD, "user": people.manager.pk})
    assert seqs(response) == [manager_read.seq]


def test_it_filters_by_case_number(login, people, case, other_unit_case, read):
    wanted = read(people.manager, cases=[case, other_unit_case])
    read(people.manager, cases=[other_unit_case])
    response = login(people.auditor).get(URL, {**PERIOD, "case_number": case.number})
    assert seqs(response) == [wanted.seq]


def test_it_filters_by_period(login, people, case, read):
    read(people.manager, cases=[case], when=at(datetime.date(2026, 2, 27), 10))
    inside = read(people.manager, cases=[case], when=at(datetime.date(2026, 3, 2), 10))
    read(people.manager, cases=[case], when=at(datetime.date(2026, 4, 1), 0, 30))
    response = login(people.auditor).get(URL, PERIOD)
    assert seqs(response) == [inside.seq]


def test_it_refuses_a_period_that_ends_before_it_starts(login, people):
    response = login(people.auditor).get(URL, {"since": "2026-03-31", "until": "2026-03-01"})
    assert response.status_code == 200
    assert "Slutdatumet kan inte ligga före startdatumet." in response.content.decode()


def test_it_finds_a_person_by_personnummer_without_putting_it_in_the_address(login, people, case, read):
    wanted = read(people.manager, persons=[case.person])
    read(people.manager, persons=[PersonFactory(agreement=people.agreement)])
    client = login(people.auditor)
    ten_digits = personal_numbers.parse(case.person.personal_number).display[2:]
    response = client.post(f"{URL}?since=2026-03-01&until=2026-03-31", {"personal_number": ten_digits})
    assert response.status_code == 302
    location = response["Location"]
    assert f"person={case.person_id}" in location
    assert ten_digits.replace("-", "") not in location and ten_digits not in location
    response = client.get(location)
    assert seqs(response) == [wanted.seq]
    assert f"Person {str(case.person_id)[:8]}" in response.content.decode()


def test_the_person_filter_finds_reads_that_name_only_the_persons_case(login, people, case, other_unit_case, read):
    """Reports name a case by its number, not its person: such a read is still a read of the person's data."""
    by_person = read(people.manager, cases=[case], persons=[case.person])
    by_case = read(people.manager, cases=[case], page="reports:follow_up_qualitative")
    read(people.manager, cases=[other_unit_case], page="reports:follow_up_qualitative")
    response = login(people.auditor).get(URL, {**PERIOD, "person": str(case.person_id)})
    assert seqs(response) == [by_case.seq, by_person.seq]


def test_it_says_so_when_no_person_has_the_number(login, people):
    unknown = personal_numbers.make(datetime.date(2007, 7, 7), 999)
    response = login(people.auditor).post(URL, {"personal_number": unknown})
    assert response.status_code == 200
    assert "Ingen person med det numret finns i överenskommelsen." in response.content.decode()


def test_it_refuses_a_malformed_personnummer(login, people):
    response = login(people.auditor).post(URL, {"personal_number": "19900101-1235"})
    assert response.status_code == 200
    assert response.context["person_form"].errors["personal_number"]


def test_it_does_not_find_a_person_of_another_agreement(login, people, other_agreement, outsider):
    foreign = PersonFactory(agreement=other_agreement)
    response = login(people.auditor).post(URL, {"personal_number": foreign.personal_number})
    assert response.status_code == 200
    assert "Ingen person med det numret finns i överenskommelsen." in response.content.decode()


def test_it_flags_and_filters_a_case_outside_the_users_assignments(login, people, case, other_unit_case, read):
    read(people.caseworker, cases=[case])
    outside = read(people.caseworker, cases=[other_unit_case])
    client = login(people.auditor)
    flagged = {row.seq: row.flags for row in rows_of(client.get(URL, PERIOD))}
    assert "Ärende utanför användarens uppdrag" in flagged[outside.seq]
    assert len([flags for flags in flagged.values() if "Ärende utanför användarens uppdrag" in flags]) == 1
    assert seqs(client.get(URL, {**PERIOD, "flags": "outside_scope"})) == [outside.seq]


def test_it_flags_and_filters_reads_outside_office_hours(login, people, case, read, settings):
    settings.SAMSYN_OFFICE_HOURS = "07:30-17:00"
    read(people.manager, cases=[case], when=at(TUESDAY, 7, 30))
    read(people.manager, cases=[case], when=at(TUESDAY, 16, 59))
    early = read(people.manager, cases=[case], when=at(TUESDAY, 7, 29))
    evening = read(people.manager, cases=[case], when=at(TUESDAY, 17, 0))
    saturday = read(people.manager, cases=[case], when=at(datetime.date(2026, 3, 14), 11))
    client = login(people.auditor)
    response = client.get(URL, {**PERIOD, "flags": "outside_office_hours"})
    assert seqs(response) == [saturday.seq, evening.seq, early.seq]
    assert all("Utanför kontorstid" in row.flags for row in rows_of(response))
    unflagged = [row for row in rows_of(client.get(URL, PERIOD)) if "Utanför kontorstid" not in row.flags]
    assert len(unflagged) == 2


def test_it_flags_a_user_who_opens_many_persons_in_a_day(login, people, read, settings):
    settings.SAMSYN_MANY_PERSONS_PER_DAY = 2
    persons = [PersonFactory(agreement=people.agreement) for _ in range(3)]
    busy = [read(people.police, persons=[person], when=at(TUESDAY, 9 + n)) for n, person in enumerate(persons)]
    read(people.police, persons=[persons[0]], when=at(TUESDAY, 15))  # the same person again
    # A list names many persons at once; it does not count as opening them.
    read(people.manager, persons=persons, when=at(TUESDAY, 11))
    read(people.manager, persons=persons[:2], when=at(TUESDAY, 12))
    client = login(people.auditor)
    response = client.get(URL, {**PERIOD, "flags": "many_persons"})
    (day,) = response.context["busy_days"]
    assert (day.username, day.day, day.persons) == (people.police.username, TUESDAY, 3)
    assert set(seqs(response)) == {entry.seq for entry in busy} | {busy[-1].seq + 1}
    assert all("Många personer samma dag" in row.flags for row in rows_of(response))


def test_it_filters_denied_attempts(login, people, case, read):
    read(people.manager, cases=[case])
    denied = read(people.police, cases=["not-a-case"], denied=True)
    response = login(people.auditor).get(URL, {**PERIOD, "flags": "denied"})
    assert seqs(response) == [denied.seq]
    (row,) = rows_of(response)
    assert row.unknown_cases == 1 and "Nekad" in row.flags


def test_reviewing_is_logged_with_what_the_page_refers_to(login, people, case, read):
    read(people.manager, cases=[case], persons=[case.person])
    before = AccessLogEntry.objects.count()
    login(people.auditor).get(URL, {**PERIOD, "person": str(case.person_id)})
    review = AccessLogEntry.objects.order_by("-seq").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert review.page == "audit:access_log" and review.user_id == people.auditor.pk
    assert review.field_classes == ["logs"]
    assert review.case_ids == [str(case.pk)]
    assert review.person_ids == [str(case.person_id)]


def test_it_pages_through_many_entries(login, people, case, read):
    for minute in range(55):
        read(people.manager, cases=[case], when=at(TUESDAY, 10, minute))
    client = login(people.auditor)
    first, second = client.get(URL, PERIOD), client.get(URL, {**PERIOD, "sida": 2})
    assert len(rows_of(first)) == 50 and len(rows_of(second)) == 5
    assert seqs(first)[0] > seqs(second)[0]


def test_the_default_period_is_the_last_thirty_days(login, people, case, read):
    recent = read(people.manager, cases=[case], when=timezone.now() - datetime.timedelta(days=2))
    read(people.manager, cases=[case], when=timezone.now() - datetime.timedelta(days=45))
    response = login(people.auditor).get(URL)
    assert [seq for seq in seqs(response) if seq <= recent.seq] == [recent.seq]


def test_a_case_of_the_same_number_in_the_review_is_the_stored_number(login, people, read):
    purged_later = CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    entry = read(people.manager, cases=[purged_later])
    response = login(people.auditor).get(URL, {**PERIOD, "case_number": purged_later.number})
    assert seqs(response) == [entry.seq]
