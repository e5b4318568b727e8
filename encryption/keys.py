"""Start-up check of the keyrings against the key ids that sealed stored values."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from . import crypto


def check_keyrings_at_startup() -> None:
    """Refuse to start when a key that sealed stored values is missing from its keyring, or when the
    keyring holds another key under its id; then note this process's primary keys as in use (before
    it writes anything with them).

    Called where a process starts serving: WSGI/ASGI, the Celery worker, and Samsyn's own commands.
    A database that cannot be reached stops the start too: an unchecked process must not serve."""
    from .models import KeyInUse

    if KeyInUse._meta.db_table not in connection.introspection.table_names():
        return  # not migrated yet: nothing can have been sealed
    rings = {
        KeyInUse.Purpose.ENCRYPTION: crypto.encryption_keyring(),
        KeyInUse.Purpose.BLIND_INDEX: crypto.blind_index_keyring(),
    }
    in_use = list(KeyInUse.objects.all())
    missing = [row for row in in_use if row.key_id not in rings[row.purpose].keys]
    if missing:
        raise ImproperlyConfigured(
            f"Stored values were sealed with key ids that the keyring lacks: {_names(missing)}. "
            "Add the old keys to SAMSYN_ENCRYPTION_KEYS / SAMSYN_BLIND_INDEX_KEYS (after the primary) "
            "until `manage.py rotate_keys` has re-encrypted everything."
        )
    wrong = [row for row in in_use if row.key_check and row.key_check != _check_value(rings, row.purpose, row.key_id)]
    if wrong:
        raise ImproperlyConfigured(
            f"The keyring holds another key under the key ids {_names(wrong)} than the one that sealed "
            "the stored values (the key check values differ). Restore the keys from the key backup."
        )
    with transaction.atomic():
        for row in in_use:
            if not row.key_check:
                row.key_check = _check_value(rings, row.purpose, row.key_id)
                row.save(update_fields=["key_check"])
        for purpose, ring in rings.items():
            KeyInUse.objects.get_or_create(
                purpose=purpose,
                key_id=ring.primary_id,
                defaults={"key_check": _check_value(rings, purpose, ring.primary_id)},
            )


def _check_value(rings, purpose: str, key_id: str) -> str:
    return crypto.key_check_value(rings[purpose].key(key_id))


def _names(rows) -> str:
    return ", ".join(f"{row.key_id!r} ({row.purpose})" for row in rows)


def retire_keys_except(purpose: str, keep: set[str]) -> list[str]:
    """After a completed rotation: only `keep` still seals anything. Returns the retired ids."""
    from .models import KeyInUse

    retired = list(KeyInUse.objects.filter(purpose=purpose).exclude(key_id__in=keep).values_list("key_id", flat=True))
    KeyInUse.objects.filter(purpose=purpose, key_id__in=retired).delete()
    return retired
