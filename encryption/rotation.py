"""Key rotation: re-encrypt every stored value under the primary key, and rebuild the blind indexes
under the primary blind-index key, in batches, while the service keeps running.

Safe alongside live traffic: each value is swapped with a compare-and-set (`UPDATE … WHERE pk = … AND
column = <old token>`), so a value the application rewrote meanwhile is left alone (it is already under
the primary key). Resumable: a checkpoint per model records the last row done; a re-run continues from it,
and values already under the primary key are skipped anyway. After a pass, every column is searched for
values still under an older key; only keys that seal nothing any more are retired from the register of
keys in use, and may then leave the keyring.

Besides the encrypted model fields, a package registers the blind indexes its models carry (this package
sits below the ones that declare them), and may register a column it seals itself (a whole file with
its own associated data, such as a finished report), or a store it seals in a format of its own (a file
sealed in chunks, such as a case attachment): rotation re-encrypts and searches those too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Left

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


@dataclass(frozen=True)
class SealedColumn:
    """A text column holding a token sealed outside the encrypted fields, with its associated data."""

    model_label: str
    column: str
    associated_data: Callable[[object], bytes]  # the row's instance -> its associated data


_sealed_columns: dict[tuple[str, str], SealedColumn] = {}


def register_sealed_column(model_label: str, column: str, associated_data: Callable[[object], bytes]) -> None:
    """Have key rotation re-encrypt a column a package seals itself (from its AppConfig.ready)."""
    _sealed_columns[(model_label, column)] = SealedColumn(model_label, column, associated_data)


@dataclass(frozen=True)
class SealedStore:
    """Data a package seals in a format of its own, with the two things rotation needs from it."""

    label: str
    reseal: Callable[[crypto.Keyring], int]  # re-encrypt all under the keyring's primary; how many rewritten
    seals_with: Callable[[str], bool]  # whether anything is still sealed with this key id


_sealed_stores: dict[str, SealedStore] = {}


def register_sealed_store(label: str, *, reseal, seals_with) -> None:
    """Have key rotation re-encrypt, and search before retiring a key, a store a package seals in a
    format of its own (from its AppConfig.ready)."""
    _sealed_stores[label] = SealedStore(label, reseal, seals_with)


def _token_columns(purpose: str) -> list[tuple]:
    """(model, column) of every stored token of this purpose, for the search before retiring keys."""
    if purpose == KeyInUse.Purpose.BLIND_INDEX:
        return [(model, spec.column) for model, specs in blind_index_specs().items() for spec in specs]
    return [(model, f.attname) for model in encrypted_models() for f in encrypted_fields(model)] + [
        (apps.get_model(sealed.model_label), sealed.column) for sealed in _sealed_columns.values()
    ]


def _still_sealing(purpose: str, key_id: str) -> bool:
    # Compared on the raw column's prefix: encrypted fields refuse plaintext lookups on purpose.
    prefix = f"{key_id}$" if purpose == KeyInUse.Purpose.BLIND_INDEX else f"{crypto.TOKEN_VERSION}${key_id}$"
    if purpose == KeyInUse.Purpose.ENCRYPTION and any(store.seals_with(key_id) for store in _sealed_stores.values()):
        return True
    return any(
        model._base_manager.annotate(_prefix=Left(column, len(prefix), output_field=models.TextField()))
        .filter(_prefix=prefix)
        .exists()
        for model, column in _token_columns(purpose)
    )


def _batches(model, purpose: str, batch_size: int, columns: list[str], checkpoint: str = "") -> Iterable[list[tuple]]:
    """Rows in primary-key order from the checkpoint on, as tuples (pk, *raw values)."""
    checkpoint, _ = RotationCheckpoint.objects.get_or_create(purpose=purpose, model=checkpoint or model._meta.label)
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


def _finish(purpose: str, primary: str, labels: list[str]) -> list[str]:
    """Drop the checkpoints of a completed pass and retire the older keys that seal nothing any more.
    A key still found (a row the pass skipped, say after a resumed run under another primary) stays."""
    RotationCheckpoint.objects.filter(purpose=purpose, model__in=labels).delete()
    in_use = KeyInUse.objects.filter(purpose=purpose).exclude(key_id=primary).values_list("key_id", flat=True)
    keep = {primary} | {key_id for key_id in in_use if _still_sealing(purpose, key_id)}
    return retire_keys_except(purpose, keep)


def rotate_encryption(*, batch_size: int = 500, progress: Progress | None = None) -> RotationResult:
    """Re-encrypt every value sealed with an older key under the primary key: the encrypted fields
    and the registered sealed columns. Each value is swapped with a compare-and-set, so a value the
    application rewrote meanwhile (already under the primary key) is left alone."""
    keyring = crypto.encryption_keyring()
    primary = keyring.primary_id

    def stale(token: str) -> bool:
        return bool(token) and crypto.token_key_id(token) != primary

    def reseal(token: str, aad: bytes, where: str) -> str:
        return crypto.seal(crypto.open_sealed(token, aad=aad, where=where), aad=aad, keyring=keyring)

    result = RotationResult()
    for model in encrypted_models():
        fields_ = encrypted_fields(model)
        table, label = model._meta.db_table, model._meta.label
        rewritten = 0
        for rows in _batches(model, KeyInUse.Purpose.ENCRYPTION, batch_size, [f.attname for f in fields_]):
            with transaction.atomic():
                for pk, *values in rows:
                    for fld, value in zip(fields_, values, strict=True):
                        if not isinstance(value, Sealed) or not stale(value.token):
                            continue
                        aad = crypto.associated_data(table, fld.column, pk)
                        fresh = Sealed(reseal(value.token, aad, f"{table}.{fld.column} (rad {pk})"))
                        rewritten += model._base_manager.filter(pk=pk, **{fld.attname: value}).update(
                            **{fld.attname: fresh}
                        )
            if progress:
                progress(label, len(rows))
        result.rewritten[label] = rewritten
    for sealed in _sealed_columns.values():
        model = apps.get_model(sealed.model_label)
        label, column = f"{sealed.model_label}.{sealed.column}", sealed.column
        rewritten = 0
        for rows in _batches(model, KeyInUse.Purpose.ENCRYPTION, batch_size, [column], checkpoint=label):
            with transaction.atomic():
                for instance in model._base_manager.filter(pk__in=[pk for pk, token in rows if stale(token)]):
                    token = getattr(instance, column)
                    fresh = reseal(token, sealed.associated_data(instance), f"{label} (rad {instance.pk})")
                    rewritten += model._base_manager.filter(pk=instance.pk, **{column: token}).update(**{column: fresh})
            if progress:
                progress(label, len(rows))
        result.rewritten[label] = rewritten
    for store in _sealed_stores.values():
        result.rewritten[store.label] = store.reseal(keyring)
        if progress:
            progress(store.label, result.rewritten[store.label])
    result.retired_keys = _finish(KeyInUse.Purpose.ENCRYPTION, primary, list(result.rewritten))
    return result


@dataclass(frozen=True)
class BlindIndexSpec:
    """How a model's blind-index column is derived from its (decrypted) instance."""

    column: str
    purpose: str
    normalised: Callable[[object], str]


_blind_indexes: dict[str, tuple[BlindIndexSpec, ...]] = {}


def register_blind_indexes(model_label: str, specs: Iterable[BlindIndexSpec]) -> None:
    """Have key rotation rebuild the blind indexes a model carries (from its package's AppConfig.ready)."""
    _blind_indexes[model_label] = tuple(specs)


def blind_index_specs() -> dict:
    """Model -> the blind indexes it carries, as registered."""
    return {apps.get_model(label): specs for label, specs in _blind_indexes.items()}


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
    labels = [model._meta.label for model in specs_by_model]
    result.retired_keys = _finish(KeyInUse.Purpose.BLIND_INDEX, primary, labels)
    return result
