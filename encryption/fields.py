"""Encrypted model fields.

Values are sealed in `pre_save`, where the row is known (models with encrypted fields have UUID
primary keys set on creation), and opened lazily on first attribute access, where the row is known
again. So a list page decrypts only the fields it shows, and a value copied to another row fails.

What the database sees is only ever a token. Filtering on an encrypted field, or `QuerySet.update()`
with a plaintext value, is refused: search goes through a blind index, writes through `save()`.

A free text's limit (`max_length=`, sizes in `config.text_limits`) counts the plaintext's characters, so
it is checked where the plaintext still is: in `pre_save`, before sealing, which every write of the
column passes (`save()` and `bulk_create`). A CHECK on the column could only bound the token's length,
which is up to four times the text's (UTF-8) plus the key id, so the field holds the limit instead.
"""

from __future__ import annotations

import datetime
import json
import uuid

from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models

from config import text_limits

from . import crypto


class Sealed:
    """A token read from the database but not yet opened. Prints as a marker, never as the token."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self):
        return hash(self.token)


class EncryptedWriteError(TypeError):
    """Plaintext reached the database layer of an encrypted field (a filter or a bulk update)."""


class _SealedAttribute(models.query_utils.DeferredAttribute):
    """Data descriptor: opens a Sealed value on first read, using the instance's table, column, pk."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field = self.field
            plaintext = field.open_value(value.token, instance)
            instance.__dict__[field.attname] = plaintext
            # Remember the token, so saving an unchanged value does not re-encrypt it.
            instance.__dict__.setdefault("_sealed_tokens", {})[field.attname] = (value.token, plaintext, instance.pk)
            return plaintext
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    """Stores `serialize(value)` sealed with AES-GCM, bound to table, column and row."""

    descriptor_class = _SealedAttribute
    encrypted = True

    def __init__(self, *args, max_length=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit of the plaintext in characters (config.text_limits); set after the base class, which
        # would otherwise add a validator comparing it to the token.
        self.max_length = max_length

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    # --- what plaintext is, for each subclass ---
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    # --- sealing and opening ---
    def where(self, instance) -> str:
        return f"{instance._meta.db_table}.{self.column} (rad {instance.pk})"

    def aad(self, instance) -> bytes:
        return crypto.associated_data(instance._meta.db_table, self.column, instance.pk)

    def open_value(self, token: str, instance):
        raw = crypto.open_sealed(token, aad=self.aad(instance), where=self.where(instance))
        return self.from_plaintext(raw.decode("utf-8"))

    def seal_value(self, value, instance) -> Sealed:
        return Sealed(crypto.seal(self.to_plaintext(value).encode("utf-8"), aad=self.aad(instance)))

    def pre_save(self, model_instance, add):
        current = model_instance.__dict__.get(self.attname)
        if current is None or isinstance(current, Sealed):
            return current
        remembered = model_instance.__dict__.get("_sealed_tokens", {}).get(self.attname)
        if remembered and remembered[1] == current and remembered[2] == model_instance.pk:
            return Sealed(remembered[0])
        message = text_limits.too_long_error(self, self.to_plaintext(current))
        if message:
            raise ValidationError({self.name: ValidationError(message, code="max_length")})
        sealed = self.seal_value(current, model_instance)
        model_instance.__dict__.setdefault("_sealed_tokens", {})[self.attname] = (
            sealed.token,
            current,
            model_instance.pk,
        )
        return sealed

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.token
        raise EncryptedWriteError(
            f"{self.model.__name__}.{self.name} is encrypted: write it through save(), "
            "search it through its blind index."
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        # A lookup has already run get_prep_value (which refuses plaintext) when prepared is True.
        return value if prepared else self.get_prep_value(value)

    def value_to_string(self, obj):
        # Serialisation (dumpdata, fixtures) never carries plaintext.
        return "[krypterat]"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        pk = self.model._meta.pk
        if not isinstance(pk, models.UUIDField) or pk.default is models.NOT_PROVIDED:
            errors.append(
                checks.Error(
                    "A model with encrypted fields needs a UUID primary key with a default, so the row is known "
                    "before the first save.",
                    obj=self,
                    id="samsyn.E001",
                )
            )
        return errors


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    def to_python(self, value):
        return value if value is None or isinstance(value, Sealed) else str(value)


class EncryptedCharField(EncryptedTextField):
    """Encrypted short text (`config.text_limits.SHORT` unless told); shows as a one-line input in forms.
    `form_max_length` is the old name of `max_length`, kept for the migrations that spell it."""

    def __init__(self, *args, max_length=None, form_max_length=None, **kwargs):
        super().__init__(*args, max_length=max_length or form_max_length or text_limits.SHORT, **kwargs)

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField, "max_length": self.max_length}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class EncryptedDateField(EncryptedFieldMixin, models.TextField):
    def to_plaintext(self, value) -> str:
        return value.isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date | Sealed):
            return value
        return datetime.date.fromisoformat(str(value))

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, form_class=forms.DateField, **kwargs)


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """Small structured personal data (contact details, guardians)."""

    def to_plaintext(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_plaintext(self, text: str):
        return json.loads(text)

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, form_class=forms.JSONField, **kwargs)


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


class EncryptedModel(models.Model):
    """Base for models with encrypted fields: a random UUID key, known before the first save."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True
