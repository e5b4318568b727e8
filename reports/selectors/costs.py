"""The cost comparison for the social manager (per case, exact), and the cost index for the sysadmin."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.administration.selectors import may_read_shared_data
from casework.periods import agreement_years

from .. import costs
from ..models import CostIndex


def cost_years(*, actor) -> list[int]:
    policies.require(actor, Action.READ_COSTS)
    return agreement_years(actor.agreement)


def cost_comparison(*, actor, year: int) -> costs.YearComparison:
    """Each lifestyle case's home-based cost against its realistic alternative in `year` (social manager)."""
    if year not in cost_years(actor=actor):
        raise Http404
    return costs.compare_year(actor.agreement, year)


def may_keep_cost_index(actor, *, for_agreement: bool) -> bool:
    """Who keeps which index series, the one rule for the page and the services: an agreement's own series
    is its sysadmin's; the common series, which feeds every agreement without a series of its own, is the
    instance administrator's alone."""
    return policies.may(
        actor, policies.Action.KEEP_AGREEMENT_COST_INDEX if for_agreement else policies.Action.KEEP_COMMON_COST_INDEX
    )


def cost_indexes(*, actor) -> list[CostIndex]:
    """The index series a reader of shared data sees: the agreement's own and the common one (the instance
    administrator without an agreement sees only the common one), every version of each value, each marked
    with whether the actor keeps it (`may_delete`)."""
    if not may_read_shared_data(actor):
        raise PermissionDenied
    own = Q(agreement=actor.agreement) if actor.agreement is not None else Q(pk__in=[])
    indexes = list(
        CostIndex.objects.filter(own | Q(agreement__isnull=True)).order_by("agreement_id", "year", "valid_from")
    )
    for index in indexes:
        index.may_delete = may_keep_cost_index(actor, for_agreement=index.agreement_id is not None)
    return indexes
