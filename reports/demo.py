"""The reports' part of the demo (casework.demo): an assumed cost index for the cost comparison."""

from decimal import Decimal

from accesscontrol.actor import actor_for
from reports.services import set_cost_index

DEMO_INDEX_SOURCE = (
    "Demodata, inte en officiell indexserie: en antagen kostnadsökning på 3 % per år med 2015 = 100. "
    "Ersätt med kommunens eget index, SCB:s KPI eller SKR:s PKV."
)


def add_demo_cost_index(*, agreement, sysadmin, year: int) -> None:
    """The cost comparison needs an index to bring 2015–2023 tariffs to the demo year. No official series is
    shipped (its figures must come from their publisher), so the demo states plainly that this one is assumed.
    Registered with casework.demo.register_demo_data, which calls it for a new demo agreement."""
    actor = actor_for(sysadmin, agreement)
    for index_year in range(2015, year + 1):
        set_cost_index(
            actor=actor,
            year=index_year,
            value=(Decimal(100) * Decimal("1.03") ** (index_year - 2015)).quantize(Decimal("0.01")),
            name="Demo: antagen kostnadsutveckling 3 %/år",
            source=DEMO_INDEX_SOURCE,
            for_agreement=True,
        )
