"""The first run of a real installation, in a browser, on an empty database: `setup_samsyn` makes the parties,
the agreement and the sysadmin; the sysadmin signs in and enrols the authenticator app from the key the
page shows; creates a social manager in the administration, which waits for approval until operations carry
out the first approver (`grant_first_approver`: the agreement has no social manager to approve it); the social
manager chooses a password from the e-mailed link, signs in, enrols, and plans the first meeting. No Python
shell, and every page passes axe."""

import base64
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

from accesscontrol.models import Membership, Role, User
from casework.models import Agreement, Meeting
from tests.accesscontrol.factories import FIRST_RUN, FIRST_RUN_PASSWORD
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SYSADMIN_PASSWORD = FIRST_RUN_PASSWORD
MANAGER_PASSWORD = "Signes-eget-losenord-2026"


def code_from_the_key_shown(page) -> str:
    """What the authenticator app shows for the key typed in by hand (RFC 6238, the defaults of the QR code)."""
    secret = page.locator("main code").first.inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def sign_in_and_enrol(page, username, password):
    page.goto("/login/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", name="Aktivera tvåstegsinloggning")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Engångskod").fill(code_from_the_key_shown(page))
    page.get_by_role("button", name="Aktivera").click()
    expect(page.get_by_role("heading", name="Tvåstegsinloggningen är aktiverad")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Jag har sparat koderna").click()


def test_from_an_empty_database_to_the_first_meeting(browser, live_server, monkeypatch):
    assert not (Agreement.objects.exists() or User.objects.exists())
    monkeypatch.setenv("SAMSYN_SETUP_PASSWORD", SYSADMIN_PASSWORD)
    call_command("setup_samsyn", "--noinput", stdout=io.StringIO(), **FIRST_RUN)
    agreement = Agreement.objects.get()

    # The sysadmin signs in for the first time and enrols the authenticator app.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    sysadmin = context.new_page()
    sign_in_and_enrol(sysadmin, "forvaltare", SYSADMIN_PASSWORD)
    expect(sysadmin.get_by_role("heading", level=1)).to_have_text("Välkommen, Sara Systemsson")
    assert_accessible(sysadmin)

    # … and creates the social manager in the administration.
    sysadmin.get_by_role("link", name="Administration").first.click()
    assert_accessible(sysadmin)
    sysadmin.locator("main").get_by_role("link", name="Användare", exact=True).click()
    assert_accessible(sysadmin)
    sysadmin.get_by_role("link", name="Lägg till användare").click()
    assert_accessible(sysadmin)
    sysadmin.get_by_label("Användarnamn").fill("chef")
    sysadmin.get_by_label("Förnamn").fill("Signe")
    sysadmin.get_by_label("Efternamn").fill("Sektionsdotter")
    sysadmin.get_by_label("E-postadress").fill("signe.sektionsdotter@nyby.example.se")
    sysadmin.get_by_label("Befattning").fill("Sektionschef, barn och unga")
    sysadmin.get_by_label("Organisation").select_option(label="Socialtjänsten i Nyby")
    sysadmin.get_by_label("Sektionschef, socialtjänsten").check()
    sysadmin.get_by_role("button", name="Spara").click()
    expect(sysadmin.locator("main")).to_contain_text("Posten är tillagd.")
    expect(sysadmin.locator("main")).to_contain_text("väntar på beslut")
    expect(sysadmin.locator("main")).to_contain_text("Signe Sektionsdotter")
    assert_accessible(sysadmin)
    manager = User.objects.get(username="chef")
    assert not Membership.objects.filter(user=manager, agreement=agreement, role=Role.SOCIAL_MANAGER).exists()
    context.close()

    # Nobody in Samsyn can approve the first social manager: operations carry out the sysadmin's request.
    call_command("grant_first_approver", "chef", stdout=io.StringIO())
    assert Membership.objects.filter(user=manager, agreement=agreement, role=Role.SOCIAL_MANAGER).exists()

    # The social manager chooses a password from the e-mailed one-time link.
    [message] = [m for m in mail.outbox if m.to == ["signe.sektionsdotter@nyby.example.se"]]
    link = re.search(r"http\S+/login/losenord/\S+/", message.body).group(0)
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    chef = context.new_page()
    chef.goto(link.removeprefix(link.split("/login/")[0]))
    expect(chef.get_by_role("heading", name="Välj lösenord")).to_be_visible()
    assert_accessible(chef)
    chef.get_by_label("Nytt lösenord", exact=True).fill(MANAGER_PASSWORD)
    chef.get_by_label("Bekräfta nytt lösenord").fill(MANAGER_PASSWORD)
    chef.get_by_role("button", name="Spara lösenordet").click()
    expect(chef.locator("main")).to_contain_text("Lösenordet är sparat.")

    # … signs in, enrols, and plans the first meeting.
    sign_in_and_enrol(chef, "chef", MANAGER_PASSWORD)
    expect(chef.get_by_role("heading", level=1)).to_have_text("Välkommen, Signe Sektionsdotter")
    assert_accessible(chef)
    chef.get_by_role("link", name="Möten").first.click()
    assert_accessible(chef)
    chef.get_by_role("button", name="Planera nytt möte").click()
    assert_accessible(chef)
    chef.get_by_label("Datum").fill("2026-03-12")
    chef.get_by_label("Plats").fill("Stadshuset, sal 2")
    with chef.expect_navigation():
        chef.get_by_role("button", name="Spara").click()
    meeting = Meeting.objects.get(agreement=agreement)
    assert (meeting.held_on.isoformat(), meeting.location) == ("2026-03-12", "Stadshuset, sal 2")
    assert meeting.chair == manager
    assert chef.url.endswith(f"/moten/{meeting.pk}/")
    assert_accessible(chef)
    context.close()


def test_a_user_without_a_role_is_shown_whom_to_ask(page, monkeypatch):
    """A `createsuperuser` account after the first run: the start page names the sysadmin, and passes axe."""
    monkeypatch.setenv("SAMSYN_SETUP_PASSWORD", SYSADMIN_PASSWORD)
    call_command("setup_samsyn", "--noinput", stdout=io.StringIO(), **FIRST_RUN)
    User.objects.create_superuser("admin", "drift@nyby.example.se", MANAGER_PASSWORD)
    sign_in_and_enrol(page, "admin", MANAGER_PASSWORD)
    expect(page.locator("main")).to_contain_text("Du har ingen roll i någon överenskommelse ännu.")
    expect(page.locator("main")).to_contain_text("Sara Systemsson, sara.systemsson@nyby.example.se")
    assert page.get_by_role("link", name="sara.systemsson@nyby.example.se").get_attribute("href") == (
        "mailto:sara.systemsson@nyby.example.se"
    )
    assert_accessible(page)
