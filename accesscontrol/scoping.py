"""Which cases an actor may see at all: one function, used by every casework selector.

Scoping happens in the database query (a filter on the queryset), never in Python after loading.
Which *fields* of a visible case the actor may read is decided by `visibility.readable_classes`.
"""

import datetime

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404
from django.utils import timezone

from .models import CaseAccessGrant, User
from .visibility import FieldClass, Scope, scopes_held


class _InIndexed(In):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL.

    Inside an OR, PostgreSQL cannot look an `IN (subquery)` up in an index: it runs the subquery as a hashed
    SubPlan and tests every row of the table against it (a caseworker's list read all 30 000 cases of a
    large agreement to keep 3 051). `ANY(ARRAY(subquery))` makes the subquery an InitPlan, run once, whose
    result is a value: each branch of the OR becomes an index scan on its own column and the branches are
    united in a BitmapOr, so the cost follows the caseworker's cases, not the agreement's (bench/access_
    scoping.py). Other databases get the plain IN."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def assigned_q(user, *, today: datetime.date | None = None) -> Q:
    """The one rule for which cases are a caseworker's: the case's unit is one of theirs, they are its
    caseworker, or a grant in force on `today` names them (accesscontrol.grants). Read from the case's own
    fields in the query, so a reassignment, a `QuerySet.update()` or a grant's last day takes effect at once;
    uncorrelated subqueries, so no rows are loaded, each looked up through its column's index (`_InIndexed`)."""
    today = today or timezone.localdate()
    # Unordered: the grants are sorted by default, which in a subquery would sort for nothing.
    granted = CaseAccessGrant.objects.in_force(on=today).filter(user=user).order_by().values("case_id")
    units = User.units.through.objects.filter(user=user).values("unit_id")
    # `unit__isnull=False` as Django adds it to an excluded `unit__in`: negated, the rule keeps a case without
    # a unit (NOT NULL would drop it).
    of_units = Q(unit__isnull=False) & Q(_InIndexed(F("unit"), units))
    return Q(caseworker=user) | of_units | Q(_InIndexed(F("pk"), granted))


def scope_cases(queryset: QuerySet, actor) -> QuerySet:
    """Filter a Case queryset to what `actor` may see (default deny).

    The scopes are those in which the actor's roles read the case frame (accesscontrol.visibility.MATRIX):
    - ALL (social manager, police): every case of the agreement;
    - ASSIGNED (caseworker): the cases that are theirs (`assigned_q`);
    - SVANSEN (field worker): svansen cases of the agreement;
    - no scope: nothing.
    """
    if actor is None or actor.agreement is None:
        return queryset.none()
    queryset = queryset.filter(agreement=actor.agreement)
    scopes = scopes_held(actor.roles, FieldClass.CASE_FRAME)
    if Scope.ALL in scopes:
        return queryset
    condition = Q(pk__in=[])
    if Scope.ASSIGNED in scopes:
        condition |= assigned_q(actor.user)
    if Scope.SVANSEN in scopes:
        condition |= Q(category="svansen")
    return queryset.filter(condition)


def is_assigned(case, actor) -> bool:
    """The case is the actor's by `assigned_q`."""
    return type(case).objects.filter(pk=case.pk).filter(assigned_q(actor.user)).exists()


def assigned_case_ids(cases, actor) -> set:
    """The ids of `cases` that are the actor's by `assigned_q`, in one query (a list page)."""
    ids = [case.pk for case in cases]
    if not ids:
        return set()
    mine = type(cases[0]).objects.filter(pk__in=ids).filter(assigned_q(actor.user))
    return set(mine.values_list("pk", flat=True))


def get_case_or_404(request, queryset: QuerySet, case_id):
    """The case `case_id` if the request's actor may see it; otherwise 404, the same for a case that
    exists elsewhere and one that does not (the access log records the attempt, audit.access)."""
    case = scope_cases(queryset, request.actor).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case
