"""Issue 16 in a browser: a 2 MB "Skäl för förslaget" is refused with the field's name and limit, the error
summary takes the focus and links to the field, and nothing is saved.

The text area carries `maxlength`, so a browser cuts typing and pasting at the limit; a script, an old
browser or a hand-made request does not. The test checks the attribute, then sets the value by script
(which `maxlength` does not stop) to test the server's refusal."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework.models import Case, Person
from tests import factories
from tests.casework import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TWO_MB = 2 * 1024 * 1024
PASSWORD = "ett-langt-testlosenord"  # tests/factories.py


def test_a_2_mb_reason_pasted_into_the_proposal_is_refused_with_the_fields_name(page, live_server):
    agreement = factories.AgreementFactory(name="Överenskommelse Landskrona")
    police = factories.people_for(agreement).police
    TOTPDevice.objects.create(user=police, name="Autentiseringsapp", confirmed=True)
    sign_in(page, police, PASSWORD)

    page.goto(reverse("casework:propose"))
    page.get_by_label("Personnummer eller samordningsnummer").fill(f.personal_number())
    page.get_by_role("button", name="Fortsätt").click()

    page.get_by_label("Förnamn").fill("Exempla")
    page.get_by_label("Efternamn").fill("Påhittsson")
    page.locator("input[name=gender][value=girl]").check()
    page.locator("input[name=category][value=svansen]").check()
    reason = page.get_by_label("Skäl för förslaget")
    expect(reason).to_have_attribute("maxlength", "10000")
    # What a paste would bring were maxlength not there: set by script, as a hand-made request could.
    reason.evaluate("(element, size) => { element.value = 'x'.repeat(size); }", TWO_MB)
    page.get_by_role("button", name="Skicka förslaget").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Det finns ett problem")
    message = "”Skäl för förslaget” får vara högst 10\u00a0000 tecken (nu 2\u00a0097\u00a0152)."
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_reason")
    expect(page.locator("#reason-error")).to_contain_text(message)  # beside the field too
    assert_accessible(page)
    link.click()
    expect(page.locator("#id_reason")).to_be_focused()
    assert not Case.objects.exists()
    assert not Person.objects.exists()
