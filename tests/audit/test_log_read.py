"""audit.access: one synchronous, chained entry per call, with internal ids only; no entry, no page."""

from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accesscontrol.visibility import FieldClass
from audit import access
from audit.chain import verify_chain
from audit.models import AccessLogCase, AccessLogEntry, AccessLogPerson, Chain

from .factories import PersonFactory
from .helpers import assert_one_access_entry

pytestmark = pytest.mark.django_db


def test_it_writes_exactly_one_entry_per_call_with_the_ids(people, case, request_as):
    request = request_as(people.manager)
    entry = access.log_read(
        request,
        page="casework:case",
        cases=[case],
        persons=[case.person_id],
        field_classes=[FieldClass.IDENTITY, FieldClass.CASE_FRAME],
    )
    assert AccessLogEntry.objects.count() == 1
    entry.refresh_from_db()
    assert entry.case_ids == [str(case.pk)]
    assert entry.person_ids == [str(case.person_id)]
    assert entry.case_numbers == [case.number]
    assert entry.field_classes == ["case_frame", "identity"]
    assert entry.user_id == people.manager.pk
    assert entry.username == people.manager.username
    assert entry.roles == ["social_manager"]
    assert entry.agreement_id == people.agreement.pk
    assert entry.outcome == AccessLogEntry.Outcome.SHOWN
    assert entry.page == "casework:case"
    assert entry.path == "/arenden/x/"
    assert entry.address == "10.1.2.3"
    assert len(entry.session_key_hash) == 64
    assert entry.outside_scope_case_ids == []


def test_it_names_each_case_and_person_once(people, case, request_as):
    entry = access.log_read(
        request_as(people.manager), page="list", cases=[case, case.pk, str(case.pk)], persons=[case.person] * 3
    )
    assert entry.case_ids == [str(case.pk)]
    assert entry.person_ids == [str(case.person_id)]


def test_it_appends_each_entry_to_the_chain(people, case, request_as):
    for _ in range(3):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])
    assert list(AccessLogEntry.objects.values_list("seq", flat=True)) == [1, 2, 3]
    first, second, third = AccessLogEntry.objects.all()
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert verify_chain(Chain.ACCESS).ok


def test_it_records_a_case_outside_a_caseworkers_assignments(people, case, other_unit_case, request_as):
    entry = access.log_read(request_as(people.caseworker), page="minutes", cases=[case, other_unit_case])
    assert entry.outside_scope_case_ids == [str(other_unit_case.pk)]


def test_a_case_assigned_to_the_caseworker_personally_is_inside_the_scope(people, other_unit_case, request_as):
    other_unit_case.caseworker = people.caseworker
    other_unit_case.save()
    entry = access.log_read(request_as(people.caseworker), page="casework:case", cases=[other_unit_case])
    assert entry.outside_scope_case_ids == []


def test_it_records_a_denied_attempt_with_an_unknown_id_as_outside_the_scope(people, request_as):
    entry = access.log_denied(request_as(people.police), page="casework:case", cases=["not-a-case"])
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.case_ids == ["not-a-case"]
    assert entry.case_numbers == []
    assert entry.outside_scope_case_ids == ["not-a-case"]
    assert verify_chain(Chain.ACCESS).ok


def test_a_case_of_another_agreement_is_flagged_without_its_id_or_number(people, outsider, other_agreement, request_as):
    from .factories import CaseFactory

    foreign = CaseFactory(
        agreement=other_agreement, proposed_by=outsider, person=PersonFactory(agreement=other_agreement)
    )
    entry = access.log_denied(request_as(people.manager), page="casework:case", cases=[foreign.pk])
    assert entry.outside_scope_case_ids == [access.FOREIGN_CASE]
    assert entry.case_ids == [] and entry.case_numbers == []


def test_the_entry_holds_no_content_of_the_case(people, case, request_as):
    entry = access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    stored = " ".join(str(value) for value in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values())
    assert case.person.last_name not in stored
    assert case.proposal_reason not in stored


def test_the_review_page_writes_one_entry_per_request(login, people):
    client = login(people.auditor)
    entry = assert_one_access_entry(client, "/granskning/atkomst/", [])
    assert entry.field_classes == ["logs"]


def test_no_page_is_sent_when_its_access_entry_cannot_be_written(people):
    from tests.conftest import verified_client

    client = verified_client(Client(raise_request_exception=False), people.auditor)
    with mock.patch("audit.access.append_access_entry", side_effect=DatabaseError("log unavailable")):
        response = client.get("/granskning/atkomst/")
    assert response.status_code == 500
    assert b"tkomstlogg" not in response.content
    assert not AccessLogEntry.objects.exists()


def test_a_failed_write_reaches_the_caller(people, case, request_as):
    failing = mock.patch("audit.access.append_access_entry", side_effect=DatabaseError("log unavailable"))
    with failing, pytest.raises(DatabaseError):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])


@pytest.mark.django_db(transaction=True)
def test_a_page_views_entry_is_one_transaction_without_a_savepoint_in_it(people, case, request_as):
    """As the middleware writes it, outside any transaction: the entry and its links commit together, in a
    transaction of their own and no savepoint inside it (two round trips fewer on every page view)."""
    request = request_as(people.manager)
    with CaptureQueriesContext(connection) as queries:
        entry = access.log_read(request, page="casework:case", cases=[case], persons=[case.person_id])
    statements = [query["sql"].split()[0].upper() for query in queries]
    assert "SAVEPOINT" not in statements, statements
    assert AccessLogCase.objects.filter(entry_id=entry.pk, case_id=case.pk).exists()
    assert AccessLogPerson.objects.filter(entry_id=entry.pk, person_id=case.person_id).exists()
