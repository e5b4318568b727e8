"""Selectors read report data for an actor, checking the actor's role once, here."""

import datetime

from django.utils import timezone


def agreement_years(agreement, today: datetime.date | None = None) -> list[int]:
    """The calendar years of an agreement so far, oldest first (at least its first year)."""
    first = agreement.starts_on.year
    return list(range(first, max(first, (today or timezone.localdate()).year) + 1))
