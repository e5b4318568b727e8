"""A request for a case of another agreement is recorded in the requester's agreement without that case's
number or id (issue 19, point 5): both agreements number their cases from 2026-001, so the other
agreement's number would read, in this agreement's log, as an attempt on its own case of that number.
The entry is flagged instead, and the auditor sees the flag on the review page and in the CSV export."""

import csv
import io

import pytest

from accesscontrol.models import Role
from audit.access import FOREIGN_CASE
from audit.chain import verify_chain
from audit.models import AccessLogEntry, Chain
from tests import factories

from .factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

NUMBER = "2026-001"
FLAG = "Ärende i en annan överenskommelse"


@pytest.fixture
def own_case(people):
    return CaseFactory(agreement=people.agreement, proposed_by=people.manager, unit=people.investigation, number=NUMBER)


@pytest.fixture
def foreign_case(other_agreement, outsider):
    """Agreement B's case with the same number as agreement A's own case."""
    return CaseFactory(
        agreement=other_agreement, proposed_by=outsider, person=PersonFactory(agreement=other_agreement), number=NUMBER
    )


@pytest.fixture
def attempt(login, people, own_case, foreign_case):
    """A's police officer opens B's case (and a part of it) by its address; both are refused."""
    client = login(people.police)
    assert client.get(f"/arenden/{foreign_case.pk}/").status_code == 404
    assert client.get(f"/arenden/{foreign_case.pk}/socialtjanstens-bedomning/").status_code in (403, 404)
    return list(AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.DENIED).order_by("seq"))


def stored_text(entry) -> str:
    return " ".join(str(value) for value in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values())


def test_the_attempt_is_recorded_in_a_without_b_s_number_or_id(attempt, people, foreign_case):
    assert len(attempt) == 2
    for entry in attempt:
        assert entry.agreement_id == people.agreement.pk
        assert entry.case_ids == [] and entry.case_numbers == []
        assert entry.outside_scope_case_ids == [FOREIGN_CASE]
        text = stored_text(entry)
        assert str(foreign_case.pk) not in text and foreign_case.pk.hex not in text
        assert NUMBER not in text
        assert entry.path.startswith("/arenden/<dold>/")
    assert verify_chain(Chain.ACCESS).ok


def test_nothing_of_b_is_in_a_s_log(attempt, people, foreign_case):
    a_log = " ".join(stored_text(entry) for entry in AccessLogEntry.objects.filter(agreement_id=people.agreement.pk))
    for value in (str(foreign_case.pk), foreign_case.pk.hex, str(foreign_case.person_id), foreign_case.person_id.hex):
        assert value not in a_log


def test_a_s_auditor_sees_the_flag_not_an_attempt_on_a_s_own_case(attempt, login, people):
    client = login(people.auditor)
    rows = [row for row in client.get("/granskning/atkomst/").context["rows"] if row.outcome == "Nekad"]
    assert len(rows) == 2
    for row in rows:
        assert FLAG in row.flags
        assert "Ärende utanför användarens uppdrag" not in row.flags
        assert row.case_numbers == [] and row.unknown_cases == 0
    assert FLAG in client.get("/granskning/atkomst/").content.decode()
    # A search for A's own case does not find the attempt on B's case of the same number.
    own = client.get("/granskning/atkomst/", {"case_number": NUMBER}).context["rows"]
    assert all(row.outcome != "Nekad" for row in own)
    flagged = client.get("/granskning/atkomst/", {"flags": "foreign_case"}).context["rows"]
    assert sorted(row.seq for row in flagged) == sorted(entry.seq for entry in attempt)


def test_the_csv_export_shows_the_flag(attempt, login, people):
    response = login(people.auditor).get("/granskning/atkomst/export.csv", {"flags": "foreign_case"})
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert len(rows) == 2
    for row in rows:
        assert row[7] == ""
        assert FLAG in row[header.index("Flaggor")]


def test_b_s_log_and_b_s_auditor_see_nothing_of_the_attempt(attempt, login, other_agreement):
    assert not AccessLogEntry.objects.filter(agreement_id=other_agreement.pk).exclude(page__startswith="audit:")
    b_auditor = factories.user_with_roles(other_agreement, Role.AUDITOR, username="granskare-b")
    assert login(b_auditor).get("/granskning/atkomst/").context["rows"] == []


def test_an_attempt_on_a_s_own_case_outside_the_scope_keeps_its_number(login, people, own_case, foreign_case):
    other_unit = CaseFactory(agreement=people.agreement, proposed_by=people.manager, unit=people.open_care)
    assert login(people.caseworker).get(f"/arenden/{other_unit.pk}/").status_code == 404
    (entry,) = AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.DENIED)
    assert entry.case_ids == [str(other_unit.pk)] and entry.case_numbers == [other_unit.number]
    assert entry.outside_scope_case_ids == [str(other_unit.pk)]
    assert entry.path == f"/arenden/{other_unit.pk}/"
