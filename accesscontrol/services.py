"""Changes to users, units and roles."""

from axes.utils import reset as reset_lockout
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.queueing import send_after_commit

from .changes import update_logged
from .models import IdentityProviderDevice, Membership, Organisation, Unit, User


@transaction.atomic
def create_unit(*, organisation: Organisation, name: str) -> Unit:
    """A unit of `organisation`."""
    return Unit.objects.create(organisation=organisation, name=name)


@transaction.atomic
def add_user_to_unit(*, user: User, unit: Unit) -> None:
    user.units.add(unit)


@transaction.atomic
def grant_role(*, user: User, agreement, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, agreement=agreement, role=role)
    return membership


@transaction.atomic
def remove_user_from_unit(*, user: User, unit: Unit) -> None:
    """The user leaves the unit and, with it, every case the unit holds."""
    user.units.remove(unit)


def owe_password_link(user: User) -> None:
    """Record that a set-password link is owed, and ask a worker to e-mail it once this commits. Without
    a broker the page still works: the sweep (send_owed_password_links) sends it later."""
    update_logged(User.objects.filter(pk=user.pk), password_link_due_since=timezone.now())
    send_after_commit("accesscontrol.tasks.send_set_password_link", user_id=user.pk)


@transaction.atomic
def reset_credentials(*, user: User) -> None:
    """The password becomes unusable, every second-factor device is removed (open sessions lose their
    verification at the next request), a lockout is lifted, and a new set-password link is owed. Who may
    do this, and after whose approval, is the caller's (casework.administration, .approvals)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    for device_model in (TOTPDevice, StaticDevice, IdentityProviderDevice):
        device_model.objects.filter(user=user).delete()
    reset_lockout(username=user.username)
    owe_password_link(user)
