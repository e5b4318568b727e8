"""A request id for every request (in the response header, in every log line of the request), and the
change log's request facts."""

import contextvars
import logging
import re
import uuid
from functools import partial

from auditlog.middleware import AuditlogMiddleware

from config.client_address import client_address

_request_id = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Accept the proxy's id when it looks like one; never echo arbitrary input into logs.
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


def change_log_cid() -> str | None:
    """django-auditlog's correlation id: the request id, so change and access entries of one request
    can be matched (AUDITLOG_CID_GETTER)."""
    request_id = _request_id.get()
    return None if request_id == "-" else request_id


def _acting_in(request) -> dict:
    actor = getattr(request, "actor", None)
    return {
        "agreement_id": actor.agreement.pk if actor and actor.agreement else None,
        "roles": sorted(actor.roles) if actor else [],
    }


class ChangeLogMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the actor of every change), with two Samsyn facts:
    the address is the client's as config.client_address finds it behind the proxies we run, never a
    client-supplied X-Forwarded-For; and each entry's
    additional_data names the agreement and roles the actor worked in. That is read when the entry is
    written, because request.actor is set by a middleware further in."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["additional_data"] = partial(_acting_in, request)
        return data
