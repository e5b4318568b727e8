"""The social manager follows the agreement: targets per quarter, tertial and year, the cases behind every
figure, disclosures per legal basis and period, and the qualitative part. Nobody else sees it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accesscontrol.actor import actor_for
from audit.models import AccessLogEntry
from casework.models import LegalBasis, Meeting, Target
from casework.periods import Period, PeriodKind
from casework.selectors.targets import target_board, targets_for_period
from config import formatting
from reports.selectors.follow_up import follow_up_report
from tests.reports import factories

YEAR = 2025
# The tests read one year of cases, built once for the module (tests/reports/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_year")]


def figures(response, metric):
    return [figure.value for figure in cells(response.context["report"], metric)]


def cells(report, metric):
    return next(line for line in report.rows if line.metric == metric).cells


def test_it_shows_each_target_per_quarter_with_its_outcome(login, people, year_of_cases):
    response = login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    assert response.status_code == 200
    lifestyle = [c for c in year_of_cases if c.identified_category == "lifestyle"]
    expected = [sum(1 for c in lifestyle if (c.raised_on.month - 1) // 3 == q) for q in range(4)]
    assert figures(response, Target.Metric.LIFESTYLE_IDENTIFIED) == expected
    assert figures(response, Target.Metric.MEETINGS) == [1, 1, 1, 1]
    first = cells(response.context["report"], Target.Metric.SVANSEN_IDENTIFIED)[0]
    assert (first.target, first.target_text, first.met) == (4, "≥ 4", True)
    assert '<img class="samsyn-chart" src="data:image/svg+xml;base64,' in response.content.decode()


def test_it_reports_per_tertial_and_per_year(login, people, year_of_cases):
    client = login(people.manager)
    tertials = client.get(f"/rapporter/uppfoljning/{YEAR}/tertial/")
    assert [p.code for p in tertials.context["report"].periods] == [f"{YEAR}-T1", f"{YEAR}-T2", f"{YEAR}-T3"]
    whole = client.get(f"/rapporter/uppfoljning/{YEAR}/ar/")
    lifestyle = sum(1 for c in year_of_cases if c.identified_category == "lifestyle")
    assert figures(whole, Target.Metric.LIFESTYLE_IDENTIFIED) == [lifestyle]
    assert figures(whole, Target.Metric.HOT_SPOT_VISITS) == [4]
    assert cells(whole.context["report"], Target.Metric.LIFESTYLE_IDENTIFIED)[0].target == 8
    assert client.get(f"/rapporter/uppfoljning/{YEAR}/halvar/").status_code == 404


def test_a_quarterly_target_has_no_tertial_target(login, people, year_of_cases):
    tertials = login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/tertial/").context["report"]
    assert [c.target for c in cells(tertials, Target.Metric.LIFESTYLE_IDENTIFIED)] == [None, None, None]
    assert [c.target for c in cells(tertials, Target.Metric.SVANSEN_OFFERED_SHARE)] == [100, 100, 100]


def test_shares_count_svansen_offered_and_follow_ups_in_time(people, year_of_cases):
    year = targets_for_period(agreement=people.agreement, period=Period(YEAR, PeriodKind.YEAR, 1))
    offered = year.metric(Target.Metric.SVANSEN_OFFERED_SHARE)
    svansen = [c for c in year_of_cases if c.identified_category == "svansen"]
    assert offered.denominator == len(svansen)
    assert offered.value == sum(1 for c in svansen if c.interventions.exists())
    in_time = year.metric(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
    assert 0 < in_time.value <= in_time.denominator
    assert in_time.percent == formatting.share(in_time.value, in_time.denominator)


def test_the_report_shows_the_figures_of_the_target_board(login, people, year_of_cases):
    """Both pages count through casework.selectors.targets: the same figure for the same period."""
    board = {row.period: row for row in target_board(agreement=people.agreement, year=YEAR)}
    client = login(people.manager)
    for slug in ("kvartal", "tertial", "ar"):
        report = client.get(f"/rapporter/uppfoljning/{YEAR}/{slug}/").context["report"]
        for line in report.rows:
            for figure in line.cells:
                assert figure == board[figure.period].metric(line.metric), (figure.period.code, line.metric)


def test_a_category_change_after_identification_does_not_change_the_past_quarter(login, people, year_of_cases):
    client = login(people.manager)
    before = client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"]
    svansen = next(c for c in year_of_cases if c.category == "svansen" and c.raised_on.month <= 3)
    factories.change_category(people, svansen, changed_on=datetime.date(YEAR, 6, 1))
    after = client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"]
    for metric in (Target.Metric.LIFESTYLE_IDENTIFIED, Target.Metric.SVANSEN_IDENTIFIED):
        assert [c.value for c in cells(after, metric)] == [c.value for c in cells(before, metric)]
    listed = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/svansen_identified/").context["cases"]
    assert svansen.pk in {case.pk for case in listed}


def test_a_meeting_without_approved_minutes_does_not_count(login, people, year_of_cases):
    factories.MeetingFactory(
        agreement=people.agreement,
        held_on=datetime.date(YEAR, 3, 20),
        minutes_status=Meeting.MinutesStatus.DRAFT,
    )
    response = login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    assert figures(response, Target.Metric.MEETINGS) == [1, 1, 1, 1]


def test_the_report_costs_the_same_number_of_queries_however_many_cases(people, year_of_cases):
    actor = actor_for(people.manager, people.agreement)
    with CaptureQueriesContext(connection) as few:
        follow_up_report(actor=actor, year=YEAR, kind=PeriodKind.QUARTER)
    for n in range(20):
        factories.case_for(people.agreement, category="svansen", raised_on=datetime.date(YEAR, 5, 1 + n))
    with CaptureQueriesContext(connection) as many:
        follow_up_report(actor=actor, year=YEAR, kind=PeriodKind.QUARTER)
    assert len(many.captured_queries) == len(few.captured_queries) <= 16


def test_each_figure_links_to_the_cases_behind_it(login, people, year_of_cases):
    client = login(people.manager)
    page = client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").content.decode()
    assert f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/" in page
    response = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/")
    shown = {case.number for case in response.context["cases"]}
    expected = {c.number for c in year_of_cases if c.identified_category == "lifestyle" and c.raised_on.month <= 3}
    assert shown == expected
    figure = cells(client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"], "lifestyle_identified")[0]
    assert figure.value == figure.cases == len(expected)
    entry = AccessLogEntry.objects.filter(page="reports:follow_up_cases").latest("at")
    assert set(entry.case_ids) == {str(c.pk) for c in year_of_cases if c.number in expected}
    assert client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/meetings/").status_code == 404
    assert client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-05-01/lifestyle_identified/").status_code == 404
    # A year outside the agreement has no report, so no list behind a figure either.
    first = people.agreement.starts_on.year
    assert client.get(f"/rapporter/uppfoljning/arenden/{first - 1}/lifestyle_identified/").status_code == 404


def test_it_counts_disclosures_per_legal_basis_and_consents_per_period(login, people, year_of_cases):
    case = year_of_cases[1]
    consent = factories.ConsentFactory(case=case, given_on=datetime.date(YEAR, 2, 1))
    consent.withdrawn_on = datetime.date(YEAR, 5, 2)
    consent.save()
    factories.DisclosureFactory(
        case=case,
        legal_basis=LegalBasis.objects.get(code="samtycke"),
        consent=consent,
        decided_on=datetime.date(YEAR, 2, 2),
    )
    withdrawn = factories.DisclosureFactory(case=year_of_cases[2], decided_on=datetime.date(YEAR, 3, 1))
    withdrawn.withdrawn_at = datetime.datetime(YEAR, 8, 1, 12, tzinfo=datetime.UTC)
    withdrawn.save()
    client = login(people.manager)
    report = client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"]
    rows = {row.code: row for row in report.disclosures}
    assert [cell.count for cell in rows["samtycke"].decided] == [1, 0, 0, 0]
    assert [cell.count for cell in rows["under_21"].decided] == [1, 0, 0, 0]
    assert [cell.count for cell in rows["under_21"].withdrawn] == [0, 0, 1, 0]
    assert [cell.count for cell in report.consents_given] == [1, 0, 0, 0]
    assert [cell.count for cell in report.consents_withdrawn] == [0, 1, 0, 0]
    behind = client.get(f"/rapporter/uppfoljning/utlamnanden/{YEAR}-Q3/withdrawn/under_21/")
    assert [c.number for c in behind.context["cases"]] == [year_of_cases[2].number]
    assert client.get(f"/rapporter/uppfoljning/utlamnanden/{YEAR}-Q3/withdrawn/okand/").status_code == 404


def test_the_qualitative_part_shows_follow_up_texts_and_receptions(login, people, year_of_cases):
    talk = factories.FieldContactFactory(case=year_of_cases[1], occurred_on=datetime.date(YEAR, 4, 20))
    factories.ConcernTalkFollowUpFactory(contact=talk)
    response = login(people.manager).get(f"/rapporter/uppfoljning/kvalitativ/{YEAR}-Q2/")
    html = response.content.decode()
    assert "Ungdomens hemliga egen bild" in html
    assert "Hemligt mottagande" in html
    entry = AccessLogEntry.objects.filter(page="reports:follow_up_qualitative").latest("at")
    assert str(year_of_cases[1].pk) in entry.case_ids
    assert set(entry.field_classes) == {"social_assessment", "field_contacts"}


@pytest.mark.parametrize("role", ["caseworker", "field_worker", "police", "management", "sysadmin", "auditor"])
def test_other_roles_cannot_see_the_follow_up(login, people, year_of_cases, role):
    client = login(getattr(people, role))
    for url in (
        "/rapporter/uppfoljning/",
        f"/rapporter/uppfoljning/{YEAR}/kvartal/",
        f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/",
        f"/rapporter/uppfoljning/kvalitativ/{YEAR}-Q1/",
        f"/rapporter/uppfoljning/utlamnanden/{YEAR}-Q1/decided/under_21/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_manager_of_another_agreement_sees_only_their_own(login, outsider, year_of_cases):
    client = login(outsider)
    response = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/")
    assert response.status_code == 404 or not response.context["cases"]


def test_a_share_lists_its_denominator_and_marks_the_numerator(login, people, year_of_cases):
    client = login(people.manager)
    figure = cells(client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"], "svansen_offered_share")[0]
    response = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/svansen_offered_share/")
    listed = response.context["cases"]
    assert len(listed) == figure.denominator and sum(case.counted for case in listed) == figure.value
    assert "Erbjuden insats" in response.content.decode()


def test_orossamtal_link_to_the_youths_they_were_with(login, people, year_of_cases):
    client = login(people.manager)
    talks = cells(client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").context["report"], "concern_talks")[0]
    listed = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/concern_talks/").context["cases"]
    assert len(listed) == talks.cases and talks.value >= talks.cases > 0


def test_the_start_page_opens_this_year(login, people):
    response = login(people.manager).get("/rapporter/uppfoljning/")
    assert response.status_code == 302
    assert response["Location"].endswith("/kvartal/")


def test_the_report_is_in_the_access_log(login, people, year_of_cases):
    login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    assert AccessLogEntry.objects.filter(page="reports:follow_up", username=people.manager.username).exists()
    assert actor_for(people.manager, people.agreement).has("social_manager")
