"""Changes to the shared legal bases for disclosures. A basis that a disclosure rests on keeps what the
decision rested on: the police view of every agreement is computed from the basis each time it is read
(casework.selectors.disclosures), so editing its age limit, consent requirement or validity in place would
change what the police see without a social manager's decision. A changed rule is a new basis row with
its own validity; the old one is ended with `valid_to`."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Disclosure, LegalBasis

# What a disclosure decision rests on: fixed once any disclosure (withdrawn ones too) uses the basis.
FIXED_WHEN_USED = ("code", "law_reference", "requires_consent", "age_limit", "valid_from")


def check_legal_basis_change(*, basis: LegalBasis, today: datetime.date | None = None) -> None:
    """Refuses (ValidationError per field, in Swedish) a change to a basis in use by a disclosure that
    would alter what the disclosures rest on: the fields of FIXED_WHEN_USED, and its end date once it has
    passed (prolonging it would show lapsed disclosures again). Ending a basis still in force is allowed.
    Locks the stored row, so a disclosure decided meanwhile waits for this change (see `disclose`).
    Call it inside the transaction that saves `basis` (unsaved changes on the instance)."""
    if basis.pk is None:
        return
    today = today or timezone.localdate()
    stored = LegalBasis.objects.select_for_update().get(pk=basis.pk)
    if not Disclosure.objects.filter(legal_basis_id=stored.pk).exists():
        return
    fixed = _(
        "Grunden används i utlämnanden, så detta kan inte ändras. Ändrade regler blir en ny rättslig grund "
        "med egen giltighetstid."
    )
    errors = {name: [fixed] for name in FIXED_WHEN_USED if getattr(basis, name) != getattr(stored, name)}
    if basis.valid_to != stored.valid_to and stored.valid_to is not None and stored.valid_to < today:
        errors["valid_to"] = [
            _("Grunden har upphört att gälla och används i utlämnanden; giltighetstiden kan inte ändras i efterhand.")
        ]
    if errors:
        raise ValidationError(errors)
