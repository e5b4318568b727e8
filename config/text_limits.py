"""How long a free text may be, in one place (issue 16: a 2 MB "Skäl för förslaget" was saved and every
page showing it took 3–4 s).

Every free text of a model has a limit, named by what the text is used for:

- `SHORT` (200): one line, such as a name, a place, a role or a reference.
- `NOTE` (2 000, about a third of an A4 page): a note on an event, a contact or a visit; the reason for
  a step (a grant, a hold); a consent's purpose; a catalogue's description or source.
- `DECISION` (4 000, about two thirds of a page): what a meeting decided; the assessment of a
  disclosure; each of the seven parts of a follow-up; an addendum to minutes.
- `REASONING` (10 000, about three pages): a reasoning, such as why a case is proposed, an authority's
  assessment of a case, a meeting's strategic reasoning; and the timeline's note, which may carry a copy
  of an assessment.

Each is generous for what it holds, and small enough that a page showing several stays fast: 10 000
characters is two hundred times less than the text that slowed the pages down.

The limit holds in three places, all from the number on the model field (`max_length=`):

1. **The form.** A form field gets `max_length` (the browser's `maxlength`, and Django's validation);
   `config.forms.GovukFormMixin` replaces Django's message with `too_long_message`, which names the field
   and the limit: ”Skäl för förslaget” får vara högst 10 000 tecken (nu 2 097 152).
2. **The service.** `check_text_limits(Model, field=value, …)` (or `check_text_limits(instance)`) raises
   `ValidationError` on each field that is too long, before anything is written, so the API, the import
   and any other caller are held like the form.
3. **The model field, on every save.** Most free text is encrypted (`encryption.fields`), so the database
   sees only a token; the field checks the plaintext in `pre_save`, the one place every write of the
   column passes (`save()`, `bulk_create`; a plaintext `QuerySet.update()` is refused by the field
   already). `LimitedTextField` does the same for the few plain text columns (there a `QuerySet.update()`
   passes no `pre_save`: its caller cuts the text, see `casework.services.imports`). A text longer than
   its limit raises the same `ValidationError` and ends the transaction it is in, like a database's
   refusal, so nothing is written. Only a text being written is checked: a text saved before the limits
   does not stop other changes to its row.

A new free-text field: give it `max_length=text_limits.<SIZE>` on the model, the same on its form field,
and call `check_text_limits` in the service that writes it. `tests/foundation/test_text_limits.py`
enumerates every text field of every model and every form and fails if one has no limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from config import formatting

SHORT = 200
NOTE = 2_000
DECISION = 4_000
REASONING = 10_000


def too_long_message(label, limit: int, length: int) -> str:
    """The one message for a text that is too long: it names the field, the limit and the length."""
    return _("”%(label)s” får vara högst %(limit)s tecken (nu %(length)s).") % {
        "label": capfirst(str(label)),
        "limit": formatting.number(limit),
        "length": formatting.number(length),
    }


class TextLimitValidator(MaxLengthValidator):
    """Django's max-length check with the message that names the field (used by the forms); `label` is
    the field's label or a function returning it."""

    def __init__(self, limit_value, *, label):
        super().__init__(limit_value)
        self.label = label

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            label = self.label() if callable(self.label) else self.label
            raise ValidationError(too_long_message(label, self.limit_value, length), code="max_length")


def text_limit(field) -> int | None:
    """The limit of a model field's text, or None (not a text, or no limit)."""
    return getattr(field, "max_length", None)


def too_long_error(field, text: str) -> str | None:
    """The message for `text` in model field `field` if it is longer than the field's limit."""
    limit = text_limit(field)
    if limit is None or text is None:
        return None
    length = len(text)
    if length <= limit:
        return None
    return too_long_message(field.verbose_name, limit, length)


def _text(field, value) -> str | None:
    """The text a value of `field` is stored as (a JSON field's serialisation), or None: not a text, or
    read from the database and not opened (checked when it was written)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list) and hasattr(field, "to_plaintext"):
        return field.to_plaintext(value)
    return None


def check_text_limits(model, *, names: dict[str, str] | None = None, **values) -> None:
    """The service's check: raise ValidationError on each field whose text is longer than its limit,
    before anything is written.

    `check_text_limits(FieldContact, note=note)` checks values against the model's fields before a row
    exists; `check_text_limits(case)` checks every text an instance holds now. The error is on the model
    field's name, or on the service's own name for it: `names={"proposal_reason": "reason"}`."""
    meta = model._meta
    if not values and isinstance(model, models.Model):
        values = {
            field.name: model.__dict__.get(field.attname)
            for field in meta.concrete_fields
            if text_limit(field) is not None
        }
    errors = {}
    for name, value in values.items():
        field = meta.get_field(name)
        message = too_long_error(field, _text(field, value))
        if message:
            errors[(names or {}).get(name, name)] = ValidationError(message, code="max_length")
    if errors:
        raise ValidationError(errors)


class LimitedTextField(models.TextField):
    """A plain (unencrypted) text column with a limit: `max_length` is required, holds in forms like
    any TextField's, and is checked again on every save (see the module's point 3)."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        message = too_long_error(self, value) if isinstance(value, str) else None
        if message:
            raise ValidationError({self.name: ValidationError(message, code="max_length")})
        return value
