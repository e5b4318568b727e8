"""The case list: scoped per role, a fixed number of queries whatever the number of cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("casework:case_list")


def _cases(people, n, **kwargs):
    meeting = f.meeting(people)
    return [f.identified(people, at=meeting, **kwargs) for _ in range(n)]


def test_it_issues_the_same_number_of_queries_for_3_and_30_cases(people, login, django_assert_num_queries):
    client = login(people.manager)
    client.get(URL)  # the first request after login writes the session; later ones do not
    _cases(people, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _cases(people, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 30


def test_a_caseworker_sees_the_cases_of_their_unit(people, login):
    mine = _cases(people, 1, unit=people.investigation)[0]
    other = _cases(people, 1, unit=people.open_care)[0]
    rows = login(people.caseworker).get(URL).context["rows"]
    assert [row.case for row in rows] == [mine]
    assert other not in [row.case for row in rows]


def test_a_field_worker_sees_svansen_cases_only(people, login):
    svansen = _cases(people, 1, category="svansen")[0]
    _cases(people, 1, category="lifestyle")
    rows = login(people.field_worker).get(URL).context["rows"]
    assert [row.case for row in rows] == [svansen]
    assert all(row.badge is None for row in rows)


def test_the_police_see_every_case_but_no_follow_up_badge(people, login):
    _cases(people, 2)
    response = login(people.police).get(URL)
    assert len(response.context["rows"]) == 2
    assert not response.context["shows_badges"]


def test_it_filters_by_status_and_category(people, login):
    _cases(people, 1, category="lifestyle")
    f.propose(people, category="svansen")
    client = login(people.manager)
    assert len(client.get(URL, {"status": "proposed"}).context["rows"]) == 1
    assert len(client.get(URL, {"category": "lifestyle"}).context["rows"]) == 1


def test_it_logs_the_read_of_every_listed_case(people, login):
    cases = _cases(people, 2)
    login(people.manager).get(URL)
    entry = AccessLogEntry.objects.get(page="casework:case_list")
    assert sorted(entry.case_ids) == sorted(str(case.pk) for case in cases)
    assert sorted(entry.person_ids) == sorted(str(case.person_id) for case in cases)


@pytest.mark.parametrize("who", ["management", "sysadmin", "auditor"])
def test_it_is_forbidden_to_roles_without_case_access(people, login, who):
    assert login(getattr(people, who)).get(URL).status_code == 403
