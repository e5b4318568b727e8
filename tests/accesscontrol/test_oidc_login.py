"""OpenID Connect login: an existing user by e-mail, never a new one; the identity provider's MFA counts
as the second factor only when trusted and proven by the ID token, otherwise Samsyn's TOTP follows."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accesscontrol.models import User
from accesscontrol.oidc import SamsynOIDCBackend
from tests.factories import UserFactory
from tests.foundation.test_production_settings import run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings, monkeypatch):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accesscontrol.oidc.SamsynOIDCBackend"]
    settings.ROOT_URLCONF = "tests.accesscontrol.oidc_urls"
    settings.OIDC_RP_CLIENT_ID = "samsyn"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.se/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.se/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.se/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.se/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_CREATE_USER = False
    settings.LOGIN_REDIRECT_URL_FAILURE = "/login/"
    settings.OIDC_TRUST_IDP_MFA = False
    settings.OIDC_MFA_AMR_VALUES = ["mfa"]
    settings.OIDC_MFA_ACR_VALUES = ["http://id.elegnamnden.se/loa/1.0/loa3"]
    identity = {"userinfo": {}, "id_token": {}}
    # The provider's side of the code flow: the token exchange, the signed ID token, the userinfo call.
    monkeypatch.setattr(SamsynOIDCBackend, "get_token", lambda self, payload: {"id_token": "x", "access_token": "y"})
    monkeypatch.setattr(SamsynOIDCBackend, "verify_token", lambda self, token, **kwargs: identity["id_token"])
    monkeypatch.setattr(SamsynOIDCBackend, "get_userinfo", lambda self, *args: identity["userinfo"])
    return identity


def callback(client, identity, *, email, id_token=None, **userinfo):
    identity["userinfo"] = {"email": email, **userinfo}
    identity["id_token"] = {"sub": "abc", **(id_token or {})}
    session = client.session
    session["oidc_states"] = {"state-1": {"nonce": "nonce-1", "code_verifier": "v"}}
    session.save()
    return client.get("/oidc/callback/", {"code": "code-1", "state": "state-1"})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_it_signs_in_the_existing_user_with_that_email_and_still_asks_for_totp(client, oidc):
    user = UserFactory(username="hugo", email="Hugo.Handlaggare@kommun.example.se")
    response = callback(client, oidc, email="hugo.handlaggare@kommun.example.se", id_token={"amr": ["mfa"]})
    assert response.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert DEVICE_ID_SESSION_KEY not in client.session  # the provider's MFA is not trusted by default
    assert client.get(reverse("accesscontrol:start")).url == reverse("accesscontrol:second_factor")


def test_trusted_provider_mfa_counts_as_the_second_factor(client, oidc, settings):
    settings.OIDC_TRUST_IDP_MFA = True
    UserFactory(username="hugo", email="hugo@kommun.example.se")
    callback(client, oidc, email="hugo@kommun.example.se", id_token={"amr": ["pwd", "mfa"]})
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get(reverse("accesscontrol:start")).status_code == 200


def test_a_swedish_eid_assurance_level_counts_when_configured(client, oidc, settings):
    settings.OIDC_TRUST_IDP_MFA = True
    UserFactory(username="hugo", email="hugo@kommun.example.se")
    callback(client, oidc, email="hugo@kommun.example.se", id_token={"acr": "http://id.elegnamnden.se/loa/1.0/loa3"})
    assert DEVICE_ID_SESSION_KEY in client.session


@pytest.mark.parametrize("id_token", [{}, {"amr": ["pwd"]}, {"amr": "pwd"}, {"acr": "loa1"}])
def test_a_trusted_provider_without_proof_of_mfa_leaves_totp_to_samsyn(client, oidc, settings, id_token):
    settings.OIDC_TRUST_IDP_MFA = True
    UserFactory(username="hugo", email="hugo@kommun.example.se")
    callback(client, oidc, email="hugo@kommun.example.se", id_token=id_token)
    assert signed_in_as(client)
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_it_never_creates_a_user_for_an_unknown_email(client, oidc, settings):
    settings.OIDC_CREATE_USER = True  # even if someone turns creation on, the backend refuses
    before = User.objects.count()
    response = callback(client, oidc, email="okand@kommun.example.se", id_token={"amr": ["mfa"]})
    assert response.url == settings.LOGIN_REDIRECT_URL_FAILURE
    assert User.objects.count() == before
    assert not signed_in_as(client)


@pytest.mark.parametrize(
    "case", ["inactive", "unverified", "ambiguous"], ids=["inactive-user", "email-not-verified", "two-users"]
)
def test_it_refuses_a_doubtful_match(client, oidc, settings, case):
    user = UserFactory(username="hugo", email="hugo@kommun.example.se", is_active=case != "inactive")
    if case == "ambiguous":
        UserFactory(username="hugo2", email="HUGO@kommun.example.se")
    extra = {"email_verified": False} if case == "unverified" else {}
    callback(client, oidc, email=user.email, **extra)
    assert not signed_in_as(client)


def test_the_settings_wire_the_endpoints_and_the_backend():
    env = {
        "OIDC_ENABLED": "true",
        "OIDC_RP_CLIENT_ID": "samsyn",
        "OIDC_RP_CLIENT_SECRET": "hemligt",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.se/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.se/token",
        "OIDC_OP_USER_ENDPOINT": "https://idp.example.se/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.se/jwks",
    }
    show = (
        "from django.conf import settings; from django.urls import resolve, reverse; "
        "print(settings.AUTHENTICATION_BACKENDS[-1], settings.OIDC_CREATE_USER, "
        "resolve(reverse('oidc_authentication_callback')).func.view_class.__name__)"
    )
    result = run_manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["accesscontrol.oidc.SamsynOIDCBackend", "False", "SamsynOIDCCallbackView"]


def test_the_login_page_offers_the_municipal_login_only_when_enabled(client, oidc, settings):
    settings.OIDC_ENABLED = False
    assert "oidc/authenticate" not in client.get(reverse("accesscontrol:login")).content.decode()
    settings.OIDC_ENABLED = True
    page = client.get(reverse("accesscontrol:login")).content.decode()
    assert 'href="/oidc/authenticate/"' in page and "Logga in med kommunens inloggning" in page
