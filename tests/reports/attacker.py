"""An attacker who has only what the management role can fetch: every table of a year through the API, the
published method (/statistik/metod/: threshold, perturbation table) and the documented catalogue (which
tables count the same records, that a year is the sum of its quarters, which groups contain which).

From the published values the attacker derives, for every count, an interval of the true counts that could
have produced it, then solves the integer program of all intervals and relations for the smallest and largest
value of every count. A count is recovered when they are equal. This is the strongest possibilistic attack on
the published margins; it is written independently of the audit in reports.disclosure_control.differencing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

# What the method page publishes.
THRESHOLD = 5
MAX_NOISE = 2
UNBOUNDED = 10**6

# What the catalogue documents: which records each table counts.
BREAKDOWNS = {
    "cases_by_category": ("cases", "category"),
    "cases_by_age": ("cases", "age"),
    "cases_by_gender": ("cases", "gender"),
    "cases_by_area": ("cases", "area"),
    "interventions_by_type": ("interventions", "type"),
    "follow_ups_by_outcome": ("follow_ups", "outcome"),
}
TARGET_ROWS = {
    "lifestyle_identified": ("cases", "category", "lifestyle"),
    "svansen_identified": ("cases", "category", "svansen"),
    "svansen_offered": ("svansen_offered", "", ""),
    "follow_ups_due": ("follow_ups_due", "", ""),
    "follow_ups_in_time": ("follow_ups_in_time", "", ""),
    "concern_talks": ("concern_talks", "", ""),
    "svansen_reached": ("svansen_reached", "", ""),
}
DISTINCT_PERSONS = {"svansen_reached"}
# What the method page publishes as exact (the agreement's own target figures): public by design, in every
# period, so never a count to protect; they are margins the attacker knows exactly.
PUBLIC = {
    ("cases", ""),
    ("cases", "category"),
    ("svansen_offered", ""),
    ("follow_ups_due", ""),
    ("follow_ups_in_time", ""),
    ("concern_talks", ""),
    ("svansen_reached", ""),
}


def is_public(key) -> bool:
    population, _period, variable, _value = key
    return (population, variable) in PUBLIC


SUBSETS = {
    ("svansen_offered", "", ""): ("cases", "category", "svansen"),
    ("follow_ups_in_time", "", ""): ("follow_ups_due", "", ""),
}


def interval(value: dict) -> tuple[int, int]:
    """The true counts that could have been published as `value` ({status, value, text})."""
    status = value["status"]
    if status == "zero":
        return 0, 0
    if status == "exact" and value["value"] is not None:
        return value["value"], value["value"]
    if status == "published":
        return max(1, value["value"] - MAX_NOISE), value["value"] + MAX_NOISE
    if status == "below_threshold":
        return 1, THRESHOLD + MAX_NOISE - 1
    return 0, UNBOUNDED


@dataclass
class Knowledge:
    """Variables (population, period, variable, value) with the attacker's bounds, and the relations."""

    bounds: dict
    relations: list
    variables_of: dict  # population -> set of (variable, value) seen

    @classmethod
    def from_tables(cls, tables: list[dict], year: int, earlier: dict | None = None) -> Knowledge:
        """`earlier` names kept tables of an earlier version of a period (kept period -> period, such as a
        preliminary year beside the final one): each version keeps its own relations, and since only late
        entries come between them, an earlier count is at most the later one's."""
        bounds: dict = {}
        variables_of = defaultdict(set)

        def observe(key, value):
            low, high = interval(value)
            old_low, old_high = bounds.get(key, (0, UNBOUNDED))
            bounds[key] = (max(low, old_low), min(high, old_high))

        breakdown_values = defaultdict(set)
        for table in tables:
            if not table["available"]:
                continue
            period = table["period"]
            if table["table"] in BREAKDOWNS:
                population, variable = BREAKDOWNS[table["table"]]
                for row in table["rows"]:
                    if row["is_total"]:
                        observe((population, period, "", ""), row["values"][0])
                    else:
                        breakdown_values[(population, variable)].add(row["code"])
                        observe((population, period, variable, row["code"]), row["values"][0])
            elif table["table"] == "targets":
                for row in table["rows"]:
                    if row["code"] in TARGET_ROWS:
                        population, variable, value = TARGET_ROWS[row["code"]]
                        observe((population, period, variable, value), row["values"][0])
        for (population, variable), values in breakdown_values.items():
            variables_of[population].update((variable, value) for value in values)
        populations = {key[0] for key in bounds}
        for population in populations:
            variables_of[population].add(("", ""))
        relations = cls._relations(variables_of, breakdown_values, year, earlier or {})
        for coefficients, _low, _high in relations:
            for key in coefficients:
                bounds.setdefault(key, (0, UNBOUNDED))
        return cls(bounds, relations, variables_of)

    @staticmethod
    def _relations(variables_of, breakdown_values, year, earlier):
        quarters = [f"{year}-Q{n}" for n in range(1, 5)]
        halves = [f"{year}-H1", f"{year}-H2"]
        groups = [(str(year), quarters), (halves[0], quarters[:2]), (halves[1], quarters[2:]), (str(year), halves)]
        periods = [str(year), *halves, *quarters, *earlier]
        relations = []
        for (population, variable), values in breakdown_values.items():
            for period in periods:
                coefficients = {(population, period, "", ""): 1}
                for value in values:
                    coefficients[(population, period, variable, value)] = -1
                relations.append((coefficients, 0, 0))
        for population, cells in variables_of.items():
            for variable, value in cells:
                for whole, parts in groups:
                    coefficients = {(population, whole, variable, value): 1}
                    for part in parts:
                        coefficients[(population, part, variable, value)] = -1
                    if population in DISTINCT_PERSONS:
                        relations.append((coefficients, -np.inf, 0))
                        relations.extend(
                            (
                                {(population, whole, variable, value): 1, (population, part, variable, value): -1},
                                0,
                                np.inf,
                            )
                            for part in parts
                        )
                    else:
                        relations.append((coefficients, 0, 0))
        for kept, later in earlier.items():
            for population, cells in variables_of.items():
                for variable, value in cells:
                    key = (population, kept, variable, value)
                    relations.append(({(population, later, variable, value): 1, key: -1}, 0, np.inf))
        for child, parent in SUBSETS.items():
            if child[0] in variables_of:
                for period in periods:
                    relations.append(
                        (
                            {(parent[0], period, parent[1], parent[2]): 1, (child[0], period, child[1], child[2]): -1},
                            0,
                            np.inf,
                        )
                    )
        return relations

    def ranges(self, keys=None) -> dict:
        """The smallest and largest true value of each count (of `keys`, default those that could be small)."""
        variables = sorted(self.bounds)
        index = {key: i for i, key in enumerate(variables)}
        matrix = lil_matrix((len(self.relations), len(variables)))
        lower, upper = np.empty(len(self.relations)), np.empty(len(self.relations))
        for row, (coefficients, low, high) in enumerate(self.relations):
            for key, coefficient in coefficients.items():
                matrix[row, index[key]] = coefficient
            lower[row], upper[row] = low, high
        constraints = [LinearConstraint(matrix.tocsr(), lower, upper)] if self.relations else []
        bounds = Bounds([self.bounds[k][0] for k in variables], [self.bounds[k][1] for k in variables])
        if keys is None:
            keys = [k for k in variables if self.bounds[k][0] < THRESHOLD and self.bounds[k][1] >= 1]
        result = {}
        for key in keys:
            extremes = []
            for sign in (1, -1):
                objective = np.zeros(len(variables))
                objective[index[key]] = sign
                solution = milp(objective, integrality=np.ones(len(variables)), bounds=bounds, constraints=constraints)
                assert solution.status == 0, f"the attacker's system has no solution ({solution.message})"
                extremes.append(round(solution.x[index[key]]))
            result[key] = (extremes[0], extremes[1])
        return result


def recovered_small_counts(knowledge: Knowledge) -> dict:
    """Counts the attacker pins down to one value between 1 and the threshold - 1."""
    return {key: low for key, (low, high) in knowledge.ranges().items() if low == high and 1 <= low < THRESHOLD}
