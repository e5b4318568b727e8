"""The report pages in a browser, as the demo's section manager ('chef'), management ('ledning') and sysadmin,
on a year of cases made with the factories; every page passes axe (WCAG 2.1 AA)."""

import re

import pytest
from playwright.sync_api import expect

from accesscontrol.models import User
from casework import demo
from casework.models import Agreement
from reports.models import ReportJob
from tests.e2e.conftest import assert_accessible, sign_in
from tests.reports import factories

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2025


@pytest.fixture
def demo_year(demo_once):
    def build():
        agreement, _logins = demo.build_demo(seed=7, year=YEAR)
        factories.year_of_cases(agreement, YEAR)

    demo_once(build)
    return Agreement.objects.get(name=demo.AGREEMENT_NAME)


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert_accessible(page)


def test_the_section_manager_follows_the_agreement(page, demo_year):
    sign_in(page, User.objects.get(username="chef"), demo.DEMO_PASSWORD)
    visit(page, f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    expect(page.get_by_role("img", name=f"Utfall mot mål {YEAR}")).to_be_visible()
    page.get_by_role("link", name="visa ärendena").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Identifierade"))
    assert_accessible(page)
    visit(page, f"/rapporter/uppfoljning/arenden/{YEAR}-Q1/svansen_offered_share/")  # with the numerator column
    # The follow-ups behind a figure in one state, named, with the states to choose from.
    visit(page, f"/rapporter/uppfoljning/arenden/{YEAR}-Q3/follow_up_in_window_share/?tillstand=missing")
    visit(page, f"/rapporter/uppfoljning/{YEAR}/tertial/")
    visit(page, f"/rapporter/uppfoljning/kvalitativ/{YEAR}-Q2/")
    visit(page, f"/rapporter/kostnader/{YEAR}/")


def test_the_section_manager_orders_a_yearly_report_and_downloads_it(page, demo_year):
    sign_in(page, User.objects.get(username="chef"), demo.DEMO_PASSWORD)
    visit(page, f"/rapporter/langa/?rapport=follow_up&ar={YEAR}")
    page.get_by_label("Excel (XLSX)").check()
    page.get_by_role("button", name="Beställ rapport").click()
    expect(page.get_by_role("heading", name="Rapporten är klar")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner").click()
    assert download.value.suggested_filename == f"samsyn-uppfoljning-{YEAR}.xlsx"


def test_a_report_in_progress_shows_its_progress(page, demo_year):
    chef = User.objects.get(username="chef")
    job = ReportJob.objects.create(
        agreement=demo_year,
        requested_by=chef,
        kind="costs",
        file_format="pdf",
        first_year=YEAR,
        last_year=YEAR,
        status=ReportJob.Status.RUNNING,
        progress=40,
    )
    sign_in(page, chef, demo.DEMO_PASSWORD)
    visit(page, f"/rapporter/langa/{job.pk}/")
    assert page.get_by_label("Rapporten tas fram").get_attribute("value") == "40"
    ReportJob.objects.filter(pk=job.pk).update(progress=80)
    # static/reports/progress.js asks for the status and moves the bar (no inline script: strict CSP).
    expect(page.get_by_label("Rapporten tas fram")).to_have_attribute("value", "80", timeout=10_000)
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED)
    expect(page.get_by_role("heading", name="Rapporten kunde inte tas fram")).to_be_visible(timeout=10_000)


def test_management_reads_the_statistics(page, demo_year):
    sign_in(page, User.objects.get(username="ledning"), demo.DEMO_PASSWORD)
    visit(page, f"/statistik/?ar={YEAR}")
    expect(page.get_by_role("img", name=f"Identifierade ärenden per kvartal {YEAR}")).to_be_visible()
    for url in (
        f"/statistik/targets/{YEAR}/",
        f"/statistik/cases_by_category/{YEAR}-Q1/",
        f"/statistik/cases_by_age/{YEAR}-H2/",
        f"/statistik/costs/{YEAR}/",
        "/statistik/metod/",
        "/statistik/register/",
        "/statistik/api-nyckel/",
        "/rapporter/langa/",
    ):
        visit(page, url)
    page.goto("/statistik/api-nyckel/")
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_role("heading", name="Din nya nyckel")).to_be_visible()
    assert_accessible(page)


def test_management_cannot_open_the_section_managers_report(page, demo_year):
    sign_in(page, User.objects.get(username="ledning"), demo.DEMO_PASSWORD)
    assert page.goto(f"/rapporter/uppfoljning/{YEAR}/kvartal/").status == 403


def test_the_sysadmin_keeps_the_cost_index(page, demo_year):
    sign_in(page, User.objects.get(username="sysadmin"), demo.DEMO_PASSWORD)
    visit(page, "/rapporter/kostnadsindex/")
    page.get_by_label("Index", exact=True).fill("KPI")
    page.get_by_label("År").fill("2024")
    page.get_by_label("Indexvärde").fill("0")
    page.get_by_label("Källa").fill("SCB")
    page.get_by_label("Gäller bara den här överenskommelsen").check()  # the common series is not theirs
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Indexvärdet måste vara större än noll.").first).to_be_visible()
    assert_accessible(page)
