"""The fixed catalogue of management statistics: which tables exist, what they count, and the aggregate
queries behind them. A table and a calendar period (quarter, half-year, year) are all anyone can ask for;
there are no ad-hoc queries and no free date ranges. Everything here goes out only through
`disclosure_control.register.protect_year`.

Counting rules (also on /statistik/metod/). What each target figure counts is defined once, in
casework.selectors.targets; the populations here count the same rows, grouped by quarter and keyed per person:
- An identified case counts in the quarter of its raising date (aktualiseringsdatum), in the category it was
  identified in (a later category change does not change a past period's tables).
- Age is the age a person reaches during the period's calendar year (the year minus the birth year): only the
  birth year is kept, and so a person has one age band in a year and all its quarters.
- Gender and area are the person's as registered.
- Interventions count in the quarter they were offered, follow-ups in the quarter they were written.
- A follow-up is due in the quarter its window (3-6 months after raising, per the agreement) closes, and is in
  time if one was written inside the window; a case closed before its window opened is not due.
- Orossamtal count as held contacts; svansen youths reached count each case once per period.
- Meetings held with approved minutes and visits to hot spots are not about persons and are counted as they are.

What is exact (docs/statistics-method.md, section 10): the agreement's own target figures, in the targets table
(from casework.selectors.targets.target_rows, the board's selector) and the cases per category, are aggregate
counts without personal attributes and are published as counted, with met or not met. Everything broken down
by an attribute (age band, gender, area, intervention type, outcome) goes through disclosure control, which
takes the exact figures as known margins.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractQuarter
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.models import (
    Area,
    Case,
    Category,
    FollowUp,
    Gender,
    Intervention,
    InterventionType,
    Person,
    Target,
)
from casework.periods import Period, PeriodKind, periods_of_year
from casework.selectors import targets
from casework.selectors.targets import (
    CATEGORY_FIELD,
    FOLLOW_UP_COUNT_LABELS,
    MEASURES,
    FollowUpCount,
    MetricRow,
    PeriodRow,
)

from . import costs
from .disclosure_control.cell_key import Tally, anonymous_record_key, record_key, record_key_expression
from .disclosure_control.publication import Published, Status, Unit
from .disclosure_control.schedule import is_preliminary
from .disclosure_control.structure import (
    STATISTICS_PERIOD_KINDS,
    Additivity,
    Cell,
    Population,
    RowSpec,
    TableSpec,
    release_periods,
    year_periods,
)

CATALOGUE_VERSION = 1
AGE_BANDS = (("13-15", 13, 15), ("16-17", 16, 17), ("18-20", 18, 20), ("21-25", 21, 25))
OTHER_AGE = "other"
NO_AREA = "none"


def age_band(year: int, birth_year: int) -> str:
    age = year - birth_year
    return next((code for code, low, high in AGE_BANDS if low <= age <= high), OTHER_AGE)


@dataclass(frozen=True)
class CatalogueTable:
    code: str
    title: str
    description: str
    kinds: tuple[PeriodKind, ...]


ALL_KINDS = (PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)
TABLES = (
    CatalogueTable(
        "targets",
        _("Måluppfyllelse"),
        _("Överenskommelsens mål och utfallet under perioden."),
        (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.HALF_YEAR, PeriodKind.YEAR),
    ),
    CatalogueTable(
        "cases_by_category",
        _("Identifierade ärenden efter kategori"),
        _("Ärenden som aktualiserades under perioden, efter kategori."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "cases_by_age",
        _("Identifierade ärenden efter åldersgrupp"),
        _("Ärenden som aktualiserades under perioden, efter den ålder personen fyller under året."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "cases_by_gender",
        _("Identifierade ärenden efter kön"),
        _("Ärenden som aktualiserades under perioden, efter kön."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "cases_by_area",
        _("Identifierade ärenden efter område"),
        _("Ärenden som aktualiserades under perioden, efter personens område."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "interventions_by_type",
        _("Erbjudna insatser efter insatstyp"),
        _("Insatser som erbjöds under perioden, efter typ."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "follow_ups_by_outcome",
        _("Uppföljningar efter utfall"),
        _("Uppföljningar som skrevs under perioden, efter bedömt utfall."),
        ALL_KINDS,
    ),
    CatalogueTable(
        "costs",
        _("Kostnader: hemmaplan jämfört med placering"),
        _(
            "Ärenden i kategorin livsstil: vad hemmaplansinsatserna kostade och vad samma tid på det realistiska "
            "alternativet (HVB eller SiS) hade kostat."
        ),
        (PeriodKind.YEAR,),
    ),
)
TABLES_BY_CODE = {table.code: table for table in TABLES}
# Tables of the agreement's own target figures only: published as counted (see the module docstring).
EXACT_TABLES = frozenset({"targets", "cases_by_category"})

_GENDER_LABELS = dict(Gender.choices)
_AGE_LABELS = {code: format_lazy(_("{low}–{high} år"), low=low, high=high) for code, low, high in AGE_BANDS} | {
    OTHER_AGE: _("Annan ålder")
}


def _quarter_code(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


# --- The records of a year, as tallies per cell ---------------------------------------------------------------


def year_populations(
    agreement, year: int, comparison: costs.YearComparison, *, today: datetime.date | None = None
) -> list[Population]:
    """Every population the catalogue counts in `year`, from aggregate queries (and the year's cost
    comparison, whose complete cases are the population of the cost table)."""
    areas = [str(pk) for pk in Area.objects.filter(agreement=agreement).values_list("pk", flat=True)]
    type_codes = tuple(
        InterventionType.objects.filter(agreement=agreement).order_by("name").values_list("code", flat=True)
    )

    def rows(metric):
        return targets.measure_rows(
            agreement=agreement,
            metric=metric,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            today=today,
        )

    return [
        _cases(agreement, year, areas),
        _svansen_offered(rows(Target.Metric.SVANSEN_OFFERED_SHARE), year),
        _flow_by(
            "interventions",
            Intervention.objects.filter(case__agreement=agreement, offered_on__year=year),
            "offered_on",
            "case__person__statistics_key",
            ("type", "intervention_type__code", type_codes),
            year,
        ),
        _flow_by(
            "follow_ups",
            FollowUp.objects.filter(case__agreement=agreement, written_on__year=year),
            "written_on",
            "case__person__statistics_key",
            ("outcome", "outcome", tuple(FollowUp.Outcome.values)),
            year,
        ),
        *_follow_ups_due(rows(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE), year),
        _concern_talks(rows(Target.Metric.CONCERN_TALKS), year),
        _svansen_reached(agreement, year, today),
        _not_personal("meetings", rows(Target.Metric.MEETINGS), Target.Metric.MEETINGS, year),
        _not_personal("hot_spot_visits", rows(Target.Metric.HOT_SPOT_VISITS), Target.Metric.HOT_SPOT_VISITS, year),
        _cost_cases(comparison, year),
    ]


def _cases(agreement, year, areas) -> Population:
    population = Population(
        "cases",
        Additivity.FLOW,
        exact=("", "category"),
        variables={
            "category": tuple(Category.values),
            "age": tuple(code for code, _low, _high in AGE_BANDS) + (OTHER_AGE,),
            "gender": tuple(Gender.values),
            "area": (*areas, NO_AREA),
        },
    )
    rows = (
        targets.identified_cases(agreement)
        .filter(raised_on__year=year)
        .annotate(quarter=ExtractQuarter("raised_on"))
        .values("quarter", CATEGORY_FIELD, "person__birth_year", "person__gender", "person__area_id")
        .annotate(n=Count("id"), k=Sum(record_key_expression("person__statistics_key")))
        .order_by()
    )
    for row in rows:
        period = _quarter_code(year, row["quarter"])
        tally = Tally(row["n"], row["k"])
        population.add(Cell("cases", period), tally)
        population.add(Cell("cases", period, "category", row[CATEGORY_FIELD]), tally)
        population.add(Cell("cases", period, "age", age_band(year, row["person__birth_year"])), tally)
        population.add(Cell("cases", period, "gender", row["person__gender"]), tally)
        area = str(row["person__area_id"]) if row["person__area_id"] else NO_AREA
        population.add(Cell("cases", period, "area", area), tally)
    population.add_up_quarters(year)
    return population


def _svansen_offered(svansen, year) -> Population:
    population = Population(
        "svansen_offered", Additivity.FLOW, subset_of=("cases", "category", Category.SVANSEN), exact=("",)
    )
    measure = MEASURES[Target.Metric.SVANSEN_OFFERED_SHARE]
    rows = (
        svansen.filter(measure.numerator)
        .annotate(quarter=ExtractQuarter(measure.date_field))
        .values("quarter")
        .annotate(n=Count("id"), k=Sum(record_key_expression("person__statistics_key")))
        .order_by()
    )
    for row in rows:
        population.add(Cell(population.code, _quarter_code(year, row["quarter"])), Tally(row["n"], row["k"]))
    population.add_up_quarters(year)
    return population


def _flow_by(code, queryset, date_field, key_path, variable, year) -> Population:
    name, field, values = variable
    population = Population(code, Additivity.FLOW, {name: values})
    rows = (
        queryset.annotate(quarter=ExtractQuarter(date_field))
        .values("quarter", field)
        .annotate(n=Count("id"), k=Sum(record_key_expression(key_path)))
        .order_by()
    )
    for row in rows:
        period = _quarter_code(year, row["quarter"])
        tally = Tally(row["n"], row["k"])
        population.add(Cell(code, period), tally)
        population.add(Cell(code, period, name, row[field]), tally)
    population.add_up_quarters(year)
    return population


def _follow_ups_due(due_cases, year) -> tuple[Population, Population]:
    due = Population("follow_ups_due", Additivity.FLOW, exact=("",))
    in_time = Population("follow_ups_in_time", Additivity.FLOW, subset_of=("follow_ups_due", "", ""), exact=("",))
    measure = MEASURES[Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE]
    key = record_key_expression("person__statistics_key")
    rows = (
        due_cases.annotate(quarter=ExtractQuarter(measure.date_field))
        .values("quarter")
        .annotate(
            n=Count("id"),
            k=Sum(key),
            n_in_time=Count("id", filter=measure.numerator),
            k_in_time=Sum(key, filter=measure.numerator),
        )
        .order_by()
    )
    for row in rows:
        period = _quarter_code(year, row["quarter"])
        due.add(Cell(due.code, period), Tally(row["n"], row["k"]))
        in_time.add(Cell(in_time.code, period), Tally(row["n_in_time"], row["k_in_time"] or 0))
    due.add_up_quarters(year)
    in_time.add_up_quarters(year)
    return due, in_time


def _concern_talks(talks, year) -> Population:
    population = Population("concern_talks", Additivity.FLOW, exact=("",))
    talks = talks.annotate(quarter=ExtractQuarter(MEASURES[Target.Metric.CONCERN_TALKS].date_field))
    for row in (
        talks.filter(case__isnull=False)
        .values("quarter")
        .annotate(n=Count("id"), k=Sum(record_key_expression("case__person__statistics_key")))
        .order_by()
    ):
        population.add(Cell(population.code, _quarter_code(year, row["quarter"])), Tally(row["n"], row["k"]))
    # Talks without a person: each has its own fixed key from its random id.
    anonymous = Counter()
    keys = Counter()
    for quarter, contact_id in talks.filter(case__isnull=True).values_list("quarter", "pk").order_by():
        anonymous[quarter] += 1
        keys[quarter] += anonymous_record_key(contact_id)
    for quarter, count in anonymous.items():
        population.add(Cell(population.code, _quarter_code(year, quarter)), Tally(count, keys[quarter]))
    population.add_up_quarters(year)
    return population


def _svansen_reached(agreement, year, today) -> Population:
    """Distinct svansen cases with a field contact: counted and keyed per period in the database, since
    they do not add up over quarters."""
    population = Population("svansen_reached", Additivity.PERSONS, exact=("",))
    for period in year_periods(year):
        reached = targets.measure_rows(
            agreement=agreement,
            metric=Target.Metric.SVANSEN_REACHED,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            today=today,
        )
        totals = Case.objects.filter(pk__in=reached.values("case")).aggregate(
            n=Count("pk"), k=Sum(record_key_expression("person__statistics_key"))
        )
        population.tallies[Cell(population.code, period.code)] = Tally(totals["n"], totals["k"] or 0)
    return population


def _not_personal(code, queryset, metric, year) -> Population:
    population = Population(code, Additivity.FLOW, personal=False)
    date_field = MEASURES[metric].date_field
    for row in (
        queryset.annotate(quarter=ExtractQuarter(date_field)).values("quarter").annotate(n=Count("pk")).order_by()
    ):
        population.add(Cell(code, _quarter_code(year, row["quarter"])), Tally(row["n"], 0))
    population.add_up_quarters(year)
    return population


def _cost_cases(comparison: costs.YearComparison, year) -> Population:
    population = Population("cost_cases", Additivity.YEAR_ONLY)
    tally = Tally()
    for case in comparison.complete_cases:
        tally += Tally(1, record_key(case.statistics_key))
    population.tallies[Cell(population.code, str(year))] = tally
    return population


def population_sizes(agreement, year: int) -> dict[str, int]:
    """Persons with a case open at some time in each period (for the small-population guard)."""
    aggregates = {}
    for period in year_periods(year):
        open_during = Q(
            cases__agreement=agreement,
            cases__raised_on__lte=period.ends_on,
        ) & (Q(cases__closed_on__isnull=True) | Q(cases__closed_on__gte=period.starts_on))
        aggregates[period.code] = Count("pk", distinct=True, filter=open_during)
    return Person.objects.filter(agreement=agreement).aggregate(**aggregates)


# --- The tables, as rows of cells -----------------------------------------------------------------------------


def table_specs(
    agreement,
    year: int,
    populations: list[Population],
    comparison: costs.YearComparison,
    *,
    today: datetime.date | None = None,
) -> list[TableSpec]:
    """Every catalogue table for every period of `year` it is published for."""
    by_code = {p.code: p for p in populations}
    area_labels = {str(a.pk): a.name for a in Area.objects.filter(agreement=agreement)}
    type_labels = dict(InterventionType.objects.filter(agreement=agreement).values_list("code", "name"))
    labels = {
        "category": {value: agreement.category_label(value) for value in Category.values},
        "age": _AGE_LABELS,
        "gender": _GENDER_LABELS,
        "area": area_labels | {NO_AREA: _("Område saknas")},
        "type": type_labels,
        "outcome": dict(FollowUp.Outcome.choices),
    }
    breakdowns = {
        "cases_by_category": ("cases", "category"),
        "cases_by_age": ("cases", "age"),
        "cases_by_gender": ("cases", "gender"),
        "cases_by_area": ("cases", "area"),
        "interventions_by_type": ("interventions", "type"),
        "follow_ups_by_outcome": ("follow_ups", "outcome"),
    }
    figures = {
        row.period: row for row in targets.target_rows(agreement=agreement, periods=release_periods(year), today=today)
    }
    specs = []
    for table in TABLES:
        for kind in table.kinds:
            for period in periods_of_year(year, kind):
                preliminary = is_preliminary(period, today=today)
                if table.code in breakdowns:
                    population, variable = breakdowns[table.code]
                    spec = _breakdown(table, period, by_code[population], variable, labels[variable])
                elif table.code == "targets":
                    spec = _targets(table, agreement, figures[period])
                else:
                    spec = _costs(table, period, comparison)
                if preliminary:
                    note = PRELIMINARY_NOTE if table.code == "targets" else PRELIMINARY_BREAKDOWN_NOTE
                    spec = replace(spec, preliminary=True, notes=(*spec.notes, str(note)))
                specs.append(spec)
    return specs


PRELIMINARY_NOTE = _(
    "Preliminär: året pågår. Siffrorna gäller det som registrerats hittills; ett mål i antal som inte är nått "
    "ännu och mål i procent avgörs när året är slut. Det slutliga helåret ersätter tabellen efter årets slut."
)
# The running year's other tables have the same protection as the final year's; the final year is a new
# revision of the same table (reports.disclosure_control.register).
PRELIMINARY_BREAKDOWN_NOTE = _(
    "Preliminär: året pågår. Siffrorna gäller det som registrerats hittills och är skyddade på samma sätt som "
    "det slutliga årets. Det slutliga helåret ersätter tabellen efter årets slut."
)


def _definition(table: CatalogueTable, categories) -> dict:
    return {"version": CATALOGUE_VERSION, "table": table.code, "categories": list(categories)}


def _breakdown(table, period: Period, population: Population, variable: str, labels) -> TableSpec:
    values = population.variables[variable]
    rows = [
        RowSpec(value, str(labels.get(value, value)), cells=(Cell(population.code, period.code, variable, value),))
        for value in values
    ]
    rows.append(RowSpec("total", str(_("Totalt")), cells=(Cell(population.code, period.code),), is_total=True))
    return TableSpec(
        code=table.code,
        title=table.title,
        period=period,
        columns=(_("Antal"),),
        rows=tuple(rows),
        definition=_definition(table, values),
    )


def _exact(figure: MetricRow, value, *, unit: Unit = Unit.COUNT) -> Published:
    """A target figure as counted, with its status as the board gives it (MetricRow.met: a running period
    is undecided until a count reaches its target)."""
    return Published(Status.EXACT, value, unit, figure.met)


def _targets(table, agreement, figures: PeriodRow) -> TableSpec:
    """The agreement's targets and the figures beside them, as the target board counts them
    (casework.selectors.targets.target_rows): exact, with met or not met. Each count's cell is named too, so
    that the audit knows it as an exact margin of the breakdowns (tertials have none)."""
    period = figures.period
    audited = period.kind in STATISTICS_PERIOD_KINDS

    def figure(metric):
        return figures.metric(metric)

    def count(metric, value=None):
        row = figure(metric)
        return (_exact(row, row.value if value is None else value),)

    def share(metric):
        row = figure(metric)
        percent = float(row.percent) if row.percent is not None else None
        return (_exact(row, percent, unit=Unit.PERCENT),)

    def no_target(value):
        return (Published(Status.EXACT, value),)

    def cells(population, variable="", value=""):
        return (Cell(population, period.code, variable, value),) if audited else ()

    def target(metric):
        return figure(metric).target_text

    offered = figure(Target.Metric.SVANSEN_OFFERED_SHARE)
    in_window = figure(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)

    def follow_up_state(state, *, of_due):
        label = str(FOLLOW_UP_COUNT_LABELS[state])
        label = _("Av dem: %(state)s") % {"state": label.lower()} if of_due else label
        return RowSpec(f"follow_ups_{state}", str(label), values=no_target(in_window.state(state)))

    rows = (
        RowSpec(
            "meetings",
            str(_("Samverkansmöten med justerat protokoll")),
            values=count(Target.Metric.MEETINGS),
            target=target(Target.Metric.MEETINGS),
        ),
        RowSpec(
            "lifestyle_identified",
            str(_("Identifierade ärenden, %(label)s") % {"label": agreement.lifestyle_label}),
            cells=cells("cases", "category", Category.LIFESTYLE),
            values=count(Target.Metric.LIFESTYLE_IDENTIFIED),
            target=target(Target.Metric.LIFESTYLE_IDENTIFIED),
        ),
        RowSpec(
            "svansen_identified",
            str(_("Identifierade ärenden, %(label)s") % {"label": agreement.svansen_label}),
            cells=cells("cases", "category", Category.SVANSEN),
            values=count(Target.Metric.SVANSEN_IDENTIFIED),
            target=target(Target.Metric.SVANSEN_IDENTIFIED),
        ),
        RowSpec(
            "svansen_offered",
            str(_("Av dem: erbjudna en dokumenterad insats")),
            cells=cells("svansen_offered"),
            values=no_target(offered.value),
        ),
        RowSpec(
            "svansen_offered_share",
            str(_("Andel som erbjudits insats (%)")),
            values=share(Target.Metric.SVANSEN_OFFERED_SHARE),
            target=target(Target.Metric.SVANSEN_OFFERED_SHARE),
        ),
        RowSpec(
            "follow_ups_due",
            str(_("Uppföljningar vars fönster stängde under perioden")),
            cells=cells("follow_ups_due"),
            values=no_target(in_window.denominator),
        ),
        RowSpec(
            "follow_ups_in_time",
            str(_("Av dem: uppföljda inom 3–6 månader")),
            cells=cells("follow_ups_in_time"),
            values=no_target(in_window.value),
        ),
        # Late apart from missing (casework.selectors.targets.FollowUpCount), and those not due yet.
        follow_up_state(FollowUpCount.LATE, of_due=True),
        follow_up_state(FollowUpCount.MISSING, of_due=True),
        follow_up_state(FollowUpCount.NOT_YET_DUE, of_due=False),
        RowSpec(
            "follow_ups_in_time_share",
            str(_("Andel uppföljda i tid (%)")),
            values=share(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE),
            target=target(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE),
        ),
        RowSpec(
            "concern_talks",
            str(_("Genomförda orossamtal")),
            cells=cells("concern_talks"),
            values=count(Target.Metric.CONCERN_TALKS),
            target=target(Target.Metric.CONCERN_TALKS),
        ),
        RowSpec(
            "svansen_reached",
            str(_("Svansenungdomar som fältgruppen nått")),
            cells=cells("svansen_reached"),
            values=count(Target.Metric.SVANSEN_REACHED),
            target=target(Target.Metric.SVANSEN_REACHED),
        ),
        RowSpec(
            "hot_spot_visits",
            str(_("Tillsynsbesök på hot spots")),
            values=count(Target.Metric.HOT_SPOT_VISITS),
            target=target(Target.Metric.HOT_SPOT_VISITS),
        ),
    )
    return TableSpec(
        code=table.code,
        title=table.title,
        period=period,
        columns=(_("Utfall"),),
        rows=rows,
        definition=_definition(table, [row.code for row in rows]),
    )


def _costs(table, period: Period, comparison: costs.YearComparison) -> TableSpec:
    count_cell = Cell("cost_cases", period.code)

    def amounts(home, alternative):
        return tuple(
            (int(comparison.total(attribute)), int(comparison.largest(attribute))) for attribute in (home, alternative)
        )

    rows = (
        RowSpec("cases", str(_("Ärenden i jämförelsen")), cells=(count_cell,)),
        RowSpec(
            "home_based",
            str(_("Hemmaplansinsatser")),
            amounts_cell=count_cell,
            amounts=amounts("home_municipal", "home_societal"),
        ),
        RowSpec(
            "alternative",
            str(_("Samma tid på realistiskt alternativ (HVB/SiS)")),
            amounts_cell=count_cell,
            amounts=amounts("alternative_municipal", "alternative_societal"),
        ),
        RowSpec(
            "difference",
            str(_("Skillnad (alternativ minus hemmaplan)")),
            amounts_cell=count_cell,
            amounts=amounts("difference_municipal", "difference_societal"),
            is_total=True,
        ),
    )
    notes = [costs.tariff_note(use) for use in comparison.tariffs]
    notes.extend(comparison.problems)
    notes.append(str(_("Ärenden med ofullständiga uppgifter ingår inte i jämförelsen.")))
    return TableSpec(
        code=table.code,
        title=table.title,
        period=period,
        columns=(_("Kommunens kostnad"), _("Samhällets kostnad")),
        rows=rows,
        definition=_definition(table, [row.code for row in rows]),
        notes=tuple(notes),
    )
