"""The access log's links to the cases and persons an entry names: written with the entry, read by "who has
seen this" and the auditor's person search, backfilled for old entries, purged with their entries."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accesscontrol.actor import actor_for
from audit import access
from audit.chain import verify_chain
from audit.models import AccessLogCase, AccessLogEntry, AccessLogPerson, Chain
from audit.selectors import AccessFilters, case_access_history, person_access_summary, review_access_log
from audit.services import purge_chain_prefix

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("audit.migrations.0008_access_links")


def links(entry) -> tuple[set[str], set[str]]:
    return (
        {str(value) for value in AccessLogCase.objects.filter(entry_id=entry.pk).values_list("case_id", flat=True)},
        {str(value) for value in AccessLogPerson.objects.filter(entry_id=entry.pk).values_list("person_id", flat=True)},
    )


def test_an_entry_links_the_cases_and_persons_it_names(people, case, other_unit_case, request_as):
    entry = access.log_read(
        request_as(people.manager),
        page="casework:case_list",
        cases=[case, other_unit_case],
        persons=[case.person, other_unit_case.person],
    )
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert links(entry) == (set(stored.case_ids), set(stored.person_ids))
    persons = {str(case.person_id), str(other_unit_case.person_id)}
    assert links(entry) == ({str(case.pk), str(other_unit_case.pk)}, persons)


def test_a_case_of_another_agreement_is_not_linked(people, case, request_as, other_agreement, outsider):
    foreign = CaseFactory(agreement=other_agreement, proposed_by=outsider)
    entry = access.log_denied(request_as(people.caseworker), page="casework:case", cases=[foreign])
    assert links(entry) == (set(), set())
    assert AccessLogEntry.objects.get(pk=entry.pk).outside_scope_case_ids == [access.FOREIGN_CASE]


def refuse_person_links() -> None:
    """From now on (until the test's transaction is rolled back) the database refuses a person link: a
    failure after the entry and its case links were written, in the database itself, where PostgreSQL
    writes them all in one statement."""
    table = AccessLogPerson._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_link() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_link BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_link()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_link BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )


def test_no_entry_is_written_without_its_links(people, case, request_as):
    refuse_person_links()
    with pytest.raises(DatabaseError):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    assert not AccessLogEntry.objects.exists()
    assert not AccessLogCase.objects.exists()


def test_who_has_seen_the_case_is_read_through_the_links(people, case, request_as):
    access.log_read(request_as(people.caseworker), page="casework:case", cases=[case])
    manager = actor_for(people.manager, people.agreement)
    with CaptureQueriesContext(connection) as queries:
        history = case_access_history(case=case, actor=manager)
        summary = person_access_summary(person=case.person, cases=[case], actor=manager, limit=20)
    assert [entry.username for entry in history] == [people.caseworker.username]
    assert summary.total == 1
    log_queries = [query["sql"] for query in queries if "audit_accesslogentry" in query["sql"]]
    assert log_queries and all("audit_accesslogcase" in sql for sql in log_queries)
    assert not any("LIKE" in sql.upper() for sql in log_queries)


def test_an_entry_found_through_both_its_case_and_its_person_counts_once(people, case, request_as):
    access.log_read(request_as(people.caseworker), page="casework:case", cases=[case], persons=[case.person])
    history = case_access_history(case=case, actor=actor_for(people.manager, people.agreement))
    assert len(history) == 1


def test_the_person_search_finds_reads_of_the_persons_cases(people, case, other_unit_case, request_as):
    access.log_read(request_as(people.caseworker), page="reports:follow_up", cases=[case])
    access.log_read(request_as(people.police), page="casework:person", persons=[case.person])
    access.log_read(request_as(people.field_worker), page="casework:case", cases=[other_unit_case])
    entries, _busy = review_access_log(
        actor=actor_for(people.auditor, people.agreement), filters=AccessFilters(person_id=str(case.person_id))
    )
    assert [entry.username for entry in entries] == [people.police.username, people.caseworker.username]


def test_the_backfill_links_the_entries_written_before(people, case, other_unit_case, request_as):
    first = access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    second = access.log_read(request_as(people.manager), page="casework:case_list", cases=[case, other_unit_case])
    expected = {entry.pk: links(entry) for entry in (first, second)}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('samsyn.audit_purge', 'on', true)")
        AccessLogCase.objects.all().delete()
        AccessLogPerson.objects.all().delete()
    backfill.backfill_links(apps, SimpleNamespace(connection=connection))  # it uses the editor's connection only
    assert {entry.pk: links(entry) for entry in (first, second)} == expected
    assert verify_chain(Chain.ACCESS).ok


def test_a_purge_takes_the_links_with_their_entries(people, case, request_as):
    for _ in range(2):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    cutoff = timezone.now()
    kept = access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    purge = purge_chain_prefix(chain=Chain.ACCESS, before=cutoff)
    assert purge.removed == 2
    assert set(AccessLogCase.objects.values_list("entry_id", flat=True)) == {kept.pk}
    assert set(AccessLogPerson.objects.values_list("entry_id", flat=True)) == {kept.pk}
    assert verify_chain(Chain.ACCESS).ok


@pytest.mark.services
@pytest.mark.parametrize("model", [AccessLogCase, AccessLogPerson], ids=lambda model: model.__name__)
def test_the_links_are_append_only(people, case, request_as, model):
    access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])
    for statement in (lambda: model.objects.update(entry_id=F("entry_id")), lambda: model.objects.all().delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()
    assert model.objects.exists()
