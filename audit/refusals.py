"""Every refused request is a denied entry in the access log, recorded in one place: a middleware for the
pages, an exception handler for the API.

A view or selector refuses by raising PermissionDenied (403), or Http404 for an object outside the actor's
scope (a guessed address must not reveal that the record exists). Views that know more (the cases a
refusal concerns) may call `log_denied` themselves first; it writes at most one entry per request, so
the entry written here is then the view's own. The write is synchronous: if it fails, the exception
replaces the refusal and no 403 or 404 is sent.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions as api_exceptions
from rest_framework.views import exception_handler

from accesscontrol.actor import Actor, agreements_of
from accesscontrol.models import Membership

from .access import log_denied

API_REFUSALS = (PermissionDenied, Http404, api_exceptions.PermissionDenied, api_exceptions.NotFound)


def _cases_of(kwargs) -> list:
    case_id = kwargs.get("case_id")
    return [case_id] if case_id else []


class RefusalLogMiddleware:
    """Records a page's 403 (PermissionDenied), and its 404 (Http404) when the address names a record
    (has URL arguments): an address without any, like /metrics while it is switched off, refuses no one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if match is None:
            return None
        if isinstance(exception, PermissionDenied) or (isinstance(exception, Http404) and match.kwargs):
            log_denied(request, page=match.view_name, cases=_cases_of(match.kwargs))
        return None  # Django answers the refusal as before


def _api_actor(request, agreement_id) -> Actor | None:
    """The agreement an API refusal is recorded in, so that agreement's auditor sees it: the one the URL
    names (an API URL names it as `agreement`), else the one the session works in, else the user's first.
    A token request has no acting agreement before the view has found one (request.actor is unset)."""
    user = request.user
    agreements = agreements_of(user)
    agreement = agreements.model.objects.filter(pk=agreement_id).first() if agreement_id is not None else None
    if agreement is None:
        acting = getattr(request._request, "actor", None)
        agreement = acting.agreement if acting else None
    if agreement is None:
        agreement = agreements.first()
    if agreement is None:
        return None
    roles = frozenset(Membership.objects.filter(user=user, agreement=agreement).values_list("role", flat=True))
    return Actor(user=user, agreement=agreement, roles=roles)


def api_exception_handler(exc, context):
    """REST framework's handler, after recording a refusal of a signed-in user (an unauthenticated request
    is answered 401/403 without an entry: there is no one to name)."""
    request = context["request"]
    user = request.user
    if isinstance(exc, API_REFUSALS) and user is not None and user.is_authenticated:
        view = context["view"]
        page = getattr(view, "page", None) or request._request.resolver_match.view_name
        kwargs = context.get("kwargs") or {}
        log_denied(
            request._request, page=page, cases=_cases_of(kwargs), actor=_api_actor(request, kwargs.get("agreement"))
        )
    return exception_handler(exc, context)
