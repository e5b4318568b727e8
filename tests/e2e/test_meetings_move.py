"""In a browser (issue 16, point 1): the chair prepares the agenda before the day, the page says when the
proposals are handled, the meeting moves to today and the proposal is handled there; another meeting is
moved and then cancelled, its reasons on its page, the police participant told, and it is no longer the
next meeting. The dates are relative to the suite's day (--today), never assumed."""

import datetime
import os
import pathlib

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework.models import CaseStatus, Meeting, Notification
from casework.services import meetings as meeting_services
from tests.casework import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ett-langt-testlosenord"


@pytest.fixture
def planned(people):
    for user in (people.manager, people.police):
        TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    today = timezone.localdate()
    first = f.propose(people, proposed_on=today - datetime.timedelta(days=2))
    second = f.propose(people, proposed_on=today - datetime.timedelta(days=1))
    meeting = f.meeting(people, held_on=today + datetime.timedelta(days=14))
    return meeting, first, second


def test_a_proposal_is_prepared_before_the_day_and_handled_at_the_meeting(page, people, planned):
    meeting, first, second = planned
    today = timezone.localdate()
    sign_in(page, people.manager, PASSWORD)
    page.goto(f"/moten/{meeting.pk}/")
    day = meeting.held_on.isoformat()
    expect(page.get_by_text(f"Förslag behandlas på mötet den {day}.")).to_be_visible()
    expect(page.get_by_role("link", name=f"Behandla förslaget {first.number}")).to_have_count(0)
    assert_accessible(page)

    # The participants: the police in one submission with the field worker.
    page.get_by_role("link", name="Deltagare").click()
    users = page.get_by_role("group", name="Användare i Samsyn")
    users.get_by_label(str(people.police)).check()
    users.get_by_label(str(people.field_worker)).check()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Lägg till de valda").click()
    expect(page.get_by_text("Deltagarna är tillagda.")).to_be_visible()
    page.goto(f"/moten/{meeting.pk}/")

    # The agenda in the chair's order: the second proposal first, then the first set aside and put back.
    with page.expect_navigation():
        page.get_by_role("button", name=f"Flytta upp {second.number}").click()
    expect(page.get_by_text("Dagordningen är ändrad.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Ta bort från dagordningen {first.number}").click()
    expect(page.get_by_text("Borttagna från dagordningen")).to_be_visible()
    assert_accessible(page)
    # On a phone (390 px) the agenda's buttons wrap inside the page: nothing of it goes past the edge.
    page.set_viewport_size({"width": 390, "height": 844})
    # (The minutes' own proposals table, shared with the PDF, is wider than a phone: issue noted, not this.)
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#agenda-prepare *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 390
    page.locator("#agenda-prepare").screenshot(
        path=str(pathlib.Path(os.environ.get("SAMSYN_SCREENSHOTS", "/tmp")) / "agenda-390.png")
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_navigation():
        page.get_by_role("button", name=f"Lägg tillbaka {first.number}").click()
    expect(page.get_by_text("Borttagna från dagordningen")).to_have_count(0)

    # The meeting is brought forward to today, so the proposals are handled now.
    page.get_by_role("link", name="Flytta mötet").click()
    page.get_by_label("Nytt datum").fill(today.isoformat())
    page.get_by_label("Skäl").fill("Polisen kan inte komma om två veckor.")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text(f"Flyttat från {day}")).to_be_visible()
    expect(page.get_by_text("Polisen kan inte komma om två veckor.")).to_be_visible()
    expect(page.get_by_text("Förslag behandlas på mötet den")).to_have_count(0)
    page.get_by_role("link", name=f"Behandla förslaget {first.number}").click()
    page.get_by_label("Identifieras inte").check()
    page.get_by_label("Anteckning").fill("Ingen oro som mötet delar.")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Mötets beslut om förslaget är sparat.")).to_be_visible()
    first.refresh_from_db()
    assert first.status == CaseStatus.NOT_IDENTIFIED
    assert Notification.objects.filter(user=people.police, kind="meeting_moved").count() == 1


def test_a_meeting_is_moved_and_then_cancelled(page, people, planned):
    meeting, first, second = planned
    manager = f.actor(people.manager, people.agreement)
    meeting_services.add_participants(actor=manager, meeting=meeting, users=[people.police])
    later = meeting.held_on + datetime.timedelta(days=7)
    sign_in(page, people.manager, PASSWORD)
    page.goto(f"/moten/{meeting.pk}/")
    page.get_by_role("link", name="Flytta mötet").click()
    # No reason: nothing changes, and the error names the field.
    page.get_by_label("Nytt datum").fill(later.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("link", name="Skriv skälet.")).to_be_visible()
    assert_accessible(page)
    assert Meeting.objects.get(pk=meeting.pk).held_on == meeting.held_on
    page.get_by_label("Plats").fill("Polishuset")
    page.get_by_label("Skäl").fill("Stadshuset är upptaget.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text(f"Flyttat från {meeting.held_on.isoformat()}")).to_be_visible()

    page.get_by_role("link", name="Ställ in mötet").click()
    page.get_by_label("Skäl").fill("Ordföranden är sjuk.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Inställt:")).to_be_visible()
    expect(page.get_by_text("Ordföranden är sjuk.")).to_be_visible()
    expect(page.get_by_role("link", name="Flytta mötet")).to_have_count(0)
    assert_accessible(page)

    # The calendar file says so.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner kalenderinbjudan (inställt möte)").click()
    ics = pathlib.Path(download.value.path()).read_text(encoding="utf-8")
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:2" in ics

    # Nobody's next meeting any more.
    page.goto("/")
    expect(page.get_by_text("Inget möte är planerat.")).to_be_visible()
    page.goto("/moten/")
    expect(page.get_by_text("Inställt")).to_be_visible()

    # The police participant was told twice, and reads why.
    assert Notification.objects.filter(user=people.police).count() == 2
    page.context.clear_cookies()
    sign_in(page, people.police, PASSWORD)
    page.goto(f"/moten/{meeting.pk}/")
    expect(page.get_by_text("Ordföranden är sjuk.")).to_be_visible()
    assert_accessible(page)
