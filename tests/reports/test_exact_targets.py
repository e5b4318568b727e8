"""The agreement's own target figures reach management exactly as the social manager's board counts them
(casework.selectors.targets.target_rows), with met or not met, per quarter, tertial, half-year and year; small
periods are merged into the smallest period that can be published; the running year is preliminary."""

import datetime

import pytest
import time_machine

from accesscontrol.actor import actor_for
from casework.models import Gender, Target
from casework.periods import parse_period
from casework.selectors import targets
from reports.models import ReleasedTable
from reports.selectors import statistics
from tests.reports.test_attacks import YEAR, add_cases

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.django_db]
ROWS = {
    "meetings": (Target.Metric.MEETINGS, "value"),
    "lifestyle_identified": (Target.Metric.LIFESTYLE_IDENTIFIED, "value"),
    "svansen_identified": (Target.Metric.SVANSEN_IDENTIFIED, "value"),
    "svansen_offered": (Target.Metric.SVANSEN_OFFERED_SHARE, "value"),
    "follow_ups_due": (Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, "denominator"),
    "follow_ups_in_time": (Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, "value"),
    "follow_ups_late": (Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, "late"),
    "follow_ups_missing": (Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, "missing"),
    "follow_ups_not_yet_due": (Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, "not_yet_due"),
    "concern_talks": (Target.Metric.CONCERN_TALKS, "value"),
    "svansen_reached": (Target.Metric.SVANSEN_REACHED, "value"),
    "hot_spot_visits": (Target.Metric.HOT_SPOT_VISITS, "value"),
}

SHARES = {
    "svansen_offered_share": Target.Metric.SVANSEN_OFFERED_SHARE,
    "follow_ups_in_time_share": Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE,
}


def _figure(period_row, code):
    metric, attribute = ROWS[code]
    figure = period_row.metric(metric)
    return figure.state(attribute) if attribute in list(targets.FollowUpCount) else getattr(figure, attribute)


@pytest.fixture
def management(people):
    people.agreement.starts_on = datetime.date(YEAR, 1, 1)
    people.agreement.save()
    Target.objects.filter(agreement=people.agreement).delete()
    Target.objects.create(agreement=people.agreement, metric=Target.Metric.SVANSEN_IDENTIFIED, period="year", value=16)
    Target.objects.create(
        agreement=people.agreement, metric=Target.Metric.SVANSEN_OFFERED_SHARE, period="year", value=100
    )
    return actor_for(people.management, people.agreement)


def test_management_sees_the_boards_figures_exactly_with_met_or_missed(people, management):
    # Svansen: 16 identified (target 16, met), 14 of them offered an intervention (87,5 %, target missed).
    add_cases(people.agreement, [(q, "svansen", Gender.BOY, q % 2, 15, True) for q in (1, 2, 3, 4)] * 3)
    add_cases(people.agreement, [(4, "svansen", Gender.GIRL, 0, 16, False)] * 2)
    add_cases(people.agreement, [(3, "svansen", Gender.GIRL, 1, 16, True)] * 2)
    add_cases(people.agreement, [(2, "lifestyle", Gender.GIRL, 1, 17, True, 4, True, False)])
    today = datetime.date(YEAR + 1, 2, 1)
    tables = statistics.statistics_year(actor=management, year=YEAR, today=today)
    released = [t for (code, _p), t in tables.items() if code == "targets"]
    periods = [t.period for t in released]
    assert {p.kind for p in periods} == {"quarter", "tertial", "half_year", "year"}
    board = {row.period: row for row in targets.target_rows(agreement=people.agreement, periods=periods, today=today)}
    for table in released:
        assert table.available, table.reason
        for row in table.rows:
            assert all(value.status == "exact" for value in row.values), row
            if row.code in ROWS:
                assert row.values[0].value == _figure(board[table.period], row.code), row
    year = {row.code: row for row in tables[("targets", str(YEAR))].rows}
    assert (year["svansen_identified"].values[0].text, year["svansen_identified"].met) == ("16", True)
    assert (year["svansen_offered_share"].values[0].text, year["svansen_offered_share"].met) == ("87,5\u00a0%", False)
    assert year["svansen_offered_share"].met_text == "Inte uppnått"


def test_a_small_quarter_says_which_period_it_is_published_in(people, management, settings):
    settings.SAMSYN_SMALL_POPULATION_GUARD = 5
    add_cases(people.agreement, [(1, "svansen", Gender.BOY, 0, 15, True)] * 2)
    add_cases(people.agreement, [(2, "svansen", Gender.BOY, 0, 15, True)] * 4)
    tables = statistics.statistics_year(actor=management, year=YEAR, today=datetime.date(YEAR + 1, 2, 1))
    quarter = tables[("cases_by_age", f"{YEAR}-Q1")]
    assert not quarter.available
    assert parse_period(f"{YEAR}-H1").label in quarter.reason
    assert tables[("cases_by_age", f"{YEAR}-H1")].available
    # The target figures are exact and need no guard.
    assert tables[("targets", f"{YEAR}-Q1")].available


def test_the_running_year_is_preliminary_until_its_release_day(people, management, settings):
    settings.SAMSYN_SMALL_POPULATION_GUARD = 5
    add_cases(people.agreement, [(1, "svansen", Gender.BOY, 0, 15, True)] * 3)
    with time_machine.travel(datetime.datetime(YEAR, 12, 6, 12), tick=False):
        tables = statistics.statistics_year(actor=management, year=YEAR, today=datetime.date(YEAR, 12, 6))
    year = tables[("targets", str(YEAR))]
    assert year.available and year.preliminary
    assert any("Preliminär" in note for note in year.notes)
    # A breakdown of the year so far needs as many persons as a quarter's: three are too few.
    by_age = tables[("cases_by_age", str(YEAR))]
    assert not by_age.available
    assert by_age.brief_reason == f"publiceras {YEAR + 1}-01-14"
    add_cases(people.agreement, [(3, "svansen", Gender.GIRL, 1, 17, False)] * 2)
    with time_machine.travel(datetime.datetime(YEAR, 12, 7, 12), tick=False):
        tables = statistics.statistics_year(actor=management, year=YEAR, today=datetime.date(YEAR, 12, 7))
    for code in ("cases_by_age", "cases_by_gender", "cases_by_area", "interventions_by_type", "costs"):
        table = tables[(code, str(YEAR))]
        assert table.available and table.preliminary, code
        assert table.period_label == f"helår {YEAR} (preliminär)"
        assert any("Preliminär" in note for note in table.notes)
    add_cases(people.agreement, [(4, "lifestyle", Gender.BOY, 0, 16, False)])  # recorded late
    with time_machine.travel(datetime.datetime(YEAR + 1, 1, 20, 12), tick=False):
        final = statistics.statistics_year(actor=management, year=YEAR, today=datetime.date(YEAR + 1, 1, 20))
    assert not final[("targets", str(YEAR))].preliminary
    assert final[("cases_by_age", str(YEAR))].available and not final[("cases_by_age", str(YEAR))].preliminary
    # A final year that shows something else is a new revision of the same table; the preliminary one stays
    # in the register (a table that shows the same keeps its version, as any revision does).
    key = ("cases_by_category", str(YEAR))
    assert final[key].revision == tables[key].revision + 1
    assert ReleasedTable.objects.filter(table=key[0], period=key[1]).count() == 2


def test_in_december_a_small_first_quarter_is_in_the_preliminary_year(people, management):
    """The default guard (20 persons): two cases of the first quarter are too few for the quarter and its
    half-year, so in December they are published in the running year's preliminary tables, which say so."""
    add_cases(people.agreement, [(1, "svansen", Gender.GIRL, 0, 14, True)] * 2)
    add_cases(people.agreement, [(3, "lifestyle", Gender.BOY, 1, 17, False)] * 20)
    with time_machine.travel(datetime.datetime(YEAR, 12, 6, 12), tick=False):
        tables = statistics.statistics_year(actor=management, year=YEAR, today=datetime.date(YEAR, 12, 6))
    quarter = tables[("cases_by_age", f"{YEAR}-Q1")]
    assert not quarter.available
    assert quarter.brief_reason == f"sammanslagen med helår {YEAR}"
    assert not tables[("cases_by_age", f"{YEAR}-H1")].available
    year = tables[("cases_by_age", str(YEAR))]
    assert year.available and year.preliminary
    rows = {row.code: row.values[0] for row in year.rows}
    # The first quarter's two girls of 14 are in the year's 13-15 band (published as "<5", not left out).
    assert rows["13-15"].status != "zero"
    by_category = {row.code: row.values[0] for row in tables[("cases_by_category", str(YEAR))].rows}
    assert (by_category["svansen"].value, by_category["total"].value) == (2, 22)


def test_in_december_management_and_the_board_give_every_target_the_same_status(people, management):
    """The running quarter and year are undecided on both, unless a count has already reached its target;
    a closed quarter is met or not met on both (casework.selectors.targets.MetricRow.met, the one rule)."""
    add_cases(people.agreement, [(q, "svansen", Gender.BOY, q % 2, 15, q != 4) for q in (1, 2, 3, 4)] * 4)
    today = datetime.date(YEAR, 12, 6)
    with time_machine.travel(datetime.datetime(YEAR, 12, 6, 12), tick=False):
        tables = statistics.statistics_year(actor=management, year=YEAR, today=today)
        released = [t for (code, _p), t in tables.items() if code == "targets" and t.available]
        periods = [t.period for t in released]
        board = {row.period: row for row in targets.target_rows(agreement=people.agreement, periods=periods)}
    assert {t.period.code for t in released} >= {f"{YEAR}-Q1", f"{YEAR}-Q3", str(YEAR)}
    compared = 0
    for table in released:
        for row in table.rows:
            if not row.target:
                continue
            metric = SHARES[row.code] if row.code in SHARES else ROWS[row.code][0]
            figure = board[table.period].metric(metric)
            assert (row.met, row.met_text) == (figure.met, figure.met_text), (table.period.code, row.code)
            compared += 1
    assert compared > 10
    year = {row.code: row for row in tables[("targets", str(YEAR))].rows}
    assert year["svansen_identified"].met is True  # 16 of 16: reached, even while the year runs
    assert year["svansen_offered_share"].met_text == "Ej avgjort"  # 75 %: a share can still change
    q1 = {row.code: row for row in tables[("targets", f"{YEAR}-Q1")].rows}
    assert q1["svansen_offered_share"].met_text in {"Uppnått", "Inte uppnått"}  # a closed quarter is decided
