"""Changes to the legal bases for disclosures, which every agreement shares and only the instance
administrator keeps (casework.administration.services.save_legal_basis checks who).

A legal basis is versioned. The versions of one provision share its `code`, each with its own validity
(`valid_from`, optionally `valid_to`, the last day it holds), and never overlap. A disclosure rests on the
version it was decided under, and it is in force only if that version held on its decision day
(casework.selectors.disclosures), so:

- a changed rule (a new label, law reference, consent requirement or age limit) is a new version from a
  date, which ends the version before it on the day before;
- ending a provision from a date never lapses a disclosure decided earlier, and only disclosures decided
  from that date are refused (casework.services.disclosures.disclose);
- nothing is changed with effect on a day on or before which a disclosure was already decided under the
  version concerned: what a decided disclosure rests on is never rewritten.

A version that no disclosure rests on can still be corrected in place."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Disclosure, LegalBasis

# What a disclosure decision rests on: fixed once any disclosure (withdrawn ones too) uses the version.
FIXED_WHEN_USED = ("code", "label", "law_reference", "requires_consent", "age_limit", "valid_from")


def _last_decided(basis_pk) -> datetime.date | None:
    """The latest decision day of a disclosure resting on the version (None if none does)."""
    return Disclosure.objects.filter(legal_basis_id=basis_pk).aggregate(last=Max("decided_on"))["last"]


def _decided_from(day: datetime.date, last_decided: datetime.date | None) -> bool:
    return last_decided is not None and last_decided >= day


def _overlapping(basis: LegalBasis):
    """Other versions of the same provision whose validity meets that of `basis`."""
    return LegalBasis.objects.filter(code=basis.code).overlapping(basis)


def _end_predecessor(basis: LegalBasis) -> None:
    """A new version of a provision ends the version it follows on the day before it starts; refused if a
    disclosure under that version was decided on or after that day, or if a later version exists."""
    versions = LegalBasis.objects.select_for_update().filter(code=basis.code).order_by("valid_from")
    if versions.filter(valid_from__gte=basis.valid_from).exists():
        raise ValidationError(
            {"valid_from": [_("Det finns redan en version av grunden som gäller från det datumet eller senare.")]}
        )
    previous = versions.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=basis.valid_from)).last()
    if previous is None:
        return
    if _decided_from(basis.valid_from, _last_decided(previous.pk)):
        raise ValidationError(
            {
                "valid_from": [
                    _(
                        "Utlämnanden har redan beslutats med den nuvarande versionen från det datumet. "
                        "Välj ett senare datum."
                    )
                ]
            }
        )
    previous.valid_to = basis.valid_from - datetime.timedelta(days=1)
    previous.save(update_fields=["valid_to"])


def _check_change(basis: LegalBasis, stored: LegalBasis, today: datetime.date) -> None:
    last_decided = _last_decided(stored.pk)
    if last_decided is None:
        return
    fixed = _(
        "Grunden används i utlämnanden, så detta kan inte ändras. Ändrade regler blir en ny version av grunden "
        "från ett datum."
    )
    errors = {name: [fixed] for name in FIXED_WHEN_USED if getattr(basis, name) != getattr(stored, name)}
    if basis.valid_to != stored.valid_to:
        if stored.valid_to is not None and stored.valid_to < today:
            errors["valid_to"] = [
                _(
                    "Grunden har upphört att gälla och används i utlämnanden; giltighetstiden kan inte ändras i "
                    "efterhand."
                )
            ]
        elif basis.valid_to is not None and _decided_from(basis.valid_to + datetime.timedelta(days=1), last_decided):
            errors["valid_to"] = [
                _("Utlämnanden har redan beslutats med grunden efter det datumet. Välj ett senare slutdatum.")
            ]
    if errors:
        raise ValidationError(errors)


def save_legal_basis_version(*, basis: LegalBasis, today: datetime.date | None = None) -> LegalBasis:
    """Saves `basis` (unsaved changes on the instance, or a new instance) under the rules of this module:
    a new version of an existing code ends the version before it; a version a disclosure rests on keeps its
    terms and can only be ended, not on or before a day a disclosure under it was decided, and not
    prolonged once ended. Raises ValidationError per field, in Swedish; locks the stored row, so a
    disclosure decided meanwhile waits for this change (see `disclose`). Call it inside a transaction."""
    today = today or timezone.localdate()
    if basis.valid_to is not None and basis.valid_to < basis.valid_from:
        raise ValidationError({"valid_to": [_("Grunden kan inte upphöra innan den börjar gälla.")]})
    if basis.pk is None:
        _end_predecessor(basis)
    else:
        _check_change(basis, LegalBasis.objects.select_for_update().get(pk=basis.pk), today)
    if _overlapping(basis).exists():
        raise ValidationError(
            {"valid_from": [_("Giltighetstiden överlappar en annan version av grunden med samma kod.")]}
        )
    basis.save()
    return basis
