"""In a browser: the social manager replaces a youth's samordningsnummer with the personnummer given later,
through the case page, and then finds the case by searching the new personnummer (and no longer by the old
one); the youth's contact details and guardians are changed on their own page. Each page passes axe and
fits a 390 px wide phone."""

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework import personal_numbers
from casework.models import Person
from tests.casework import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ett-langt-testlosenord"


@pytest.fixture
def coordinated(people):
    """A proposal of a 15-year-old recorded by a samordningsnummer, and the personnummer given later."""
    TOTPDevice.objects.create(user=people.manager, name="Autentiseringsapp", confirmed=True)
    born = f.today().replace(day=1) - datetime.timedelta(days=15 * 365)
    old = personal_numbers.make(born, 981, coordination=True)
    new = personal_numbers.make(born, 982)
    case = f.propose(
        people,
        by=people.manager,
        number=old,
        person=f.details(first="Samuel", last="Samordnad", guardians=[{"name": "Mamma Samordnad", "phone": ""}]),
    )
    return case, personal_numbers.parse(old), personal_numbers.parse(new)


def fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def search(page, text: str) -> str:
    page.goto("/arenden/")
    page.get_by_label("Sök ärende eller person").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Sök", exact=True).click()
    return page.locator("main").inner_text()


def test_a_samordningsnummer_replaced_through_the_page_then_the_case_is_found_by_the_personnummer(
    page, people, coordinated
):
    case, old, new = coordinated
    sign_in(page, people.manager, PASSWORD)
    assert case.number in search(page, old.display)

    page.goto(f"/arenden/{case.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ersätt samordningsnumret med personnummer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ersätt samordningsnumret med personnummer")
    assert old.display in page.locator("main").inner_text()
    assert_accessible(page)
    fits_a_phone(page)

    # A wrong check digit first: named in the error summary, linked to the field.
    wrong = new.display[:-1] + str((int(new.display[-1]) + 1) % 10)
    page.get_by_label("Personnummer").fill(wrong)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara personnumret").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Kontrollsiffran stämmer inte")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_personal_number")
    assert_accessible(page)

    page.get_by_label("Personnummer").fill(new.display)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara personnumret").click()
    main = page.locator("main")
    expect(main).to_contain_text("Personnumret är sparat")
    expect(main).to_contain_text(new.display)
    expect(main).to_contain_text("Samordningsnummer ersatt med personnummer")  # on the timeline
    expect(page.get_by_role("link", name="Ersätt samordningsnumret med personnummer")).to_have_count(0)
    assert Person.objects.get(pk=case.person_id).personal_number == new.normalised

    found = search(page, new.display)
    assert case.number in found and "Samuel Samordnad" in found
    with page.expect_navigation():
        page.get_by_role("link", name=case.number).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samuel Samordnad")
    assert case.number not in search(page, old.display)


def test_contact_details_and_guardians_changed_on_their_own_page(page, people, coordinated):
    case, _old, _new = coordinated
    sign_in(page, people.manager, PASSWORD)
    page.goto(f"/arenden/{case.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ändra personuppgifter").click()
    expect(page.get_by_label("Vårdnadshavare 1, namn")).to_have_value("Mamma Samordnad")
    assert_accessible(page)
    fits_a_phone(page)

    page.get_by_label("Telefon", exact=True).fill("070-123 45 67")
    page.get_by_label("Vårdnadshavare 2, telefon").fill("070-765 43 21")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara personuppgifterna").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Ange vårdnadshavarens namn till telefonnumret.")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_guardian_2_name")
    assert_accessible(page)

    page.get_by_label("Vårdnadshavare 2, namn").fill("Pappa Samordnad")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara personuppgifterna").click()
    main = page.locator("main")
    expect(main).to_contain_text("Personuppgifterna är sparade")
    expect(main).to_contain_text("Pappa Samordnad, 070-765 43 21")
    expect(main).to_contain_text("Ändrat: kontaktuppgifter, vårdnadshavare")
    assert_accessible(page)
