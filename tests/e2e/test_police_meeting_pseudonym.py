"""In a browser: the police open the joint meeting and see the social services' proposal by its pseudonym,
never the youth's name (OSL 26 kap. 1 §; docs/roles-and-visibility.md, "The police and a youth's identity");
once the social manager has decided to disclose the identity, the police see the name."""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework.models import Area, LegalBasis
from casework.services import cases as case_services
from casework.services import disclosures as disclosure_services
from casework.services import meetings as meeting_services
from tests.casework import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ett-langt-testlosenord"
NAME = "Hemlig Hemligsson"


@pytest.fixture
def meeting_with_proposal(people):
    manager = f.actor(people.manager, people.agreement)
    TOTPDevice.objects.create(user=people.police, name="Autentiseringsapp", confirmed=True)
    today = timezone.localdate()
    meeting = f.meeting(people, held_on=today)
    meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    area = Area.objects.create(agreement=people.agreement, name="Centrum")
    proposal = case_services.propose_case(
        actor=manager,
        personal_number=f.personal_number(age=15, on=today),
        category="svansen",
        reason="Socialtjänstens hemliga skäl",
        proposed_on=today,
        person_details=f.details(first="Hemlig", last="Hemligsson", area=area),
    )
    return meeting, proposal


def test_the_police_see_the_pseudonym_on_the_meeting_page_not_the_name(page, people, meeting_with_proposal):
    meeting, proposal = meeting_with_proposal
    sign_in(page, people.police, PASSWORD)
    page.goto(f"/moten/{meeting.pk}/")
    text = page.locator("main").inner_text()
    assert "Förslag 1 från socialtjänsten: pojke, 15 år, område Centrum" in text
    assert NAME not in text
    assert proposal.person.personal_number_display not in text
    assert "Socialtjänstens hemliga skäl" not in text
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=proposal.number).first.click()
    text = page.locator("main").inner_text()
    assert "Förslag från socialtjänsten: pojke, 15 år, område Centrum" in text
    assert NAME not in text and proposal.person.personal_number_display not in text
    assert_accessible(page)


def test_after_the_disclosure_the_police_see_the_name(page, people, meeting_with_proposal):
    meeting, proposal = meeting_with_proposal
    disclosure_services.disclose(
        actor=f.actor(people.manager, people.agreement),
        case=proposal,
        field_classes=["identity"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Risk för brottslig verksamhet; identiteten behövs för att förebygga den.",
        decided_on=timezone.localdate(),
    )
    sign_in(page, people.police, PASSWORD)
    page.goto(f"/moten/{meeting.pk}/")
    text = page.locator("main").inner_text()
    assert NAME in text
    assert "från socialtjänsten" not in text


def test_the_police_proposing_the_same_youth_are_told_nothing_of_the_social_services(
    page, people, meeting_with_proposal
):
    meeting, proposal = meeting_with_proposal
    sign_in(page, people.police, PASSWORD)
    page.goto("/forslag/ny/")
    page.get_by_label("Personnummer eller samordningsnummer").fill(proposal.person.personal_number_display)
    with page.expect_navigation():
        page.get_by_role("button", name="Fortsätt").click()
    text = page.locator("main").inner_text()
    assert "Fyll i de uppgifter du har om ungdomen." in text
    assert NAME not in text and "finns" not in text and proposal.number not in text
    assert_accessible(page)

    page.get_by_label("Förnamn").fill("Hemlig")
    page.get_by_label("Efternamn").fill("Hemligsson")
    page.get_by_label("Pojke").check()
    page.get_by_label("Svansen", exact=True).check()
    page.get_by_label("Skäl för förslaget").fill("Sågs vid två ingripanden i Stationsparken.")
    page.get_by_role("button", name="Skicka förslaget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    text = page.locator("main").inner_text()
    assert proposal.number not in text and "Socialtjänstens hemliga skäl" not in text
    assert_accessible(page)
