"""The API's refusals: REST framework answers its own exceptions, so they never reach
`audit.access.AccessLogMiddleware`; its exception handler records them with the same `log_refusal`.

A view or selector refuses by raising PermissionDenied (403), or Http404 for an object outside the actor's
scope (a guessed address must not reveal that the record exists). The write is synchronous: if it fails,
the exception replaces the refusal and no 403 or 404 is sent.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions as api_exceptions
from rest_framework.views import exception_handler

from accesscontrol.actor import Actor, agreements_of
from accesscontrol.models import Membership

from .access import log_refusal

API_REFUSALS = (PermissionDenied, Http404, api_exceptions.PermissionDenied, api_exceptions.NotFound)


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
        kwargs = context.get("kwargs") or {}
        page = request._request.resolver_match.view_name
        log_refusal(request._request, page=page, kwargs=kwargs, actor=_api_actor(request, kwargs.get("agreement")))
    return exception_handler(exc, context)
