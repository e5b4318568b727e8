"""The linked-table audit: an attacker's integer program over everything released for a year, and the
withholding that stops differencing (package docstring, point 3; docs/statistics-method.md, section 4)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from casework.periods import PeriodKind, periods_of_year

from .publication import UNBOUNDED, Published, Status, feasible_counts, threshold
from .structure import Additivity, Cell, Population

logger = logging.getLogger(__name__)


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


def pinned_cells(relations, truth: dict[str, int], published: dict[str, Published], known=frozenset()) -> list[str]:
    """The cells whose true count is between 1 and the threshold - 1 and which the published values and
    the relations determine exactly (the attacker would recover them). Cells not published are unknowns;
    cells published exactly (the agreement's target figures) are known margins, and they and the cells in
    `known` are public already, so not counted as pinned."""
    codes = sorted(truth)
    system = _System.build(relations, codes)
    bounds = [feasible_counts(published[code]) if code in published else (0, UNBOUNDED) for code in codes]
    lower_bounds = np.array([low for low, _high in bounds], dtype=float)
    upper_bounds = np.array([high for _low, high in bounds], dtype=float)
    exact = {code for code, value in published.items() if value.status is Status.EXACT}
    sensitive = [code for code in codes if 1 <= truth[code] < threshold() and code not in exact and code not in known]
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


def audit_and_withhold(
    relations, truth: dict[str, int], published: dict[str, Published], new: set[str], public=frozenset()
) -> set[str]:
    """Withhold new cells until no small cell can be pinned down; returns the cells withheld.

    Cells released before (not in `new`) stay as they were released, and the exact figures are known
    margins. `public` are the cells of the exact figures in every period (a half-year's, from its exact
    quarters, even before its own release): public by design, never protected. A cell that what is public
    already determines (a breakdown with one value, the same as its exact total) cannot be protected by
    withholding and is left out too. Withholding only widens what an attacker can conclude, so the loop
    ends; withholding every new cell always suffices, because then nothing new is known."""
    withheld: set[str] = set()
    for component in _components(relations, list(truth)):
        if not component & new:
            continue
        local = [r for r in relations if next(iter(r[0])) in component]
        local_truth = {code: truth[code] for code in component}
        local_published = {code: published[code] for code in component if code in published}
        before = {code: value for code, value in local_published.items() if code not in new}
        known = set(pinned_cells(local, local_truth, before, known=public))
        if known:
            logger.warning("statistics audit: %d small cells are determined by what is public already", len(known))
        local_pinned = partial(pinned_cells, local, local_truth, known=frozenset(known | set(public)))
        pinned = local_pinned(local_published)
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
            pinned = local_pinned(local_published)
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
