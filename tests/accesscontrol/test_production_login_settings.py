"""Production settings: secure, HTTP-only, SameSite cookies, and no demo shortcut past the second factor."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory
from tests.foundation.test_production_settings import COMPLETE, run_manage

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_NAME', "
    "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', 'CSRF_COOKIE_SAMESITE', 'LANGUAGE_COOKIE_SECURE', "
    "'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SAMSYN_DEMO_SECOND_FACTOR_HINTS', 'SAMSYN_IDLE_TIMEOUT_MINUTES', "
    "'SESSION_COOKIE_AGE', 'AXES_LOCKOUT_PARAMETERS', 'SAMSYN_LOGIN_SLOWDOWN_AFTER', "
    "'SAMSYN_LOGIN_SLOWDOWN_SECONDS', 'SAMSYN_API_TOKEN_DAYS', 'MIDDLEWARE')}))"
)


@pytest.fixture(scope="module")
def production():
    result = run_manage("shell", "-c", SHOW, env={**COMPLETE, "SAMSYN_DEMO_SECOND_FACTOR_HINTS": "true"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_are_secure_http_only_and_same_site_in_production(production):
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")  # secure, no Domain, Path=/
    assert production["LANGUAGE_COOKIE_SECURE"]
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert production["SAMSYN_IDLE_TIMEOUT_MINUTES"] == 30


def test_production_locks_per_username_and_address_and_limits_sessions_and_keys(production):
    assert production["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert (production["SAMSYN_LOGIN_SLOWDOWN_AFTER"], production["SAMSYN_LOGIN_SLOWDOWN_SECONDS"]) == (10, 60)
    assert production["SESSION_COOKIE_AGE"] == 12 * 60 * 60
    assert production["SAMSYN_API_TOKEN_DAYS"] == 90
    assert "accesscontrol.middleware.NoStoreMiddleware" in production["MIDDLEWARE"]
    assert "accesscontrol.middleware.SessionTimeoutMiddleware" in production["MIDDLEWARE"]


def test_production_has_no_demo_second_factor_hints_even_when_asked(production):
    assert production["SAMSYN_DEMO_SECOND_FACTOR_HINTS"] is False


def test_demo_otp_refuses_in_production():
    result = run_manage("demo_otp", env=COMPLETE)
    assert result.returncode != 0
    assert "development only" in result.stderr


def test_demo_otp_refuses_when_the_hints_are_off(settings):
    settings.SAMSYN_DEMO_SECOND_FACTOR_HINTS = False
    with pytest.raises(CommandError):
        call_command("demo_otp")


@pytest.mark.django_db
def test_the_session_cookie_carries_the_flags(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    user = UserFactory(username="cookie")
    response = client.post(
        reverse("accesscontrol:login"), {"username": user.username, "password": "ett-langt-testlosenord"}, secure=True
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
