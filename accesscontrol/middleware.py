"""Request gates: idle timeout, mandatory second factor, and the acting agreement and roles."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .actor import Actor, actor_for, agreements_of

# Paths that are reachable before the second factor: the login steps themselves (with the OpenID Connect
# redirects), static files, the health check, the metrics endpoint (own token) and the API (DRF
# authenticates it per view).
OPEN_PREFIXES = ("/login/", "/logout/", "/oidc/", "/static/", "/healthz", "/i18n/", "/metrics", "/api/")


def _is_open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES)


class IdleTimeoutMiddleware:
    """Signs a user out after SAMSYN_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_seen", now)
            if now - last > settings.SAMSYN_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("Du har loggats ut efter %(minutes)s minuter utan aktivitet.")
                    % {"minutes": settings.SAMSYN_IDLE_TIMEOUT_MINUTES},
                )
                return redirect(settings.LOGIN_URL)
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
            agreement = None
            chosen = request.session.get("agreement_id")
            agreements = agreements_of(user)
            if chosen is not None:
                agreement = agreements.filter(pk=chosen).first()
            if agreement is None:
                candidates = list(agreements[:2])
                if len(candidates) == 1:
                    agreement = candidates[0]
                    request.session["agreement_id"] = agreement.pk
                elif (
                    len(candidates) > 1
                    and not _is_open(request.path_info)
                    and request.path_info != reverse("accesscontrol:choose_agreement")
                ):
                    return redirect("accesscontrol:choose_agreement")
            request.actor = actor_for(user, agreement) if agreement else Actor(user, None, frozenset())
        return self.get_response(request)
