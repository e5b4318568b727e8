"""What is published for a cell (cell-key noise, then the threshold rule; shares and amounts from published
values only) and the protected tables management sees (package docstring, points 2 and 6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext

from casework.periods import Period
from casework.selectors.targets import MET_LABELS
from config import formatting

from .cell_key import MAX_NOISE, Tally, noise

DOMINANCE_SHARE = Decimal("0.5")
AMOUNT_ROUNDING = Decimal("1000")
# Upper bound of an unknown count in the audit; far above any municipality's cases in a year.
UNBOUNDED = 10**7


def threshold() -> int:
    return settings.SAMSYN_STATISTICS_THRESHOLD


class Status(StrEnum):
    ZERO = "zero"  # no records: published as 0
    PUBLISHED = "published"  # the perturbed count, at least the threshold
    BELOW_THRESHOLD = "below_threshold"  # the perturbed count is below the threshold: "<5"
    WITHHELD = "withheld"  # held back so that no small cell can be derived: ".."
    # As counted: not about persons (meetings, visits to places), or one of the agreement's own target
    # figures, aggregate counts without personal attributes (docs/statistics-method.md, section 10)
    EXACT = "exact"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    KRONOR = "kronor"


@dataclass(frozen=True)
class Published:
    status: Status
    value: int | float | None = None  # a share has one decimal
    unit: Unit = Unit.COUNT
    met: bool | None = None  # beside a target: whether it is met (None: no target, or not decided yet)

    @property
    def text(self) -> str:
        if self.status is Status.BELOW_THRESHOLD:
            return f"<{threshold()}"
        if self.status is Status.EXACT and self.value is None:
            return gettext("inga att räkna")
        if self.status is Status.WITHHELD or self.value is None:
            return ".."
        if self.unit is Unit.PERCENT:
            return formatting.percent(self.value)
        if self.unit is Unit.KRONOR:
            return formatting.amount(self.value)
        return formatting.number(self.value)

    @property
    def number(self) -> int | None:
        """The published number, or None where only a symbol is published."""
        return self.value if self.status in (Status.ZERO, Status.PUBLISHED, Status.EXACT) else None

    def as_json(self) -> dict:
        value = {"status": str(self.status), "value": self.number, "text": self.text}
        if self.met is not None:
            value["met"] = self.met
        return value


def publish_count(tally: Tally) -> Published:
    """Cell-key noise, then the threshold rule."""
    if tally.count == 0:
        return Published(Status.ZERO, 0)
    perturbed = tally.count + noise(tally.count, tally.key_sum)
    if perturbed < threshold():
        return Published(Status.BELOW_THRESHOLD)
    return Published(Status.PUBLISHED, perturbed)


def feasible_counts(published: Published) -> tuple[int, int]:
    """Every true count that could have been published as `published`, as an interval: what an attacker who
    knows this method and its perturbation table (but not the keys) can conclude from the cell alone."""
    if published.status is Status.ZERO:
        return 0, 0
    if published.status is Status.EXACT:
        return published.value, published.value
    if published.status is Status.PUBLISHED:
        return max(1, published.value - MAX_NOISE), published.value + MAX_NOISE
    if published.status is Status.BELOW_THRESHOLD:
        return 1, threshold() + MAX_NOISE - 1
    return 0, UNBOUNDED


def publish_share(numerator: Published, denominator: Published) -> Published:
    """A percentage from two published counts; withheld unless both are published numbers."""
    if numerator.number is None or denominator.number is None or not denominator.number:
        return Published(Status.WITHHELD, unit=Unit.PERCENT)
    # One decimal, half up (config.formatting.share); noise can make the part larger than the whole.
    share = min(100.0, float(formatting.share(numerator.number, denominator.number)))
    return Published(Status.PUBLISHED, share, Unit.PERCENT)


def publish_amount(total: int, largest: int, cases: Published) -> Published:
    """A sum of money (kr) over cases: only where the count of cases behind it is published as a number and
    no single case accounts for more than `DOMINANCE_SHARE` of it, rounded to `AMOUNT_ROUNDING` kr. Both
    conditions use what is published or the amounts themselves, never the true count of cases."""
    if cases.status is Status.ZERO:
        return Published(Status.ZERO, 0, Unit.KRONOR)
    if cases.status is not Status.PUBLISHED or abs(largest) > DOMINANCE_SHARE * abs(total):
        return Published(Status.WITHHELD, unit=Unit.KRONOR)
    rounded = (Decimal(total) / AMOUNT_ROUNDING).quantize(Decimal(1), rounding=ROUND_HALF_UP) * AMOUNT_ROUNDING
    return Published(Status.PUBLISHED, int(rounded), Unit.KRONOR)


@dataclass(frozen=True)
class ProtectedRow:
    code: str
    label: str
    values: tuple[Published, ...]
    is_total: bool = False
    target: str = ""  # the agreement's target for the row, where it has one (not data)

    @property
    def met(self) -> bool | None:
        """Whether the row meets its target (None: no target, nothing to count, or a preliminary figure
        that has not reached it yet)."""
        return next((value.met for value in self.values if value.met is not None), None)

    @property
    def met_text(self) -> str:
        if not self.target:
            return ""
        return str(MET_LABELS[self.met])


@dataclass(frozen=True)
class ProtectedTable:
    """A catalogue table for one period, as released to management. Holds published values only."""

    table: str
    title: str
    period: Period
    columns: tuple[str, ...]
    rows: tuple[ProtectedRow, ...]
    available: bool = True
    reason: str = ""
    brief_reason: str = ""  # the reason in brief, for a list of periods ("publiceras 2027-01-14")
    revision: int = 0
    released_at: datetime.datetime | None = None
    notes: tuple[str, ...] = ()
    revision_day: datetime.date | None = None  # the fixed revision day this version was released for
    preliminary: bool = False  # the running year so far, replaced by the final year after year end

    @property
    def period_label(self) -> str:
        """The period as every page, file and document names it: a preliminary year says so."""
        label = self.period.label
        return gettext("%(period)s (preliminär)") % {"period": label} if self.preliminary else str(label)
