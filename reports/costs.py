"""The cost comparison: for each lifestyle case and year, what its home-based interventions cost against what
the same time at its realistic alternative (HVB, SiS open or SiS locked) would have cost.

- Home-based interventions count when accepted and started: days in the year x a daily tariff; months
  (days in the year / days of the year x 12) x a monthly tariff; occasions x a per-occasion tariff, and a
  one-off price once, both in the year the intervention started. An intervention without an end runs until
  today or the end of the year.
- "The same time" is the days of the year on which the case had at least one home-based intervention running;
  the alternative costs those days at the daily tariff of the catalogue entry with the alternative's code.
- A tariff of the comparison year is used as it is. Otherwise the latest earlier tariff (or, failing that,
  the earliest later one) is brought to the comparison year with one index series: the agreement's own if
  it has one, else the global one. The comparison says which tariff years and which index it used. Where
  no tariff or no index value covers a year, it says so and leaves the case out of the totals; it never
  guesses.
- Index values are versioned (reports.models.CostIndex.valid_from): the comparison of a year uses, for each
  index year, the version in force on the last day it computes (the year's end, or today in the running
  year), or the first version recorded if none was in force yet. A corrected value thus changes the
  comparisons of the years from its date on, never one of a year already past.
- Both amounts: what the municipality pays (Tariff.municipal_cost) and the full cost to society.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Category, Intervention, InterventionType, RealisticAlternative, Tariff
from config import formatting

from .models import CostIndex

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TariffUse:
    """The price of an intervention type in a comparison year, and where it came from."""

    type_code: str
    type_name: str
    tariff_year: int
    price_unit: str
    price_unit_label: str
    municipal: Decimal
    societal: Decimal
    source: str
    index_name: str = ""
    index_from: Decimal | None = None
    index_to: Decimal | None = None

    @property
    def indexed(self) -> bool:
        return self.index_from is not None


@dataclass
class CaseCost:
    case_id: object
    case_number: str
    person_id: object
    statistics_key: float
    alternative: str
    days: int = 0
    home_municipal: Decimal = Decimal(0)
    home_societal: Decimal = Decimal(0)
    alternative_municipal: Decimal = Decimal(0)
    alternative_societal: Decimal = Decimal(0)
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def alternative_label(self) -> str:
        return str(RealisticAlternative(self.alternative).label)

    @property
    def difference_municipal(self) -> Decimal:
        return self.alternative_municipal - self.home_municipal

    @property
    def difference_societal(self) -> Decimal:
        return self.alternative_societal - self.home_societal


@dataclass
class YearComparison:
    year: int
    cases: list[CaseCost]
    tariffs: list[TariffUse]
    problems: list[str]

    @property
    def complete_cases(self) -> list[CaseCost]:
        return [case for case in self.cases if case.complete]

    def total(self, attribute: str) -> Decimal:
        return sum((getattr(case, attribute) for case in self.complete_cases), Decimal(0))

    @property
    def totals(self) -> dict[str, Decimal]:
        attributes = ("home", "alternative", "difference")
        return {f"{a}_{payer}": self.total(f"{a}_{payer}") for a in attributes for payer in ("municipal", "societal")}

    def largest(self, attribute: str) -> Decimal:
        return max((abs(getattr(case, attribute)) for case in self.complete_cases), default=Decimal(0))


class Prices:
    """Tariffs of an agreement brought to comparison years, with the index that did it."""

    def __init__(self, agreement):
        self.types = {t.pk: t for t in InterventionType.objects.filter(agreement=agreement)}
        self.types_by_code = {t.code: t for t in self.types.values()}
        self.tariffs = defaultdict(list)
        for tariff in Tariff.objects.filter(intervention_type__agreement=agreement).order_by("year"):
            self.tariffs[tariff.intervention_type_id].append(tariff)
        own = list(CostIndex.objects.filter(agreement=agreement).order_by("year", "valid_from"))
        series = own or list(CostIndex.objects.filter(agreement__isnull=True).order_by("year", "valid_from"))
        self.versions = defaultdict(list)  # index year -> its versions, oldest first
        for row in series:
            self.versions[row.year].append(row)
        self._cache = {}

    def index_on(self, day: datetime.date) -> dict[int, CostIndex]:
        """Per index year, the version in force on `day`, or the first version if none was yet."""
        chosen = {}
        for year, versions in self.versions.items():
            in_force = [v for v in versions if v.valid_from <= day]
            chosen[year] = in_force[-1] if in_force else versions[0]
        return chosen

    def price(self, type_id, year: int, *, on: datetime.date | None = None) -> TariffUse | str:
        """The tariff of `type_id` for `year`, or a sentence saying why there is none; indexed with the
        versions in force on `on` (the last day of `year` unless given)."""
        on = on or datetime.date(year, 12, 31)
        if (type_id, year, on) not in self._cache:
            self._cache[(type_id, year, on)] = self._price(self.types[type_id], year, self.index_on(on))
        return self._cache[(type_id, year, on)]

    def _price(self, intervention_type, year: int, index: dict[int, CostIndex]) -> TariffUse | str:
        tariffs = self.tariffs.get(intervention_type.pk, [])
        if not tariffs:
            return _("Det finns ingen taxa för %(type)s.") % {"type": intervention_type.name}
        earlier = [t for t in tariffs if t.year <= year]
        tariff = earlier[-1] if earlier else tariffs[0]
        use = {
            "type_code": intervention_type.code,
            "type_name": intervention_type.name,
            "tariff_year": tariff.year,
            "price_unit": tariff.price_unit,
            "price_unit_label": tariff.get_price_unit_display(),
            "source": tariff.source,
        }
        if tariff.year == year:
            return TariffUse(municipal=tariff.municipal_cost, societal=tariff.societal_cost, **use)
        missing = [y for y in (tariff.year, year) if y not in index]
        if missing:
            return _(
                "Taxan för %(type)s gäller %(tariff_year)s och kan inte räknas om till %(year)s: "
                "indexvärde saknas för %(missing)s."
            ) % {
                "type": intervention_type.name,
                "tariff_year": tariff.year,
                "year": year,
                "missing": ", ".join(str(y) for y in missing),
            }
        start, end = index[tariff.year].value, index[year].value
        return TariffUse(
            municipal=(tariff.municipal_cost * end / start).quantize(CENT, ROUND_HALF_UP),
            societal=(tariff.societal_cost * end / start).quantize(CENT, ROUND_HALF_UP),
            index_name=index[year].name,
            index_from=start,
            index_to=end,
            **use,
        )


def _days_in(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days + 1


def _overlap(starts_on, ends_on, first: datetime.date, last: datetime.date):
    start, end = max(starts_on, first), min(ends_on or last, last)
    return (start, end) if start <= end else None


def _covered_days(intervals) -> int:
    """Days covered by at least one of the intervals (inclusive ends)."""
    days, current_end = 0, None
    for start, end in sorted(intervals):
        if current_end is not None and start <= current_end:
            if end > current_end:
                days += (end - current_end).days
                current_end = end
            continue
        days += _days_in(start, end)
        current_end = end
    return days


def _intervention_cost(row, price: TariffUse, interval, year: int, days_of_year: int):
    unit = price.price_unit
    if unit == Tariff.PriceUnit.DAY:
        quantity = Decimal(_days_in(*interval)) if interval else Decimal(0)
    elif unit == Tariff.PriceUnit.MONTH:
        quantity = Decimal(_days_in(*interval) * 12) / days_of_year if interval else Decimal(0)
    elif row["starts_on"].year != year:
        quantity = Decimal(0)
    elif unit == Tariff.PriceUnit.OCCASION:
        if row["occasions"] is None:
            return None
        quantity = Decimal(row["occasions"])
    else:
        quantity = Decimal(1)
    return quantity * price.municipal, quantity * price.societal


def compare_year(agreement, year: int, *, prices: Prices | None = None, today=None) -> YearComparison:
    """The comparison for every lifestyle case with accepted home-based interventions running in `year`."""
    prices = prices or Prices(agreement)
    today = today or timezone.localdate()
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), max(today, datetime.date(year, 1, 1)))
    days_of_year = _days_in(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    rows = (
        Intervention.objects.filter(
            case__agreement=agreement,
            case__category=Category.LIFESTYLE,
            response=Intervention.Response.ACCEPTED,
            intervention_type__setting=InterventionType.Setting.HOME_BASED,
            starts_on__lte=last,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .values(
            "case_id",
            "case__number",
            "case__person_id",
            "case__person__statistics_key",
            "case__realistic_alternative",
            "intervention_type_id",
            "starts_on",
            "ends_on",
            "occasions",
        )
        .order_by("case__number", "starts_on")
    )
    cases: dict[object, CaseCost] = {}
    intervals = defaultdict(list)
    used: dict[str, TariffUse] = {}
    problems: set[str] = set()
    for row in rows:
        case = cases.get(row["case_id"])
        if case is None:
            case = cases[row["case_id"]] = CaseCost(
                case_id=row["case_id"],
                case_number=row["case__number"],
                person_id=row["case__person_id"],
                statistics_key=row["case__person__statistics_key"],
                alternative=row["case__realistic_alternative"],
            )
        interval = _overlap(row["starts_on"], row["ends_on"], first, last)
        if interval:
            intervals[case.case_id].append(interval)
        price = prices.price(row["intervention_type_id"], year, on=last)
        if isinstance(price, str):
            case.problems.append(price)
            problems.add(price)
            continue
        used[price.type_code] = price
        amounts = _intervention_cost(row, price, interval, year, days_of_year)
        if amounts is None:
            case.problems.append(_("Antal tillfällen saknas för en insats som prissätts per tillfälle."))
            continue
        case.home_municipal += amounts[0]
        case.home_societal += amounts[1]
    for case in cases.values():
        case.home_municipal = case.home_municipal.quantize(CENT, ROUND_HALF_UP)
        case.home_societal = case.home_societal.quantize(CENT, ROUND_HALF_UP)
        case.days = _covered_days(intervals[case.case_id])
        _price_alternative(case, prices, year, days_of_year, used, problems, on=last)
    return YearComparison(
        year=year,
        cases=list(cases.values()),
        tariffs=sorted(used.values(), key=lambda u: u.type_name),
        problems=sorted(problems),
    )


def _price_alternative(case: CaseCost, prices: Prices, year, days_of_year, used, problems, *, on) -> None:
    if not case.alternative:
        case.problems.append(_("Inget realistiskt alternativ är bedömt för ärendet."))
        return
    alternative = prices.types_by_code.get(case.alternative)
    if alternative is None:
        message = _("Insatskatalogen saknar %(alternative)s.") % {
            "alternative": RealisticAlternative(case.alternative).label
        }
        case.problems.append(message)
        problems.add(message)
        return
    price = prices.price(alternative.pk, year, on=on)
    if isinstance(price, str):
        case.problems.append(price)
        problems.add(price)
        return
    used[price.type_code] = price
    if price.price_unit == Tariff.PriceUnit.DAY:
        per_day = (price.municipal, price.societal)
    elif price.price_unit == Tariff.PriceUnit.MONTH:
        per_day = (price.municipal * 12 / days_of_year, price.societal * 12 / days_of_year)
    else:
        message = _("Taxan för %(type)s är inte per dygn eller månad.") % {"type": price.type_name}
        case.problems.append(message)
        problems.add(message)
        return
    case.alternative_municipal = (per_day[0] * case.days).quantize(CENT, ROUND_HALF_UP)
    case.alternative_societal = (per_day[1] * case.days).quantize(CENT, ROUND_HALF_UP)


def tariff_note(use: TariffUse) -> str:
    """Which tariff year, and which index, priced an intervention type."""
    if use.indexed:
        return str(
            _("%(type)s: taxa %(year)s (%(unit)s), omräknad med %(index)s %(start)s → %(end)s.")
            % {
                "type": use.type_name,
                "year": use.tariff_year,
                "unit": use.price_unit_label,
                "index": use.index_name,
                "start": formatting.number(use.index_from, 2),
                "end": formatting.number(use.index_to, 2),
            }
        )
    return str(
        _("%(type)s: taxa %(year)s (%(unit)s).")
        % {"type": use.type_name, "year": use.tariff_year, "unit": use.price_unit_label}
    )
