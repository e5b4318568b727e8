"""The rules read everywhere, each once, as domain querysets beside their models (casework.models uses them):

- a **validity period** (legal bases and retention rules are versioned): a row holds from `valid_from` to
  `valid_to`, its last day, or without end when `valid_to` is empty;
- a **consent holds** on a day while it is not withdrawn and has not expired (OSL 12 kap. 2 §);
- a **disclosure is in force** on a day while it is not withdrawn, was decided by that day, its consent (if
  any) holds, and the version of its legal basis was valid on its decision day (the version it was decided
  under, so a basis ended later never lapses it); an age-limited basis (OSL 10 kap. 18 a §, under 21) also
  needs the person under the limit, which is read from the encrypted personnummer and so decided in Python
  by `age_limit_allows`, for one case or many alike.

Each rule that is also asked of one object in memory has its Python form here, next to the SQL form, and a
property test holds the two together (tests/casework/test_domain_rules.py).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q


def valid_on_q(day, *, prefix: str = "") -> Q:
    """Rows valid on `day` (a date or an F expression), under the relation `prefix` (e.g. "legal_basis__")."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def is_valid_on(row, day: datetime.date) -> bool:
    return row.valid_from <= day and (row.valid_to is None or day <= row.valid_to)


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_on_q(day))

    def overlapping(self, row):
        """Rows (other than `row`) whose validity meets that of `row`; the caller narrows to the same series."""
        others = self.exclude(pk=row.pk) if row.pk is not None else self
        others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=row.valid_from))
        if row.valid_to is not None:
            others = others.filter(valid_from__lte=row.valid_to)
        return others


def consent_holds_q(day, *, prefix: str = "") -> Q:
    return Q(**{f"{prefix}withdrawn_on__isnull": True}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day})
    )


def consent_holds(consent, day: datetime.date) -> bool:
    return consent.withdrawn_on is None and (consent.expires_on is None or day <= consent.expires_on)


class ConsentQuerySet(models.QuerySet):
    def holding(self, *, on: datetime.date):
        return self.filter(consent_holds_q(on))


def age_limit_allows(age_limit: int | None, age: int | None) -> bool:
    """An age-limited basis holds only for a person under the limit; without a readable age it cannot be
    shown to hold (default deny)."""
    return age_limit is None or (age is not None and age < age_limit)


class DisclosureQuerySet(models.QuerySet):
    def in_force(self, *, on: datetime.date):
        """In force on `on` but for the age limit of the basis (`age_limit_allows`, decided per person)."""
        consent_ok = Q(consent__isnull=True) | consent_holds_q(on, prefix="consent__")
        basis_ok = valid_on_q(F("decided_on"), prefix="legal_basis__")
        return self.filter(consent_ok, basis_ok, withdrawn_at__isnull=True, decided_on__lte=on)
