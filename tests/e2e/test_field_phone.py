"""The field team's phone (issue 16, point 7), in a browser 390 × 844: the field pages fit the screen, the
youth is found by typing, a contact is started from the case page, and a contact sent without a network
stays on the page, says so, and is saved once when the network is back."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accesscontrol.models import User
from casework import demo
from casework.models import Case, CaseStatus, Category, FieldContact
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
OFFLINE = "Ingen anslutning. Det du skrivit finns kvar och skickas när anslutningen är tillbaka."


@pytest.fixture
def field_worker(demo_once):
    demo_once(lambda: demo.build_demo(seed=7))
    return User.objects.get(username="falt")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=PHONE)
    yield context.new_page()
    context.close()


def _svansen_cases():
    """The active svansen cases: those a field worker records contacts on (their scope is svansen)."""
    return list(Case.objects.filter(status=CaseStatus.ACTIVE, category=Category.SVANSEN).select_related("person"))


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_the_field_pages_fit_a_phone(phone, field_worker):
    with_contacts = next(case for case in _svansen_cases() if case.field_contacts.exists())
    sign_in(phone, field_worker, demo.DEMO_PASSWORD)
    for url in (
        reverse("casework:field_home"),
        reverse("casework:new_contact"),
        reverse("casework:new_visit"),
        reverse("casework:field_figures"),
        reverse("casework:case_detail", args=[with_contacts.pk]),
    ):
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        _fits(phone)
        assert_accessible(phone)


def test_the_youth_is_found_by_typing(phone, field_worker):
    cases = _svansen_cases()
    wanted = cases[0]
    label = f"{wanted.number} {wanted.person.full_name}"
    sign_in(phone, field_worker, demo.DEMO_PASSWORD)
    phone.goto(reverse("casework:new_contact"))
    box = phone.get_by_role("combobox", name="Ungdom (svansen)")
    expect(box).to_have_attribute("aria-expanded", "false")
    status = phone.locator("[data-picker-status]")
    expect(status).to_have_text("Ingen identifierad ungdom – anonym kontakt")  # what an empty box means
    box.press_sequentially(wanted.person.full_name.split()[-1][:4].lower())
    expect(box).to_have_attribute("aria-expanded", "true")
    matches = phone.get_by_role("listbox").get_by_role("option")
    expect(matches.filter(has_text=label)).to_have_count(1)
    shown = matches.count()
    assert 1 <= shown < len(cases) or len(cases) == 1
    expect(status).to_have_text("1 träff" if shown == 1 else f"{shown} träffar")
    # The whole number narrows it to the one youth; the arrow key and Enter pick it, without sending.
    box.fill(wanted.number)
    expect(matches).to_have_count(1)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    box.press("Enter")
    expect(box).to_have_value(label)
    expect(box).to_have_attribute("aria-expanded", "false")
    assert phone.eval_on_selector("select[name=case]", "select => select.value") == str(wanted.pk)
    assert "/falt/kontakt/ny/" in phone.url  # Enter picked; it did not send the form
    _fits(phone)
    assert_accessible(phone)


def test_a_contact_started_on_the_case_page_survives_a_dropped_network(phone, field_worker):
    case = _svansen_cases()[0]
    label = f"{case.number} {case.person.full_name}"
    before = FieldContact.objects.filter(case=case).count()
    sign_in(phone, field_worker, demo.DEMO_PASSWORD)
    phone.goto(reverse("casework:case_detail", args=[case.pk]))
    phone.get_by_role("link", name="Ny kontakt").click()
    box = phone.get_by_role("combobox", name="Ungdom (svansen)")
    expect(box).to_have_value(label)  # the youth of the case page is chosen

    # The server's validation still answers: no kind chosen, the form comes back with its errors and the
    # picker, and what was typed.
    phone.get_by_label("Anteckning").fill("Träffades vid kiosken på torget.")
    phone.get_by_role("button", name="Spara").click()
    expect(phone.locator(".govuk-error-summary")).to_be_visible()
    expect(phone.get_by_role("combobox", name="Ungdom (svansen)")).to_have_value(label)
    expect(phone.get_by_label("Anteckning")).to_have_value("Träffades vid kiosken på torget.")
    assert FieldContact.objects.filter(case=case).count() == before

    phone.get_by_label("Uppsökande kontakt").check()
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Spara").click()
    expect(phone.get_by_role("alert").filter(has_text=OFFLINE)).to_be_visible()
    expect(phone.get_by_label("Anteckning")).to_have_value("Träffades vid kiosken på torget.")
    assert "/falt/kontakt/ny/" in phone.url
    _fits(phone)
    # Nothing of it is kept in the browser's storage.
    stored = phone.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "kiosken" not in stored
    assert FieldContact.objects.filter(case=case).count() == before

    # A second tap while offline says the same, once, and sends nothing.
    phone.get_by_role("button", name="Spara").click()
    expect(phone.get_by_text(OFFLINE)).to_have_count(1)

    phone.context.set_offline(False)  # the browser's `online` event sends it
    expect(phone.get_by_text("Kontakten är registrerad.")).to_be_visible()
    expect(phone).to_have_url(re.compile(reverse("casework:case_detail", args=[case.pk]) + "$"))
    expect(phone.get_by_text("Träffades vid kiosken på torget.")).to_be_visible()
    phone.wait_for_timeout(500)
    assert FieldContact.objects.filter(case=case).count() == before + 1
    _fits(phone)
    assert_accessible(phone)


def test_the_retry_button_sends_a_kept_contact(phone, field_worker):
    sign_in(phone, field_worker, demo.DEMO_PASSWORD)
    phone.goto(reverse("casework:new_contact"))
    before = FieldContact.objects.count()
    phone.get_by_label("Uppsökande kontakt").check()
    phone.get_by_label("Antal anonyma ungdomar").fill("3")
    # The page cannot reach the server, though the browser believes it is online: no `online` event comes.
    phone.route("**/falt/kontakt/ny/", lambda route: route.abort("internetdisconnected"))
    phone.get_by_role("button", name="Spara").click()
    expect(phone.get_by_text(OFFLINE)).to_be_visible()
    phone.unroute("**/falt/kontakt/ny/")
    phone.get_by_role("button", name="Försök skicka nu").click()
    expect(phone.get_by_text("Kontakten är registrerad.")).to_be_visible()
    expect(phone).to_have_url(re.compile(reverse("casework:field_home") + "$"))
    assert FieldContact.objects.count() == before + 1


def test_a_contact_whose_answer_was_lost_is_not_saved_twice(phone, field_worker):
    sign_in(phone, field_worker, demo.DEMO_PASSWORD)
    phone.goto(reverse("casework:new_contact"))
    before = FieldContact.objects.count()
    phone.get_by_label("Uppsökande kontakt").check()
    phone.get_by_label("Antal anonyma ungdomar").fill("2")

    def reaches_the_server_but_the_answer_is_lost(route):
        route.fetch(max_redirects=0)  # the server saves the contact …
        route.abort("internetdisconnected")  # … and the phone loses the answer

    phone.route("**/falt/kontakt/ny/", reaches_the_server_but_the_answer_is_lost)
    phone.get_by_role("button", name="Spara").click()
    expect(phone.get_by_text(OFFLINE)).to_be_visible()
    assert FieldContact.objects.count() == before + 1
    phone.unroute("**/falt/kontakt/ny/")
    phone.get_by_role("button", name="Försök skicka nu").click()
    expect(phone.get_by_text("Kontakten är registrerad.")).to_be_visible()
    assert FieldContact.objects.count() == before + 1
