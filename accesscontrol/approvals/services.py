"""Requests for access and their decision. The sysadmin's services (casework.administration.services)
call the `request_*` functions inside their own transaction; `approve` carries a request out and
`reject` closes it, each in one transaction that also records the decision. django-auditlog logs the
request, the decision and the change (audit/registry.py follows every accesscontrol model)."""

from __future__ import annotations

from auditlog.context import set_actor, set_extra_data
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol import services as access
from accesscontrol.changes import update_logged
from accesscontrol.models import AccessRequest, Membership, Role, User
from accesscontrol.tasks import send_access_change_notice
from config.queueing import send_after_commit

from . import selectors

Kind, Status = AccessRequest.Kind, AccessRequest.Status


def _pending(user, kind):
    return AccessRequest.objects.filter(user=user, kind=kind, status=Status.PENDING)


def request_roles(*, actor, user: User, roles) -> list[AccessRequest]:
    """Pending requests for the roles of `roles` that need approval and that the user neither holds nor
    waits for in the acting agreement: one request per side, so each is decided by its own approver.
    Returns the new requests (empty when nothing needed approval)."""
    agreement = actor.agreement
    held = set(Membership.objects.filter(user=user, agreement=agreement).values_list("role", flat=True))
    waiting = {role for request in _pending(user, Kind.ROLES).filter(agreement=agreement) for role in request.roles}
    wanted = [role for role in Role.values if role in set(roles) - held - waiting and policies.needs_approval(role)]
    by_side: dict[str, list[str]] = {}
    for role in wanted:
        by_side.setdefault(policies.side_of(role), []).append(role)
    return [
        AccessRequest.objects.create(
            agreement=agreement,
            user=user,
            kind=Kind.ROLES,
            side=side,
            roles=side_roles,
            previous_email=user.email,
            requested_by=actor.user,
        )
        for side, side_roles in by_side.items()
    ]


def _login_request(*, actor, user: User, kind: str, email: str = "") -> AccessRequest | None:
    """A request for a change to the login of a user who holds roles that need approval, filed in the
    agreement where they hold them; None when they hold none (the sysadmin's change takes effect)."""
    approvals = selectors.login_approvals(user)
    if not approvals:
        return None
    if len(approvals) > 1:
        raise ValidationError(
            _(
                "Användaren har roller som kräver godkännande i flera överenskommelser eller hos både socialtjänsten "
                "och polisen, så ingen enskild chef kan godkänna ändringen. Ta först bort de roller som inte behövs."
            )
        )
    if _pending(user, kind).exists():
        raise ValidationError(
            _("En likadan ändring för användaren väntar redan på beslut. Vänta på beslutet innan du begär en ny.")
        )
    [(agreement_id, side)] = approvals
    return AccessRequest.objects.create(
        agreement_id=agreement_id, user=user, kind=kind, side=side, email=email, previous_email=user.email,
        requested_by=actor.user,
    )  # fmt: skip


def request_email_change(*, actor, user: User, email: str) -> AccessRequest | None:
    return _login_request(actor=actor, user=user, kind=Kind.EMAIL, email=email)


def request_reset(*, actor, user: User) -> AccessRequest | None:
    return _login_request(actor=actor, user=user, kind=Kind.RESET)


def _may_decide(actor, request: AccessRequest) -> None:
    if request.agreement_id != getattr(actor.agreement, "pk", None):
        raise PermissionDenied
    if request.side not in policies.sides_approved_by(actor):
        raise PermissionDenied
    if request.status != Status.PENDING:
        raise ValidationError(_("Ändringen är redan beslutad."))
    if reason := selectors.own_request_reason(actor, request):
        raise ValidationError(reason)


def _locked(request: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().get(pk=request.pk)


def _owe_notice(request: AccessRequest) -> None:
    update_logged(AccessRequest.objects.filter(pk=request.pk), notice_due_since=timezone.now())
    send_after_commit(send_access_change_notice, request_id=request.pk)


def carry_out(request: AccessRequest) -> None:
    """The change itself, in the caller's transaction (after the approval). Refuses a request the user's
    account has moved away from since it was made."""
    user = User.objects.select_for_update().get(pk=request.user_id)
    if user.email != request.previous_email:
        raise ValidationError(
            _(
                "Användarens e-postadress har ändrats sedan ändringen begärdes, så den är inte längre den du "
                "granskar. Avslå ändringen och be systemförvaltaren göra den igen."
            )
        )
    if request.kind == Kind.ROLES:
        for role in request.roles:
            access.grant_role(user=user, agreement=request.agreement, role=role)
    elif request.kind == Kind.EMAIL:
        if User.objects.filter(email__iexact=request.email).exclude(pk=user.pk).exists():
            raise ValidationError(_("En annan användare har redan den e-postadressen. Avslå ändringen."))
        user.email = request.email
        user.save(update_fields=["email"])
        _owe_notice(request)
    elif request.kind == Kind.RESET:
        access.reset_credentials(user=user)
        _owe_notice(request)


@transaction.atomic
def approve(*, actor, request: AccessRequest) -> AccessRequest:
    """The approver's yes: the change is carried out and the decision recorded, together or not at all."""
    return _decide(actor, request, Status.APPROVED)


@transaction.atomic
def reject(*, actor, request: AccessRequest) -> AccessRequest:
    """The approver's no: nothing of the change takes effect."""
    return _decide(actor, request, Status.REJECTED)


def _decide(actor, request: AccessRequest, status) -> AccessRequest:
    """Record the approver's decision, carrying out an approved change in the same transaction, with the
    approver as the change log's actor."""
    request = _locked(request)
    _may_decide(actor, request)
    with set_actor(actor.user):
        if status == Status.APPROVED:
            carry_out(request)
        request.status = status
        request.decided_by = actor.user
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


@transaction.atomic
def approve_first_approver(*, agreement, user: User) -> AccessRequest:
    """The one approval nobody in Samsyn can give: the first social manager or police's responsible of an
    agreement, while its side has no active approver. Run by operations (`manage.py grant_first_approver`,
    README "First installation"), never from a page, so a sysadmin cannot empty a side and fill it with
    someone of their own. Carries out the pending request that gives `user` the side's approver role."""
    # One first approver at a time: two runs at once must not both find the side without one.
    type(agreement).objects.select_for_update().filter(pk=agreement.pk).first()
    candidates = _pending(user, Kind.ROLES).filter(agreement=agreement).order_by("requested_at")
    for request in candidates:
        if policies.APPROVER[request.side] not in request.roles:
            continue
        if selectors.has_approver(agreement=agreement, side=request.side):
            raise ValidationError(
                _("Överenskommelsen har redan en %(role)s som kan godkänna ändringen. Be hen göra det i Samsyn.")
                % {"role": Role(policies.APPROVER[request.side]).label.lower()}
            )
        request = _locked(request)
        if request.status != Status.PENDING:  # decided meanwhile, in the page
            continue
        with set_extra_data({"additional_data": {"agreement_id": agreement.pk, "roles": []}}):
            carry_out(request)
            request.status = Status.APPROVED
            request.decided_at = timezone.now()
            request.save(update_fields=["status", "decided_at"])
        return request
    raise ValidationError(
        _(
            "Användaren har ingen begärd roll som sektionschef eller behörighetsansvarig för polisen som väntar på "
            "beslut i överenskommelsen. Lägg först till rollen under Administration, Användare."
        )
    )
