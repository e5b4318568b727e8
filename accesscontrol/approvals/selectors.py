"""Who approves what, in one place, and the requests an approver decides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accesscontrol.models import AccessRequest, Membership
from accesscontrol.policies import APPROVER, NEEDS_APPROVAL, side_of, sides_approved_by


def login_approvals(user) -> set[tuple[int, str]]:
    """Whose approval a new e-mail address or a reset login of `user` needs: (agreement id, side) for each
    agreement and side in which the user holds a role that needs approval. Empty: the sysadmin alone."""
    held = Membership.objects.filter(user=user, role__in=NEEDS_APPROVAL).values_list("agreement_id", "role")
    return {(agreement_id, side_of(role)) for agreement_id, role in held}


def is_approver(actor) -> bool:
    return bool(sides_approved_by(actor))


def has_approver(*, agreement, side: str) -> bool:
    """Someone active can approve this side's requests in the agreement."""
    return Membership.objects.filter(agreement=agreement, role=APPROVER[side], user__is_active=True).exists()


def decidable_requests(*, actor) -> QuerySet[AccessRequest]:
    """The acting agreement's requests of the sides the actor approves (pending and decided); refuses
    everyone who approves nothing."""
    sides = sides_approved_by(actor)
    if not sides:
        raise PermissionDenied
    return AccessRequest.objects.filter(agreement=actor.agreement, side__in=sides).select_related(
        "user", "requested_by", "decided_by", "user__organisation"
    )


def own_request_reason(actor, request: AccessRequest) -> str:
    """Why the actor may not decide `request` although it is theirs to see: it concerns them, or they asked
    for it. An empty string when neither holds. The service refuses by it and the pages show it."""
    if request.user_id == actor.user.pk:
        return _("Du kan inte besluta om en ändring som gäller dig själv. En annan chef beslutar.")
    if request.requested_by_id == actor.user.pk:
        return _("Du begärde ändringen själv och kan inte också godkänna den. En annan chef beslutar.")
    return ""


def pending_count(*, actor) -> int:
    """For the start page: how many requests wait for this approver's decision (0 for everyone else); the
    requests of `own_request_reason` are left out, in SQL."""
    if not is_approver(actor):
        return 0
    pending = decidable_requests(actor=actor).filter(status=AccessRequest.Status.PENDING)
    return pending.exclude(user=actor.user).exclude(requested_by=actor.user).count()


def waits_for_approval(user) -> bool:
    """Whether a change to the user (a role, a reset, a new address) waits for an approver's decision."""
    return AccessRequest.objects.filter(user=user, status=AccessRequest.Status.PENDING).exists()
