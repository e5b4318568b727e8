"""The social manager follows the agreement: targets per quarter, tertial and year, the cases behind every
figure, disclosures per legal basis and period, and the qualitative part. Nobody else sees it."""

import datetime

import pytest

from accesscontrol.actor import actor_for
from audit.models import AccessLogEntry
from casework.models import LegalBasis, Target
from casework.periods import Period, PeriodKind
from reports.selectors.follow_up import target_metrics
from reports.targets import targets_for_period
from tests.reports import factories

YEAR = 2025


def figures(response, metric):
    row = next(row for row in response.context["report"].rows if row.metric == metric)
    return [figure.value for figure in row.figures]


def test_it_shows_each_target_per_quarter_with_its_outcome(login, people, year_of_cases):
    response = login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    assert response.status_code == 200
    lifestyle = [c for c in year_of_cases if c.category == "lifestyle"]
    expected = [sum(1 for c in lifestyle if (c.raised_on.month - 1) // 3 == q) for q in range(4)]
    assert figures(response, Target.Metric.LIFESTYLE_IDENTIFIED) == expected
    assert figures(response, Target.Metric.MEETINGS) == [1, 1, 1, 1]
    row = next(r for r in response.context["report"].rows if r.metric == Target.Metric.SVANSEN_IDENTIFIED)
    assert row.figures[0].target.value == 4
    assert row.figures[0].met is True
    assert 'role="img"' in response.content.decode()


def test_it_reports_per_tertial_and_per_year(login, people, year_of_cases):
    client = login(people.manager)
    tertials = client.get(f"/rapporter/uppfoljning/{YEAR}/tertial/")
    assert [p.code for p in tertials.context["report"].periods] == [f"{YEAR}-T1", f"{YEAR}-T2", f"{YEAR}-T3"]
    whole = client.get(f"/rapporter/uppfoljning/{YEAR}/ar/")
    lifestyle = sum(1 for c in year_of_cases if c.category == "lifestyle")
    assert figures(whole, Target.Metric.LIFESTYLE_IDENTIFIED) == [lifestyle]
    assert figures(whole, Target.Metric.HOT_SPOT_VISITS) == [4]
    assert client.get(f"/rapporter/uppfoljning/{YEAR}/halvar/").status_code == 404


def test_shares_count_svansen_offered_and_follow_ups_in_time(people, year_of_cases):
    year = Period(YEAR, PeriodKind.YEAR, 1)
    metrics = target_metrics(agreement=people.agreement, periods=[year])[year]
    offered = metrics[Target.Metric.SVANSEN_OFFERED_SHARE]
    svansen = [c for c in year_of_cases if c.category == "svansen"]
    assert offered.denominator == len(svansen)
    assert offered.numerator == sum(1 for c in svansen if c.interventions.exists())
    in_time = metrics[Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE]
    assert in_time.numerator <= in_time.denominator
    assert in_time.value == round(100 * in_time.numerator / in_time.denominator)


def test_each_figure_links_to_the_cases_behind_it(login, people, year_of_cases):
    client = login(people.manager)
    page = client.get(f"/rapporter/uppfoljning/{YEAR}/kvartal/").content.decode()
    assert f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/" in page
    response = client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/lifestyle_identified/")
    shown = {case.number for case in response.context["cases"]}
    expected = {c.number for c in year_of_cases if c.category == "lifestyle" and c.raised_on.month <= 3}
    assert shown == expected
    entry = AccessLogEntry.objects.filter(page="reports:follow_up_cases").latest("at")
    assert set(entry.case_ids) == {str(c.pk) for c in year_of_cases if c.number in expected}
    assert client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/meetings/").status_code == 404
    assert client.get(f"/rapporter/uppfoljning/arenden/{YEAR}-05-01/lifestyle_identified/").status_code == 404


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


def test_targets_are_scaled_to_the_period_and_shares_are_not(agreement):
    targets = {kind: targets_for_period(agreement, Period(YEAR, kind, 1)) for kind in PeriodKind}
    assert targets[PeriodKind.QUARTER][Target.Metric.LIFESTYLE_IDENTIFIED].value == 2
    assert targets[PeriodKind.TERTIAL][Target.Metric.LIFESTYLE_IDENTIFIED].value == 3
    assert targets[PeriodKind.YEAR][Target.Metric.LIFESTYLE_IDENTIFIED].value == 8
    assert targets[PeriodKind.QUARTER][Target.Metric.MEETINGS].value == 1
    assert targets[PeriodKind.QUARTER][Target.Metric.SVANSEN_OFFERED_SHARE].value == 100


def test_the_start_page_opens_this_year(login, people):
    response = login(people.manager).get("/rapporter/uppfoljning/")
    assert response.status_code == 302
    assert response["Location"].endswith("/kvartal/")


def test_the_report_is_in_the_access_log(login, people, year_of_cases):
    login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    assert AccessLogEntry.objects.filter(page="reports:follow_up", username=people.manager.username).exists()
    assert actor_for(people.manager, people.agreement).has("social_manager")
