"""Work recorded after the fact, in a browser (issue 16, points 2 and 4): an assessment made a month ago is
on the timeline at its own date, and a follow-up corrected keeps its earlier version, marked as corrected.
axe checks the form pages and the case page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework.services import follow_ups
from tests.casework import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ett-langt-testlosenord"


@pytest.fixture
def case(people):
    for user in (people.caseworker, people.manager):
        TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    return f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)


def test_an_assessment_recorded_a_month_late_is_dated_when_it_was_made(page, people, case):
    month_ago = f.months_ago(1).isoformat()
    sign_in(page, people.caseworker, PASSWORD)
    page.goto(f"/arenden/{case.pk}/")
    page.get_by_role("link", name="Skriv socialtjänstens bedömning").click()
    page.get_by_label("Socialtjänstens bedömning").fill("Bedömd vid hembesöket, förd in i efterhand.")
    page.get_by_label("Datum för bedömningen").fill(f.today().replace(year=f.today().year + 1).isoformat())
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_text("Datumet kan inte ligga i framtiden.").first).to_be_visible()  # nothing saved
    assert_accessible(page)
    page.get_by_label("Datum för bedömningen").fill(month_ago)
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_text("Socialtjänstens bedömning är sparad.")).to_be_visible()
    entry = page.locator(".samsyn-timeline__item", has_text="Socialtjänstens bedömning")
    expect(entry.locator(".samsyn-timeline__date")).to_contain_text(month_ago)
    expect(entry).to_contain_text(f"Registrerad {f.today().isoformat()}")
    # The timeline orders by when things happened: the identification four months ago comes first.
    dates = page.locator(".samsyn-timeline__date").all_inner_texts()
    assert [d[:10] for d in dates] == sorted(d[:10] for d in dates)
    assert_accessible(page)


def test_a_corrected_follow_up_keeps_its_earlier_version(page, people, case):
    follow_ups.write_follow_up(
        actor=f.actor(people.caseworker, people.agreement),
        case=case,
        written_on=f.today(),
        youth_view="Trivs på fritidsgården.",
        social_view="Fler skolkdagar än i våras.",
        outcome="worsened",
    )
    sign_in(page, people.caseworker, PASSWORD)
    page.goto(f"/arenden/{case.pk}/")
    page.get_by_role("link", name="Rätta uppföljningen").click()
    expect(page.get_by_role("heading", level=1, name="Rätta uppföljningen")).to_be_visible()
    expect(page.get_by_label("Socialtjänstens bild")).to_have_value("Fler skolkdagar än i våras.")
    page.get_by_role("button", name="Spara rättelsen").click()  # no reason given
    expect(page.locator("#reason-error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Socialtjänstens bild").fill("Färre skolkdagar än i våras.")
    page.get_by_label("Förbättrad").check()
    page.get_by_label("Skäl till rättelsen").fill("Siffrorna från skolan lästes fel.")
    page.get_by_role("button", name="Spara rättelsen").click()
    expect(page.get_by_text("Rättelsen är sparad.")).to_be_visible()
    name = people.caseworker.get_full_name()
    timeline = page.locator(".samsyn-timeline__item", has_text="Uppföljning")
    expect(timeline).to_contain_text(f"Rättad {f.today().isoformat()} av {name}: Siffrorna från skolan lästes fel.")
    expect(timeline).to_contain_text("Fler skolkdagar än i våras.")  # the earlier version
    expect(timeline).to_contain_text("Försämrad")
    expect(page.get_by_text("Färre skolkdagar än i våras.")).to_be_visible()  # the current version
    assert_accessible(page)
