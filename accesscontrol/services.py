"""Changes to users, units and roles."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Membership, Organisation, Unit, User


@transaction.atomic
def create_unit(*, organisation: Organisation, name: str) -> Unit:
    """A unit and its permission group (django-guardian grants a unit access through the group)."""
    group = Group.objects.create(name=f"unit:{organisation.pk}:{name}"[:150])
    return Unit.objects.create(organisation=organisation, name=name, group=group)


@transaction.atomic
def add_user_to_unit(*, user: User, unit: Unit) -> None:
    user.units.add(unit)
    user.groups.add(unit.group)


@transaction.atomic
def grant_role(*, user: User, agreement, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, agreement=agreement, role=role)
    return membership


@transaction.atomic
def remove_user_from_unit(*, user: User, unit: Unit) -> None:
    """The user leaves the unit and, with its group, every case the unit holds."""
    user.units.remove(unit)
    user.groups.remove(unit.group)
