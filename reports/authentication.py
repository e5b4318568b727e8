"""Keys for the statistics API. A module of its own, without views, so that REST_FRAMEWORK's
DEFAULT_AUTHENTICATION_CLASSES can name it (importing rest_framework.views from there would be circular)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """A key (`Authorization: Token <key>`) works for SAMSYN_API_TOKEN_DAYS from when it was made; an expired
    key, like a revoked (deleted) one, is refused with 401. First among a view's classes, so that a request
    without valid credentials is answered 401 with `WWW-Authenticate: Token`."""

    def authenticate_credentials(self, key):
        from .selectors.statistics import api_token_expires_at

        user, token = super().authenticate_credentials(key)
        if api_token_expires_at(token) <= timezone.now():
            raise AuthenticationFailed(_("Nyckeln har gått ut. Skapa en ny på sidan för API-nyckeln i Samsyn."))
        return user, token
