"""The structure of a year's statistics: the populations counted, their cells and periods, and how a
catalogue table is defined in cells (the tables themselves are in reports/catalogue.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from casework.periods import Period, PeriodKind, periods_of_year

from .cell_key import Tally
from .publication import Published

STATISTICS_PERIOD_KINDS = (PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)


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
    `personal` is False for counts that are not about persons (meetings held, visits to places). `exact`
    names the variables ("" for the total) whose cells are the agreement's own target figures, published
    exactly; every other cell goes through disclosure control, with the exact ones as known margins."""

    code: str
    additivity: Additivity
    variables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subset_of: tuple[str, str, str] | None = None  # (population, variable, value) that contains these records
    personal: bool = True
    exact: tuple[str, ...] = ()
    tallies: dict[Cell, Tally] = field(default_factory=dict)

    def cells(self, period: str) -> list[Cell]:
        cells = [Cell(self.code, period)]
        for variable, values in self.variables.items():
            cells.extend(Cell(self.code, period, variable, value) for value in values)
        return cells

    def is_exact(self, cell: Cell) -> bool:
        return cell.variable in self.exact

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
    """The periods whose cells are counted and audited: quarters, half-years and the year."""
    return [p for kind in STATISTICS_PERIOD_KINDS for p in periods_of_year(year, kind)]


def release_periods(year: int) -> list[Period]:
    """Every period a table can be released for: those of `year_periods` and the tertials, for which only
    the agreement's own target figures are published (exact; no breakdown is, so they add no margin that
    the audit must know: see docs/statistics-method.md, section 10)."""
    kinds = (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.HALF_YEAR, PeriodKind.YEAR)
    return [p for kind in kinds for p in periods_of_year(year, kind)]


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
    # Exact values counted by casework.selectors.targets (the row's `cells`, if any, are the same figures as
    # the audit knows them): for the agreement's own target figures, which are published as counted.
    values: tuple[Published, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    code: str
    title: str
    period: Period
    columns: tuple[str, ...]
    rows: tuple[RowSpec, ...]
    definition: dict
    notes: tuple[str, ...] = ()
    preliminary: bool = False

    def cells(self) -> set[Cell]:
        cells = set()
        for row in self.rows:
            cells.update(row.cells)
            cells.update(row.share_of or ())
            if row.amounts_cell:
                cells.add(row.amounts_cell)
        return cells
