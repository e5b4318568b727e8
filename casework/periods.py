"""Reporting periods of the agreement: quarters, tertials (Jan–Apr, May–Aug, Sep–Dec), half-years, years.
Fixed calendar periods only; statistics never take free date ranges.

An agreement's own periods run from its first day to its last day or today, whichever comes first: every
year picker and every default period (the target board, the follow-up report, the statistics, the costs)
reads them here, so an agreement that ended in 2013 opens on 2013 and offers nothing after it."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    TERTIAL = "tertial"
    HALF_YEAR = "half_year"
    YEAR = "year"


_MONTHS = {PeriodKind.QUARTER: 3, PeriodKind.TERTIAL: 4, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
_LABELS = {
    PeriodKind.QUARTER: _("kvartal %(n)s %(year)s"),
    PeriodKind.TERTIAL: _("tertial %(n)s %(year)s"),
    PeriodKind.HALF_YEAR: _("halvår %(n)s %(year)s"),
    PeriodKind.YEAR: _("helår %(year)s"),
}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    number: int  # 1-based within the year

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, (self.number - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        last_month = self.number * _MONTHS[self.kind]
        if last_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last_month + 1, 1) - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def label(self) -> str:
        """Lower case, for a sentence ("Målen för kvartal 4 2026"); config.formatting.period for a heading."""
        return str(_LABELS[self.kind] % {"n": self.number, "year": self.year})

    @property
    def code(self) -> str:
        """A stable identifier such as 2026-Q2, 2026-T1, 2026-H2, 2026."""
        prefix = {PeriodKind.QUARTER: "Q", PeriodKind.TERTIAL: "T", PeriodKind.HALF_YEAR: "H"}
        return str(self.year) if self.kind is PeriodKind.YEAR else f"{self.year}-{prefix[self.kind]}{self.number}"


def periods_of_year(year: int, kind: PeriodKind) -> list[Period]:
    return [Period(year, kind, n) for n in range(1, 12 // _MONTHS[kind] + 1)]


def period_containing(day: datetime.date, kind: PeriodKind) -> Period:
    return Period(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)


def parse_period(code: str) -> Period:
    """The inverse of `Period.code`; raises ValueError for anything else."""
    year_text, _sep, rest = code.partition("-")
    year = int(year_text)
    if not rest:
        return Period(year, PeriodKind.YEAR, 1)
    kinds = {"Q": PeriodKind.QUARTER, "T": PeriodKind.TERTIAL, "H": PeriodKind.HALF_YEAR}
    kind = kinds[rest[0]]
    number = int(rest[1:])
    if not 1 <= number <= 12 // _MONTHS[kind]:
        raise ValueError(code)
    return Period(year, kind, number)


# --- The agreement's own period ---------------------------------------------------------------------------


def agreement_last_day(agreement, today: datetime.date | None = None) -> datetime.date:
    """The last day the agreement has run so far: its end, or today while it runs (never before its start)."""
    today = today or timezone.localdate()
    last = min(today, agreement.ends_on) if agreement.ends_on else today
    return max(last, agreement.starts_on)


def agreement_years(agreement, today: datetime.date | None = None) -> list[int]:
    """The calendar years of the agreement so far, oldest first: from its start to its end or this year,
    whichever comes first (at least its first year)."""
    return list(range(agreement.starts_on.year, agreement_last_day(agreement, today).year + 1))


def agreement_last_period(agreement, kind: PeriodKind, today: datetime.date | None = None) -> Period:
    """The period of `kind` a page opens on: the one holding the agreement's last day so far."""
    return period_containing(agreement_last_day(agreement, today), kind)


def agreement_period_label(agreement) -> str:
    """The agreement's period as a message names it: "2013-01-01–2013-12-31", or "från 2026-01-01"."""
    if agreement.ends_on is None:
        return str(_("från %(day)s") % {"day": agreement.starts_on.isoformat()})
    return f"{agreement.starts_on.isoformat()}–{agreement.ends_on.isoformat()}"
