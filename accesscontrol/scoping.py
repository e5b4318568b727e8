"""Which cases an actor may see at all: one function, used by every casework selector.

Scoping happens in the database query (a filter on the queryset), never in Python after loading.
Which *fields* of a visible case the actor may read is decided by `visibility.readable_classes`.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404

from .case_permissions import VIEW_CASE
from .models import CaseGroupObjectPermission, CaseUserObjectPermission, Role


def _assigned_to(user) -> Q:
    """The case's permission rows (django-guardian, direct foreign keys) give `user` access: through a
    unit whose group the user belongs to, or personally. Uncorrelated subqueries, so the database builds
    the user's (small) set of permitted cases once and checks each case against it; no rows are loaded."""
    view_case = Subquery(
        Permission.objects.filter(codename=VIEW_CASE, content_type__app_label="casework").values("pk")[:1]
    )
    groups = user.groups.through.objects.filter(user=user).values("group_id")
    through_unit = CaseGroupObjectPermission.objects.filter(permission=view_case, group__in=groups)
    personal = CaseUserObjectPermission.objects.filter(permission=view_case, user=user)
    return Q(pk__in=through_unit.values("content_object")) | Q(pk__in=personal.values("content_object"))


def scope_cases(queryset: QuerySet, actor) -> QuerySet:
    """Filter a Case queryset to what `actor` may see (default deny).

    - social_manager and police: every case of the agreement;
    - caseworker: cases of their units, or assigned to them (object permissions);
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
        condition |= _assigned_to(actor.user)
    if actor.has(Role.FIELD_WORKER):
        condition |= Q(category="svansen")
    return queryset.filter(condition)


def is_assigned(case, actor) -> bool:
    """The case belongs to one of the actor's units or is assigned to the actor personally."""
    return type(case).objects.filter(pk=case.pk).filter(_assigned_to(actor.user)).exists()


def get_case_or_404(request, queryset: QuerySet, case_id, *, page: str):
    """The case `case_id` if the request's actor may see it; otherwise the attempt is written to the
    access log and the answer is 404, the same for a case that exists elsewhere and one that does not."""
    # Imported here: the access log's review flags use scope_cases, so a module-level import is circular.
    from audit.access import log_denied

    case = scope_cases(queryset, request.actor).filter(pk=case_id).first()
    if case is None:
        log_denied(request, page=page, cases=[case_id])
        raise Http404
    return case
