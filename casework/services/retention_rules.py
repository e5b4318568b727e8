"""Changes to an agreement's retention rules (gallringsregler). The nightly purge applies the rule in
force each day (casework.retention), so a rule that has come into force has governed purges and keeps
its terms: it can only be ended with `valid_to`, and a changed rule is a new row with its own validity,
the way tariffs are a new row per year. At most one rule per kind of record is in force on any day."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casework.models import RetentionRule

FIXED_ONCE_IN_FORCE = ("record_type", "years", "complete_by_end_of_following_year", "legal_reference", "valid_from")


def _overlapping(rule: RetentionRule):
    others = RetentionRule.objects.filter(agreement_id=rule.agreement_id, record_type=rule.record_type)
    return others.overlapping(rule).order_by("valid_from").first()


def check_retention_rule_change(*, rule: RetentionRule, today: datetime.date | None = None) -> None:
    """Refuses (ValidationError per field, in Swedish) a new or changed rule that would rewrite history
    or leave two rules in force at once: a start in the past, a change of the terms of a rule that has
    come into force (or has purge records), an end date in the past for such a rule, and an overlap with
    another rule for the same records. Locks the stored row. Call it inside the transaction that saves
    `rule` (unsaved changes on the instance)."""
    today = today or timezone.localdate()
    stored = RetentionRule.objects.select_for_update().get(pk=rule.pk) if rule.pk is not None else None
    errors: dict[str, list[str]] = {}
    in_force = stored is not None and (stored.valid_from <= today or stored.purges.exists())
    if in_force:
        fixed = _(
            "Regeln har börjat gälla och styr gallringen, så detta kan inte ändras. Avsluta regeln med ett "
            "slutdatum och lägg till en ny regel."
        )
        errors.update({name: [fixed] for name in FIXED_ONCE_IN_FORCE if getattr(rule, name) != getattr(stored, name)})
        if rule.valid_to != stored.valid_to:
            if stored.valid_to is not None and stored.valid_to < today:
                errors["valid_to"] = [_("Regeln har upphört att gälla; giltighetstiden kan inte ändras i efterhand.")]
            elif rule.valid_to is not None and rule.valid_to < today:
                errors["valid_to"] = [_("Slutdatumet kan inte ligga bakåt i tiden: välj dagens datum eller senare.")]
    elif rule.valid_from < today:
        errors["valid_from"] = [_("En regel kan inte börja gälla i efterhand: välj dagens datum eller senare.")]
    if not errors and (other := _overlapping(rule)) is not None:
        errors["valid_from"] = [
            _(
                "Perioden överlappar regeln för samma uppgifter som gäller från %(start)s. Avsluta den regeln "
                "med ett slutdatum först."
            )
            % {"start": formats.date_format(other.valid_from, "Y-m-d")}
        ]
    if errors:
        raise ValidationError(errors)
