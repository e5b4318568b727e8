"""The navigation shows each role the pages it may use, and every entry leads to an existing page."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from accesscontrol.actor import Actor, actor_for
from accesscontrol.navigation import NAVIGATION, navigation_for
from accesscontrol.policies import may

pytestmark = pytest.mark.django_db


def labels(user, agreement):
    return [item["label"] for item in navigation_for(actor_for(user, agreement), "/")]


def test_every_entry_names_an_existing_page():
    for item in NAVIGATION:
        assert reverse(item.url_name)


def test_the_sysadmin_gets_the_administration_and_others_do_not(people):
    assert "Administration" in labels(people.sysadmin, people.agreement)
    for user in (people.manager, people.caseworker, people.police, people.auditor, people.management):
        assert "Administration" not in labels(user, people.agreement)
        assert "Mitt konto" in labels(user, people.agreement)


def test_the_administration_link_is_on_the_sysadmins_pages(login, people):
    page = login(people.sysadmin).get(reverse("accesscontrol:start")).content.decode()
    assert f'href="{reverse("administration:index")}"' in page


@pytest.mark.parametrize(
    "role", ["social_manager", "caseworker", "field_worker", "police", "management", "sysadmin", "auditor"]
)
def test_each_entry_a_role_is_shown_leads_to_a_page_the_role_may_open(role):
    from tests.accesscontrol.url_matrix import LOGIN, MATRIX, Redirect

    # One role held in an agreement, as the policy sees it (no instance administration).
    user = SimpleNamespace(is_instance_admin=False)
    actor = Actor(user=user, agreement=SimpleNamespace(pk=1), roles=frozenset({role}))
    for item in NAVIGATION:
        if any(may(actor, action) for action in item.actions):
            answer = MATRIX[item.url_name][role]
            # 200, or a start page that sends on to the current period's page (never to the login).
            opens = answer == 200 or (isinstance(answer, Redirect) and answer != LOGIN)
            assert opens, f"{role} is shown {item.url_name}, which answers them {answer}"
