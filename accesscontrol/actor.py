"""Who is acting: a user, in one agreement, with the roles they hold there."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from auditlog.context import set_extra_data

from .models import Membership, Role


@dataclass(frozen=True)
class Actor:
    user: object
    agreement: object | None
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def instance_admin(self) -> bool:
        """Keeps the reference data all agreements share (accesscontrol.models.User.is_instance_admin);
        independent of the agreement and its roles."""
        return bool(getattr(self.user, "is_instance_admin", False))

    @property
    def held_roles(self) -> list[str]:
        """The roles held here, in the order Role declares them (the start page's sections)."""
        return [role for role in Role.values if role in self.roles]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.held_roles]


def agreements_of(user):
    """The agreements a user has any role in, oldest first."""
    # Agreements are casework's, above this package: reached through Membership's own foreign key.
    agreement_model = Membership._meta.get_field("agreement").related_model
    return agreement_model.objects.filter(memberships__user=user).distinct().order_by("starts_on", "pk")


def actor_for(user, agreement) -> Actor:
    roles = frozenset(Membership.objects.filter(user=user, agreement=agreement).values_list("role", flat=True))
    return Actor(user=user, agreement=agreement if roles else None, roles=roles)


def actor_in(user, agreement_id) -> Actor | None:
    """The actor of `user` in the agreement with this id, or None when they hold no role there. One query
    (the memberships with their agreement), as every signed-in request asks it."""
    memberships = list(Membership.objects.filter(user=user, agreement_id=agreement_id).select_related("agreement"))
    if not memberships:
        return None
    return Actor(user=user, agreement=memberships[0].agreement, roles=frozenset(m.role for m in memberships))


@contextlib.contextmanager
def system_changes_for(agreement_id):
    """Changes a job makes outside any request (a purge, reminders) are entered in the change log as the
    agreement's, acted by nobody in a role, so the auditor of that agreement sees them and no other auditor
    does. Not for use inside a request, whose own context (audit.middleware) already says this. Here, below
    every package whose jobs change data, because it speaks only to django-auditlog."""
    with set_extra_data({"additional_data": {"agreement_id": agreement_id, "roles": []}}):
        yield
