"""Key rotation: re-encrypt every stored value under the primary key, and rebuild the blind indexes
under the primary blind-index key, in batches, while the service keeps running.

Safe alongside live traffic: each value is swapped with a compare-and-set (`UPDATE … WHERE pk = … AND
column = <old token>`), so a value the application rewrote meanwhile is left alone (it is already under
the primary key). Resumable: a checkpoint per model records the last row done; a re-run continues from it,
and values already under the primary key are skipped anyway. When a full pass finds nothing left under an
older key, those keys are retired from the register of keys in use, and may then leave the keyring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from . import crypto
from .fields import Sealed, encrypted_fields
from .keys import retire_keys_except
from .models import KeyInUse, RotationCheckpoint

Progress = Callable[[str, int], None]  # (model label, rows done in this batch)


@dataclass
class RotationResult:
    rewritten: dict[str, int] = field(default_factory=dict)
    retired_keys: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def encrypted_models() -> list:
    return [model for model in apps.get_models() if encrypted_fields(model)]


def _batches(model, purpose: str, batch_size: int, columns: list[str]) -> Iterable[list[tuple]]:
    """Rows in primary-key order from the checkpoint on, as tuples (pk, *raw values)."""
    label = model._meta.label
    checkpoint, _ = RotationCheckpoint.objects.get_or_create(purpose=purpose, model=label)
    while True:
        queryset = model._base_manager.order_by("pk")
        if checkpoint.last_pk:
            queryset = queryset.filter(pk__gt=checkpoint.last_pk)
        rows = list(queryset.values_list("pk", *columns)[:batch_size])
        if not rows:
            return
        yield rows
        checkpoint.last_pk = str(rows[-1][0])
        checkpoint.save(update_fields=["last_pk"])


def _finish(purpose: str, keep: str, models: list) -> list[str]:
    RotationCheckpoint.objects.filter(purpose=purpose, model__in=[m._meta.label for m in models]).delete()
    return retire_keys_except(purpose, {keep})


def rotate_encryption(*, batch_size: int = 500, progress: Progress | None = None) -> RotationResult:
    """Re-encrypt every value sealed with an older key under the primary key."""
    keyring = crypto.encryption_keyring()
    primary = keyring.primary_id
    result = RotationResult()
    models = encrypted_models()
    for model in models:
        fields_ = encrypted_fields(model)
        columns = [f.attname for f in fields_]
        table = model._meta.db_table
        rewritten = 0
        for rows in _batches(model, KeyInUse.Purpose.ENCRYPTION, batch_size, columns):
            with transaction.atomic():
                for pk, *values in rows:
                    for fld, value in zip(fields_, values, strict=True):
                        if not isinstance(value, Sealed) or crypto.token_key_id(value.token) == primary:
                            continue
                        aad = crypto.associated_data(table, fld.column, pk)
                        plaintext = crypto.open_sealed(value.token, aad=aad, where=f"{table}.{fld.column} (rad {pk})")
                        fresh = Sealed(crypto.seal(plaintext, aad=aad, keyring=keyring))
                        # Compare-and-set: a value the application rewrote meanwhile is already current.
                        rewritten += model._base_manager.filter(pk=pk, **{fld.attname: value}).update(
                            **{fld.attname: fresh}
                        )
            if progress:
                progress(model._meta.label, len(rows))
        result.rewritten[model._meta.label] = rewritten
    result.retired_keys = _finish(KeyInUse.Purpose.ENCRYPTION, primary, models)
    return result


@dataclass(frozen=True)
class BlindIndexSpec:
    """How a model's blind-index column is derived from its (decrypted) instance."""

    column: str
    purpose: str
    normalised: Callable[[object], str]


def blind_index_specs() -> dict:
    """Model -> the blind indexes it carries. Person is the only model with blind indexes."""
    from casework.blind_indexes import PERSON_BLIND_INDEXES

    return {apps.get_model("casework", "Person"): PERSON_BLIND_INDEXES}


def rebuild_blind_indexes(*, batch_size: int = 500, progress: Progress | None = None) -> RotationResult:
    """Recompute every blind index under the primary blind-index key (after a blind-index key change)."""
    primary = crypto.blind_index_keyring().primary_id
    result = RotationResult()
    specs_by_model = blind_index_specs()
    for model, specs in specs_by_model.items():
        columns = [spec.column for spec in specs]
        rewritten = 0
        for rows in _batches(model, KeyInUse.Purpose.BLIND_INDEX, batch_size, columns):
            stale = [row[0] for row in rows if any(not value.startswith(f"{primary}$") for value in row[1:])]
            with transaction.atomic():
                for instance in model._base_manager.filter(pk__in=stale):
                    for spec in specs:
                        old = getattr(instance, spec.column)
                        new = crypto.blind_index(spec.normalised(instance), purpose=spec.purpose, key_id=primary)
                        if old != new:
                            rewritten += model._base_manager.filter(pk=instance.pk, **{spec.column: old}).update(
                                **{spec.column: new}
                            )
            if progress:
                progress(model._meta.label, len(rows))
        result.rewritten[model._meta.label] = rewritten
    result.retired_keys = _finish(KeyInUse.Purpose.BLIND_INDEX, primary, list(specs_by_model))
    return result
