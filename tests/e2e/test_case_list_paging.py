"""The case list in a browser, with 500 cases: filtered, sorted and paged, the filters kept through sorting
and paging, axe on each step, and no sideways scrolling of the page at 390 px."""

import datetime
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework.models import Case, CaseStatus
from tests import factories
from tests.accesscontrol.factories import make_case
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett-langt-testlosenord"  # tests/factories.py
CASES = 500
STATUSES = [CaseStatus.PROPOSED, CaseStatus.ACTIVE, CaseStatus.ACTIVE, CaseStatus.CLOSED]


def build(people):
    """500 cases written straight to the tables (some seconds): units, statuses and days spread out."""
    start = datetime.date(2025, 1, 1)
    units = [people.investigation, people.open_care]
    for i in range(CASES):
        case = make_case(
            people.agreement,
            proposed_by=people.manager,
            category="svansen" if i % 3 == 0 else "lifestyle",
            unit=units[i % 2],
            status=STATUSES[i % 4],
        )
        Case.objects.filter(pk=case.pk).update(proposed_on=start + datetime.timedelta(days=i % 400))


def caption(page):
    return page.locator("caption")


def numbers_shown(page) -> list[str]:
    return page.locator("tbody tr td:first-child a").all_inner_texts()


def test_a_manager_filters_sorts_and_pages_through_500_cases(page, live_server):
    agreement = factories.AgreementFactory(name="Överenskommelse Landskrona")
    people = factories.people_for(agreement)
    TOTPDevice.objects.create(user=people.manager, name="Autentiseringsapp", confirmed=True)
    build(people)
    chosen = Case.objects.filter(agreement=agreement, unit=people.investigation, status=CaseStatus.ACTIVE)
    expected = sorted(chosen.values_list("number", flat=True))
    assert len(expected) == 125

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, people.manager, PASSWORD)
    page.goto("/arenden/")
    expect(caption(page)).to_have_text("500 ärenden")
    expect(page.get_by_text("Sida 1 av 10: rad 1–50 av 500")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
    assert_accessible(page)

    # Filter: the investigation unit's active cases.
    page.get_by_label("Ansvarig enhet").select_option(label="Utredning ungdom")
    page.get_by_label("Status").select_option(label="Aktuell")
    page.get_by_role("button", name="Visa").click()
    expect(caption(page)).to_have_text("125 ärenden")
    expect(page.get_by_text("Sida 1 av 3: rad 1–50 av 125")).to_be_visible()

    # Sort by case number: the header says so to a screen reader, the filters stay.
    page.get_by_role("link", name=re.compile(r"^Ärende")).click()
    header = page.locator("th[aria-sort='ascending']")
    expect(header).to_have_text(re.compile(r"^Ärende"))
    expect(caption(page)).to_have_text("125 ärenden")
    assert numbers_shown(page) == expected[:50]
    assert_accessible(page)

    # Page 2 through "Nästa", the last page through its number: the filters and the order stay.
    pages = page.get_by_role("navigation", name="Sidor")
    pages.get_by_role("link", name="Nästa").click()
    expect(page.get_by_text("Sida 2 av 3: rad 51–100 av 125")).to_be_visible()
    assert re.search(r"status=active", page.url) and "sort=number" in page.url and "sida=2" in page.url
    expect(pages.get_by_role("link", name="Sida 2")).to_have_attribute("aria-current", "page")
    assert numbers_shown(page) == expected[50:100]
    pages.get_by_role("link", name="Sida 3").click()
    expect(page.get_by_text("Sida 3 av 3: rad 101–125 av 125")).to_be_visible()
    assert numbers_shown(page) == expected[100:]
    assert_accessible(page)

    # The other way round, from the first page again.
    page.get_by_role("link", name=re.compile(r"^Ärende")).click()
    expect(page.locator("th[aria-sort='descending']")).to_have_text(re.compile(r"^Ärende"))
    assert numbers_shown(page) == expected[::-1][:50]
    assert "sida=" not in page.url

    # Clear the filters: all 500 again.
    page.get_by_role("link", name="Rensa filter").click()
    expect(caption(page)).to_have_text("500 ärenden")
