"""Reads of temporary case access: who may grant it, to whom, and the grants of one case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accesscontrol import policies
from accesscontrol.models import CaseAccessGrant, Membership, Role, User

# The longest a grant may last: a substitute's holiday or a second opinion, not a reassignment (the
# social manager moves the case for that).
MAX_DAYS = 90

STATUS_LABELS = {
    "in_force": _("Gäller"),
    "coming": _("Börjar senare"),
    "ended": _("Har upphört"),
    "withdrawn": _("Återkallad"),
}


def may_grant(actor, case) -> bool:
    """Only the social manager of the case's agreement grants and withdraws temporary access."""
    return (
        actor is not None
        and actor.agreement is not None
        and actor.agreement.pk == case.agreement_id
        and policies.may(actor, policies.Action.GRANT_CASE_ACCESS)
    )


def require_granter(actor, case) -> None:
    if not may_grant(actor, case):
        raise PermissionDenied


def caseworkers(*, actor, case) -> QuerySet[User]:
    """The caseworkers of the case's agreement, those a grant may name."""
    require_granter(actor, case)
    members = Membership.objects.filter(agreement_id=case.agreement_id, role=Role.CASEWORKER).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("first_name", "last_name", "username")


@dataclass(frozen=True)
class GrantRow:
    grant: CaseAccessGrant
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def status_of(grant: CaseAccessGrant, today: datetime.date) -> str:
    if grant.withdrawn_at is not None:
        return "withdrawn"
    if grant.ends_on < today:
        return "ended"
    if grant.starts_on > today:
        return "coming"
    return "in_force"


def grants_of_case(*, actor, case) -> list[GrantRow]:
    """Every grant on the case, newest first, with its status today (social manager only)."""
    require_granter(actor, case)
    today = timezone.localdate()
    grants = CaseAccessGrant.objects.filter(case=case).select_related("user", "granted_by", "withdrawn_by")
    return [GrantRow(grant, status_of(grant, today)) for grant in grants.order_by("-granted_at")]


def grant_of(*, actor, case, grant_id) -> CaseAccessGrant | None:
    require_granter(actor, case)
    return CaseAccessGrant.objects.filter(case=case, pk=grant_id).first()
