"""Start-up check of the keyrings against the key ids that sealed stored values."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from . import crypto

logger = logging.getLogger(__name__)


def check_keyrings_at_startup() -> None:
    """Refuse to start when a key id that sealed stored values is missing from its keyring, then
    note this process's primary keys as in use (before it writes anything with them).

    Called where a process starts serving: WSGI/ASGI, the Celery worker, and Samsyn's own commands."""
    from .models import KeyInUse

    rings = {
        KeyInUse.Purpose.ENCRYPTION: crypto.encryption_keyring(),
        KeyInUse.Purpose.BLIND_INDEX: crypto.blind_index_keyring(),
    }
    try:
        in_use = list(KeyInUse.objects.values_list("purpose", "key_id"))
    except DatabaseError:
        # Not migrated yet: nothing can have been sealed.
        return
    missing = [(purpose, key_id) for purpose, key_id in in_use if key_id not in rings[purpose].keys]
    if missing:
        names = ", ".join(f"{key_id!r} ({purpose})" for purpose, key_id in missing)
        raise ImproperlyConfigured(
            f"Stored values were sealed with key ids that the keyring lacks: {names}. "
            "Add the old keys to SAMSYN_ENCRYPTION_KEYS / SAMSYN_BLIND_INDEX_KEYS (after the primary) "
            "until `manage.py rotate_keys` has re-encrypted everything."
        )
    with transaction.atomic():
        for purpose, ring in rings.items():
            KeyInUse.objects.get_or_create(purpose=purpose, key_id=ring.primary_id)


def retire_keys_except(purpose: str, keep: set[str]) -> list[str]:
    """After a completed rotation: only `keep` still seals anything. Returns the retired ids."""
    from .models import KeyInUse

    retired = list(KeyInUse.objects.filter(purpose=purpose).exclude(key_id__in=keep).values_list("key_id", flat=True))
    KeyInUse.objects.filter(purpose=purpose, key_id__in=retired).delete()
    return retired
