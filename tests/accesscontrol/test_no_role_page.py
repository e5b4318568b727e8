"""A user with no role (a `createsuperuser` account, a newcomer not yet given roles, someone whose roles were
removed) is told whom to ask: the sysadmins of the agreements their organisation is a party to, or of the
whole installation; and before the first sysadmin exists, how the operator makes one."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from accesscontrol.models import Membership, Role, User
from tests.factories import OrganisationFactory, UserFactory, user_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """LocaleMiddleware activates the request's language in this thread; later tests expect the default."""
    yield
    translation.deactivate()


def start_page(login, user) -> str:
    response = login(user).get(reverse("accesscontrol:start"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_user_without_a_role_sees_the_sysadmin_of_their_organisations_agreement(login, people, other_agreement):
    people.sysadmin.first_name, people.sysadmin.last_name = "Sam", "Systemförvaltare"
    people.sysadmin.save()
    elsewhere = user_with_roles(other_agreement, Role.SYSADMIN, username="grannadmin")
    newcomer = UserFactory(username="nykomling", organisation=people.agreement.police)
    page = start_page(login, newcomer)
    assert "Du har ingen roll i någon överenskommelse ännu." in page
    assert "Din systemförvaltare" in page
    assert "Sam Systemförvaltare" in page and f'href="mailto:{people.sysadmin.email}"' in page
    assert elsewhere.email not in page


def test_a_user_whose_roles_were_removed_is_told_the_same(login, people):
    Membership.objects.filter(user=people.caseworker).delete()
    page = start_page(login, people.caseworker)
    assert "Du har ingen roll" in page and people.sysadmin.email in page
    assert "Ärenden" not in page.split("<main")[1]


def test_every_sysadmin_of_the_organisations_agreements_is_named(login, people):
    second = user_with_roles(people.agreement, Role.SYSADMIN, username="andra-admin")
    page = start_page(login, UserFactory(username="nykomling", organisation=people.agreement.social_services))
    assert "Dina systemförvaltare" in page
    assert people.sysadmin.email in page and second.email in page


def test_without_an_organisation_in_an_agreement_the_installations_sysadmins_are_named(login, people, other_agreement):
    elsewhere = user_with_roles(other_agreement, Role.SYSADMIN, username="grannadmin")
    retired = user_with_roles(other_agreement, Role.SYSADMIN, username="pensionerad")
    User.objects.filter(pk=retired.pk).update(is_active=False)
    for user in (UserFactory(username="utan-organisation"), UserFactory(organisation=OrganisationFactory())):
        page = start_page(login, user)
        assert people.sysadmin.email in page and elsewhere.email in page
        assert retired.email not in page


@pytest.mark.empty_installation
def test_a_createsuperuser_account_before_the_first_run_is_told_how_to_make_the_first_sysadmin(login):
    admin = User.objects.create_superuser("admin", "admin@kommun.example.se", "ett-langt-testlosenord")
    page = start_page(login, admin)
    assert "Du har ingen roll i någon överenskommelse ännu." in page
    assert "Samsyn har ingen systemförvaltare ännu." in page and "manage.py setup_samsyn" in page
    assert not Group.objects.exists()  # looking changed nothing


def test_a_user_with_a_role_is_not_told_to_ask_for_one(login, people):
    page = start_page(login, people.manager)
    assert "Du har ingen roll" not in page and "systemförvaltare" not in page.lower().split("<main")[1]


def test_the_page_is_in_english_on_request(login, people):
    client = login(UserFactory(username="nykomling", organisation=people.agreement.social_services))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accesscontrol:start")).content.decode()
    assert "You do not have a role in any agreement yet." in page and "Your system administrator" in page
    assert people.sysadmin.email in page
