"""Sessions (issue 19, point 6): a new key at each login step, an absolute lifetime counted from signing in,
and no response behind the login kept in a cache."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import second_factor
from accesscontrol.middleware import SIGNED_IN_AT
from casework.models import Case
from tests.accesscontrol.test_login import code_of, sign_in_with_password, verified
from tests.factories import UserFactory
from tests.reports import factories as reports_factories

pytestmark = pytest.mark.django_db
MONDAY_MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def enrolled(db):
    user = UserFactory(username="enrolled")
    device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    second_factor.replace_recovery_codes(user)
    return user, device


def key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_key(key: str) -> Client:
    """Another browser that presents `key` as its session cookie (someone who saw the key earlier)."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


# --- (a) a new key at the password step and at the second factor -------------------------------------------


def test_the_key_before_each_login_step_dies_at_it(client, enrolled):
    user, device = enrolled
    session = client.session  # an anonymous session, as a visitor has before signing in
    session["samsyn_language"] = "sv"
    session.save()
    anonymous = key_of(client)

    sign_in_with_password(client, user)
    after_password = key_of(client)
    assert after_password != anonymous
    assert not SessionStore().exists(anonymous)
    assert with_key(anonymous).get(reverse("accesscontrol:second_factor")).url == reverse("accesscontrol:login")

    assert client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)}).status_code == 302
    signed_in = key_of(client)
    assert signed_in != after_password and verified(client)
    assert not SessionStore().exists(after_password)
    # Whoever held the password step's key has neither the verified session nor the half-done one.
    holder = with_key(after_password)
    assert holder.get(reverse("accesscontrol:start")).url.startswith(reverse("accesscontrol:login"))
    assert client.get(reverse("accesscontrol:start")).status_code == 200


def test_enrolling_the_app_also_hands_out_a_new_key(client):
    user = UserFactory(username="newcomer")
    sign_in_with_password(client, user)
    client.get(reverse("accesscontrol:enrol"))
    after_password = key_of(client)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accesscontrol:enrol"), {"token": code_of(device)}).status_code == 200
    assert key_of(client) != after_password and verified(client)
    assert with_key(after_password).get(reverse("accesscontrol:start")).url.startswith(reverse("accesscontrol:login"))


def test_signing_in_again_on_a_signed_in_session_needs_both_steps_under_a_new_key(login, people):
    client = login(people.manager)
    before = key_of(client)
    response = sign_in_with_password(client, people.manager)
    assert response.url == reverse("accesscontrol:second_factor")
    assert key_of(client) != before and not SessionStore().exists(before)
    assert not verified(client)


# --- (b) an absolute lifetime ------------------------------------------------------------------------------


def test_a_busy_session_ends_its_age_after_signing_in(client, enrolled, settings):
    settings.SESSION_COOKIE_AGE = 150
    user, device = enrolled
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in_with_password(client, user)
        client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)})
        for _ in range(2):  # a request every 70 s: never idle
            traveller.shift(70)
            assert client.get(reverse("accesscontrol:start")).status_code == 200
        traveller.shift(9)  # 149 s after signing in
        assert client.get(reverse("accesscontrol:start")).status_code == 200
        traveller.shift(1)  # 150 s
        response = client.get(reverse("accesscontrol:start"), follow=True)
    assert response.redirect_chain[0][0] == reverse("accesscontrol:login")
    assert "Din inloggning har gått ut. Logga in igen." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lifetime_counts_from_the_password_step_not_the_second_factor(client, enrolled, settings):
    settings.SESSION_COOKIE_AGE = 150
    user, device = enrolled
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in_with_password(client, user)
        traveller.shift(100)
        client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)})
        assert verified(client)
        traveller.shift(50)
        assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:login")


def test_the_default_lifetime_is_twelve_hours_from_signing_in(login, people, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    settings.SAMSYN_IDLE_TIMEOUT_MINUTES = 90
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        client = login(people.manager)
        for _ in range(11):  # a request every hour until 11 hours
            traveller.shift(datetime.timedelta(hours=1))
            assert client.get(reverse("accesscontrol:start")).status_code == 200
        traveller.shift(datetime.timedelta(hours=1))
        assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:login")


def test_a_signed_in_session_without_a_sign_in_time_is_ended(login, people):
    client = login(people.manager)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:login")


def test_the_idle_timeout_still_comes_first_when_shorter(login, people, settings):
    settings.SAMSYN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        client = login(people.manager)
        assert client.get(reverse("accesscontrol:start")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("accesscontrol:start"), follow=True)
    assert "utan aktivitet" in response.content.decode()


# --- (c) nothing behind the login is kept in a cache --------------------------------------------------------


def assert_not_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "no-store" in directives, response["Cache-Control"]
    assert "public" not in directives
    assert response["Pragma"] == "no-cache"


@pytest.fixture
def pdf_as_its_html(monkeypatch):
    """The PDF without the PDF engine: its headers are what this is about."""
    monkeypatch.setattr("reports.exports.render_pdf", lambda html, **kwargs: html.encode())


def test_pages_files_and_the_api_are_not_stored(login, people, pdf_as_its_html):
    reports_factories.year_of_cases(people.agreement, 2025)
    case = Case.objects.filter(agreement=people.agreement).first()
    case_page = login(people.manager).get(reverse("casework:case_detail", args=[case.pk]))
    assert case_page.status_code == 200 and case_page["Content-Type"].startswith("text/html")
    assert_not_stored(case_page)

    access_log = login(people.auditor).get(reverse("audit:access_log_export"))
    assert access_log.status_code == 200 and access_log["Content-Type"].startswith("text/csv")
    assert_not_stored(access_log)

    management = login(people.management)
    for file_type, content_type in (("pdf", "application/pdf"), ("xlsx", "application/vnd.openxmlformats")):
        download = management.get(reverse("reports:statistics_file", args=["targets", "2025", file_type]))
        assert download.status_code == 200 and download["Content-Type"].startswith(content_type)
        assert_not_stored(download)
    api = management.get(f"/api/statistik/{people.agreement.pk}/")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    assert_not_stored(api)


def test_the_login_pages_and_redirects_are_not_stored_either(client, enrolled):
    assert_not_stored(client.get(reverse("accesscontrol:login")))
    assert_not_stored(client.get(reverse("accesscontrol:start")))  # the redirect to the login page
    user, _ = enrolled
    assert_not_stored(sign_in_with_password(client, user))


def test_static_files_and_the_health_check_keep_their_own_caching(client):
    static = client.get("/static/reports/print.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "") and "Pragma" not in static
    health = client.get("/healthz")
    assert "Pragma" not in health
