"""A refused request writes exactly one denied entry in the access log, in the same request: a page's 403
and 404 (audit.access.AccessLogMiddleware) and the API's (audit.refusals.api_exception_handler), both
named by the URL's route, the latter in the agreement the request is about, so that agreement's auditor
sees it."""

from unittest import mock

import pytest
from django.db import DatabaseError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accesscontrol.actor import actor_for
from audit import access, selectors
from audit.models import AccessLogEntry

from .helpers import TUESDAY, at

pytestmark = pytest.mark.django_db


def denied_entries():
    return list(AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.DENIED))


def test_a_page_the_role_does_not_give_is_logged_as_denied(login, people, case):
    response = login(people.police).get(f"/arenden/{case.pk}/socialtjanstens-bedomning/")
    assert response.status_code == 403
    (entry,) = AccessLogEntry.objects.all()
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.page == "casework:social_assessment"
    assert entry.case_ids == [str(case.pk)] and entry.case_numbers == [case.number]
    assert (entry.username, entry.roles) == (people.police.username, ["police"])
    assert entry.agreement_id == people.agreement.pk


@pytest.mark.parametrize(
    "role, url, page",
    [("management", "/arenden/", "casework:case_list"), ("sysadmin", "/moten/", "casework:meeting_list")],
)
def test_a_list_outside_the_role_is_logged_as_denied(login, people, role, url, page):
    assert login(getattr(people, role)).get(url).status_code == 403
    (entry,) = denied_entries()
    assert entry.page == page and entry.case_ids == []


def test_a_refusal_is_logged_once(login, people):
    assert login(people.police).get("/granskning/kontroll/").status_code == 403
    assert len(denied_entries()) == 1


def test_a_case_outside_the_scope_is_logged_once(login, people, other_unit_case):
    assert login(people.caseworker).get(f"/arenden/{other_unit_case.pk}/").status_code == 404
    (entry,) = denied_entries()
    assert entry.case_ids == [str(other_unit_case.pk)] and entry.outside_scope_case_ids == [str(other_unit_case.pk)]


def test_without_its_denied_entry_a_refusal_is_not_answered(login, people, case):
    client = login(people.police)
    unavailable = mock.patch("audit.access.append_access_entry", side_effect=DatabaseError("log unavailable"))
    with unavailable, pytest.raises(DatabaseError):
        client.get(f"/arenden/{case.pk}/socialtjanstens-bedomning/")
    assert AccessLogEntry.objects.count() == 0


def test_log_denied_writes_one_entry_per_request(people, request_as):
    request = request_as(people.police)
    first = access.log_denied(request, page="casework:case")
    assert access.log_denied(request, page="other") == first
    assert AccessLogEntry.objects.count() == 1


# --- the statistics API ---------------------------------------------------------------------------------


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_an_api_refusal_names_the_agreement_of_the_url_and_the_roles_there(people):
    response = token_client(people.police).get(f"/api/statistik/{people.agreement.pk}/targets/2025/")
    assert response.status_code == 403
    (entry,) = denied_entries()
    assert entry.page == "api_statistics_table"
    assert (entry.username, entry.agreement_id, entry.roles) == (
        people.police.username,
        people.agreement.pk,
        ["police"],
    )


def test_an_api_refusal_for_another_agreement_is_recorded_in_that_agreement(people, other_agreement):
    response = token_client(people.management).get(f"/api/statistik/{other_agreement.pk}/targets/2025/")
    assert response.status_code == 403
    (entry,) = denied_entries()
    assert (entry.agreement_id, entry.roles) == (other_agreement.pk, [])


def test_an_api_refusal_without_an_agreement_in_the_url_names_the_users_agreement(people):
    assert token_client(people.auditor).get("/api/schema/").status_code == 403
    (entry,) = denied_entries()
    assert (entry.page, entry.agreement_id, entry.roles) == ("api_schema", people.agreement.pk, ["auditor"])


def test_an_api_for_a_table_the_catalogue_lacks_is_logged_once_in_the_agreement(people):
    response = token_client(people.management).get(f"/api/statistik/{people.agreement.pk}/persons/2025/")
    assert response.status_code == 404
    (entry,) = denied_entries()
    assert (entry.agreement_id, entry.roles) == (people.agreement.pk, ["management"])


def test_the_auditor_sees_api_refusals(people):
    with mock.patch("audit.access.timezone.now", return_value=at(TUESDAY, 10)):
        token_client(people.police).get(f"/api/statistik/{people.agreement.pk}/targets/2025/")
    entries, _busy = selectors.review_access_log(
        actor=actor_for(people.auditor, people.agreement),
        filters=selectors.AccessFilters(since=TUESDAY, until=TUESDAY, denied=True),
    )
    assert [entry.page for entry in entries] == ["api_statistics_table"]
