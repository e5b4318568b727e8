"""The access log: every response that shows personal data records who saw what, in the same request.

Views declare what a response shows (`accesscontrol.reads.shows`); `AccessLogMiddleware` is the one
place that writes the entries, named by the view's route, and the one place that records a refusal. It
writes synchronously (never through a queue, so a broker outage cannot drop a read), after the view has
answered and before the response is returned; if the write fails the exception propagates and the
response is not sent. Entries are appended to a hash chain (`audit.chain`).

An entry belongs to one agreement's log and names only that agreement's cases. A request for a case of
another agreement (a guessed or copied address) is recorded without that case's id or number, and without
any id in its address: its number may be the number of one of this agreement's own cases, and the
auditor would read the attempt as one on that case. The entry carries FOREIGN_CASE instead, which the
review shows as "Ärende i en annan överenskommelse".
"""

import hashlib
import re
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accesscontrol.reads import declared_reads
from accesscontrol.scoping import scope_cases
from casework.models import Case
from config.client_address import client_address

from .chain import append_access_entry
from .middleware import current_request_id
from .models import AccessLogEntry

# Stored in `outside_scope_case_ids` in place of a case of another agreement; not an id, so it never
# matches a case, and the stored lists (and the hash chain's columns) keep their form.
FOREIGN_CASE = "foreign"
HIDDEN_ID = "<dold>"
_UUID_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


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


def _case_references(actor, case_ids: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The ids to record, the cases' numbers, and which of them were outside the actor's case scope.

    A case of another agreement than the actor's is left out of the ids and numbers and recorded as
    FOREIGN_CASE among the outside ones. One query when all are inside the scope (the usual read); a
    second one for those outside. An id that names no case (a guessed URL) is kept, as outside the scope."""
    known = Case.objects.filter(pk__in=[case_id for case_id in case_ids if _is_uuid(case_id)])
    inside = dict(scope_cases(known, actor).values_list("pk", "number"))
    inside_ids = {str(pk) for pk in inside}
    numbers = list(inside.values())
    if len(inside_ids) == len(case_ids):
        return case_ids, sorted(numbers), []
    agreement_id = actor.agreement.pk if actor and actor.agreement else None
    foreign = set()
    for pk, number, case_agreement_id in known.exclude(pk__in=list(inside)).values_list("pk", "number", "agreement_id"):
        if case_agreement_id == agreement_id:
            numbers.append(number)
        else:
            foreign.add(str(pk))
    recorded = [case_id for case_id in case_ids if case_id not in foreign]
    outside = [case_id for case_id in recorded if case_id not in inside_ids] + ([FOREIGN_CASE] if foreign else [])
    return recorded, sorted(numbers), outside


def _recorded_path(request, outside: list[str]) -> str:
    """The request's path; when it named a case of another agreement, with every id in it hidden (the
    case's and those of its parts)."""
    if FOREIGN_CASE in outside:
        return _UUID_IN_PATH.sub(HIDDEN_ID, request.path)
    return request.path


def _record(
    request, *, page: str, outcome: str, cases, persons, field_classes, export: bool, actor=None
) -> AccessLogEntry:
    actor = actor or getattr(request, "actor", None)
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    case_ids = _ids(cases)
    case_ids, case_numbers, outside_scope = _case_references(actor, case_ids) if case_ids else ([], [], [])
    return append_access_entry(
        {
            "at": timezone.now(),
            "user_id": user.pk if authenticated else None,
            "username": user.get_username() if authenticated else "",
            "roles": sorted(actor.roles) if actor else [],
            "agreement_id": actor.agreement.pk if actor and actor.agreement else None,
            "outcome": outcome,
            "page": page[:200],
            "path": _recorded_path(request, outside_scope)[:500],
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


def log_read(
    request, *, page: str, cases=(), persons=(), field_classes=(), export: bool = False, actor=None
) -> AccessLogEntry:
    """Record that this response shows the given cases and persons (internal ids, no content). `actor`
    names the agreement whose log the read belongs to, when the response shows another agreement's
    records than the request's (the register extract gathers a person from every agreement of its
    social manager: one read in each agreement's log)."""
    return _record(
        request,
        page=page,
        outcome=AccessLogEntry.Outcome.SHOWN,
        cases=cases,
        persons=persons,
        field_classes=field_classes,
        export=export,
        actor=actor,
    )


def log_denied(request, *, page: str, cases=(), actor=None) -> AccessLogEntry:
    """Record a refused attempt (a guessed URL, a page outside the role), once per request: a request is
    refused once, so a second call returns the first entry. `actor` names the agreement and roles when
    the request has none yet (the API)."""
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


def log_refusal(request, *, page: str, kwargs, actor=None) -> AccessLogEntry:
    """Record a refusal of the view `page`, naming the case its address names (`case_id`)."""
    case_id = kwargs.get("case_id")
    return log_denied(request, page=page, cases=[case_id] if case_id else [], actor=actor)


class AccessLogMiddleware:
    """Writes the access log for the pages: the reads a view declared (accesscontrol.reads), once it has
    answered below 400, and a denied entry for a view's PermissionDenied (403) or Http404 (a record the
    actor may not see, or that does not exist: the two answer alike). The API's refusals come through
    `audit.refusals.api_exception_handler` to the same `log_refusal`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and response.status_code < 400:
            for read in declared_reads(request):
                log_read(
                    request,
                    page=match.view_name,
                    cases=read.cases,
                    persons=read.persons,
                    field_classes=read.field_classes,
                    export=read.export,
                    actor=read.actor,
                )
        return response

    def process_exception(self, request, exception):
        match = request.resolver_match
        if match is not None and isinstance(exception, PermissionDenied | Http404):
            log_refusal(request, page=match.view_name, kwargs=match.kwargs)
        return None  # Django answers the refusal as before
