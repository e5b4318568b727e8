"""A revised table must not point to a person (issue 19, point 7). After one late case, the only cells that
changed were those of that youth (one area, boy, 13–15, svansen). So a released table is revised only on
the fixed revision days (the release day of each quarter), collecting every change since the last one; it
gets a new version only when what it shows has changed (a change hidden under "<5" makes none); and no
cell is marked as changed. Every test here says its day."""

import datetime
import re

import pytest
import time_machine

from casework.models import Area, Gender
from casework.periods import PeriodKind, parse_period
from reports import catalogue
from reports.disclosure_control.cell_key import Tally
from reports.disclosure_control.publication import publish_count
from reports.disclosure_control.register import protect_year
from reports.disclosure_control.schedule import Unreleased, next_revision_day, revision_day, revision_days
from reports.disclosure_control.structure import Additivity, Cell, Population, RowSpec, TableSpec, year_periods
from reports.models import ReleasedTable
from reports.serializers import ProtectedTableSerializer
from tests.reports import factories

pytestmark = pytest.mark.django_db

YEAR = 2025
STOCKHOLM = datetime.timezone(datetime.timedelta(hours=1))
RELEASED = datetime.date(2026, 2, 2)  # the year 2025 was released on 14 January 2026
BEFORE_REVISION = datetime.date(2026, 4, 13)
REVISION = datetime.date(2026, 4, 14)


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=STOCKHOLM), tick=False)


# --- the schedule ---------------------------------------------------------------------------------------


def test_the_revision_days_are_the_release_days_of_the_quarters():
    assert revision_days(2026) == [datetime.date(2026, m, 14) for m in (1, 4, 7, 10)]
    assert revision_day(datetime.date(2026, 4, 13)) == datetime.date(2026, 1, 14)
    assert revision_day(datetime.date(2026, 4, 14)) == datetime.date(2026, 4, 14)
    assert revision_day(datetime.date(2026, 1, 2)) == datetime.date(2025, 10, 14)
    assert next_revision_day(datetime.date(2026, 10, 20)) == datetime.date(2027, 1, 14)


def test_the_revision_days_follow_the_release_delay(settings):
    settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS = 30
    assert revision_days(2026) == [
        datetime.date(2026, 1, 30),
        datetime.date(2026, 4, 30),
        datetime.date(2026, 7, 30),
        datetime.date(2026, 10, 30),
    ]


@pytest.mark.parametrize("delay", [0, 100, 280, 365, 400, 800])
def test_every_year_has_four_revision_days_whatever_the_delay(settings, delay):
    settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS = delay
    for year in (2026, 2028):
        assert len(revision_days(year)) == 4, year
    today = datetime.date(2027, 1, 2)
    assert revision_day(today) <= today < next_revision_day(today)


# --- one late case, through the pages -------------------------------------------------------------------


def _urls() -> list[str]:
    urls = []
    for entry in catalogue.TABLES:
        urls.append(f"/statistik/{entry.code}/{YEAR}/")
        if PeriodKind.QUARTER in entry.kinds:
            urls.append(f"/statistik/{entry.code}/{YEAR}-Q1/")
    return urls


def _tables(login, user) -> dict:
    client = login(user)
    return {url: client.get(url) for url in _urls()}


def _cell_markup(html: str) -> set[str]:
    """Every distinct opening tag of a value cell: a change mark would be a class, an attribute or a tag."""
    return set(re.findall(r"<td[^>]*>", html))


def test_one_late_case_waits_for_the_revision_day_and_marks_no_cell(login, people, year_of_cases):
    with on(RELEASED):
        released = _tables(login, people.management)
    late = factories.case_for(
        people.agreement,
        birth_year=2011,  # 13–15
        gender=Gender.BOY,
        area=Area.objects.get(agreement=people.agreement, name="Norra"),
        category="svansen",
        raised_on=datetime.date(YEAR, 3, 2),
    )
    assert late.pk

    with on(BEFORE_REVISION):
        waiting = _tables(login, people.management)
    for url, response in waiting.items():
        assert response.context["table"] == released[url].context["table"], url
    assert not ReleasedTable.objects.filter(revision__gt=1).exists()

    with on(REVISION):
        revised = _tables(login, people.management)
    changed = [url for url, response in revised.items() if response.context["table"].revision > 1]
    assert changed, "the late case reaches the tables on the revision day"
    for url in changed:
        html = revised[url].content.decode()
        assert "Reviderad på revideringsdagen 2026-04-14" in html
        assert "Vilka celler som ändrats markeras inte" in html
        assert _cell_markup(html) <= _cell_markup(released[url].content.decode()) | {'<td class="govuk-table__cell">'}
        assert "ändrad" not in html.lower().replace("vilka celler som ändrats", "")
        data = ProtectedTableSerializer(revised[url].context["table"]).data
        # Nothing marks a cell as changed ("met" is whether a target is met, beside a target figure).
        assert all(
            set(value) - {"met"} == {"status", "value", "text"} for row in data["rows"] for value in row["values"]
        )
    assert set(ReleasedTable.objects.filter(revision__gt=1).values_list("revised_for", flat=True)) == {REVISION}


def test_the_method_page_and_a_table_name_the_revision_days(login, people, year_of_cases):
    with on(RELEASED):
        client = login(people.management)
        method = client.get("/statistik/metod/").content.decode()
        table = client.get(f"/statistik/cases_by_gender/{YEAR}/").content.decode()
    assert "14 januari, 14 april, 14 juli, 14 oktober" in method
    assert "Vilka celler som ändrats markeras inte" in method
    assert "nästa är 2026-04-14" in table


# --- the register, on a hand-made year --------------------------------------------------------------------

PERIOD = parse_period(str(YEAR))


def _population(boys: Tally, girls: Tally) -> Population:
    population = Population(code="c", additivity=Additivity.FLOW, variables={"gender": ("boy", "girl")})
    quarter = f"{YEAR}-Q1"
    population.tallies[Cell("c", quarter)] = boys + girls
    population.tallies[Cell("c", quarter, "gender", "boy")] = boys
    population.tallies[Cell("c", quarter, "gender", "girl")] = girls
    population.add_up_quarters(YEAR)
    return population


SPEC = TableSpec(
    code="by_gender",
    title="Kön",
    period=PERIOD,
    columns=("Antal",),
    rows=(
        RowSpec("total", "Totalt", (Cell("c", str(YEAR)),), is_total=True),
        RowSpec("boy", "Pojkar", (Cell("c", str(YEAR), "gender", "boy"),)),
        RowSpec("girl", "Flickor", (Cell("c", str(YEAR), "gender", "girl"),)),
    ),
    definition={"version": 1},
)
OUTSIDE = Unreleased("utanför testet", "utanför testet")
AVAILABILITY = {p.code: None if p.kind is PeriodKind.YEAR else OUTSIDE for p in year_periods(YEAR)}
GIRL = Tally(1, 987_654_321)
# Thirty boys whose key gives the total of 31 a noise above the lowest, so one more youth can leave it as it was.
BOYS = next(Tally(30, key) for key in range(1, 10_000) if publish_count(Tally(30, key) + GIRL).value > 29)


def _release(agreement, population, today):
    with on(today):  # the register stamps its rows with the time of release
        tables = protect_year(
            agreement=agreement,
            year=YEAR,
            populations=[population],
            specs=[SPEC],
            availability=AVAILABILITY,
            today=today,
        )
    return tables[("by_gender", str(YEAR))]


def _late_girl(*, total_shows_the_same: bool) -> Tally:
    """A late girl whose key leaves the published total as it was (or changes it)."""
    before = publish_count(BOYS + GIRL)
    for key in range(1, 10_000):
        after = publish_count(BOYS + GIRL + Tally(1, key))
        if (after == before) is total_shows_the_same:
            return Tally(1, key)
    raise AssertionError("no such key")


def test_a_change_hidden_under_the_threshold_makes_no_new_version(agreement):
    first = _release(agreement, _population(BOYS, GIRL), RELEASED)
    assert next(row for row in first.rows if row.code == "girl").values[0].text == "<5"
    late = _late_girl(total_shows_the_same=True)
    revised = _release(agreement, _population(BOYS, GIRL + late), REVISION)
    assert revised == first
    assert revised.revision == 1
    assert ReleasedTable.objects.filter(table="by_gender").count() == 1


def test_a_visible_change_waits_for_the_revision_day(agreement):
    first = _release(agreement, _population(BOYS, GIRL), RELEASED)
    changed = _population(BOYS, GIRL + _late_girl(total_shows_the_same=False))
    assert _release(agreement, changed, BEFORE_REVISION) == first
    assert _release(agreement, changed, datetime.date(2026, 3, 1)) == first
    revised = _release(agreement, changed, REVISION)
    assert revised.revision == 2 and revised.revision_day == REVISION
    assert revised.rows[0].values != first.rows[0].values
    assert (
        next(row for row in revised.rows if row.code == "boy").values
        == next(row for row in first.rows if row.code == "boy").values
    )
    # The revision stands until the next revision day, whatever changes meanwhile.
    again = _population(BOYS + Tally(5, 42), GIRL)
    assert _release(agreement, again, datetime.date(2026, 7, 13)) == revised
