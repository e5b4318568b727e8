"""When a period is released (the release delay and the small-population guard) and the fixed days on
which released tables are revised (package docstring, points 4 and 5)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.periods import Period, PeriodKind, period_containing, periods_of_year


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


def release_day(period: Period) -> datetime.date:
    """The day a period is released: once it has ended and the release delay has passed."""
    return period.ends_on + datetime.timedelta(days=settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS)


def is_preliminary(period: Period, *, today: datetime.date | None = None) -> bool:
    """The running year, from its first quarter's release day until its own: published as preliminary."""
    today = today or timezone.localdate()
    first_quarter = periods_of_year(period.year, PeriodKind.QUARTER)[0]
    return period.kind is PeriodKind.YEAR and release_day(first_quarter) <= today < release_day(period)


def merged_into(period: Period, sizes: dict[str, int]) -> Period:
    """The smallest period that contains a quarter or half-year and is large enough to be released on its
    own: a quarter's half-year, if it has enough persons, else the year (always released). Tertials
    contain no quarter (they do not nest), so nothing is merged into one."""
    if period.kind is PeriodKind.QUARTER:
        half = period_containing(period.starts_on, PeriodKind.HALF_YEAR)
        if sizes[half.code] >= settings.SAMSYN_SMALL_POPULATION_GUARD:
            return half
    return period_containing(period.starts_on, PeriodKind.YEAR)


@dataclass(frozen=True)
class Unreleased:
    """Why a table of a period is not released: the sentence its page shows, and the same in brief for a
    list of periods ("publiceras 2027-01-14", "sammanslagen med helår 2026")."""

    text: str
    brief: str


def releasable(
    period: Period, *, today: datetime.date, sizes: dict[str, int], exact: bool = False
) -> Unreleased | None:
    """Why a table of a period is not released yet (None when it is): once the period has ended and the
    release delay has passed; a quarter or half-year only with enough persons in it (`sizes`, by period
    code), or it is published as part of the smallest period that has them. The running year is published as
    preliminary from its first quarter's release day: a table of exact target figures (`exact`, which needs
    no guard) at once, a breakdown once the year so far has enough persons (the same guard as a quarter's)."""
    preliminary = is_preliminary(period, today=today)
    if today < release_day(period) and not (
        preliminary and (exact or sizes[period.code] >= settings.SAMSYN_SMALL_POPULATION_GUARD)
    ):
        day = release_day(period).isoformat()
        return Unreleased(
            str(_("Perioden redovisas från och med %(day)s.") % {"day": day}),
            str(_("publiceras %(day)s") % {"day": day}),
        )
    if exact or period.kind is PeriodKind.YEAR or sizes[period.code] >= settings.SAMSYN_SMALL_POPULATION_GUARD:
        return None
    container = merged_into(period, sizes)
    return Unreleased(
        str(
            _("För få personer under perioden för att redovisa den för sig. Den redovisas sammanslagen med %(period)s.")
            % {"period": container.label}
        ),
        str(_("sammanslagen med %(period)s") % {"period": container.label}),
    )
