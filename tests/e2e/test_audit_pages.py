"""The auditor signs in, reviews the logs, and every review page passes axe."""

import re

import pytest
from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstlogg")
    page.reload()  # the first visit is itself an entry of the log, left out until asked for
    page.get_by_label("Visa mina egna granskningar av loggarna").check()
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile("own_reviews=on"))
    expect(page.get_by_role("cell", name="Åtkomstlogg", exact=True).first).to_be_visible()  # the page by its name
    assert_accessible(page)

    page.get_by_label("Personnummer eller samordningsnummer").fill("19000101-0000")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Utanför kontorstid").check()
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile("flags=outside_office_hours"))
    assert_accessible(page)


def test_the_auditor_reviews_the_change_log_and_the_checks(page, auditor):
    sign_in(page, auditor, demo.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Ändringslogg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändringslogg")
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Loggkontroll").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loggkontroll")
    expect(page.get_by_text("Hel").first).to_be_visible()
    assert_accessible(page)

    # A check from the page: run in-process here (no broker), so the page it returns to shows the result.
    page.get_by_role("button", name="Kontrollera loggarna nu").click()
    expect(page.get_by_text("Den senaste kontrollen från sidan blev klar")).to_be_visible()
    expect(page.get_by_role("cell", name="Startad från sidan").first).to_be_visible()
    assert_accessible(page)
