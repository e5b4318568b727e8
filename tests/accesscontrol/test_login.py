"""Signing in: password, then a TOTP code (enrolled on first login) or a single-use recovery code;
wrong codes refused and throttled; lockout after repeated password failures; idle timeout."""

import datetime
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset as reset_lockout
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import second_factor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ett-langt-testlosenord"
MONDAY_MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def code_of(device, offset_steps=0):
    device.refresh_from_db()
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset_steps
    )
    return f"{value:0{device.digits}d}"


def sign_in_with_password(client, user, password=PASSWORD):
    return client.post(reverse("accesscontrol:login"), {"username": user.username, "password": password})


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.fixture
def enrolled(db):
    """A user with a confirmed authenticator app and recovery codes."""
    user = UserFactory(username="enrolled")
    device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    codes = second_factor.replace_recovery_codes(user)
    return user, device, codes


def test_first_login_enrols_the_app_and_shows_recovery_codes_once(client):
    user = UserFactory(username="newcomer")
    response = sign_in_with_password(client, user)
    assert response.url == reverse("accesscontrol:second_factor")
    assert client.get(response.url).url == reverse("accesscontrol:enrol")
    page = client.get(reverse("accesscontrol:enrol"))
    assert "<svg" in page.content.decode() and page.context["secret"]
    assert not verified(client)
    assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:second_factor")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accesscontrol:enrol"), {"token": code_of(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == second_factor.RECOVERY_CODES
    assert TOTPDevice.objects.get(user=user).confirmed
    assert verified(client)
    assert client.get(reverse("accesscontrol:start")).status_code == 200
    assert client.get(reverse("accesscontrol:enrol")).url == reverse("accesscontrol:second_factor")


def test_enrolment_refuses_a_wrong_code(client):
    user = UserFactory(username="newcomer")
    sign_in_with_password(client, user)
    client.get(reverse("accesscontrol:enrol"))
    response = client.post(reverse("accesscontrol:enrol"), {"token": "000000"})
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert not verified(client)


def test_a_current_code_completes_the_login(client, enrolled):
    user, device, _ = enrolled
    sign_in_with_password(client, user)
    response = client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)})
    assert response.url == reverse("accesscontrol:start")
    assert verified(client)


def test_it_refuses_a_wrong_code_and_then_throttles(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first failure, so the test cannot outrun it
    user, device, _ = enrolled
    sign_in_with_password(client, user)
    wrong = client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device, offset_steps=-20)})
    assert wrong.context["form"].errors["token"] == ["Koden stämmer inte. Vänta på nästa kod i appen och försök igen."]
    assert not verified(client)
    # django-otp now refuses even the right code for a while (factor × 1, 2, 4 … seconds).
    throttled = client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)})
    assert "För många felaktiga försök. Vänta" in throttled.context["form"].errors["token"][0]
    assert not verified(client)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(seconds=61)
    )
    assert client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)}).status_code == 302
    assert verified(client)


def test_a_recovery_code_works_once(enrolled):
    user, _, codes = enrolled
    first = Client()
    sign_in_with_password(first, user)
    assert first.post(reverse("accesscontrol:second_factor"), {"token": codes[0]}).status_code == 302
    assert verified(first)
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    second = Client()
    sign_in_with_password(second, user)
    response = second.post(reverse("accesscontrol:second_factor"), {"token": codes[0]})
    assert response.status_code == 200 and not verified(second)


def test_a_recovery_code_attempt_does_not_throttle_the_app(client, enrolled):
    user, device, _ = enrolled
    sign_in_with_password(client, user)
    client.post(reverse("accesscontrol:second_factor"), {"token": "not-a-code"})
    assert client.post(reverse("accesscontrol:second_factor"), {"token": code_of(device)}).status_code == 302


def test_lockout_after_repeated_password_failures(client, enrolled, settings):
    user, _, _ = enrolled
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in_with_password(client, user, password="fel-losenord")
        assert response.status_code == 200
        assert "Fel användarnamn eller lösenord" in response.content.decode()
    locked = sign_in_with_password(client, user, password="fel-losenord")
    assert locked.status_code == 429
    assert "Kontot är tillfälligt spärrat" in locked.content.decode()
    # Now even the right password is refused at this address (the username is locked here) ...
    refused = sign_in_with_password(client, user)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but not the colleague at their own desk: the lock is per username and address.
    colleague = Client(REMOTE_ADDR="10.9.8.7")
    assert sign_in_with_password(colleague, user).url == reverse("accesscontrol:second_factor")


def test_the_lock_at_one_address_ends_after_the_cool_off(enrolled, settings):
    user, _, _ = enrolled
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in_with_password(guesser, user, password="fel-losenord")
        traveller.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))
        assert sign_in_with_password(guesser, user).status_code == 429
        # Each attempt during the lock starts the cool-off again (django-axes' default): keep guessing,
        # stay locked out.
        traveller.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))
        assert sign_in_with_password(guesser, user).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
        assert sign_in_with_password(guesser, user).status_code == 302


def test_guessing_from_many_addresses_slows_the_username_down(enrolled, settings):
    """A guesser with many addresses: after SAMSYN_LOGIN_SLOWDOWN_AFTER failures in all, one attempt for the
    username per SAMSYN_LOGIN_SLOWDOWN_SECONDS, from anywhere; the password is not checked before that."""
    assert (settings.SAMSYN_LOGIN_SLOWDOWN_AFTER, settings.SAMSYN_LOGIN_SLOWDOWN_SECONDS) == (10, 60)
    user, _, _ = enrolled
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        for n in range(settings.SAMSYN_LOGIN_SLOWDOWN_AFTER):  # four addresses, below the lock at each
            guesser = Client(REMOTE_ADDR=f"203.0.113.{n // 3}")
            assert sign_in_with_password(guesser, user, password=f"gissning{n}").status_code == 200
        traveller.shift(30)
        slowed = sign_in_with_password(Client(REMOTE_ADDR="203.0.113.99"), user, password="fel-losenord")
        assert slowed.status_code == 429
        assert "Vänta 30 sekunder och försök igen." in slowed.content.decode()
        colleague = Client(REMOTE_ADDR="10.9.8.7")
        assert sign_in_with_password(colleague, user).status_code == 429  # the colleague waits too, briefly
        counted = AccessAttempt.objects.filter(username=user.username).aggregate(n=Sum("failures_since_start"))
        assert counted["n"] == settings.SAMSYN_LOGIN_SLOWDOWN_AFTER  # the refused attempts were not counted
        traveller.shift(30)
        assert sign_in_with_password(colleague, user).url == reverse("accesscontrol:second_factor")


def test_the_slow_down_ends_with_the_cool_off_and_with_a_reset(enrolled, settings):
    user, _, _ = enrolled
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        for n in range(settings.SAMSYN_LOGIN_SLOWDOWN_AFTER):
            sign_in_with_password(Client(REMOTE_ADDR=f"203.0.113.{n}"), user, password="fel-losenord")
        assert sign_in_with_password(Client(REMOTE_ADDR="10.9.8.7"), user).status_code == 429
        reset_lockout(username=user.username)
        assert sign_in_with_password(Client(REMOTE_ADDR="10.9.8.7"), user).status_code == 302
        for n in range(settings.SAMSYN_LOGIN_SLOWDOWN_AFTER):
            sign_in_with_password(Client(REMOTE_ADDR=f"203.0.113.{n}"), user, password="fel-losenord")
        traveller.shift(settings.AXES_COOLOFF_TIME)
        assert sign_in_with_password(Client(REMOTE_ADDR="10.9.8.8"), user).status_code == 302


def test_an_address_trying_many_usernames_does_not_lock_out_a_colleague_there(client, settings, db):
    """Colleagues often share an address (an office behind one NAT): someone there guessing other usernames
    locks only those usernames at that address."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accesscontrol:login"), {"username": f"gissning{n}", "password": "x"})
    user = UserFactory(username="innocent")
    assert sign_in_with_password(client, user).status_code == 302


def test_behind_the_proxy_one_address_guessing_a_password_does_not_lock_out_the_others(settings, db):
    settings.SAMSYN_PROXY_HOPS = 1
    proxy = "10.0.0.2"  # every request reaches Samsyn from the proxy
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    user = UserFactory(username="innocent")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(guesser, user, password="fel-losenord")
    assert sign_in_with_password(guesser, user).status_code == 429
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in_with_password(colleague, user).status_code == 302
    # A forged entry to the left of the proxy's changes nothing: the guesser is still locked out.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66")
    assert sign_in_with_password(forged, user).status_code == 429


def test_idle_timeout_signs_the_user_out(login, people, settings):
    settings.SAMSYN_IDLE_TIMEOUT_MINUTES = 30
    client = login(people.manager)
    assert client.get(reverse("accesscontrol:start")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("accesscontrol:start")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("accesscontrol:start"), follow=True)
    assert response.redirect_chain[0][0] == reverse("accesscontrol:login")
    assert "utan aktivitet" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_is_configurable(login, people, settings):
    settings.SAMSYN_IDLE_TIMEOUT_MINUTES = 5
    client = login(people.manager)
    client.get(reverse("accesscontrol:start"))
    session = client.session
    session["last_seen"] = time.time() - 6 * 60
    session.save()
    assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:login")


def test_signing_out_ends_the_session(login, people):
    client = login(people.manager)
    response = client.post(reverse("accesscontrol:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accesscontrol:login")
    assert "Du är utloggad." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accesscontrol:start")).url.startswith(reverse("accesscontrol:login"))


def test_every_page_carries_a_strict_content_security_policy(login, people):
    response = login(people.manager).get(reverse("accesscontrol:start"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
