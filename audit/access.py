"""The access log: every response that shows personal data records who saw what, in the same request.

Views call `log_read` before returning such a response. It writes synchronously (never through a queue,
so a broker outage cannot drop a read); if the write fails the exception propagates and the response
is not sent.
"""

import hashlib

from django.utils import timezone

from .middleware import current_request_id
from .models import AccessLogEntry


def _ids(items) -> list[str]:
    return sorted({str(getattr(item, "pk", item)) for item in items})


def _session_hash(request) -> str:
    key = getattr(getattr(request, "session", None), "session_key", None) or ""
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def _common(request) -> dict:
    actor = getattr(request, "actor", None)
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "at": timezone.now(),
        "user_id": user.pk if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "roles": sorted(actor.roles) if actor else [],
        "agreement_id": actor.agreement.pk if actor and actor.agreement else None,
        "path": request.path[:500],
        "session_key_hash": _session_hash(request),
        "address": request.META.get("REMOTE_ADDR") or None,
        "request_id": current_request_id(),
    }


def log_read(request, *, page: str, cases=(), persons=(), field_classes=(), export: bool = False) -> AccessLogEntry:
    """Record that this response shows the given cases and persons (internal ids, no content)."""
    return AccessLogEntry.objects.create(
        **_common(request),
        page=page,
        export=export,
        case_ids=_ids(cases),
        person_ids=_ids(persons),
        field_classes=sorted({str(c) for c in field_classes}),
    )


def log_denied(request, *, page: str, cases=()) -> AccessLogEntry:
    """Record a refused attempt (a guessed URL, a page outside the role)."""
    return AccessLogEntry.objects.create(
        **_common(request),
        page=page,
        outcome=AccessLogEntry.Outcome.DENIED,
        case_ids=_ids(cases),
    )
