"""The one table `make bench` prints: every measured ratio beside its goal.

Each benchmark module that takes part exposes `rows() -> list[Row]`; `bench/run.py` calls them in turn and
prints one table. A module still runs on its own (`python bench/<name>.py`) and prints its details there.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured ratio (`ratio` of `samples`, their median) against its goal (`ratio <= goal`)."""

    what: str
    samples: tuple[float, ...]
    goal: float
    unit_note: str = ""

    @property
    def ratio(self) -> float:
        return statistics.median(self.samples)

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal

    def line(self) -> str:
        low, high = min(self.samples), max(self.samples)
        verdict = "met" if self.met else "NOT MET"
        note = f"  {self.unit_note}" if self.unit_note else ""
        return (
            f"{self.what:<58} {self.ratio:6.2f}×  [{low:5.2f}–{high:5.2f}]  n={len(self.samples):<3}"
            f" goal ≤ {self.goal:.2f}×  {verdict}{note}"
        )


def interleaved_ratios(numerator: Callable[[], object], denominator: Callable[[], object], rounds: int = 9):
    """The ratio numerator/denominator per round, the two timed back to back in each round (after one
    warm-up of each) so that the machine's load falls on both sides alike."""
    numerator()
    denominator()
    ratios = []
    for _ in range(rounds):
        started = time.perf_counter()
        numerator()
        top = time.perf_counter() - started
        started = time.perf_counter()
        denominator()
        ratios.append(top / (time.perf_counter() - started))
    return tuple(ratios)


def print_table(rows: list[Row]) -> bool:
    """Print the table; True when every goal is met."""
    print(f"\n{'measured':<58} {'median':>7}  {'range':^13}  {'rounds':<5} goal")
    for row in rows:
        print(row.line())
    met = sum(row.met for row in rows)
    print(f"\n{met} of {len(rows)} goals met")
    return met == len(rows)
