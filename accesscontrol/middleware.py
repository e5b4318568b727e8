"""Request gates: no caching, idle timeout and absolute session lifetime, mandatory second factor, and
the acting agreement and roles."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .actor import Actor, actor_for, actor_in, agreements_of

# Paths that are reachable before the second factor: the login steps themselves (with the OpenID Connect
# redirects), static files, the health check, the metrics endpoint (own token) and the API (DRF
# authenticates it per view).
OPEN_PREFIXES = ("/login/", "/logout/", "/oidc/", "/static/", "/healthz", "/i18n/", "/metrics", "/api/")


def _is_open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES)


# Paths that never carry personal data and may be cached: static files (WhiteNoise, placed before the
# no-store middleware, answers them first anyway) and the health check (which sends its own never-cache).
CACHEABLE_PREFIXES = ("/static/", "/healthz")


class NoStoreMiddleware:
    """Pages, downloads (PDF, XLSX, CSV) and API answers may hold personal data: no browser, back-forward
    cache or proxy keeps a copy (`Cache-Control: no-store`, with `Pragma: no-cache` for old proxies). Every
    response gets it, the login pages too, except the paths of CACHEABLE_PREFIXES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(CACHEABLE_PREFIXES):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


# When the session signed in with a password (seconds since the epoch), set by `record_sign_in`.
SIGNED_IN_AT = "signed_in_at"


def record_sign_in(sender, request, user, **kwargs):
    """Receives django.contrib.auth's user_logged_in (connected in apps.py): every login(), the password
    step, OpenID Connect and the tests' force_login alike, starts the session's absolute lifetime."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionTimeoutMiddleware:
    """Signs a user out SESSION_COOKIE_AGE seconds after signing in, however busy the session has been, and
    after SAMSYN_IDLE_TIMEOUT_MINUTES without a request.

    The absolute limit is kept here because nothing else keeps it: the session's expiry in the database
    moves forward whenever the session is saved (as `last_seen` is, once a minute), and the cookie lasts
    until the browser closes. A signed-in session without a sign-in time (one from before this rule) is
    ended as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _sign_out(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect(settings.LOGIN_URL)

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in = request.session.get(SIGNED_IN_AT)
            if signed_in is None or now - signed_in >= settings.SESSION_COOKIE_AGE:
                return self._sign_out(request, _("Din inloggning har gått ut. Logga in igen."))
            last = request.session.get("last_seen", now)
            if now - last > settings.SAMSYN_IDLE_TIMEOUT_MINUTES * 60:
                return self._sign_out(
                    request,
                    _("Du har loggats ut efter %(minutes)s minuter utan aktivitet.")
                    % {"minutes": settings.SAMSYN_IDLE_TIMEOUT_MINUTES},
                )
            # Write the session at most once a minute, not on every request.
            if now - last > 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


class VerifiedLoginRequiredMiddleware:
    """Every page needs a password and a second factor (default deny)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_open(request.path_info):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if not user.is_verified():
            return redirect("accesscontrol:second_factor")
        return self.get_response(request)


class CurrentAgreementMiddleware:
    """Sets `request.actor`: the user, the agreement they work in now, and their roles there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        user = request.user
        if user.is_authenticated and user.is_verified():
            chosen = request.session.get("agreement_id")
            # The usual request: the session's agreement, still one of the user's, in one query.
            actor = actor_in(user, chosen) if chosen is not None else None
            if actor is None:
                candidates = list(agreements_of(user)[:2])
                if len(candidates) == 1:
                    request.session["agreement_id"] = candidates[0].pk
                    actor = actor_for(user, candidates[0])
                elif (
                    len(candidates) > 1
                    and not _is_open(request.path_info)
                    and request.path_info != reverse("accesscontrol:choose_agreement")
                ):
                    return redirect("accesscontrol:choose_agreement")
            request.actor = actor or Actor(user, None, frozenset())
        return self.get_response(request)
