"""The auditor signs in, reviews the logs, and every review page passes axe."""

import pytest

from accesscontrol.models import User
from audit.services import verify_audit_chains
from casework import demo
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def auditor(demo_once):
    demo_once(lambda: (demo.build_demo(seed=7), verify_audit_chains()))
    return User.objects.get(username="granskare")


def test_the_auditor_reviews_the_access_log(page, auditor):
    sign_in(page, auditor, demo.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Åtkomstlogg").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Åtkomstlogg"
    page.reload()  # the first visit is itself an entry of the log
    assert page.get_by_role("cell", name="Åtkomstlogg", exact=True).first.is_visible()  # the page by its name
    assert_accessible(page)

    page.get_by_label("Personnummer eller samordningsnummer").fill("19000101-0000")
    page.get_by_role("button", name="Sök", exact=True).click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.get_by_label("Utanför kontorstid").check()
    page.get_by_role("button", name="Visa").click()
    assert "flags=outside_office_hours" in page.url
    assert_accessible(page)


def test_the_auditor_reviews_the_change_log_and_the_checks(page, auditor):
    sign_in(page, auditor, demo.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Ändringslogg").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ändringslogg"
    assert page.get_by_role("table").is_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Loggkontroll").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Loggkontroll"
    assert page.get_by_text("Hel").first.is_visible()
    assert_accessible(page)
