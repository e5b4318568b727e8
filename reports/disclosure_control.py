"""Disclosure control: the one place every management output passes through (docs/architecture.md, rule 5;
the method in docs/statistics-method.md).

Pages, charts, CSV/XLSX/PDF files and the API for the management role render only `ProtectedTable`s,
and only `protect_year` and `protected_table` in this module make them. The method, as /statistik/metod/
explains it to users:

1. Cell-key method (as Statistics Sweden uses it from reference year 2025). Every person has a fixed random
   key (`Person.statistics_key`, drawn with `secrets` when the person is created). A record that belongs to
   no person (an anonymous field contact) gets a fixed key derived from its random id. A cell's key is the
   sum of its records' keys modulo 2^32; the cell's noise is looked up from the cell key in a small
   perturbation table (`PTABLE`). The same people always give the same noise, so asking again, or in another
   table, gives the same value and nothing can be averaged away. Zero cells stay zero; totals get their own
   noise, so parts need not add up to the published total.
   Before the look-up the cell key is passed through SHA-256, so that the additive relation between the keys
   of a year and its quarters does not carry over into their noise.
2. Threshold rule: a perturbed count below `SAMSYN_STATISTICS_THRESHOLD` (default 5) is published as "<5".
   The decision is made on the perturbed count, so "<5" does not say that the true count is below 5.
3. Linked-table audit: before anything new is released, an attacker's integer program over everything
   released for the year (every table, every period, with the known relations: a total is the sum of its
   parts, a year the sum of its quarters, a subgroup is at most its group) tries to pin down every cell whose
   true count is between 1 and the threshold - 1. Where one could be pinned, more new cells are withheld
   ("..") until none can. This is what stops differencing and solving the margins for small cells.
4. Register: every released table is stored with its protected values (`ReleasedTable`). Unchanged cells are
   served from the register exactly as released; when the records behind a table change, it gets a new
   revision, whose changed cells get the noise of their new records (never a fresh random draw). Revisions
   are made only on the fixed revision days (`revision_days`), collecting every change since the last one,
   and only when what the table shows has changed; no cell is marked as changed.
5. Small-population guard: a quarter or half-year with fewer than `SAMSYN_SMALL_POPULATION_GUARD` persons
   with an open case is not released (its year is).
6. Amounts (costs) are published only when the number of cases behind them is published (not "<5") and no
   single case accounts for more than `DOMINANCE_SHARE` of the amount, rounded to `AMOUNT_ROUNDING` kr.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from casework.periods import Period, PeriodKind, periods_of_year
from config import formatting

from .models import ReleasedTable

logger = logging.getLogger(__name__)

KEY_BITS = 32
KEY_MODULUS = 2**KEY_BITS
# The perturbation table: noise and its probability, the same row for every true count >= 1.
PTABLE: tuple[tuple[int, Decimal], ...] = (
    (-2, Decimal("0.10")),
    (-1, Decimal("0.20")),
    (0, Decimal("0.40")),
    (1, Decimal("0.20")),
    (2, Decimal("0.10")),
)
MAX_NOISE = max(abs(noise) for noise, _p in PTABLE)
DOMINANCE_SHARE = Decimal("0.5")
AMOUNT_ROUNDING = Decimal("1000")
# Upper bound of an unknown count in the audit; far above any municipality's cases in a year.
_UNBOUNDED = 10**7
STATISTICS_PERIOD_KINDS = (PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)


def threshold() -> int:
    return settings.SAMSYN_STATISTICS_THRESHOLD


# --- Keys -----------------------------------------------------------------------------------------------


def new_statistics_key() -> float:
    """A person's fixed random key in [0, 1): 53 random bits from `secrets`, never exactly 0 (0 means unset)."""
    while True:
        key = secrets.randbits(53) / 2**53
        if key:
            return key


def record_key_expression(path: str):
    """SQL for a record's integer key from the person's `statistics_key` at `path`: floor(key * 2^32).
    Integers, so that sums are exact and the same in any order and on any database."""
    return Cast(Floor(F(path) * KEY_MODULUS), BigIntegerField())


def record_key(statistics_key: float) -> int:
    return int(statistics_key * KEY_MODULUS)


def anonymous_record_key(record_id) -> int:
    """A fixed key for a record without a person, from its random (uuid4) id."""
    return int.from_bytes(hashlib.sha256(str(record_id).encode()).digest()[:4], "big")


def noise(count: int, key_sum: int) -> int:
    """The cell-key noise: a deterministic function of the keys of the records in the cell."""
    if count == 0:
        return 0
    cell_key = key_sum % KEY_MODULUS
    digest = hashlib.sha256(cell_key.to_bytes(8, "big")).digest()
    position = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)
    cumulative = Decimal(0)
    for value, probability in PTABLE:
        cumulative += probability
        if position < cumulative:
            return value
    return PTABLE[-1][0]


# --- Cells and what is published for them -----------------------------------------------------------------


class Status(StrEnum):
    ZERO = "zero"  # no records: published as 0
    PUBLISHED = "published"  # the perturbed count, at least the threshold
    BELOW_THRESHOLD = "below_threshold"  # the perturbed count is below the threshold: "<5"
    WITHHELD = "withheld"  # held back so that no small cell can be derived: ".."
    EXACT = "exact"  # not about persons (meetings, visits to places): as counted


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    KRONOR = "kronor"


@dataclass(frozen=True)
class Tally:
    """The true count of a cell and the sum of its records' integer keys (never leaves this module
    except as a published value)."""

    count: int = 0
    key_sum: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.key_sum + other.key_sum)

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.count}:{self.key_sum % KEY_MODULUS}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Published:
    status: Status
    value: int | float | None = None  # a share has one decimal
    unit: Unit = Unit.COUNT

    @property
    def text(self) -> str:
        if self.status is Status.BELOW_THRESHOLD:
            return f"<{threshold()}"
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
        return {"status": str(self.status), "value": self.number, "text": self.text}


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
    if published.status is Status.PUBLISHED:
        return max(1, published.value - MAX_NOISE), published.value + MAX_NOISE
    if published.status is Status.BELOW_THRESHOLD:
        return 1, threshold() + MAX_NOISE - 1
    return 0, _UNBOUNDED


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


# --- The structure of a year's statistics --------------------------------------------------------------


class Additivity(StrEnum):
    FLOW = "flow"  # every record falls in one quarter: a year is the sum of its quarters
    PERSONS = "persons"  # distinct persons: a year counts a person once, however many quarters they appear in
    YEAR_ONLY = "year_only"  # counted for whole years only


@dataclass(frozen=True)
class Cell:
    population: str
    period: str
    variable: str = ""
    value: str = ""

    @property
    def code(self) -> str:
        return "/".join((self.population, self.period, self.variable, self.value))


@dataclass
class Population:
    """Records counted for a year: the tallies of every period's total and of every value of every variable.
    `personal` is False for counts that are not about persons (meetings held, visits to places)."""

    code: str
    additivity: Additivity
    variables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subset_of: tuple[str, str, str] | None = None  # (population, variable, value) that contains these records
    personal: bool = True
    tallies: dict[Cell, Tally] = field(default_factory=dict)

    def cells(self, period: str) -> list[Cell]:
        cells = [Cell(self.code, period)]
        for variable, values in self.variables.items():
            cells.extend(Cell(self.code, period, variable, value) for value in values)
        return cells

    def tally(self, cell: Cell) -> Tally:
        return self.tallies.get(cell, Tally())

    def add(self, cell: Cell, tally: Tally) -> None:
        self.tallies[cell] = self.tally(cell) + tally

    def add_up_quarters(self, year: int) -> None:
        """The half-years and the year of a flow, from its quarters."""
        quarters = periods_of_year(year, PeriodKind.QUARTER)
        for whole in periods_of_year(year, PeriodKind.HALF_YEAR) + periods_of_year(year, PeriodKind.YEAR):
            parts = [q for q in quarters if whole.contains(q.starts_on)]
            for cell in self.cells(whole.code):
                total = Tally()
                for part in parts:
                    total += self.tally(Cell(cell.population, part.code, cell.variable, cell.value))
                self.tallies[cell] = total

    def periods(self, year: int) -> list[Period]:
        if self.additivity is Additivity.YEAR_ONLY:
            return periods_of_year(year, PeriodKind.YEAR)
        return year_periods(year)


def year_periods(year: int) -> list[Period]:
    return [p for kind in STATISTICS_PERIOD_KINDS for p in periods_of_year(year, kind)]


def _period_relations(population: Population, year: int) -> list[tuple[dict[str, int], float, float]]:
    quarters = [p.code for p in periods_of_year(year, PeriodKind.QUARTER)]
    halves = [p.code for p in periods_of_year(year, PeriodKind.HALF_YEAR)]
    whole = str(year)
    relations = []
    for cell in population.cells(whole):

        def at(period, cell=cell):
            return Cell(cell.population, period, cell.variable, cell.value).code

        groups = [(whole, quarters), (halves[0], quarters[:2]), (halves[1], quarters[2:]), (whole, halves)]
        for whole_code, parts in groups:
            coefficients = {at(whole_code): 1}
            for part in parts:
                coefficients[at(part)] = coefficients.get(at(part), 0) - 1
            if population.additivity is Additivity.FLOW:
                relations.append((coefficients, 0, 0))
            else:
                # Distinct persons: the whole is at most the sum of its parts and at least each part.
                relations.append((coefficients, -np.inf, 0))
                relations.extend(({at(whole_code): 1, at(part): -1}, 0, np.inf) for part in parts)
    return relations


def relations_for(populations: list[Population], year: int) -> list[tuple[dict[str, int], float, float]]:
    """Every linear relation between the true counts of a year's cells that an attacker knows from the
    published catalogue: each a (coefficients by cell code, lower, upper) bound on the weighted sum."""
    relations = []
    for population in populations:
        if not population.personal:
            continue
        for period in population.periods(year):
            total = Cell(population.code, period.code).code
            for variable, values in population.variables.items():
                coefficients = {total: 1}
                for value in values:
                    coefficients[Cell(population.code, period.code, variable, value).code] = -1
                relations.append((coefficients, 0, 0))
            if population.subset_of:
                parent, variable, value = population.subset_of
                relations.append(({Cell(parent, period.code, variable, value).code: 1, total: -1}, 0, np.inf))
        if population.additivity is not Additivity.YEAR_ONLY:
            relations.extend(_period_relations(population, year))
    return relations


# --- The audit: an attacker's integer program over everything released ----------------------------------


@dataclass
class _System:
    codes: list[str]
    index: dict[str, int]
    matrix: object
    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def build(cls, relations, codes):
        index = {code: i for i, code in enumerate(codes)}
        matrix = lil_matrix((len(relations), len(codes)))
        lower = np.empty(len(relations))
        upper = np.empty(len(relations))
        for row, (coefficients, low, high) in enumerate(relations):
            for code, coefficient in coefficients.items():
                matrix[row, index[code]] = coefficient
            lower[row], upper[row] = low, high
        return cls(codes, index, matrix.tocsr(), lower, upper)

    def solve(self, lower_bounds, upper_bounds):
        """An integer solution within the bounds, or None if there is none (or none found in time)."""
        result = milp(
            c=np.zeros(len(self.codes)),
            integrality=np.ones(len(self.codes)),
            bounds=Bounds(lower_bounds, upper_bounds),
            constraints=[LinearConstraint(self.matrix, self.lower, self.upper)] if self.matrix.shape[0] else [],
            options={"time_limit": 10},
        )
        return np.rint(result.x).astype(int) if result.status == 0 else None


def pinned_cells(relations, truth: dict[str, int], published: dict[str, Published]) -> list[str]:
    """The cells whose true count is between 1 and the threshold - 1 and which the published values and
    the relations determine exactly (the attacker would recover them). Cells not published are unknowns."""
    codes = sorted(truth)
    system = _System.build(relations, codes)
    bounds = [feasible_counts(published[code]) if code in published else (0, _UNBOUNDED) for code in codes]
    lower_bounds = np.array([low for low, _high in bounds], dtype=float)
    upper_bounds = np.array([high for _low, high in bounds], dtype=float)
    sensitive = [code for code in codes if 1 <= truth[code] < threshold()]
    safe: set[str] = set()
    pinned = []
    for code in sensitive:
        if code in safe:
            continue
        i = system.index[code]
        for low, high in ((lower_bounds[i], truth[code] - 1), (truth[code] + 1, upper_bounds[i])):
            if low > high:
                continue
            trial_lower, trial_upper = lower_bounds.copy(), upper_bounds.copy()
            trial_lower[i], trial_upper[i] = low, high
            solution = system.solve(trial_lower, trial_upper)
            if solution is not None:
                # One other solution clears every sensitive cell it moves, not only this one.
                safe.update(c for c in sensitive if solution[system.index[c]] != truth[c])
                break
        else:
            pinned.append(code)
    return pinned


def _components(relations, codes) -> list[set[str]]:
    parent = {code: code for code in codes}

    def root(code):
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for coefficients, _low, _high in relations:
        first, *rest = coefficients
        for other in rest:
            parent[root(other)] = root(first)
    groups = defaultdict(set)
    for code in codes:
        groups[root(code)].add(code)
    return list(groups.values())


def audit_and_withhold(relations, truth: dict[str, int], published: dict[str, Published], new: set[str]) -> set[str]:
    """Withhold new cells until no small cell can be pinned down; returns the cells withheld.

    Cells released before (not in `new`) stay as they were released. Withholding only widens what an
    attacker can conclude, so the loop ends; withholding every new cell always suffices, because then
    nothing new is known."""
    withheld: set[str] = set()
    for component in _components(relations, list(truth)):
        local = [r for r in relations if next(iter(r[0])) in component]
        local_truth = {code: truth[code] for code in component}
        local_published = {code: published[code] for code in component if code in published}
        pinned = pinned_cells(local, local_truth, local_published)
        while pinned:
            candidates = _candidates(pinned[0], local, local_published, new - withheld)
            if not candidates:
                candidates = sorted(code for code in component if code in new and code not in withheld)
            if not candidates:
                logger.error("statistics audit: a small cell stays derivable after withholding all new cells")
                raise DisclosureRisk(pinned[0].split("/")[0])
            code = candidates[0]
            withheld.add(code)
            local_published[code] = Published(Status.WITHHELD)
            pinned = pinned_cells(local, local_truth, local_published)
    return withheld


def _candidates(pinned: str, relations, published, new: set[str]) -> list[str]:
    """New cells that share a relation with the pinned cell: "<5" cells first, then the smallest numbers."""
    neighbours = {code for coefficients, _l, _h in relations if pinned in coefficients for code in coefficients}
    neighbours = [code for code in neighbours if code in new and code in published]

    def preference(code):
        value = published[code]
        order = {Status.BELOW_THRESHOLD: 0, Status.PUBLISHED: 1, Status.ZERO: 2}.get(value.status, 3)
        return (order, value.number or 0, code != pinned, code)

    return sorted(neighbours, key=preference)


class DisclosureRisk(Exception):
    """Nothing is released: the audit could not make the release safe (never expected; fails closed)."""


# --- Release: the register, the audit, and the tables management sees ----------------------------------------


@dataclass(frozen=True)
class ProtectedRow:
    code: str
    label: str
    values: tuple[Published, ...]
    is_total: bool = False
    target: str = ""  # the agreement's target for the row, where it has one (not data)


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
    revision: int = 0
    released_at: datetime.datetime | None = None
    notes: tuple[str, ...] = ()
    revision_day: datetime.date | None = None  # the fixed revision day this version was released for

    def as_json(self) -> dict:
        return {
            "table": self.table,
            "title": str(self.title),
            "period": self.period.code,
            "period_label": self.period.label,
            "available": self.available,
            "reason": self.reason,
            "revision": self.revision,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "columns": [str(c) for c in self.columns],
            "rows": [
                {
                    "code": row.code,
                    "label": str(row.label),
                    "is_total": row.is_total,
                    "target": row.target,
                    "values": [value.as_json() for value in row.values],
                }
                for row in self.rows
            ],
            "notes": [str(n) for n in self.notes],
        }


@dataclass(frozen=True)
class RowSpec:
    """One row of a catalogue table: published counts of cells, a share of two cells, or amounts of money."""

    code: str
    label: str
    cells: tuple[Cell, ...] = ()
    share_of: tuple[Cell, Cell] | None = None
    amounts: tuple[tuple[int, int], ...] = ()  # (total, largest single case) in kr, per column
    amounts_cell: Cell | None = None  # the count of cases behind the amounts
    is_total: bool = False
    target: str = ""


@dataclass(frozen=True)
class TableSpec:
    code: str
    title: str
    period: Period
    columns: tuple[str, ...]
    rows: tuple[RowSpec, ...]
    definition: dict
    notes: tuple[str, ...] = ()

    def cells(self) -> set[Cell]:
        cells = set()
        for row in self.rows:
            cells.update(row.cells)
            cells.update(row.share_of or ())
            if row.amounts_cell:
                cells.add(row.amounts_cell)
        return cells


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


def protect_year(
    *,
    agreement,
    year: int,
    populations: list[Population],
    specs: list[TableSpec],
    availability: dict[str, str],
    today: datetime.date | None = None,
) -> dict[tuple[str, str], ProtectedTable]:
    """Release the year's catalogue: reuse what the register holds for unchanged cells, publish new cells
    with cell-key noise and the threshold, audit everything released for the year together, withhold what
    the audit requires, and register new revisions. `availability` maps a period code to why it is not
    released ("" when it is). Returns every table of `specs`, keyed by (table, period).

    Revisions follow the fixed schedule: a table already released for the latest revision day on or before
    `today` is served exactly as released, every cell of it, until the next revision day; only then do the
    changes in its records (all of them since the last revision) reach it, in one new revision, and only if
    what it shows has changed. A revision therefore never appears the day after one late case, and a change
    hidden under "<5" or ".." never shows up as a new version."""
    day = revision_day(today or timezone.localdate())
    by_code = {p.code: p for p in populations}
    truth: dict[str, int] = {}
    digests: dict[str, str] = {}
    for population in populations:
        if not population.personal:
            continue
        for period in population.periods(year):
            for cell in population.cells(period.code):
                tally = population.tally(cell)
                truth[cell.code] = tally.count
                digests[cell.code] = tally.digest
    released_specs = [spec for spec in specs if not availability.get(spec.period.code)]

    with transaction.atomic():
        # One release of an agreement's statistics at a time.
        type(agreement).objects.select_for_update().filter(pk=agreement.pk).first()
        latest = _latest_revisions(agreement, year)
        frozen: dict[str, Published] = {}
        frozen_digests: dict[str, str] = {}
        # Tables released for this revision day first: every cell as released, changed records or not.
        for row in sorted(latest.values(), key=lambda row: not _current(row, day)):
            for code, stored in row.cells.items():
                if code in frozen or code not in digests:
                    continue
                if _current(row, day) or stored["digest"] == digests[code]:
                    frozen[code] = Published(Status(stored["status"]), stored["value"])
                    frozen_digests[code] = stored["digest"]
        published: dict[str, Published] = dict(frozen)
        new: set[str] = set()
        for spec in released_specs:
            for cell in spec.cells():
                if by_code[cell.population].personal and cell.code not in frozen:
                    published[cell.code] = publish_count(by_code[cell.population].tally(cell))
                    new.add(cell.code)
        if new:
            for code in audit_and_withhold(relations_for(populations, year), truth, published, new):
                published[code] = Published(Status.WITHHELD)
        tables = {}
        for spec in specs:
            reason = availability.get(spec.period.code, "")
            if reason:
                tables[(spec.code, spec.period.code)] = ProtectedTable(
                    table=spec.code,
                    title=spec.title,
                    period=spec.period,
                    columns=spec.columns,
                    rows=(),
                    available=False,
                    reason=reason,
                )
                continue
            table = _table(spec, published, by_code)
            row = _register(
                agreement,
                spec,
                table,
                published,
                {**digests, **frozen_digests},
                latest.get((spec.code, spec.period.code)),
                day,
            )
            tables[(spec.code, spec.period.code)] = _with_revision(table, row)
    return tables


def _current(row, day: datetime.date) -> bool:
    """The register row was released (or checked) for the revision day `day`: it stands until the next one."""
    return row.revised_for is not None and row.revised_for >= day


def _latest_revisions(agreement, year: int) -> dict[tuple[str, str], object]:
    codes = [p.code for p in year_periods(year)]
    latest = {}
    for row in ReleasedTable.objects.filter(agreement=agreement, period__in=codes).order_by("revision"):
        latest[(row.table, row.period)] = row
    return latest


def _cell_value(cell: Cell, published, by_code) -> Published:
    population = by_code[cell.population]
    if not population.personal:
        return Published(Status.EXACT, population.tally(cell).count)
    return published[cell.code]


def _table(spec: TableSpec, published, by_code) -> ProtectedTable:
    rows = []
    for row in spec.rows:
        values = [_cell_value(cell, published, by_code) for cell in row.cells]
        if row.share_of:
            numerator, denominator = (_cell_value(c, published, by_code) for c in row.share_of)
            values.append(publish_share(numerator, denominator))
        if row.amounts:
            cases = _cell_value(row.amounts_cell, published, by_code)
            values.extend(publish_amount(total, largest, cases) for total, largest in row.amounts)
        rows.append(ProtectedRow(row.code, row.label, tuple(values), row.is_total, row.target))
    return ProtectedTable(
        table=spec.code,
        title=spec.title,
        period=spec.period,
        columns=spec.columns,
        rows=tuple(rows),
        notes=spec.notes,
    )


def _register(agreement, spec: TableSpec, table: ProtectedTable, published, digests, latest, day: datetime.date):
    """The register row of this table: the latest revision while it stands (until the revision day after
    the one it was released for) or when what it shows is unchanged, else a new revision for `day`.

    An unchanged table keeps its version and is marked as checked for `day`, with the digests of the
    records it now stands for; a version is never made for a change that does not show."""
    if latest is not None and _current(latest, day):
        return latest
    cells = {
        cell.code: {
            "status": str(published[cell.code].status),
            "value": published[cell.code].number,
            "digest": digests[cell.code],
        }
        for cell in sorted(spec.cells(), key=lambda c: c.code)
        if cell.code in published
    }
    rows = {row.code: [value.as_json() for value in row.values] for row in table.rows}
    basis = hashlib.sha256(repr((sorted(cells.items()), sorted(rows.items()))).encode()).hexdigest()
    if latest is not None and latest.rows == json.loads(json.dumps(rows)):
        if latest.basis_digest != basis or latest.revised_for != day:
            latest.cells, latest.basis_digest, latest.revised_for = cells, basis, day
            latest.save(update_fields=["cells", "basis_digest", "revised_for"])
        return latest
    return ReleasedTable.objects.create(
        agreement=agreement,
        table=spec.code,
        definition=spec.definition,
        period=spec.period.code,
        revision=(latest.revision + 1) if latest else 1,
        cells=cells,
        rows=rows,
        basis_digest=basis,
        revised_for=day,
    )


def _stored_value(stored: dict) -> Published:
    text = stored["text"]
    # By the text's unit sign, whatever spaces and language it was released with ("75 %", "75,0\u00a0%").
    unit = Unit.PERCENT if text.endswith("%") else Unit.KRONOR if text.endswith("kr") else Unit.COUNT
    return Published(Status(stored["status"]), stored["value"], unit)


def _with_revision(table: ProtectedTable, register_row) -> ProtectedTable:
    """The table as the register holds it: its values exactly as released (counts, shares, amounts and
    exact counts alike), its revision and the revision day of its release (an unchanged table checked on a
    later revision day keeps the version and the day it was released on)."""
    rows = tuple(
        replace(row, values=tuple(_stored_value(value) for value in register_row.rows[row.code]))
        if row.code in register_row.rows
        else row
        for row in table.rows
    )
    return replace(
        table,
        rows=rows,
        revision=register_row.revision,
        released_at=register_row.released_at,
        revision_day=revision_day(timezone.localdate(register_row.released_at)),
    )
