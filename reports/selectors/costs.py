"""The cost comparison for the social manager (per case, exact), and the cost index for the sysadmin."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accesscontrol.models import Role

from .. import costs
from ..models import CostIndex
from . import agreement_years


def cost_years(*, actor) -> list[int]:
    if actor is None or actor.agreement is None or not actor.has(Role.SOCIAL_MANAGER):
        raise PermissionDenied
    return agreement_years(actor.agreement)


def cost_comparison(*, actor, year: int) -> costs.YearComparison:
    """Each lifestyle case's home-based cost against its realistic alternative in `year` (social manager)."""
    if year not in cost_years(actor=actor):
        raise Http404
    return costs.compare_year(actor.agreement, year)


def cost_indexes(*, actor):
    """The index series a sysadmin reads: the agreement's own (theirs to keep) and the common one (the
    instance administrator's to keep; the instance administrator without an agreement sees only it), every
    version of each value."""
    sysadmin = actor is not None and actor.agreement is not None and actor.has(Role.SYSADMIN)
    if not sysadmin and not (actor is not None and actor.instance_admin):
        raise PermissionDenied
    own = Q(agreement=actor.agreement) if actor.agreement is not None else Q(pk__in=[])
    return CostIndex.objects.filter(own | Q(agreement__isnull=True)).order_by("agreement_id", "year", "valid_from")
