"""Changes the reports make: API keys of management users, cost index values, long report requests."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework.authtoken.models import Token

from accesscontrol.models import Role


def _require(actor, *roles) -> None:
    if actor is None or actor.agreement is None or not actor.has(*roles):
        raise PermissionDenied


@transaction.atomic
def create_api_token(*, actor) -> str:
    """A new key for the statistics API, replacing any earlier one (which stops working at once).
    Only management users get one; the key is returned to be shown once."""
    _require(actor, Role.MANAGEMENT)
    Token.objects.filter(user=actor.user).delete()
    return Token.objects.create(user=actor.user).key


@transaction.atomic
def revoke_api_token(*, actor) -> None:
    _require(actor, Role.MANAGEMENT)
    Token.objects.filter(user=actor.user).delete()
