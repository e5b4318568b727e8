"""Which cases an actor may see at all: one function, used by every casework selector.

Scoping happens in the database query (a filter on the queryset), never in Python after loading.
Which *fields* of a visible case the actor may read is decided by `visibility.readable_classes`.
"""

from django.db.models import Q, QuerySet

from .models import Role


def scope_cases(queryset: QuerySet, actor) -> QuerySet:
    """Filter a Case queryset to what `actor` may see (default deny).

    - social_manager and police: every case of the agreement;
    - caseworker: cases of their units, or assigned to them;
    - field_worker: svansen cases of the agreement;
    - everyone else: nothing.
    """
    if actor is None or actor.agreement is None:
        return queryset.none()
    queryset = queryset.filter(agreement=actor.agreement)
    if actor.has(Role.SOCIAL_MANAGER, Role.POLICE):
        return queryset
    condition = Q(pk__in=[])
    if actor.has(Role.CASEWORKER):
        condition |= Q(unit__in=actor.user.units.all()) | Q(caseworker=actor.user)
    if actor.has(Role.FIELD_WORKER):
        condition |= Q(category="svansen")
    return queryset.filter(condition)


def is_assigned(case, actor) -> bool:
    """The case belongs to one of the actor's units or is assigned to the actor personally."""
    if case.caseworker_id == actor.user.pk:
        return True
    return case.unit_id is not None and actor.user.units.filter(pk=case.unit_id).exists()
