"""Who has been shown a person or their cases, for the case page's panel "Vem har tagit del" and the
register extract: read from the access log, which is audit's, a package above casework.

The dependency is inverted rather than the pages moved: the case page and the register extract are
casework's, scoped and permission-checked by casework's selectors, and only this one list comes from the
log. So audit hands its reader to casework (`register_access_history`, from AuditConfig.ready) and
casework asks for it here; casework imports nothing of audit. The reader raises PermissionDenied for
anyone but the social manager of the person's agreement (audit.selectors.person_access_history).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_reader: Callable[..., list] | None = None


def register_access_history(reader: Callable[..., list]) -> None:
    """Name the function that reads the access history: `reader(*, person, cases, actor)` returns the
    reads of `person` or of `cases` (theirs), oldest first, or raises PermissionDenied."""
    global _reader
    _reader = reader


def access_history(*, person, cases, actor) -> list:
    """Everyone who has been shown `person` or one of `cases`, oldest first (see the module docstring)."""
    if _reader is None:
        raise ImproperlyConfigured("No access-history reader is registered (audit.apps.AuditConfig.ready).")
    return _reader(person=person, cases=cases, actor=actor)
