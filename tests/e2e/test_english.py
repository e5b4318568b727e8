"""A section manager switches to English with the footer button; the start page and the case list are
English, say so in <html lang>, and pass axe."""

import re

import pytest
from playwright.sync_api import expect

from accesscontrol.models import User
from casework import demo
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(live_server):
    demo.build_demo(seed=7)
    return User.objects.get(username="chef")


def test_the_footer_button_switches_the_interface_to_english(page, manager):
    sign_in(page, manager, demo.DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "sv"

    page.locator("footer").get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welcome, "))
    expect(page.locator("footer").get_by_role("button", name="Svenska")).to_be_visible()
    expect(page.locator("header")).not_to_contain_text("Logga ut")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_role("button", name="Show")).to_be_visible()
    assert_accessible(page)
