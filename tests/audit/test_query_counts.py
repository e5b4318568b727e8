"""The auditor's pages cost the same number of queries for 3 rows as for 25 (issue 16, issue 20 point 5):
the access log (as listed, searched for a person or a case, exported), the change log and the chain
checks, whoever wrote the rows and about whichever cases."""

import itertools

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accesscontrol.actor import actor_for
from accesscontrol.models import Role
from audit.middleware import ChangeLogMiddleware
from audit.services import verify_audit_chains
from casework.models import CaseEvent
from tests.factories import user_with_roles
from tests.query_counts import assert_constant_queries

from .factories import CaseFactory
from .helpers import PERIOD, TUESDAY, at

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 25
_serial = itertools.count()


def _grown(add):
    """`add(n)` adds n rows: FEW before the first count, MANY - FEW by grow()."""
    add(FEW)
    return lambda: add(MANY - FEW)


def _caseworkers(people, n):
    return [
        user_with_roles(people.agreement, Role.CASEWORKER, username=f"qc-{next(_serial)}", units=[people.investigation])
        for _ in range(n)
    ]


def _reads_by_many(people, read, case=None):
    """Each new caseworker reads a case of their own (or `case`), at a minute of their own."""

    def add(n):
        for user in _caseworkers(people, n):
            minute = next(_serial) % 60
            shown = case or CaseFactory(
                agreement=people.agreement, proposed_by=people.manager, unit=people.investigation
            )
            read(user, cases=[shown], persons=[shown.person], when=at(TUESDAY, 10, minute))

    return add


@pytest.mark.parametrize("url_name", ["audit:access_log", "audit:access_log_export"])
def test_the_access_log_does_not_grow_with_its_entries(login, people, read, url_name):
    grow = _grown(_reads_by_many(people, read))
    response = assert_constant_queries(login(people.auditor), reverse(url_name), grow, data=PERIOD)
    if url_name == "audit:access_log":
        assert len(response.context["rows"]) >= MANY


def test_the_person_search_does_not_grow_with_the_persons_entries(login, people, read, case):
    grow = _grown(_reads_by_many(people, read, case=case))
    data = {**PERIOD, "person": str(case.person_id)}
    response = assert_constant_queries(login(people.auditor), reverse("audit:access_log"), grow, data=data)
    assert len(response.context["rows"]) >= MANY


def test_the_case_filter_does_not_grow_with_the_cases_entries(login, people, read, case):
    grow = _grown(_reads_by_many(people, read, case=case))
    data = {**PERIOD, "case_number": case.number}
    response = assert_constant_queries(login(people.auditor), reverse("audit:access_log"), grow, data=data)
    assert len(response.context["rows"]) >= MANY


def _changes_by_many(people, case=None):
    """Each new caseworker changes a case (or `case`) in a request of their own: a case and an event."""

    def add(n):
        for user in _caseworkers(people, n):
            changed = case or CaseFactory(agreement=people.agreement, proposed_by=people.manager)

            def view(request, user=user, changed=changed):
                request.actor = actor_for(user, people.agreement)
                changed.proposal_reason = f"Skäl {next(_serial)}"
                changed.save()
                CaseEvent.objects.create(case=changed, kind="reviewed", occurred_on=changed.proposed_on, by=user)

            request = RequestFactory().get("/")
            request.user = user
            ChangeLogMiddleware(view)(request)

    return add


def test_the_change_log_does_not_grow_with_its_entries(login, people):
    grow = _grown(_changes_by_many(people))
    response = assert_constant_queries(login(people.auditor), reverse("audit:change_log"), grow)
    assert len(response.context["rows"]) >= 2 * MANY


def test_the_change_log_of_a_person_does_not_grow_with_the_changes(login, people, case):
    grow = _grown(_changes_by_many(people, case=case))
    data = {"person": str(case.person_id)}
    response = assert_constant_queries(login(people.auditor), reverse("audit:change_log"), grow, data=data)
    assert len(response.context["rows"]) >= 2 * MANY


def test_the_chain_checks_do_not_grow_with_the_runs(login, people):
    def add(n):
        for _ in range(n):
            verify_audit_chains()

    response = assert_constant_queries(login(people.auditor), reverse("audit:verifications"), _grown(add))
    assert len(response.context["runs"]) >= MANY
