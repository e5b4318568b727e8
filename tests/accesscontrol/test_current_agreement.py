"""The middleware picks the agreement a request acts in; roles are those held in that agreement only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesscontrol import services
from accesscontrol.models import Role

pytestmark = pytest.mark.django_db


def test_a_user_of_one_agreement_acts_in_it_without_choosing(login, people):
    response = login(people.police).get(reverse("accesscontrol:start"))
    assert response.status_code == 200
    assert response.wsgi_request.actor.agreement == people.agreement
    assert response.wsgi_request.actor.roles == {Role.POLICE}


def test_a_user_of_two_agreements_chooses_and_gets_only_that_agreements_roles(login, people, other_agreement):
    services.grant_role(user=people.manager, agreement=other_agreement, role=Role.SYSADMIN)
    client = login(people.manager)
    assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:choose_agreement")
    client.post(reverse("accesscontrol:choose_agreement"), {"agreement": other_agreement.pk})
    actor = client.get(reverse("accesscontrol:start")).wsgi_request.actor
    assert actor.agreement == other_agreement
    assert actor.roles == {Role.SYSADMIN}


def test_it_refuses_to_act_in_an_agreement_the_user_has_no_role_in(login, people, other_agreement):
    client = login(people.police)
    response = client.post(reverse("accesscontrol:choose_agreement"), {"agreement": other_agreement.pk})
    assert response.status_code == 200  # the form says the choice is not valid
    session = client.session
    session["agreement_id"] = other_agreement.pk  # a tampered session
    session.save()
    actor = client.get(reverse("accesscontrol:start")).wsgi_request.actor
    assert actor.agreement == people.agreement


def test_the_sessions_agreement_and_roles_cost_one_query(login, people, other_agreement):
    """Every signed-in request asks which agreement and roles it acts in: one query once the session names
    the agreement (issue 20: fixed costs per page)."""
    services.grant_role(user=people.manager, agreement=other_agreement, role=Role.SYSADMIN)
    client = login(people.manager)
    client.post(reverse("accesscontrol:choose_agreement"), {"agreement": other_agreement.pk})
    with CaptureQueriesContext(connection) as queries:
        actor = client.get(reverse("accesscontrol:start")).wsgi_request.actor
    asked = [query["sql"] for query in queries if '"accesscontrol_membership"' in query["sql"]]
    assert (actor.agreement, actor.roles) == (other_agreement, {Role.SYSADMIN})
    assert len(asked) == 1, asked
