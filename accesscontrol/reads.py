"""What a response shows of personal data, declared by the view (or the page helper) that builds it.

A view states each read its response is with `shows(request, ...)`: the cases, the persons whose identity
it shows, the field classes, whether it is an export. It does not write the access log, and it does not
name itself: `audit.access.AccessLogMiddleware` writes one entry per declaration, under the view's route
name, after the view has answered and before the response leaves, in the same request (a failed write
fails the request). A view that raises, or answers 4xx/5xx, has shown nothing: its declarations are
dropped, and a refusal (PermissionDenied, Http404) is recorded by the same middleware instead.

Below `audit` in the layers (docs/architecture.md, rule 7), so casework and accesscontrol declare reads
without importing the log.
"""

from __future__ import annotations

from dataclasses import dataclass

ATTRIBUTE = "declared_reads"


@dataclass(frozen=True)
class Read:
    """One access-log entry to be: ids or model instances, no content."""

    cases: tuple
    persons: tuple
    field_classes: frozenset
    export: bool
    actor: object | None  # the agreement's log it belongs to, when not the request's (register extract)


def shows(request, *, cases=(), persons=(), field_classes=(), export: bool = False, actor=None) -> None:
    """Declare that this response shows `cases` and `persons` (instances or ids) with `field_classes`.
    Called once per read; `actor` only when the read belongs to another agreement's log than the
    request's."""
    request = getattr(request, "_request", request)  # a REST framework request wraps Django's
    read = Read(tuple(cases), tuple(persons), frozenset(field_classes), export, actor)
    if not hasattr(request, ATTRIBUTE):
        setattr(request, ATTRIBUTE, [])
    getattr(request, ATTRIBUTE).append(read)


def declared_reads(request) -> list[Read]:
    return list(getattr(request, ATTRIBUTE, ()))
