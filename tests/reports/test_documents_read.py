"""The documents Samsyn hands out, read as a reader reads them: the text of every kind of PDF (minutes,
follow-up report, statistics, cost comparison, the long reports) extracted with pypdf must hold no Python
repr, no route name, no English word from the list below, and the very figures of the page's table; the
same for an agreement whose category and intervention names are long. Charts are checked for overlapping
and cut labels where they are laid out (tests/reports/test_charts.py, and below for these agreements)."""

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from accesscontrol.actor import actor_for
from accesscontrol.models import Membership
from casework import demo
from casework.models import InterventionType
from config import formatting
from reports import charts, documents
from reports.models import ReportJob
from reports.selectors import statistics as statistics_selectors
from tests.casework import factories as f
from tests.reports.test_charts import outside, overlapping, text_boxes

pytestmark = pytest.mark.django_db

YEAR = 2025
PYTHON_REPR = re.compile(r"\b[A-Z]\w+\(\w+=|<[A-Z]\w*\.[A-Z_]+: |\bNone\b|\bTrue\b|\bFalse\b|object at 0x|\{'")
ROUTE = re.compile(r"\b[a-z]+:[a-z]+_[a-z_]+\b|\b[a-z]+_[a-z]+\b")
PERIOD_CODE = re.compile(r"\b\d{4}-[QTH]\d\b")
ENGLISH = re.compile(
    r"\b(quarter|year|Case event|create|update|delete|occurred|intervention|disclosure|follow-up|target|"
    r"municipal|societal|home|alternative|hvb|sis_open|sis_locked|lifestyle|svansen_identified)\b"
)
LONG_LIFESTYLE = "Unga som riskerar att rekryteras in i kriminalitet som livsstil i kommunens alla bostadsområden"
LONG_SVANSEN = "Yngre syskon och kamrater i svansen runt de identifierade ungdomarna, med föräldrar"


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # One space for any run of spaces and line breaks: a table cell may wrap "50,0 % (10 av 20)".
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def plain(value: str) -> str:
    return re.sub(r"[\u00a0\u202f]+", " ", str(value))


def assert_reads_as_swedish(text: str):
    assert PYTHON_REPR.findall(text) == []
    assert ROUTE.findall(text) == []
    assert PERIOD_CODE.findall(text) == []
    assert ENGLISH.findall(text) == []


def build(people, kind, user=None, years=(YEAR, YEAR)):
    job = ReportJob(
        agreement=people.agreement,
        requested_by=user or people.manager,
        kind=kind,
        file_format="pdf",
        first_year=years[0],
        last_year=years[1],
    )
    return documents.build(job, lambda percent: None).content


def assert_chart_legible(chart):
    figure = chart.figure()
    boxes = text_boxes(figure)
    assert overlapping(boxes) == [] and outside(figure, boxes) == []


@pytest.fixture
def long_names(people, year_of_cases):
    agreement = people.agreement
    agreement.lifestyle_label, agreement.svansen_label = LONG_LIFESTYLE, LONG_SVANSEN
    agreement.save()
    InterventionType.objects.filter(agreement=agreement).update(
        name="Multisystemisk terapi (MST) i hemmet med familjebehandlare och skolkontakt"
    )
    return agreement


def test_the_follow_up_report_reads_as_its_page(login, people, year_of_cases):
    text = text_of(build(people, "follow_up"))
    assert_reads_as_swedish(text)
    for heading in (f"Kvartal 1 {YEAR}", f"Kvartal 4 {YEAR}", f"Tertial 3 {YEAR}", f"Helår {YEAR}"):
        assert heading in text
    page = login(people.manager).get(f"/rapporter/uppfoljning/{YEAR}/kvartal/")
    for line in page.context["report"].rows:
        for figure in line.cells:
            assert plain(figure.text) in text, (line.label, figure.text)


def test_the_cost_comparison_says_what_its_page_says(login, people, year_of_cases):
    text = text_of(build(people, "costs"))
    assert_reads_as_swedish(text)
    comparison = login(people.manager).get(f"/rapporter/kostnader/{YEAR}/").context["comparison"]
    for name, total in comparison.totals.items():
        assert plain(formatting.amount(total)) in text, name
    # The chart's label and the table's cell: the same rounding, twice in the text.
    home = plain(formatting.amount(comparison.total("home_municipal")))
    assert text.count(home) >= 2


def test_the_statistics_pdf_holds_the_published_figures(login, people, year_of_cases):
    client = login(people.management)
    response = client.get(f"/statistik/cases_by_category/{YEAR}/pdf/")
    text = text_of(response.content)
    assert_reads_as_swedish(text)
    table = client.get(f"/statistik/cases_by_category/{YEAR}/").context["table"]
    for row in table.rows:
        for value in row.values:
            assert plain(value.text) in text


def test_the_long_statistics_report_reads_as_swedish(people, year_of_cases):
    assert_reads_as_swedish(text_of(build(people, "statistics", user=people.management)))


def test_the_minutes_read_as_swedish(people, login):
    meeting = f.meeting(people)
    f.identified(people, at=meeting)
    response = login(people.manager).get(reverse("casework:minutes_pdf", args=[meeting.pk]))
    text = text_of(response.content)
    assert_reads_as_swedish(text)
    assert "Protokoll" in text


def test_long_names_stay_legible_in_every_document(login, people, long_names):
    actor_tables = statistics_selectors.statistics_year(actor=actor_for(people.management, long_names), year=YEAR)
    chart, _columns, _rows = charts.quarters_chart(actor_tables, YEAR, long_names)
    assert_chart_legible(chart)
    for table in actor_tables.values():
        table_chart = charts.table_chart(table)
        if table_chart is not None:
            assert_chart_legible(table_chart)
    texts = {}
    for kind, user in (("follow_up", people.manager), ("costs", people.manager), ("statistics", people.management)):
        texts[kind] = text_of(build(people, kind, user=user))
        assert_reads_as_swedish(texts[kind])
    assert "Yngre syskon och kamrater" in texts["statistics"]


def test_the_demo_documents_read_as_swedish(people):
    """The demo year 2025 as built on 15 June 2026 (as tests/casework/test_demo_year.py pins it)."""
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
        agreement, _logins = demo.build_demo(seed=7, year=YEAR)
    manager = Membership.objects.filter(agreement=agreement, role="social_manager").first().user
    management = Membership.objects.filter(agreement=agreement, role="management").first().user
    for kind, user in (("follow_up", manager), ("costs", manager), ("statistics", management)):
        job = ReportJob(
            agreement=agreement, requested_by=user, kind=kind, file_format="pdf", first_year=YEAR, last_year=YEAR
        )
        assert_reads_as_swedish(text_of(documents.build(job, lambda percent: None).content))
