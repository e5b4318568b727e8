"""Changes the sysadmin makes. Each is one transaction that checks the sysadmin role in the acting
agreement and that the record belongs to it, with django-auditlog attributing the change to the actor.

A new user gets an unusable password and an e-mailed one-time link to choose one (accesscontrol.tasks):
the sysadmin never sees or sets a credential, and the link dies when used.

A role that needs the manager's approval, and a new e-mail address or a reset login of a user holding one,
only become a pending request (accesscontrol.approvals); the approver's decision carries them out."""

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol import services as access
from accesscontrol.approvals import services as approvals
from accesscontrol.models import Membership, Role, Unit, User
from casework.models import Target
from casework.services.agreements import create_agreement
from casework.services.legal_bases import save_legal_basis_version
from casework.services.retention_rules import check_retention_rule_change
from config.text_limits import check_text_limits

from . import selectors
from .selectors import require_sysadmin


def _in_scope(actor, scope, instance) -> None:
    if instance.pk is not None and not scope(actor=actor).filter(pk=instance.pk).exists():
        raise PermissionDenied


def _administered_entirely(actor, user: User) -> None:
    """The account is shared by all of a user's agreements; only someone who administers every one of
    them changes it."""
    administered = Membership.objects.filter(user=actor.user, role=Role.SYSADMIN).values("agreement")
    elsewhere = Membership.objects.filter(user=user).exclude(agreement__in=administered)
    if elsewhere.exists():
        raise ValidationError(
            _("Användaren har roller i en överenskommelse som du inte administrerar. Be dess systemförvaltare.")
        )


@transaction.atomic
def save_record(*, actor, form, scope):
    """Saves a validated ModelForm of an administered record: an edit only of a record inside `scope`
    (a selector of this module's sibling), a new record only inside the acting agreement."""
    require_sysadmin(actor)
    instance = form.instance
    _in_scope(actor, scope, instance)
    if getattr(instance, "agreement_id", actor.agreement.pk) != actor.agreement.pk:
        raise PermissionDenied
    check_text_limits(instance)
    with set_actor(actor.user):
        return form.save()


@transaction.atomic
def save_retention_rule(*, actor, form):
    """A new or changed retention rule of the acting agreement. A rule in force keeps its terms and is
    only ended; rules for the same records never overlap (casework.services.retention_rules)."""
    require_sysadmin(actor)
    _in_scope(actor, selectors.retention_rules, form.instance)
    check_retention_rule_change(rule=form.instance)
    return save_record(actor=actor, form=form, scope=selectors.retention_rules)


@transaction.atomic
def save_legal_basis(*, actor, form):
    """A new legal basis, a new version of one from a date, or a change to a version (shared by all
    agreements): the instance administrator's alone. A version that a disclosure rests on keeps its terms
    and is only ended, never with effect before a disclosure decided under it (casework.services.legal_bases)."""
    selectors.require_instance_admin(actor)
    with set_actor(actor.user):
        return save_legal_basis_version(basis=form.instance)


@transaction.atomic
def add_unit(*, actor, organisation, name: str) -> Unit:
    """A unit of one of the agreement's parties, with its permission group."""
    require_sysadmin(actor)
    if not selectors.parties(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    with set_actor(actor.user):
        return access.create_unit(organisation=organisation, name=name)


def _set_units(user: User, wanted, administered) -> None:
    current = set(user.units.filter(pk__in=administered))
    for unit in set(wanted) - current:
        access.add_user_to_unit(user=user, unit=unit)
    for unit in current - set(wanted):
        access.remove_user_from_unit(user=user, unit=unit)


def _set_roles(actor, user: User, roles) -> None:
    """Roles taken away go at once; roles given that need approval become requests, the others are granted."""
    agreement = actor.agreement
    Membership.objects.filter(user=user, agreement=agreement).exclude(role__in=roles).delete()
    approvals.request_roles(actor=actor, user=user, roles=roles)
    for role in roles:
        if not policies.needs_approval(role):
            access.grant_role(user=user, agreement=agreement, role=role)


@transaction.atomic
def create_user(
    *, actor, username, first_name, last_name, email, title="", organisation=None, units=(), roles=()
) -> User:
    """A user with an unusable password; once the transaction is committed they are e-mailed a one-time
    link to choose one. Roles that need approval are requested, the others granted."""
    require_sysadmin(actor)
    if organisation is not None and not selectors.parties(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    with set_actor(actor.user):
        user = User(
            username=username, first_name=first_name, last_name=last_name, email=email, title=title,
            organisation=organisation,
        )  # fmt: skip
        user.set_unusable_password()
        user.save()
        _set_units(user, units, selectors.units(actor=actor))
        _set_roles(actor, user, roles)
    access.owe_password_link(user)
    return user


@transaction.atomic
def update_user(*, actor, user: User, organisation=None, units=(), roles=(), is_active=True, **details) -> User:
    """Details, units and roles in the acting agreement. Nobody changes their own roles or deactivates
    themselves: a sysadmin cannot grant themselves access to case content, nor lock everyone out. A new
    e-mail address of a user holding roles that need approval is requested, not set."""
    require_sysadmin(actor)
    _in_scope(actor, selectors.users, user)
    _administered_entirely(actor, user)
    if organisation is not None and not selectors.parties(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if user.pk == actor.user.pk:
        current = set(Membership.objects.filter(user=user, agreement=actor.agreement).values_list("role", flat=True))
        if set(roles) != current:
            raise ValidationError({"roles": _("Du kan inte ändra dina egna roller. Be en annan systemförvaltare.")})
        if not is_active:
            raise ValidationError({"is_active": _("Du kan inte inaktivera ditt eget konto.")})
    with set_actor(actor.user):
        # The form has set the new address on `user` already; the stored one is what may change.
        email = details.pop("email", user.email)
        user.email = User.objects.filter(pk=user.pk).values_list("email", flat=True).get()
        if email != user.email and approvals.request_email_change(actor=actor, user=user, email=email) is None:
            user.email = email
        for name, value in details.items():
            setattr(user, name, value)
        user.organisation = organisation
        user.is_active = is_active
        user.save()
        _set_units(user, units, selectors.units(actor=actor))
        _set_roles(actor, user, roles)
    return user


@transaction.atomic
def reset_login(*, actor, user: User):
    """For a user who lost both phone and recovery codes, or whose account may be compromised: the
    password becomes unusable, every second-factor device is removed (open sessions lose their
    verification at the next request), a lockout is lifted, and a new set-password link is e-mailed
    (accesscontrol.services.reset_credentials). For a user holding roles that need approval this only
    requests it, and returns the request; otherwise it returns None."""
    require_sysadmin(actor)
    _in_scope(actor, selectors.users, user)
    _administered_entirely(actor, user)
    if user.pk == actor.user.pk:
        raise ValidationError(_("Du kan inte återställa din egen inloggning. Be en annan systemförvaltare."))
    if not user.email:
        raise ValidationError(_("Användaren saknar e-postadress. Lägg till en först."))
    with set_actor(actor.user):
        request = approvals.request_reset(actor=actor, user=user)
        if request is None:
            access.reset_credentials(user=user)
    return request


@transaction.atomic
def start_agreement(*, actor, name, social_services, police, starts_on, ends_on=None):
    """A new agreement with the default targets, catalogue, tariffs and retention rules; the sysadmin
    who starts it administers it too (and switches to it through the agreement choice)."""
    require_sysadmin(actor)
    allowed = selectors.organisations(actor=actor)
    if not allowed.filter(pk=social_services.pk).exists() or not allowed.filter(pk=police.pk).exists():
        raise PermissionDenied
    with set_actor(actor.user):
        agreement = create_agreement(
            name=name, social_services=social_services, police=police, starts_on=starts_on, ends_on=ends_on
        )
        access.grant_role(user=actor.user, agreement=agreement, role=Role.SYSADMIN)
    return agreement


@transaction.atomic
def remove_target(*, actor, target: Target) -> None:
    require_sysadmin(actor)
    _in_scope(actor, selectors.targets, target)
    with set_actor(actor.user):
        target.delete()
