"""The access log: every response that shows personal data records who saw what, in the same request.

Views call `log_read` before returning such a response. It writes synchronously (never through a queue,
so a broker outage cannot drop a read); if the write fails the exception propagates and the response
is not sent. Entries are appended to a hash chain (`audit.chain`).
"""

import hashlib
import uuid

from django.utils import timezone

from accesscontrol.scoping import scope_cases
from casework.models import Case
from config.client_address import client_address

from .chain import append_access_entry
from .middleware import current_request_id
from .models import AccessLogEntry


def _ids(items) -> list[str]:
    return sorted({str(getattr(item, "pk", item)) for item in items})


def _session_hash(request) -> str:
    key = getattr(getattr(request, "session", None), "session_key", None) or ""
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def _address(request) -> str:
    return client_address(request) or ""


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _case_references(actor, case_ids: list[str]) -> tuple[list[str], list[str]]:
    """The cases' numbers, and which of them were outside the actor's case scope. One query when all
    are inside (the usual read); a second one for the numbers of those outside. An id that names no
    case (a guessed URL) counts as outside the scope."""
    known = Case.objects.filter(pk__in=[case_id for case_id in case_ids if _is_uuid(case_id)])
    inside = dict(scope_cases(known, actor).values_list("pk", "number"))
    inside_ids = {str(pk) for pk in inside}
    outside = [case_id for case_id in case_ids if case_id not in inside_ids]
    numbers = list(inside.values())
    if outside:
        numbers += known.exclude(pk__in=list(inside)).values_list("number", flat=True)
    return sorted(numbers), outside


def _record(
    request, *, page: str, outcome: str, cases, persons, field_classes, export: bool, actor=None
) -> AccessLogEntry:
    actor = actor or getattr(request, "actor", None)
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    case_ids = _ids(cases)
    case_numbers, outside_scope = _case_references(actor, case_ids) if case_ids else ([], [])
    return append_access_entry(
        {
            "at": timezone.now(),
            "user_id": user.pk if authenticated else None,
            "username": user.get_username() if authenticated else "",
            "roles": sorted(actor.roles) if actor else [],
            "agreement_id": actor.agreement.pk if actor and actor.agreement else None,
            "outcome": outcome,
            "page": page[:200],
            "path": request.path[:500],
            "export": export,
            "case_ids": case_ids,
            "case_numbers": case_numbers,
            "outside_scope_case_ids": outside_scope,
            "person_ids": _ids(persons),
            "field_classes": sorted({str(c) for c in field_classes}),
            "session_key_hash": _session_hash(request),
            "address": _address(request),
            "request_id": current_request_id()[:64],
        }
    )


def log_read(request, *, page: str, cases=(), persons=(), field_classes=(), export: bool = False) -> AccessLogEntry:
    """Record that this response shows the given cases and persons (internal ids, no content)."""
    return _record(
        request,
        page=page,
        outcome=AccessLogEntry.Outcome.SHOWN,
        cases=cases,
        persons=persons,
        field_classes=field_classes,
        export=export,
    )


def log_denied(request, *, page: str, cases=(), actor=None) -> AccessLogEntry:
    """Record a refused attempt (a guessed URL, a page outside the role), once per request: a request is
    refused once, so a second call (`audit.refusals` after a view that recorded its own refusal) returns
    the first entry. `actor` names the agreement and roles when the request has none yet (the API)."""
    entry = getattr(request, "_access_denied_entry", None)
    if entry is None:
        entry = _record(
            request,
            page=page,
            outcome=AccessLogEntry.Outcome.DENIED,
            cases=cases,
            persons=(),
            field_classes=(),
            export=False,
            actor=actor,
        )
        request._access_denied_entry = entry
    return entry
