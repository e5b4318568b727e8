"""The field team's own figures (/falt/siffror/): contacts, orossamtal and their follow-ups, youths reached,
anonymous contacts and hot-spot visits per month and quarter, counted through the targets' own measures,
without names."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from accesscontrol.actor import actor_for
from casework.models import FieldContact, Target
from casework.periods import Period, PeriodKind, agreement_years, periods_of_year
from casework.selectors.fieldwork import FIGURES, field_figures
from casework.selectors.targets import target_rows
from tests.reports import factories

pytestmark = pytest.mark.django_db

YEAR = 2026
URL = "/falt/siffror/"
Metric = Target.Metric
COLUMNS = ["outreach", "talks", "followed_up", "reached", "anonymous_contacts", "anonymous_youths", "visits"]


def day(month, dom):
    return datetime.date(YEAR, month, dom)


@pytest.fixture(autouse=True)
def summer():
    with time_machine.travel(datetime.datetime(YEAR, 8, 20, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def field_year(people):
    """Two outreach contacts in January, a svansen youth met twice in April and once in May (the second time
    with an orossamtal, followed up), an orossamtal in May not yet followed up, an anonymous contact with three
    youths in June and two hot-spot visits in June."""
    youth = factories.case_for(people.agreement, category="svansen", raised_on=day(3, 10))
    for occurred_on in (day(1, 5), day(1, 20)):
        factories.FieldContactFactory(agreement=people.agreement, kind="outreach", occurred_on=occurred_on, case=youth)
    factories.FieldContactFactory(case=youth, kind="outreach", occurred_on=day(4, 2))
    talk = factories.FieldContactFactory(case=youth, kind=FieldContact.Kind.CONCERN_TALK, occurred_on=day(4, 20))
    factories.ConcernTalkFollowUpFactory(contact=talk)
    factories.FieldContactFactory(case=youth, kind=FieldContact.Kind.CONCERN_TALK, occurred_on=day(5, 3))
    anonymous = {"kind": "outreach", "anonymous_youths": 3, "occurred_on": day(6, 1)}
    factories.FieldContactFactory(agreement=people.agreement, **anonymous)
    spot = factories.HotSpotFactory(agreement=people.agreement)
    for visited_on in (day(6, 3), day(6, 24)):
        factories.HotSpotVisitFactory(hot_spot=spot, visited_on=visited_on)
    return youth


def by_column(row):
    return dict(zip(COLUMNS, row.counts, strict=True))


def test_the_figures_per_month_quarter_and_year(people, field_year):
    figures = field_figures(actor=actor_for(people.field_worker, people.agreement), year=YEAR)
    assert len(FIGURES) == len(COLUMNS) == len(figures.columns)
    january, april, may, june = (by_column(figures.months[m - 1]) for m in (1, 4, 5, 6))
    assert january == {**dict.fromkeys(COLUMNS, 0), "outreach": 2, "reached": 1}
    assert april == {**dict.fromkeys(COLUMNS, 0), "outreach": 1, "talks": 1, "followed_up": 1, "reached": 1}
    assert may == {**dict.fromkeys(COLUMNS, 0), "talks": 1, "reached": 1}
    anonymous = {"outreach": 1, "anonymous_contacts": 1, "anonymous_youths": 3, "visits": 2}
    assert june == {**dict.fromkeys(COLUMNS, 0), **anonymous}
    second_quarter = by_column(figures.quarters[1])
    # The youth met in April and May is one youth reached in the quarter, not two.
    assert (second_quarter["reached"], second_quarter["talks"], second_quarter["followed_up"]) == (1, 2, 1)
    assert [row.label for row in figures.quarters][-2:] == ["Kvartal 4 2026", "Helår 2026"]
    assert figures.months[0].label == "Januari"


def test_the_figures_that_are_targets_agree_with_the_target_board(people, field_year):
    figures = field_figures(actor=actor_for(people.manager, people.agreement), year=YEAR)
    periods = [*periods_of_year(YEAR, PeriodKind.QUARTER), Period(YEAR, PeriodKind.YEAR, 1)]
    board = target_rows(agreement=people.agreement, periods=periods)
    for figure_row, board_row in zip(figures.quarters, board, strict=True):
        counts = by_column(figure_row)
        assert counts["talks"] == board_row.metric(Metric.CONCERN_TALKS).value
        assert counts["reached"] == board_row.metric(Metric.SVANSEN_REACHED).value
        assert counts["visits"] == board_row.metric(Metric.HOT_SPOT_VISITS).value
        assert counts["anonymous_youths"] == board_row.metric("anonymous_youths").value
    assert by_column(figures.quarters[1])["visits"] == 2


def test_it_counts_in_a_fixed_number_of_queries(people, field_year, django_assert_max_num_queries):
    actor = actor_for(people.field_worker, people.agreement)
    with django_assert_max_num_queries(len(FIGURES)):
        field_figures(actor=actor, year=YEAR)


@pytest.mark.parametrize("role", ["caseworker", "police", "management", "auditor", "sysadmin"])
def test_other_roles_are_refused(people, role):
    with pytest.raises(PermissionDenied):
        field_figures(actor=actor_for(getattr(people, role), people.agreement), year=YEAR)


def test_the_page_shows_counts_without_names(login, people, field_year):
    page = login(people.field_worker).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert "Fältgruppens siffror 2026" in html
    for personal in (field_year.person.first_name, field_year.person.last_name, field_year.number, "Hemlig"):
        assert personal not in html


def test_the_field_worker_finds_the_page_in_the_navigation(login, people):
    page = login(people.field_worker).get(URL)
    current = [item for item in page.context["navigation"] if item["active"]]
    assert [item["url"] for item in current] == [URL]


def test_the_year_picker_offers_the_agreements_years(login, people):
    client = login(people.field_worker)
    years = agreement_years(people.agreement)
    assert client.get(URL).context["years"] == years and YEAR in years
    assert client.get(URL, {"year": YEAR}).context["figures"].year == YEAR
    # A year outside the agreement, or no year at all, opens on the agreement's last year, as the board does.
    for asked in (years[0] - 1, "x"):
        assert client.get(URL, {"year": asked}).context["figures"].year == years[-1]
