"""The reminders page in a browser: the demo's due reminders, the channel choice, axe."""

import pytest
from playwright.sync_api import expect

from accesscontrol.models import User
from casework import demo
from casework.reminders import run_reminders
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_caseworker_reads_reminders_and_chooses_in_app_only(page, live_server):
    demo.build_demo(seed=11)
    run_reminders()
    caseworker = User.objects.get(username="handlaggare")
    sign_in(page, caseworker, demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Påminnelser").click()
    expect(page.get_by_role("heading", level=1, name="Påminnelser")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bara i Samsyn").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ditt val är sparat.")).to_be_visible()
    assert_accessible(page)
    caseworker.refresh_from_db()
    assert caseworker.reminder_channel == "in_app"
