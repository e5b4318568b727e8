"""The auditor's own reviews in the access log: reading the log is their mission, so it is never flagged as a
case outside it, and their own reviews do not fill the next search unless they ask for them."""

import pytest
import time_machine

from audit.models import AccessLogEntry
from tests import factories

from .helpers import PERIOD, TUESDAY, at

pytestmark = pytest.mark.django_db

URL = "/granskning/atkomst/"
OUTSIDE = "Ärende utanför användarens uppdrag"


def seqs(response):
    return [row.seq for row in response.context["rows"]]


@pytest.fixture(autouse=True)
def on_the_tuesday():
    """Every step on the Tuesday of PERIOD, sign-in included (a session signed in on another day would
    have expired by then, whatever --today is), so the reviews' own entries lie in the period."""
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        yield


@pytest.fixture
def second_auditor(people):
    return factories.user_with_roles(people.agreement, "auditor", username="granskare-b")


def review(client, path=URL, **query):
    return client.get(path, {**PERIOD, **query})


def last_review() -> AccessLogEntry:
    return AccessLogEntry.objects.filter(page="audit:access_log").order_by("-seq").first()


def test_an_auditors_review_of_the_log_is_not_flagged_outside_their_mission(
    login, people, case, other_unit_case, read, second_auditor
):
    outside = read(people.caseworker, cases=[other_unit_case])
    review(login(people.auditor), person=str(other_unit_case.person_id))
    reviewed = last_review()
    assert reviewed.outside_scope_case_ids == [str(other_unit_case.pk)]  # the auditor is assigned no case
    response = review(login(second_auditor))
    flags = {row.seq: row.flags for row in response.context["rows"]}
    assert reviewed.seq in flags and OUTSIDE not in flags[reviewed.seq]
    assert OUTSIDE in flags[outside.seq]
    assert seqs(review(login(second_auditor), flags="outside_scope")) == [outside.seq]


def test_the_auditors_own_reviews_do_not_fill_a_person_search(login, people, case, read, second_auditor):
    wanted = read(people.caseworker, cases=[case], persons=[case.person])
    client = login(people.auditor)
    for _ in range(3):
        review(client, person=str(case.person_id))
    own = list(AccessLogEntry.objects.filter(page="audit:access_log", user_id=people.auditor.pk))
    assert len(own) == 3 and all(entry.person_ids == [str(case.person_id)] for entry in own)

    assert seqs(review(client, person=str(case.person_id))) == [wanted.seq]
    with_own = seqs(review(client, person=str(case.person_id), own_reviews="on"))
    assert {entry.seq for entry in own} < set(with_own) and wanted.seq in with_own


def test_another_auditors_reviews_are_shown(login, people, case, read, second_auditor):
    read(people.caseworker, cases=[case], persons=[case.person])
    review(login(second_auditor), person=str(case.person_id))
    theirs = last_review()
    assert theirs.seq in seqs(review(login(people.auditor), person=str(case.person_id)))


def test_the_filter_is_on_the_page_and_kept_in_the_export(login, people, case, read):
    read(people.caseworker, cases=[case], persons=[case.person])
    client = login(people.auditor)
    review(client)
    page = review(client).content.decode()
    assert "Visa mina egna granskningar av loggarna" in page
    export = review(client, f"{URL}export.csv").content.decode()
    with_own = review(client, f"{URL}export.csv", own_reviews="on").content.decode()
    assert "Åtkomstlogg" not in export and "Åtkomstlogg" in with_own
