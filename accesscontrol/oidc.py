"""Optional OpenID Connect login for a municipality's identity provider (mozilla-django-oidc).

Turned on by OIDC_ENABLED (config/settings.py). An identity provider can only sign in a Samsyn user who
already exists: users and their roles are created by the sysadmin, never by a login. The provider's own
multi-factor authentication counts as Samsyn's second factor only when OIDC_TRUST_IDP_MFA is on and the
ID token says so (its `amr` or `acr` claim); otherwise the user still passes Samsyn's TOTP step.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from . import second_factor


def idp_proved_mfa(id_token_claims: dict) -> bool:
    """The ID token proves multi-factor authentication (RFC 8176 `amr` values, or an `acr` level such as
    Swedish eID assurance level 3) and Samsyn is configured to trust it."""
    if not getattr(settings, "OIDC_TRUST_IDP_MFA", False):
        return False
    amr = id_token_claims.get("amr") or []
    methods = {amr} if isinstance(amr, str) else set(amr)
    if methods & set(getattr(settings, "OIDC_MFA_AMR_VALUES", ["mfa"])):
        return True
    return id_token_claims.get("acr") in set(getattr(settings, "OIDC_MFA_ACR_VALUES", []))


class SamsynOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        """The one active user with this e-mail address; none if the provider says it is unverified."""
        email = claims.get("email")
        if not email or claims.get("email_verified") is False:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        # A login never creates a user (and so never a role); mozilla-django-oidc turns this into a refusal.
        raise SuspiciousOperation("OpenID Connect login for an address that is no Samsyn user")

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            # `payload` is the verified ID token; the callback view reads this after login.
            user.samsyn_idp_mfa = idp_proved_mfa(payload)
        return user


class SamsynOIDCCallbackView(OIDCAuthenticationCallbackView):
    def login_success(self):
        response = super().login_success()
        if getattr(self.user, "samsyn_idp_mfa", False):
            second_factor.login_with_identity_provider(self.request, self.user)
        return response
