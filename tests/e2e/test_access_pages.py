"""The access-control pages in a browser: the sysadmin's administration, the social manager's disclosure
and access-decision pages, the account page and the set-password page each sign in for real and pass axe
(WCAG 2.1 AA)."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.accesscontrol.url_matrix import MATRIX, project_patterns, url_of
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ett-langt-testlosenord"


@pytest.fixture
def world(url_world):
    return url_world("sysadmin", "manager", "police")


def pages_for(visitor, prefixes):
    """The URLs of our pages that the matrix says `visitor` gets (200)."""
    return [p for p in project_patterns() if p.key.startswith(prefixes) and MATRIX[p.key][visitor] == 200]


def visit_all(page, world, patterns):
    for pattern in patterns:
        url = url_of(pattern, world)
        page.goto(url)
        assert urlparse(page.url).path == url, f"{pattern.key} went to {page.url}"
        assert page.locator("h1").count() == 1, pattern.key
        assert_accessible(page)


def test_the_sysadmins_pages_are_accessible(page, world):
    sign_in(page, world.people.sysadmin, PASSWORD)
    patterns = pages_for("sysadmin", ("administration:", "accesscontrol:account"))
    assert len(patterns) > 25
    visit_all(page, world, patterns)


def test_a_form_with_errors_is_accessible(page, world):
    sign_in(page, world.people.sysadmin, PASSWORD)
    page.goto("/administration/anvandare/ny/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_the_social_managers_disclosure_pages_are_accessible(page, world):
    sign_in(page, world.people.manager, PASSWORD)
    visit_all(page, world, pages_for("social_manager", ("disclosures:", "approvals:", "accesscontrol:account")))
    page.goto(url_of(next(p for p in project_patterns() if p.key == "disclosures:record_consent"), world))
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_the_police_view_of_disclosures_is_accessible(page, world):
    sign_in(page, world.people.police, PASSWORD)
    visit_all(page, world, pages_for("police", ("disclosures:",)))


def test_the_set_password_page_is_accessible(page, world):
    page.goto(url_of(next(p for p in project_patterns() if p.key == "accesscontrol:set_password"), world))
    expect(page.get_by_role("heading", name="Länken fungerar inte")).to_be_visible()
    assert_accessible(page)


def test_the_enrolment_page_of_a_first_login_is_accessible(page, world):
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(world.people.caseworker.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", name="Aktivera tvåstegsinloggning")).to_be_visible()
    assert_accessible(page)
