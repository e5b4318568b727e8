"""One quarter played through the pages by the demo users, each page checked with axe:
propose (police) → schedule, hold and identify (social manager) → offer an intervention (caseworker) →
orossamtal (field worker) → follow-up in the window (caseworker) → minutes approved by the chair and
the police, and locked."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from accesscontrol.models import User
from casework import demo, personal_numbers
from casework.models import Case, FollowUp, Meeting
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def as_user(browser, live_server):
    """A signed-in page per demo user, each in its own browser context (a one-time code is used once)."""
    demo.build_demo(seed=11)
    pages = {}

    def page_of(username):
        if username not in pages:
            context = browser.new_context(base_url=live_server.url, locale="sv-SE")
            pages[username] = context.new_page()
            sign_in(pages[username], User.objects.get(username=username), demo.DEMO_PASSWORD)
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


def test_one_quarter_from_proposal_to_locked_minutes(as_user):
    today = timezone.localdate()
    held_on = today - relativedelta(months=4)  # so the follow-up window is open today
    proposed_on = held_on - datetime.timedelta(days=10)
    # A samordningsnummer: the demo uses personnummer only, so this person is new.
    number = personal_numbers.make(proposed_on - relativedelta(years=15, days=40), 987, coordination=True)

    # The police propose a youth.
    police = as_user("polis")
    visit(police, "/forslag/ny/")
    police.get_by_label("Personnummer eller samordningsnummer").fill(number)
    police.get_by_role("button", name="Fortsätt").click()
    assert_accessible(police)
    police.get_by_label("Förnamn").fill("Testa")
    police.get_by_label("Efternamn").fill("Låtsasberg")
    police.get_by_label("Pojke/man").check()
    police.get_by_label("Svansen", exact=True).check()
    police.get_by_label("Skäl för förslaget").fill("Sågs vid två ingripanden i Stationsparken.")
    police.get_by_label("Datum för förslaget").fill(proposed_on.isoformat())
    police.get_by_role("button", name="Skicka förslaget").click()
    expect(police.get_by_role("heading", level=1)).to_have_text("Testa Låtsasberg")
    assert_accessible(police)
    case_url = police.url.removeprefix(police.url.split("/arenden/")[0])
    case = Case.objects.get(pk=case_url.split("/")[2])
    assert case.status == "proposed"

    # The social manager schedules the meeting, adds the police, identifies the proposal, writes the minutes.
    manager = as_user("chef")
    visit(manager, "/moten/")
    manager.get_by_role("button", name="Planera nytt möte").click()
    assert_accessible(manager)
    manager.get_by_label("Datum").fill(held_on.isoformat())
    manager.get_by_label("Plats").fill("Stadshuset")
    with manager.expect_navigation():
        manager.get_by_role("button", name="Spara").click()
    meeting = Meeting.objects.get(held_on=held_on)
    assert meeting.location == "Stadshuset"  # encrypted: read back, not searched
    meeting_url = f"/moten/{meeting.pk}/"
    assert manager.url.endswith(meeting_url)
    assert_accessible(manager)
    manager.get_by_role("link", name="Deltagare").click()
    assert_accessible(manager)
    manager.get_by_role("group", name="Användare i Samsyn").get_by_label("Per Ungdomsutredare").check()
    manager.get_by_role("button", name="Lägg till de valda").click()
    visit(manager, meeting_url)
    manager.get_by_role("link", name=f"Behandla förslaget {case.number}").click()
    assert_accessible(manager)
    manager.get_by_label("Identifieras som ärende").check()
    manager.get_by_label("Svansen", exact=True).check()
    manager.get_by_label("Ansvarig enhet").select_option(label="Utredning ungdom (Socialtjänsten i Demostad)")
    manager.get_by_label("Handläggare").select_option(label="Hugo Handläggarsson")
    manager.get_by_role("button", name="Spara beslutet").click()
    assert_accessible(manager)
    manager.get_by_role("link", name="Skriv strategiska resonemang").click()
    assert_accessible(manager)
    manager.get_by_label("Strategiska resonemang").fill("Fokus på de yngsta i gruppen vid Stationsparken.")
    manager.get_by_role("button", name="Spara").click()
    manager.get_by_role("link", name="Lägg till beslut").click()
    assert_accessible(manager)
    manager.get_by_label("Beslut", exact=True).fill("Fältgruppen söker upp ungdomen och föräldrarna.")
    manager.get_by_label("Ansvarig", exact=True).select_option(label="Frida Fältström")
    with manager.expect_navigation():
        manager.get_by_role("button", name="Spara").click()
    case.refresh_from_db()
    assert case.status == "active" and case.raised_on == held_on

    # The caseworker offers an intervention.
    caseworker = as_user("handlaggare")
    visit(caseworker, case_url)
    caseworker.get_by_role("link", name="Erbjud en insats").click()
    assert_accessible(caseworker)
    caseworker.get_by_label("Insats", exact=True).select_option(label="Kontaktperson")
    caseworker.get_by_label("Tackat ja").check()
    caseworker.get_by_label("Start").fill(today.isoformat())
    caseworker.get_by_role("button", name="Spara insatsen").click()
    expect(caseworker.locator("main")).to_contain_text("Kontaktperson")
    assert_accessible(caseworker)

    # The field worker records an orossamtal from the start page's quick button.
    field = as_user("falt")
    visit(field, "/")
    field.get_by_role("button", name="Ny kontakt").click()
    assert_accessible(field)
    field.get_by_label("Orossamtal").check()
    # The youth picker: typing the case number narrows the list to the one youth, a click picks it.
    field.get_by_role("combobox", name="Ungdom (svansen)").fill(case.number)
    field.get_by_role("listbox").get_by_role("option", name=f"{case.number} Testa Låtsasberg").click()
    field.get_by_label("Med föräldrar").check()
    field.get_by_role("button", name="Spara").click()
    expect(field.locator("main")).to_contain_text("Kontakten är registrerad.")
    assert_accessible(field)

    # The caseworker writes the follow-up inside the window.
    visit(caseworker, case_url)
    caseworker.get_by_role("link", name="Skriv uppföljning").click()
    assert_accessible(caseworker)
    caseworker.get_by_label("Ungdomens egen bild (och föräldrarnas)").fill("Trivs med kontaktpersonen.")
    caseworker.get_by_label("Socialtjänstens bild").fill("Färre kvällar ute.")
    caseworker.get_by_label("Förbättrad").check()
    caseworker.get_by_role("button", name="Spara uppföljningen").click()
    expect(caseworker.locator("main")).to_contain_text("Gjord")
    assert_accessible(caseworker)
    assert FollowUp.objects.get(case=case).late is False

    # The chair and the police approve; the minutes lock.
    visit(manager, meeting_url)
    manager.get_by_role("button", name="Justera protokollet").click()
    assert_accessible(manager)
    visit(police, meeting_url)
    police.get_by_role("button", name="Justera protokollet").click()
    expect(police.locator("main")).to_contain_text("Justerat")
    expect(police.get_by_role("button", name="Justera protokollet")).to_have_count(0)
    assert_accessible(police)
    meeting.refresh_from_db()
    assert meeting.locked
