"""When a period is released (the release delay and the small-population guard) and the fixed days on
which released tables are revised (package docstring, points 4 and 5)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casework.periods import Period, PeriodKind, periods_of_year


def revision_days(year: int) -> list[datetime.date]:
    """The fixed days of `year` on which released tables are revised: the release day of each quarter (the
    day its release delay ends), so revisions come out together with the new quarter. With the default delay
    of 14 days: 14 January, 14 April, 14 July and 14 October."""
    delay = datetime.timedelta(days=settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS)
    # A delay of a year or more moves quarters of earlier years into `year`: look back as far as it reaches.
    first = year - 1 - delay.days // 365
    days = [q.ends_on + delay for y in range(first, year + 1) for q in periods_of_year(y, PeriodKind.QUARTER)]
    return sorted(day for day in days if day.year == year)


def revision_day(today: datetime.date) -> datetime.date:
    """The latest revision day on or before `today`."""
    return max(day for year in (today.year - 1, today.year) for day in revision_days(year) if day <= today)


def next_revision_day(today: datetime.date) -> datetime.date:
    """The first revision day after `today`."""
    return min(day for year in (today.year, today.year + 1) for day in revision_days(year) if day > today)


def releasable(period: Period, *, today: datetime.date, population_size: int) -> str:
    """Why a period is not released yet ("" when it is): once it has ended and the release delay has passed;
    a quarter or half-year only with enough persons in it."""
    release_on = period.ends_on + datetime.timedelta(days=settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS)
    if today < release_on:
        return str(_("Perioden redovisas från och med %(day)s.") % {"day": release_on.isoformat()})
    if period.kind is not PeriodKind.YEAR and population_size < settings.SAMSYN_SMALL_POPULATION_GUARD:
        return str(_("För få personer under perioden för att redovisa den för sig; se årets tabell."))
    return ""
