"""Management reads the statistics catalogue: pages, charts beside tables, files; nobody else does."""

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from audit.models import AccessLogEntry
from reports import catalogue
from reports.models import ReleasedTable
from tests.reports import factories

YEAR = 2025
# The tests read one year of cases, built once for the module (tests/reports/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_year")]
NOT_MANAGEMENT = ["manager", "caseworker", "field_worker", "police", "sysadmin", "auditor"]


def test_it_shows_the_catalogue_with_a_chart_and_its_data_table(login, people, year_of_cases):
    response = login(people.management).get(f"/statistik/?ar={YEAR}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<img class="samsyn-chart" src="data:image/svg+xml;base64,' in html and 'alt="Identifierade ärenden' in html
    assert "Diagrammets siffror" in html
    for entry in catalogue.TABLES:
        assert f"/statistik/{entry.code}/{YEAR}/" in html


@pytest.mark.parametrize("table", [entry.code for entry in catalogue.TABLES])
def test_it_shows_every_table_of_the_year(login, people, year_of_cases, table):
    response = login(people.management).get(f"/statistik/{table}/{YEAR}/")
    assert response.status_code == 200
    assert response.context["table"].available
    assert 'class="govuk-table"' in response.content.decode()


def test_it_shows_quarters_and_half_years_when_they_have_enough_persons(login, people, year_of_cases):
    client = login(people.management)
    for period in (f"{YEAR}-Q1", f"{YEAR}-Q4", f"{YEAR}-H2"):
        response = client.get(f"/statistik/cases_by_category/{period}/")
        assert response.context["table"].available, period


def test_a_small_quarter_is_merged_into_the_year_and_says_so(login, people, year_of_cases, settings):
    settings.SAMSYN_SMALL_POPULATION_GUARD = 1000
    client = login(people.management)
    quarter = client.get(f"/statistik/cases_by_age/{YEAR}-Q2/")
    assert quarter.status_code == 200
    assert not quarter.context["table"].available
    assert f"sammanslagen med helår {YEAR}" in quarter.content.decode()
    assert client.get(f"/statistik/cases_by_age/{YEAR}/").context["table"].available
    # The agreement's own figures are exact and published for the quarter all the same.
    assert client.get(f"/statistik/targets/{YEAR}-Q2/").context["table"].available


def test_the_index_says_when_a_period_is_published_or_which_period_it_is_merged_into(
    login, people, year_of_cases, settings
):
    settings.SAMSYN_SMALL_POPULATION_GUARD = 1000
    with time_machine.travel(datetime.datetime(YEAR, 12, 6, 12), tick=False):
        html = login(people.management).get(f"/statistik/?ar={YEAR}").content.decode()
    assert "redovisas inte för sig" not in html
    assert f"(sammanslagen med helår {YEAR})" in html  # a small quarter, as its own page says
    assert f"(publiceras {YEAR + 1}-01-14)" in html  # the fourth quarter, and the year's breakdowns
    assert "(preliminär)" in html  # the year's exact tables


def test_it_refuses_a_table_outside_the_catalogue_or_a_free_period(login, people, year_of_cases):
    client = login(people.management)
    assert client.get(f"/statistik/persons/{YEAR}/").status_code == 404
    assert client.get(f"/statistik/cases_by_category/{YEAR}-03-01/").status_code == 404
    assert client.get(f"/statistik/costs/{YEAR}-Q1/").status_code == 404
    assert client.get(f"/statistik/cases_by_category/{YEAR}-T1/").status_code == 404
    assert client.get("/statistik/?ar=1999").status_code == 404


def test_query_parameters_do_not_change_a_table(login, people, year_of_cases):
    client = login(people.management)
    plain = client.get(f"/statistik/cases_by_area/{YEAR}/").context["table"]
    narrowed = client.get(f"/statistik/cases_by_area/{YEAR}/?from={YEAR}-03-01&to={YEAR}-03-02&area=1")
    assert narrowed.context["table"] == plain


@pytest.mark.parametrize("role", NOT_MANAGEMENT)
def test_other_roles_cannot_use_the_management_pages(login, people, year_of_cases, role):
    client = login(getattr(people, role))
    for url in (
        "/statistik/",
        f"/statistik/cases_by_category/{YEAR}/",
        f"/statistik/cases_by_category/{YEAR}/xlsx/",
        "/statistik/register/",
        "/statistik/api-nyckel/",
    ):
        assert client.get(url).status_code == 403, url
    assert AccessLogEntry.objects.filter(outcome="denied", username=getattr(people, role).username).exists()


def test_a_manager_of_another_agreement_is_refused(login, outsider, year_of_cases):
    assert login(outsider).get(f"/statistik/cases_by_category/{YEAR}/").status_code == 403


def test_every_read_is_in_the_access_log(login, people, year_of_cases):
    client = login(people.management)
    client.get(f"/statistik/targets/{YEAR}/")
    client.get(f"/statistik/targets/{YEAR}/csv/")
    entries = AccessLogEntry.objects.filter(username=people.management.username, outcome="shown")
    assert entries.filter(page="reports:statistics_table", export=False, case_ids=[]).exists()
    assert entries.filter(page="reports:statistics_file", export=True, case_ids=[]).exists()


def test_it_exports_a_table_as_xlsx_csv_and_pdf(login, people, year_of_cases):
    client = login(people.management)
    page = client.get(f"/statistik/cases_by_gender/{YEAR}/").context["table"]
    workbook = load_workbook(io.BytesIO(client.get(f"/statistik/cases_by_gender/{YEAR}/xlsx/").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "Totalt")
    assert total[1] == page.rows[-1].values[0].number
    csv = client.get(f"/statistik/cases_by_gender/{YEAR}/csv/")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Totalt;" in csv.content.decode("utf-8-sig")
    pdf = client.get(f"/statistik/cases_by_gender/{YEAR}/pdf/")
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/statistik/cases_by_gender/{YEAR}/docx/").status_code == 404


def test_the_same_table_is_the_same_every_time_and_registered_once(login, people, year_of_cases):
    client = login(people.management)
    first = client.get(f"/statistik/cases_by_age/{YEAR}/").context["table"]
    second = client.get(f"/statistik/cases_by_age/{YEAR}/").context["table"]
    assert first == second
    assert ReleasedTable.objects.filter(table="cases_by_age", period=str(YEAR)).count() == 1


def test_a_correction_is_a_new_revision_that_keeps_unchanged_cells(login, people, year_of_cases):
    """On the next fixed revision day (14 April 2026 after a release in February; tests/reports/
    test_revision_schedule.py)."""
    noon = datetime.time(12, tzinfo=datetime.UTC)
    with time_machine.travel(datetime.datetime.combine(datetime.date(2026, 2, 2), noon), tick=False):
        before = login(people.management).get(f"/statistik/cases_by_gender/{YEAR}/").context["table"]
    girl = next(case for case in year_of_cases if case.person.gender == "girl")
    girl.person.gender = "other"
    girl.person.save()
    with time_machine.travel(datetime.datetime.combine(datetime.date(2026, 4, 14), noon), tick=False):
        after = login(people.management).get(f"/statistik/cases_by_gender/{YEAR}/").context["table"]
    assert after.revision == before.revision + 1
    boys_before, boys_after = (next(r for r in t.rows if r.code == "boy").values[0] for t in (before, after))
    assert boys_before == boys_after
    assert ReleasedTable.objects.filter(table="cases_by_gender", period=str(YEAR)).count() == 2


def test_a_later_category_change_does_not_change_a_past_periods_tables(login, people, year_of_cases):
    """Cases count in the category they were identified in (casework.selectors.targets): a change of category
    afterwards is no correction of the year's statistics."""
    client = login(people.management)
    urls = [
        f"/statistik/{table}/{period}/" for table in ("cases_by_category", "targets") for period in (YEAR, f"{YEAR}-Q1")
    ]
    before = [client.get(url).context["table"] for url in urls]
    svansen = next(case for case in year_of_cases if case.category == "svansen" and case.raised_on.month == 1)
    factories.change_category(people, svansen, changed_on=datetime.date(YEAR, 12, 1))
    assert [client.get(url).context["table"] for url in urls] == before
    assert not ReleasedTable.objects.filter(revision__gt=1).exists()


def test_the_method_page_states_the_parameters(login, people):
    html = login(people.management).get("/statistik/metod/").content.decode()
    assert "&lt;5" in html and "20 personer" in html and "+2" in html


def test_the_register_lists_released_tables(login, people, year_of_cases):
    client = login(people.management)
    client.get(f"/statistik/costs/{YEAR}/")
    html = client.get("/statistik/register/").content.decode()
    assert f"/statistik/costs/{YEAR}/" in html


def test_the_key_page_shows_how_to_send_the_key(login, people):
    page = login(people.management).get("/statistik/api-nyckel/").content.decode()
    assert "Authorization: Token &lt;nyckel&gt;" in page and "</nyckel>" not in page


def test_a_downloaded_table_is_named_by_its_title(login, people, year_of_cases):
    response = login(people.management).get(f"/statistik/cases_by_category/{YEAR}/csv/")
    assert response["Content-Disposition"].startswith('attachment; filename="samsyn-')
    assert "cases_by_category" not in response["Content-Disposition"]
