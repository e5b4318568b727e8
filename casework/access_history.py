"""Who has been shown a person or their cases, for the case page's panel "Vem har tagit del" and the
register extract: read from the access log, which is audit's, a package above casework.

The dependency is inverted rather than the pages moved: the case page and the register extract are
casework's, scoped and permission-checked by casework's selectors, and only this one list comes from the
log. So audit hands its readers to casework (`register_access_history`, from AuditConfig.ready) and
casework asks for them here; casework imports nothing of audit. The readers raise PermissionDenied for
anyone but the social manager of the person's agreement (audit.selectors.person_access_history).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# The panel shows this many rows (one per person and day), and as many more at each "Visa fler", up to
# PANEL_MAX_ROWS: beyond that the register extract has them all.
PANEL_STEP = 20
PANEL_MAX_ROWS = 500

_reader: Callable[..., list] | None = None
_summary: Callable[..., object] | None = None


def register_access_history(reader: Callable[..., list], summary: Callable[..., object]) -> None:
    """Name the functions that read the access history: `reader(*, person, cases, actor)` returns the
    reads of `person` or of `cases` (theirs), oldest first; `summary(*, person, cases, actor, limit)` the
    newest `limit` rows of one person's reads on one day. Both raise PermissionDenied for anyone else."""
    global _reader, _summary
    _reader, _summary = reader, summary


def _registered(function):
    if function is None:
        raise ImproperlyConfigured("No access-history reader is registered (audit.apps.AuditConfig.ready).")
    return function


def access_history(*, person, cases, actor) -> list:
    """Everyone who has been shown `person` or one of `cases`, oldest first (see the module docstring)."""
    return _registered(_reader)(person=person, cases=cases, actor=actor)


def panel_rows(asked) -> int:
    """How many rows the panel shows for the address's `atkomster` (a "Visa fler" link): PANEL_STEP when
    absent or not a number, otherwise rounded up to a step, at most PANEL_MAX_ROWS."""
    try:
        rows = int(asked)
    except (TypeError, ValueError):
        return PANEL_STEP
    steps = max(1, -(-rows // PANEL_STEP))
    return min(steps * PANEL_STEP, PANEL_MAX_ROWS)


def access_summary(*, person, cases, actor, limit: int = PANEL_STEP):
    """Who has been shown `person` or one of `cases`, newest first, one row per person and day, at most
    `limit` rows (audit.selectors.person_access_summary)."""
    return _registered(_summary)(person=person, cases=cases, actor=actor, limit=limit)
